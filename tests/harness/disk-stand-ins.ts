// Stand-ins for the disk tools in a test root, which has no real disks:
// `lsblk` prints three disks (plus zram and loop devices the daemon must
// leave out), `smartctl` prints the recorded document of each
// (smart-ata.json, smart-fail2.json, smart-nvme-failed.json) with its
// recorded exit status and, for a disk marked asleep (a file asleep-<name>),
// what smartctl prints for a disk in standby under `-n standby` (exit 2);
// `zpool` answers as OpenZFS 2.3 with the recorded raidz1 pool, whose first
// disk is sda's partition. Every smartctl call is logged to smartctl-calls,
// and a call that would wake a sleeping disk to `woken`. Self-tests
// (smartctl -t, -X, -c -l selftest) behave across calls as on a real drive,
// derived from the same recordings; see smartctl-self-test.ts.
import GLib from 'gi://GLib';
import { readDisks } from '../../src/shared/disk-info.js';
import { type Service, spawnService, waitFor, writeFile } from './process.js';
import type { TestSystem } from './system.js';

const fixtures = GLib.getenv('SIGMAVAULT_FIXTURES') ?? '/shared/fixtures';
const smart = (name: string): string => GLib.build_filenamev([fixtures, 'smartctl', name]);

export const LSBLK = JSON.stringify({ blockdevices: [
    { name: 'loop0', path: '/dev/loop0', size: 77705216, type: 'loop', rota: false, tran: null, model: null, serial: null,
        wwn: null, mountpoints: ['/snap/core22/1380'], fstype: 'squashfs', partuuid: null },
    { name: 'sda', path: '/dev/sda', size: 14000519643136, type: 'disk', rota: true, tran: 'sata',
        model: 'WDC WD140EDFZ-11A0VA0', serial: '9RK1XXXX', wwn: null, mountpoints: [null], fstype: null, partuuid: null,
        children: [{ name: 'sda1', path: '/dev/sda1', size: 14000509157376, type: 'part', rota: true, tran: null, model: null,
            serial: null, wwn: null, mountpoints: [null], fstype: 'zfs_member', partuuid: 'ca1eb824-c371-491d-ac13-37637e35c683' }] },
    { name: 'sdb', path: '/dev/sdb', size: 500107862016, type: 'disk', rota: true, tran: 'usb',
        model: 'HDS721050DLE630', serial: 'MSK423Y20S3HBC', wwn: null, mountpoints: [null], fstype: null, partuuid: null },
    { name: 'zram0', path: '/dev/zram0', size: 8589934592, type: 'disk', rota: false, tran: null, model: null, serial: null,
        wwn: null, mountpoints: ['[SWAP]'], fstype: 'swap', partuuid: null },
    { name: 'nvme0n1', path: '/dev/nvme0n1', size: 500107862016, type: 'disk', rota: false, tran: 'nvme',
        model: 'Samsung SSD 970 EVO 500GB', serial: 'S466NX0M776250H', wwn: 'eui.0025385781b0a5c1', mountpoints: [null],
        fstype: null, partuuid: null },
] }, null, 2);

const STANDBY = JSON.stringify({
    json_format_version: [1, 0],
    smartctl: { version: [7, 4], argv: ['smartctl', '--json', '--all', '-n', 'standby', '--', '/dev/sdb'], exit_status: 2,
        messages: [{ string: 'Device is in STANDBY mode, exit(2)', severity: 'information' }] },
    device: { name: '/dev/sdb', info_name: '/dev/sdb [USB JMicron]', type: 'usbjmicron', protocol: 'ATA' },
});

/** The recorded document and exit status smartctl gives for each stand-in disk. */
const RECORDINGS: Readonly<Record<string, { file: string; exit: number }>> = {
    '/dev/sda': { file: smart('smart-ata.json'), exit: 0 },
    '/dev/sdb': { file: smart('smart-fail2.json'), exit: 216 },
    '/dev/nvme0n1': { file: smart('smart-nvme-failed.json'), exit: 0 },
};

/** The self-test half of the stand-in, a GJS program beside this module in the build tree. */
const SELF_TEST_PROGRAM = GLib.build_filenamev([GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]),
    'smartctl-self-test.js']);

