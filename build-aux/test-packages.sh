#!/usr/bin/env bash
# The package test (Meson suite 'package'), run inside the Debian 13 root.
# Builds the .debs (build-aux/make-deb.sh) when debian-out/ is missing or older
# than the tree, installs them with dpkg into a clean copy of the root and
# checks that every part landed in its system location, that polkit and the
# system bus read the packaged files, that a call to com.sigmavault.Daemon on
# a private system bus D-Bus-activates the packaged daemon, and that the
# packages purge cleanly. Prints TAP.
#
# "Clean copy": the root the tests run in already has SigmaVault
# `meson install`ed into /usr, so the copy is an overlay (upper layer on a
# tmpfs) of the cached root itself, which in-root.sh bind-mounts read-only at
# /var/lib/sigmavault-clean-root. Everything mounted or started here is
# unmounted or stopped on exit, processes by pid.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
out="$repo/debian-out"
clean=${SIGMAVAULT_CLEAN_ROOT:-/var/lib/sigmavault-clean-root}
packages=(sigmavault-daemon sigmavault-settings gnome-shell-extension-sigmavault nautilus-extension-sigmavault)
uuid=sigmavault@sigmavault.com
bus_name=com.sigmavault.Daemon
manager_path=/com/sigmavault/Daemon/Manager
plan=23

if [ ! -d "$clean/usr/bin" ]; then
    echo "1..0 # SKIP no clean root at $clean (run through build-aux/in-root.sh, e.g. make check)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "1..0 # SKIP needs root (mounts an overlay, chroots, runs dpkg)"
    exit 0
fi
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

echo "1..$plan"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
# check DESCRIPTION COMMAND...: one TAP line from the command's status; its
# output goes to stderr, which Meson keeps in the test log.
# Sets $passed (1 or 0) for checks whose failure needs more diagnostics.
passed=0
check() {
    local desc=$1; shift
    if "$@" >&2; then passed=1; ok "$desc"; else passed=0; not_ok "$desc"; fi
}
diag() { printf '# %s\n' "$@" >&2; }

# --- 1. packages -------------------------------------------------------------
# Rebuilt when there is no build that passed lintian, or any source file is
# newer than it (Meson build dirs, .git, node_modules and debian-out aside).
stamp="$out/.lintian-passed"
stale() {
    [ -n "${SIGMAVAULT_REBUILD_DEBS:-}" ] && return 0
    [ -e "$stamp" ] || return 0
    [ -n "$(cd "$repo" && find . \( -path ./.git -o -path ./debian-out -o -path ./node_modules \
        -o \( -path './build*' ! -path ./build-aux \) \) -prune -o -type f -newer "$stamp" -print -quit)" ]
}
if stale; then
    if "$here/make-deb.sh" >&2; then
        ok "make-deb.sh builds the packages with debhelper and lintian reports no errors"
    else
        not_ok "make-deb.sh builds the packages with debhelper and lintian reports no errors"
        echo "Bail out! the packages could not be built (see the log)"
        exit 1
    fi
else
    ok "make-deb.sh builds the packages with debhelper and lintian reports no errors # debian-out is up to date"
fi

debs=()
missing=()
for p in "${packages[@]}"; do
    f=$(find "$out" -maxdepth 1 -name "${p}_*.deb" -print -quit)
    if [ -n "$f" ]; then debs+=("$f"); else missing+=("$p"); fi
