#!/usr/bin/env bash
# `make demo`, inside the Debian 13 root after `meson install`: a private
# system bus, zfs-fuse with two demo pools on sparse files (one healthy
# mirror with some files, one mirror with a device taken offline, three
# spare files to create a pool on), then
# SigmaVault Settings on the caller's display, or, with no display, under
# Xvfb with a screenshot saved into the repository's build directory.
set -euo pipefail

out=${SIGMAVAULT_DEMO_DIR:-/src/build/demo}
disks=/var/tmp/sigmavault-demo
mkdir -p "$out" "$disks" /run/dbus /run/lock /var/lib/zfs

pids=()
cleanup() {
    zpool destroy -f tank 2>/dev/null || true
    zpool destroy -f archive 2>/dev/null || true
    local daemon
    daemon=$(gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetConnectionUnixProcessID com.sigmavault.Daemon 2>/dev/null |
        grep -o '[0-9]\+' | head -n1 || true)
    if [ -n "$daemon" ]; then
        kill "$daemon" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
    fi
    local i
    for ((i=${#pids[@]}-1; i>=0; i--)); do
        kill "${pids[$i]}" 2>/dev/null || true
        wait "${pids[$i]}" 2>/dev/null || true
    done
    rm -rf "$disks"
}
trap cleanup EXIT

dbus-uuidgen --ensure
dbus-daemon --system --nofork --nopidfile & pids+=($!)
for _ in $(seq 50); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.1; done
zfs-fuse --no-daemon --no-kstat-mount >"$out/zfs-fuse.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do zpool list >/dev/null 2>&1 && break; sleep 0.1; done

truncate -s 256M "$disks"/tank-a "$disks"/tank-b "$disks"/archive-a "$disks"/archive-b
zpool create -f tank mirror "$disks"/tank-a "$disks"/tank-b
zpool create -f archive mirror "$disks"/archive-a "$disks"/archive-b
zfs create tank/photos
# Some real files, so capacity is not zero.
cp -r /usr/share/doc /tank/photos/ 2>/dev/null || true
zpool offline archive "$disks"/archive-b
# Spare sparse files the Create Pool dialog offers (files are allowed as pool
# devices only under directories listed in file-vdev-roots.conf).
truncate -s 256M "$disks"/new-a "$disks"/new-b "$disks"/new-c
mkdir -p /etc/sigmavault
echo "$disks" > /etc/sigmavault/file-vdev-roots.conf

echo "Demo pools:"
sigmavaultctl pool list

if [ -n "${DISPLAY:-}" ] && [ -S "/tmp/.X11-unix/X${DISPLAY#*:}" ]; then
    echo "Showing SigmaVault Settings on $DISPLAY; close the window to end the demo."
    dbus-run-session -- sigmavault-settings
else
    shot="$out/sigmavault-settings.png"
    Xvfb :77 -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 & pids+=($!)
    for _ in $(seq 50); do [ -S /tmp/.X11-unix/X77 ] && break; sleep 0.1; done
    DISPLAY=:77 GSETTINGS_BACKEND=memory GTK_A11Y=none \
        dbus-run-session -- sigmavault-settings --screenshot="$shot" >/dev/null
    echo "No display: SigmaVault Settings ran under Xvfb. Screenshot: ${shot#/src/}"
fi
