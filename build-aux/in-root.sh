#!/usr/bin/env bash
# Runs a command inside a throwaway copy of the Debian 13 root: an overlay on
# the cached root, the repository bind-mounted at /src, with /dev (and
# /dev/fuse), /proc, /sys and a fresh /run and /tmp. Everything it mounts is
# unmounted and every process left inside is stopped when the command ends,
# fails or is interrupted. Usage: in-root.sh COMMAND [ARG...]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
lower=$("$here/mkroot.sh")

run=$(mktemp -d /var/tmp/sigmavault-run.XXXXXX)
mnt="$run/root"
mkdir -p "$run/upper" "$run/work" "$mnt"

mounted=()
teardown() {
    local status=$?
    trap - EXIT INT TERM HUP
    # Stop whatever the command left running inside the root, by pid.
    local pids=()
    for p in /proc/[0-9]*; do
        if [ "$(readlink "$p/root" 2>/dev/null)" = "$mnt" ]; then pids+=("${p#/proc/}"); fi
    done
    if [ ${#pids[@]} -gt 0 ]; then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        sleep 1
        kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
    # fusermount-style mounts made inside (zfs-fuse datasets) live under $mnt too.
    grep -F " $mnt" /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do
        umount -l "$(printf '%b' "$m")" 2>/dev/null || true
    done
    local i
    for ((i=${#mounted[@]}-1; i>=0; i--)); do
        mountpoint -q "${mounted[$i]}" && umount -l "${mounted[$i]}" 2>/dev/null
    done
    rm -rf --one-file-system "$run"
    exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

do_mount() { # do_mount TARGET MOUNT-ARGS...
    local target=$1; shift
    mkdir -p "$target"
    mount "$@" "$target"
    mounted+=("$target")
}

do_mount "$mnt" -t overlay overlay -o "lowerdir=$lower,upperdir=$run/upper,workdir=$run/work"
do_mount "$mnt/proc" -t proc proc
do_mount "$mnt/sys" --rbind /sys
do_mount "$mnt/dev" --bind /dev
do_mount "$mnt/dev/pts" --bind /dev/pts
do_mount "$mnt/run" -t tmpfs -o mode=0755 tmpfs
mkdir -p "$mnt/run/lock" && chmod 1777 "$mnt/run/lock"
do_mount "$mnt/tmp" -t tmpfs -o mode=1777 tmpfs
do_mount "$mnt/src" --bind "$repo"
# ../shared (recorded tool output, the design) sits beside the checkout.
if [ -d "$repo/../shared" ]; then
    do_mount "$mnt/shared" --bind "$repo/../shared" -o ro
fi
# The cached root itself, read-only: build-aux/test-packages.sh installs the
# .debs into an overlay of it, a copy where SigmaVault is not yet installed.
do_mount "$mnt/var/lib/sigmavault-clean-root" --bind "$lower" -o ro
# The demo shows on the caller's X display when there is one.
if [ -n "${SIGMAVAULT_DISPLAY:-}" ] && [ -d /tmp/.X11-unix ]; then
    do_mount "$mnt/tmp/.X11-unix" --bind /tmp/.X11-unix
fi
# npm's cache outside the throwaway copy, so installs are fast the second time.
mkdir -p /var/cache/sigmavault/npm
do_mount "$mnt/root/.npm" --bind /var/cache/sigmavault/npm
cp /etc/resolv.conf "$mnt/etc/resolv.conf"
# The host's trust store, so package registries reached through the host's
# TLS setup (proxies included) are trusted inside the copy as well.
cp /etc/ssl/certs/ca-certificates.crt "$mnt/etc/ssl/certs/ca-certificates.crt"
[ -f "$HOME/.npmrc" ] && grep -v '^nodedir' "$HOME/.npmrc" >"$mnt/root/.npmrc" || true

chroot "$mnt" /usr/bin/env -i \
    HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SIGMAVAULT_IN_ROOT=1 CI="${CI:-}" DISPLAY="${SIGMAVAULT_DISPLAY:-}" \
    /bin/bash -c 'cd /src && exec "$@"' in-root "$@"
