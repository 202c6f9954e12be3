// The OpenZFS 2.3 path of sigmavaultd, which zfs-fuse cannot exercise: a
// stand-in `zpool` on the daemon's tool search path (SIGMAVAULT_TOOL_PATH)
// answers with recorded OpenZFS output, and the real daemon, on the private
// system bus, must read it through the JSON parser.
import GLib from 'gi://GLib';
import { readDaemon } from '../../src/shared/daemon-client.js';
import { type Service, spawnService, waitFor, writeFile } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

const fixtures = GLib.getenv('SIGMAVAULT_FIXTURES') ?? '/shared/fixtures';

/**
 * `zpool` as OpenZFS 2.3 answers: the version banner, a `list -Hp` row
 * consistent with the recorded status (raidz1 of three 3.64T disks), and
 * the recorded `zpool status -j` document from the zpool-status(8) manual.
 */
function standIn(statusJson: string): string {
    return `#!/bin/sh
case "$*" in
version) printf 'zfs-2.3.1-1\\nzfs-kmod-2.3.1-1\\n' ;;
"list -H -p -o name,guid,health,size,allocated,free,fragmentation")
    printf 'tank\\t3920273586464696295\\tONLINE\\t16492674416640\\t67215753216\\t16425458663424\\t1\\n' ;;
"status -j --json-int") cat '${statusJson}' ;;
"events -f -H") exec sleep 600 ;;
*) echo "stand-in zpool: unexpected arguments: $*" >&2; exit 2 ;;
esac
`;
}

describe('sigmavaultd on OpenZFS 2.3 (recorded JSON)', () => {
    let sys: TestSystem;
    let daemon: Service;

    beforeAll(async () => {
        sys = await TestSystem.start({ zfs: false });
        const dir = GLib.build_filenamev([GLib.get_tmp_dir(), `openzfs-stand-in-${GLib.uuid_string_random().slice(0, 8)}`]);
        const zpool = GLib.build_filenamev([dir, 'zpool']);
        writeFile(zpool, standIn(GLib.build_filenamev([fixtures, 'zfs-json', 'zpool-status.json'])));
        GLib.chmod(zpool, 0o755);
        // Started directly rather than by activation, so it gets the search path.
        daemon = spawnService('sigmavaultd', ['/usr/lib/sigmavault/sigmavaultd'],
            { env: { SIGMAVAULT_TOOL_PATH: dir }, logFile: GLib.build_filenamev([sys.logDir, 'sigmavaultd-openzfs.log']) });
        await waitFor('sigmavaultd to own its name', () => sys.hasOwner('com.sigmavault.Daemon'), 20000);
    });

    afterAll(async () => {
        await daemon.stop();
        await sys.stop();
    });

    it('recognizes OpenZFS 2.3 and reads JSON', async () => {
        const { manager } = await readDaemon(sys.systemBus);
        expect(manager.zfsAvailable).toBeTrue();
        expect(manager.zfsImplementation).toBe('OpenZFS 2.3.1');
        expect(manager.zfsJson).toBeTrue();
    });

    it('exports exact sizes, fragmentation and the 64-bit guid unchanged', async () => {
        const [pool] = (await readDaemon(sys.systemBus)).pools;
        expect(pool?.name).toBe('tank');
        expect(pool?.guid).toBe('3920273586464696295');
        expect(pool?.size).toBe(16492674416640);
        expect(pool?.fragmentation).toBe(1);
        expect(pool?.health).toBe('ONLINE');
    });

    it('exports the vdev tree with the special and dedup classes', async () => {
        const [pool] = (await readDaemon(sys.systemBus)).pools;
        expect(pool?.vdevs.map(v => [v.depth, v.type, v.name])).toEqual([
            [0, 'root', 'tank'],
            [1, 'raidz1', 'raidz1-0'],
            [2, 'disk', 'ca1eb824-c371-491d-ac13-37637e35c683'],
            [2, 'disk', '97cd98fb-8fb8-4ac4-bc84-bd8950a7ace7'],
            [2, 'disk', 'e9ddba5f-f948-4734-a472-cb8aa5f0ff65'],
            [1, 'dedup', 'dedup'],
            [2, 'mirror', 'mirror-2'],
            [3, 'disk', 'db017360-d8e9-4163-961b-144ca75293a3'],
            [3, 'disk', '952c3baf-b08a-4a8c-b7fa-33a07af5fe6f'],
            [1, 'special', 'special'],
            [2, 'disk', '25d418f8-92bd-4327-b59f-7ef5d5f50d81'],
        ]);
        expect(pool?.vdevs[2]?.path).toBe('/dev/disk/by-partuuid/ca1eb824-c371-491d-ac13-37637e35c683');
        expect(pool?.vdevs.every(v => v.state === 'ONLINE')).toBeTrue();
    });
});
