#!/usr/bin/env bash
# Creates (or reuses) the Debian 13 root that builds, tests and demos run in.
# The root is cached outside the repository, keyed by the package list, so it
# is rebuilt exactly when that list changes. Prints the root's path.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pkglist="$here/root-packages.txt"
cache=${SIGMAVAULT_ROOT_CACHE:-/var/cache/sigmavault}
mirror=${SIGMAVAULT_MIRROR:-http://deb.debian.org/debian}

key=$( (grep -v '^#' "$pkglist"; echo "$mirror"; echo v1) | sha256sum | cut -c1-16)
root="$cache/trixie-$key"

if [ -f "$root/.sigmavault-ready" ]; then
    echo "$root"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "mkroot: creating the Debian 13 root needs root (debootstrap, chroot)" >&2
    exit 1
fi
if ! command -v debootstrap >/dev/null; then
    echo "mkroot: installing debootstrap on the host" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
# Another run may have finished it while we waited for the lock.
if [ -f "$root/.sigmavault-ready" ]; then echo "$root"; exit 0; fi

tmp="$root.partial"
cleanup() {
    for m in dev/pts dev proc sys; do
        mountpoint -q "$tmp/$m" 2>/dev/null && umount -l "$tmp/$m"
    done
    return 0
}
trap cleanup EXIT
cleanup
rm -rf "$tmp"

echo "mkroot: debootstrap trixie into $tmp" >&2
debootstrap --variant=minbase --components=main,contrib trixie "$tmp" "$mirror" >&2

cat >"$tmp/etc/apt/sources.list" <<SRC
deb $mirror trixie main contrib
SRC
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$tmp/etc/apt/apt.conf.d/90sigmavault"
# Services must not start inside the root while packages are installed.
printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
chmod +x "$tmp/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$tmp/etc/resolv.conf"

mount -t proc proc "$tmp/proc"
mount --rbind /sys "$tmp/sys"
mount --bind /dev "$tmp/dev"
mount --bind /dev/pts "$tmp/dev/pts"

mapfile -t pkgs < <(grep -v -e '^#' -e '^$' "$pkglist")
chroot "$tmp" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
chroot "$tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >&2
chroot "$tmp" apt-get clean
# A test user without privileges, for polkit and permission tests.
chroot "$tmp" useradd --create-home --uid 1500 --shell /bin/bash svuser >&2 || true

cleanup
touch "$tmp/.sigmavault-ready"
# Older roots (other package lists) are dropped so the cache does not grow,
# unless a run still has one as the lower layer of its overlay.
for old in "$cache"/trixie-*; do
    [ "$old" = "$tmp" ] && continue
    [ -d "$old" ] || continue
    if grep -qF "lowerdir=$old" /proc/self/mounts; then
        echo "mkroot: keeping $old, still in use" >&2
        continue
    fi
    rm -rf --one-file-system "$old"
done
mv "$tmp" "$root"
echo "$root"