function smartctlStandIn(dir: string): string {
    return `#!/bin/sh
# Every call is logged, so the spec can tell whether a sleeping disk was woken.
echo "$*" >> '${dir}/smartctl-calls'
[ "$1" = --version ] && { echo 'smartctl 7.4 2023-08-01 r5530 [x86_64-linux] (stand-in)'; exit 0; }
for a; do dev=$a; done
standby=no
case " $* " in *" -n standby "*) standby=yes ;; esac
name=\${dev#/dev/}
if [ -e '${dir}/asleep-'"$name" ]; then
    if [ $standby = yes ]; then cat '${dir}/standby.json'; exit 2; fi
    echo woken >> '${dir}/woken'
fi
# Self-tests (starting, aborting, following one) and every read of a disk
# whose self-test state has been touched: tests/harness/smartctl-self-test.ts.
case " $* " in *" -t "*|*" -X "*|*" -c "*) exec gjs -m '${SELF_TEST_PROGRAM}' '${dir}' "$@" ;; esac
[ -e '${dir}/selftest-'"$name"'.json' ] && exec gjs -m '${SELF_TEST_PROGRAM}' '${dir}' "$@"
case "$dev" in
${Object.entries(RECORDINGS).map(([dev, r]) => `${dev}) cat '${r.file}'; exit ${r.exit} ;;`).join('\n')}
*) echo "stand-in smartctl: no recording for $dev" >&2; exit 2 ;;
esac
`;
}

function lsblkStandIn(dir: string): string {
    return `#!/bin/sh
[ "$1" = --version ] && { echo 'lsblk from util-linux 2.41 (stand-in)'; exit 0; }
cat '${dir}/lsblk.json'
`;
}

/** OpenZFS 2.3 with the recorded raidz1 pool, whose first disk is sda1's partition UUID. */
function zpoolStandIn(): string {
    return `#!/bin/sh
case "$*" in
version) printf 'zfs-2.3.1-1\\nzfs-kmod-2.3.1-1\\n' ;;
"list -H -p -o name,guid,health,size,allocated,free,fragmentation")
    printf 'tank\\t3920273586464696295\\tONLINE\\t16492674416640\\t67215753216\\t16425458663424\\t1\\n' ;;
"status -j --json-int") cat '${GLib.build_filenamev([fixtures, 'zfs-json', 'zpool-status.json'])}' ;;
"events -f -H") exec sleep 600 ;;
*) exit 1 ;;
esac
`;
}

/** Writes the stand-ins into a new directory for SIGMAVAULT_TOOL_PATH and returns it. */
export function installDiskStandIns(): string {
    const dir = GLib.build_filenamev([GLib.get_tmp_dir(), `disks-stand-in-${GLib.uuid_string_random().slice(0, 8)}`]);
    writeFile(`${dir}/lsblk.json`, LSBLK);
    writeFile(`${dir}/standby.json`, STANDBY);
    writeFile(`${dir}/recordings.json`, JSON.stringify(RECORDINGS));
    for (const [tool, script] of [['smartctl', smartctlStandIn(dir)], ['lsblk', lsblkStandIn(dir)], ['zpool', zpoolStandIn()]] as const) {
        writeFile(`${dir}/${tool}`, script);
        GLib.chmod(`${dir}/${tool}`, 0o755);
    }
    return dir;
}

/**
 * Starts sigmavaultd directly (not by activation, so that it gets the
 * search path) with the stand-ins, and waits until every disk was checked.
 * RefreshSmart reads again at once unless `minRefreshS` says otherwise.
 */
export async function startDaemonWithDiskStandIns(sys: TestSystem, logName: string,
    minRefreshS = 0, env: Readonly<Record<string, string>> = {}): Promise<{ daemon: Service; dir: string }> {
    const dir = installDiskStandIns();
    const daemon = spawnService('sigmavaultd', ['/usr/lib/sigmavault/sigmavaultd'],
        { env: { SIGMAVAULT_TOOL_PATH: dir, SIGMAVAULT_SMART_MIN_REFRESH: String(minRefreshS), ...env }, logFile: GLib.build_filenamev([sys.logDir, `${logName}.log`]) });
    await waitFor('sigmavaultd to own its name', () => sys.hasOwner('com.sigmavault.Daemon'), 20000);
    await waitFor('every disk to be checked',
        async () => (await readDisks(sys.systemBus)).every(d => d.smartState === 'checked'), 15000);
    return { daemon, dir };
}
