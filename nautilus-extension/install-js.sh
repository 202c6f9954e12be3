#!/bin/sh
# Installs the compiled Files menu provider (produced by the top-level js_build
# target) where sigmavault-nautilus.so loads it from. The shared modules it
# imports (../src/shared/*.js) are installed with the rest of the tree.
# Usage: install-js.sh JS-BUILD-DIR DEST-DIR
set -eu
js=$1
dest="${DESTDIR:-}$2"
mkdir -p "$dest"
for f in "$js"/nautilus-extension/*.js; do
    install -m 0644 "$f" "$dest/"
done