done
[ ${#missing[@]} -eq 0 ] || diag "not built: ${missing[*]}"
check "debian-out has the four packages" test ${#missing[@]} -eq 0

# --- the clean copy ----------------------------------------------------------
run=$(mktemp -d /tmp/sigmavault-pkgtest.XXXXXX)
copy="$run/root"
mounted=()
pids=()
do_mount() { # do_mount TARGET MOUNT-ARGS...
    local target=$1; shift
    mkdir -p "$target"
    mount "$@" "$target"
    mounted+=("$target")
}
teardown() {
    local status=$?
    trap - EXIT INT TERM HUP
    # What this script started (bus, daemon, polkitd), then anything else
    # whose root is the copy (a maintainer script's leftover), by pid.
    local p left=()
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$copy" ] && left+=("${p#/proc/}")
    done
    pids+=("${left[@]}")
    if [ ${#pids[@]} -gt 0 ]; then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "${pids[@]}" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
    # Mounts made under the copy by others (none expected), deepest first.
    grep -F " $run/" /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do
        m=$(printf '%b' "$m")
        case " ${mounted[*]} " in *" $m "*) ;; *) umount -l "$m" 2>/dev/null || true ;; esac
    done
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        mountpoint -q "${mounted[$i]}" && umount -R -l "${mounted[$i]}" 2>/dev/null
    done
    rm -rf --one-file-system "$run"
    exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Upper and work dirs on a tmpfs: the copy leaves nothing on disk.
do_mount "$run/rw" -t tmpfs -o mode=0755 tmpfs
mkdir -p "$run/rw/upper" "$run/rw/work"
do_mount "$copy" -t overlay overlay -o "lowerdir=$clean,upperdir=$run/rw/upper,workdir=$run/rw/work"
do_mount "$copy/proc" -t proc proc
do_mount "$copy/sys" --rbind /sys
do_mount "$copy/dev" --bind /dev
do_mount "$copy/dev/pts" --bind /dev/pts
do_mount "$copy/run" -t tmpfs -o mode=0755 tmpfs
mkdir -p "$copy/run/lock" && chmod 1777 "$copy/run/lock"

in_copy() {
    chroot "$copy" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# --- install -----------------------------------------------------------------
mkdir -p "$copy/var/cache/sigmavault-debs"
in_copy_debs=()
for f in "${debs[@]}"; do
    cp "$f" "$copy/var/cache/sigmavault-debs/"
    in_copy_debs+=("/var/cache/sigmavault-debs/$(basename "$f")")
done
# dpkg, not apt: every dependency must already be in the root (no network),
# and dpkg fails if one is not. Services are not started: the root's
# policy-rc.d forbids it.
check "dpkg installs the packages into a clean copy of the root" \
    in_copy env DEBIAN_FRONTEND=noninteractive dpkg -i "${in_copy_debs[@]}"

installed() {
    local p s rc=0
    for p in "${packages[@]}"; do
        s=$(in_copy dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null) || s=absent
        echo "$p: $s"
        [ "$s" = "ii " ] || rc=1
    done
    return "$rc"
}
check "dpkg reports all four packages installed and configured" installed

# owned PACKAGE TEST PATH [TEST PATH]...: each path passes `test TEST` in the
# copy (-f a file, -x an executable) and dpkg says PACKAGE ships it.
owned() {
    local pkg=$1 t path owner rc=0; shift
    while [ $# -ge 2 ]; do
        t=$1 path=$2; shift 2
        if ! in_copy test "$t" "$path"; then echo "missing ($t): $path"; rc=1; continue; fi
        owner=$(in_copy dpkg -S "$path" 2>/dev/null | cut -d: -f1) || owner=""
        if [ "$owner" != "$pkg" ]; then echo "$path belongs to '${owner:-nothing}', not $pkg"; rc=1; fi
    done
    return "$rc"
}
contains() { # contains FILE-IN-COPY FIXED-STRING...
    local f=$1 s rc=0; shift
    for s in "$@"; do
        grep -qF -- "$s" "$copy$f" || { echo "$f lacks: $s"; rc=1; }
    done
    return "$rc"
}

# --- sigmavault-daemon -------------------------------------------------------
js=/usr/share/sigmavault/js/src
check "the daemon is /usr/lib/sigmavault/sigmavaultd (sigmavault-daemon)" \
    owned sigmavault-daemon -x /usr/lib/sigmavault/sigmavaultd
check "sigmavaultctl is in /usr/bin with its modules (sigmavault-daemon)" \
    owned sigmavault-daemon -x /usr/bin/sigmavaultctl -f $js/cli/main.js
check "the service and the shared modules are in $js (sigmavault-daemon)" \
    owned sigmavault-daemon -f $js/service/main.js -f $js/shared/config.js
check "the D-Bus interface XML is in /usr/share/dbus-1/interfaces" \
    owned sigmavault-daemon -f /usr/share/dbus-1/interfaces/com.sigmavault.Manager1.xml
activation=/usr/share/dbus-1/system-services/$bus_name.service
activation_file() {
    owned sigmavault-daemon -f "$activation" &&
        contains "$activation" "Name=$bus_name" Exec=/usr/lib/sigmavault/sigmavaultd User=root \
            SystemdService=sigmavaultd.service
}
check "the D-Bus activation file starts /usr/lib/sigmavault/sigmavaultd as root" activation_file
check "the D-Bus system policy is in /usr/share/dbus-1/system.d" \
    owned sigmavault-daemon -f /usr/share/dbus-1/system.d/$bus_name.conf
check "the polkit actions are in /usr/share/polkit-1/actions" \
    owned sigmavault-daemon -f /usr/share/polkit-1/actions/com.sigmavault.policy
unit=/usr/lib/systemd/system/sigmavaultd.service
systemd_unit() {
    owned sigmavault-daemon -f "$unit" &&
        contains "$unit" Type=dbus "BusName=$bus_name" ExecStart=/usr/lib/sigmavault/sigmavaultd
}
check "the systemd unit runs the daemon as a D-Bus service" systemd_unit

# --- sigmavault-settings -----------------------------------------------------
check "sigmavault-settings is in /usr/bin with its modules (sigmavault-settings)" \
    owned sigmavault-settings -x /usr/bin/sigmavault-settings -f $js/app/main.js
check "the desktop file, session D-Bus service, metainfo and icon are installed" \
    owned sigmavault-settings \
        -f /usr/share/applications/com.sigmavault.Settings.desktop \
        -f /usr/share/dbus-1/services/com.sigmavault.Settings.service \
        -f /usr/share/metainfo/com.sigmavault.Settings.metainfo.xml \
        -f /usr/share/icons/hicolor/scalable/apps/com.sigmavault.Settings.svg
conffile() {
    local f=/etc/xdg/autostart/com.sigmavault.Settings-background.desktop
    owned sigmavault-settings -f "$f" &&
        in_copy dpkg-query -W -f '${Conffiles}\n' sigmavault-settings | grep -qF " $f "
}
check "the background mode autostarts from /etc/xdg/autostart (a conffile)" conffile
check "the GSettings schema is compiled by the glib trigger" \
    in_copy gsettings list-keys com.sigmavault.Settings

# --- the Shell and Nautilus extensions ---------------------------------------
ext=/usr/share/gnome-shell/extensions/$uuid
shell_extension() {
    owned gnome-shell-extension-sigmavault -f "$ext/metadata.json" -f "$ext/extension.js" &&
        in_copy python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
assert m["uuid"] == sys.argv[2], m["uuid"]
assert any(str(v).split(".")[0] == "48" for v in m["shell-version"]), m["shell-version"]' \
            "$ext/metadata.json" "$uuid"
}
check "the Shell extension is in $ext for GNOME Shell 48" shell_extension
nautilus_module() {
    local dir=/usr/lib/$multiarch/nautilus/extensions-4 so found=0 rc=0
    # The module's file name is the extension's own choice: look for the
    # ones the package ships.
    for so in $(in_copy dpkg -L nautilus-extension-sigmavault 2>/dev/null | grep "^$dir/[^/]*\\.so$"); do
        found=1
        owned nautilus-extension-sigmavault -f "$so" || rc=1
        # Nautilus looks these three up in every module it loads.
        for sym in nautilus_module_initialize nautilus_module_list_types nautilus_module_shutdown; do
            nm -D --defined-only "$copy$so" | grep -qw "$sym" || { echo "$so does not export $sym"; rc=1; }
        done
        # The module evaluates the menu provider from the path compiled into
        # it: that file must be in the package too.
        local provider
        provider=$(grep -aoE '/usr/share/sigmavault/js/[[:alnum:]/._-]+\.js' "$copy$so" | head -n1)
        if [ -z "$provider" ]; then
            echo "$so names no JavaScript under /usr/share/sigmavault/js"; rc=1
        else
            echo "$so loads $provider"
            owned nautilus-extension-sigmavault -f "$provider" || rc=1
        fi
    done
    [ "$found" = 1 ] || { echo "no module in $dir"; return 1; }
    return "$rc"
}
check "the Nautilus module is in /usr/lib/$multiarch/nautilus/extensions-4 with its menu provider" nautilus_module

# --- a private system bus in the copy ----------------------------------------
# Not --fork: in the foreground (as a background job) its stderr, and that of
# the services it activates, is kept for the log. chroot and env exec, so
# $! is the bus's own pid.
bus_log="$run/system-bus.log"
start_bus() {
    mkdir -p "$copy/run/dbus"
    in_copy dbus-uuidgen --ensure || return 1
    in_copy dbus-daemon --system --nofork --nosyslog </dev/null >"$bus_log" 2>&1 &
    pids+=("$!")
    local _
    for _ in $(seq 50); do
        [ -S "$copy/run/dbus/system_bus_socket" ] && return 0
        sleep 0.1
    done
    return 1
}
check "a private system bus starts in the copy with the packaged policy" start_bus

dbus() { # dbus OBJECT-PATH METHOD ARGS...: a call to the bus itself
    in_copy gdbus call --system --timeout 10 --dest org.freedesktop.DBus \
        --object-path /org/freedesktop/DBus --method "$@"
}
owner_pid() { # prints the pid owning a bus name, or nothing
    dbus org.freedesktop.DBus.GetConnectionUnixProcessID "$1" 2>/dev/null | sed -n 's/^(uint32 \([0-9]*\),)$/\1/p'
}
activation_check() {
    if dbus org.freedesktop.DBus.NameHasOwner "$bus_name" | grep -q true; then
        echo "$bus_name already has an owner before any call"; return 1
    fi
    # The first call is what activates it: the bus runs the packaged
    # activation file through dbus-daemon-launch-helper.
    in_copy gdbus call --system --timeout 60 --dest "$bus_name" --object-path "$manager_path" \
        --method org.freedesktop.DBus.Peer.Ping || return 1
    local pid
    pid=$(owner_pid "$bus_name")
    [ -n "$pid" ] || { echo "nobody owns $bus_name after the call"; return 1; }
    pids+=("$pid")
    local cmdline root uid
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    root=$(readlink "/proc/$pid/root")
    uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
    echo "# $bus_name is pid $pid, uid $uid, root $root: $cmdline"
    case "$cmdline" in *" /usr/lib/sigmavault/sigmavaultd"*) ;; *) echo "owner is not sigmavaultd"; return 1 ;; esac
    [ "$root" = "$copy" ] || { echo "owner does not run in the clean copy"; return 1; }
    [ "$uid" = 0 ] || { echo "owner does not run as root"; return 1; }
}
check "a call to $bus_name D-Bus-activates the packaged sigmavaultd (root, in the copy)" activation_check
if [ "$passed" = 0 ]; then
    diag "system bus and activated services:"
    sed 's/^/# /' "$bus_log" >&2 || true
fi

version_check() {
    local want got
    want=$(in_copy dpkg-query -W -f '${Version}' sigmavault-daemon)
    want=${want%-*}
    got=$(in_copy gdbus call --system --timeout 30 --dest "$bus_name" --object-path "$manager_path" \
        --method org.freedesktop.DBus.Properties.Get com.sigmavault.Manager1 Version) || return 1
    echo "# Version: $got (package: $want)"
    [ "$got" = "(<'$want'>,)" ]
}
check "Manager1.Version is the packaged version" version_check

polkit_check() {
    # pkaction asks polkitd, itself D-Bus activated on the private bus.
    local answer pid
    answer=$(in_copy pkaction --verbose --action-id com.sigmavault.pool.manage) || return 1
    echo "$answer"
    grep -q 'implicit active: *auth_admin_keep' <<<"$answer" || return 1
    pid=$(owner_pid org.freedesktop.PolicyKit1)
    [ -z "$pid" ] || pids+=("$pid")
}
check "polkit reads the packaged actions (pkaction, polkitd on the private bus)" polkit_check

# --- removal -----------------------------------------------------------------
stop_all() { # the daemon, polkitd and the bus, by pid, before removing
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 25); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.2
    done
}
stop_all
# dbus's trigger would try to reload a bus that is no longer there.
rm -f "$copy/run/dbus/system_bus_socket"
purge_check() {
    in_copy env DEBIAN_FRONTEND=noninteractive dpkg --purge "${packages[@]}" || return 1
    local left rc=0
    for left in /usr/lib/sigmavault /usr/share/sigmavault /usr/bin/sigmavaultctl /usr/bin/sigmavault-settings \
        "$activation" /usr/share/dbus-1/system.d/$bus_name.conf /usr/share/polkit-1/actions/com.sigmavault.policy \
        /etc/xdg/autostart/com.sigmavault.Settings-background.desktop "$ext"; do
        if in_copy test -e "$left"; then echo "left after purge: $left"; rc=1; fi
    done
    if ls "$copy/usr/lib/$multiarch/nautilus/extensions-4/" 2>/dev/null | grep -qi sigmavault; then
        echo "a SigmaVault Nautilus module is left after purge"; rc=1
    fi
    return "$rc"
}
check "the packages purge cleanly" purge_check

if [ "$n" != "$plan" ]; then
    echo "Bail out! ran $n checks, planned $plan"
    exit 1
fi
