#!/bin/sh
# Installs the compiled JavaScript tree (Meson cannot install a directory a
# custom target produced). The generated config.js is installed by Meson.
set -eu
src=$1
dest="${DESTDIR:-}$2"
mkdir -p "$dest"
cp -R "$src/src" "$dest/"
