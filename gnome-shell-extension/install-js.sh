#!/bin/sh
# Installs the extension's compiled JavaScript (produced by the top-level
# js_build target) and the shared modules it imports, which the extension
# loads from its own directory: ./shared/<name>.js.
# Usage: install-js.sh JS-BUILD-DIR EXTENSION-DIR
set -eu
js=$1
dest="${DESTDIR:-}$2"
mkdir -p "$dest/shared"
for f in "$js"/gnome-shell-extension/*.js; do
    install -m 0644 "$f" "$dest/"
done
for name in health dbus-names; do
    install -m 0644 "$js/src/shared/$name.js" "$dest/shared/"
done
