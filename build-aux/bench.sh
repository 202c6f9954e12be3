#!/usr/bin/env bash
# Runs SigmaVault's benchmarks (tests/bench/bench.ts) against the installed
# SigmaVault, inside the Debian 13 root: `make bench` installs first, then
# calls this with the build directory. Prints a table and writes
# BUILDDIR/bench.json (or $SIGMAVAULT_BENCH_JSON); logs, screenshots and the
# raw samples go to $SIGMAVAULT_ARTIFACTS (default BUILDDIR/artifacts/bench).
# Exits non-zero only when a figure could not be measured.
# Usage: build-aux/bench.sh [BUILDDIR]
set -euo pipefail
builddir=$(cd "${1:-build}" && pwd)
bench="$builddir/js/tests/bench/bench.js"
if [ ! -f "$bench" ]; then
    echo "bench.sh: $bench is missing; build first (make bench BUILDDIR=…)" >&2
    exit 2
fi
if [ "$(id -u)" -ne 0 ] || ! grep -qs '^13' /etc/debian_version; then
    echo "bench.sh: runs as root inside the Debian 13 root (make bench does that)" >&2
    exit 2
fi
export SIGMAVAULT_ARTIFACTS=${SIGMAVAULT_ARTIFACTS:-$builddir/artifacts/bench}
export SIGMAVAULT_BENCH_JSON=${SIGMAVAULT_BENCH_JSON:-$builddir/bench.json}
mkdir -p "$SIGMAVAULT_ARTIFACTS"
exec gjs -m "$bench" --json "$SIGMAVAULT_BENCH_JSON"
