#!/usr/bin/env bash
# Builds SigmaVault's Debian packages (debhelper driving Meson, packaging in
# build-aux/debian/) and runs lintian on them. Runs inside the Debian 13 root
# (`make deb`, after `npm ci`). The design keeps the top level fixed, so the
# source tree is copied into a temporary directory and debian/ is added there;
# the working tree is never written to, except debian-out/, which receives the
# .deb, .changes and .buildinfo files and lintian's report.
# Exits non-zero when the build fails or lintian reports an error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
out="$repo/debian-out"

for tool in dpkg-buildpackage dpkg-parsechangelog lintian; do
    command -v "$tool" >/dev/null || { echo "make-deb: $tool not found (run inside the root: make deb)" >&2; exit 1; }
done
# esbuild comes from node_modules; the build itself must not touch the network.
if [ ! -x "$repo/node_modules/.bin/esbuild" ]; then
    echo "make-deb: node_modules is missing or incomplete: run 'npm ci' first (make deb does)" >&2
    exit 1
fi

version=$(dpkg-parsechangelog -l "$here/debian/changelog" -S Version)
upstream=${version%-*}

work=$(mktemp -d "${TMPDIR:-/tmp}/sigmavault-deb.XXXXXX")
cleanup() { rm -rf --one-file-system "$work"; }
trap cleanup EXIT

# The tree as it is in the working copy (uncommitted files included), without
# VCS data, Meson build directories (build, build-*, but build-aux is source),
# earlier packages, or node_modules (linked below instead of copied: 300 MB).
src="$work/sigmavault-$upstream"
mkdir "$src"
excludes=(--exclude=./.git --exclude=./debian-out --exclude=./node_modules --exclude=./debian)
while IFS= read -r -d '' d; do
    excludes+=("--exclude=./${d#./}")
done < <(cd "$repo" && find . -mindepth 1 -maxdepth 1 -type d -name 'build*' ! -name build-aux -print0)
tar -C "$repo" "${excludes[@]}" -cf - . | tar -C "$src" -xf -
cp -R "$here/debian" "$src/debian"
# A symlink: esbuild.mjs resolves 'esbuild' from the tree's node_modules, and
# dh_clean's search for editor backups does not follow it into the repo.
ln -s "$repo/node_modules" "$src/node_modules"

# The Shell and Nautilus extensions are written in parallel with the rest.
# While such a subdirectory is really empty (only its placeholder meson.build,
# which installs nothing), its package is left out with a warning instead of
# failing dh_install; once it has any content, its package is built and must
# install its files like every other.
skip=""
for pair in gnome-shell-extension:gnome-shell-extension-sigmavault \
            nautilus-extension:nautilus-extension-sigmavault; do
    dir=$repo/${pair%%:*}
    pkg=${pair#*:}
    if [ -z "$(find "$dir" -type f ! -name meson.build -print -quit)" ] &&
       ! grep -qv -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$dir/meson.build"; then
        echo "make-deb: WARNING: ${pair%%:*}/ is still empty: $pkg is not built" >&2
        skip+=" -N$pkg"
    fi
done

echo "make-deb: building sigmavault $version in $src" >&2
(cd "$src" && SIGMAVAULT_DH_SKIP="$skip" dpkg-buildpackage -b -us -uc -jauto)

rm -rf "$out"
mkdir -p "$out"
changes=""
for f in "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo; do
    [ -e "$f" ] || continue
    mv "$f" "$out/"
    case "$f" in *.changes) changes="$out/$(basename "$f")" ;; esac
done
if [ -z "$changes" ]; then
    echo "make-deb: dpkg-buildpackage produced no .changes file" >&2
    exit 1
fi

# Errors fail the build; warnings, info tags and overridden tags (each override
# carries a comment saying why) are shown so they stay visible.
echo "make-deb: lintian $changes" >&2
# lintian advises against running as root, and it only needs to read.
as_user=()
if [ "$(id -u)" = 0 ]; then
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp)
fi
status=0
"${as_user[@]}" lintian --fail-on error --display-info --show-overrides "$changes" 2>&1 | tee "$out/lintian.log" || status=$?
if [ "$status" -ne 0 ]; then
    echo "make-deb: lintian reported errors (see $out/lintian.log)" >&2
    exit "$status"
fi
# Marks the packages as built and checked: test-packages.sh rebuilds when the
# tree is newer than this stamp, or when it is missing (a failed lintian run).
touch "$out/.lintian-passed"
ls -l "$out"
