#!/bin/sh
# Lists the TypeScript sources esbuild compiles, for Meson's dependency tracking.
cd "$(dirname "$0")/.." && find src gnome-shell-extension nautilus-extension tests -name '*.ts' ! -name '*.d.ts' ! -path '*/types/*' | sort
