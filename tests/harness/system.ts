// The "system" side of an integration test, all real components inside the
// Debian 13 root: a private system bus (dbus-daemon --system, which the
// daemon is D-Bus activated on), polkitd obeying test rules, and zfs-fuse
// with pools on sparse files.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME } from '../../src/shared/dbus-names.js';
import { artifactsDir, check, closeQuietly, connectToBus, run, type Service, spawnService, stopAll, waitFor, writeFile } from './process.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const SYSTEM_SOCKET = '/run/dbus/system_bus_socket';
const POOL_DIR = '/var/tmp/sigmavault-test';
const ZFS_PIDFILE = '/run/sigmavault-test-zfs-fuse.pid';
const POLKIT = 'org.freedesktop.PolicyKit1';
const POLKIT_RULES = '/etc/polkit-1/rules.d/00-sigmavault-test.rules';
/** Where the daemon may use files as pool devices: the harness's sparse files. */
const FILE_VDEV_ROOTS = '/etc/sigmavault/file-vdev-roots.conf';

/**
 * polkit rules for tests: root may do everything, the unprivileged svuser
 * nothing — except what the policy grants everyone (compressing one's own
 * files, which runs with the caller's own permissions).
 */
const TEST_RULES = `// Installed by the SigmaVault test harness.
polkit.addRule(function (action, subject) {
    if (action.id.indexOf("com.sigmavault.") !== 0 || action.id === "com.sigmavault.file.compress")
        return polkit.Result.NOT_HANDLED;
    if (subject.user === "root")
        return polkit.Result.YES;
    return polkit.Result.NO;
});
`;

export type Layout = 'single' | 'mirror' | 'raidz1';

export class TestSystem {
    private readonly services: Service[] = [];
    private readonly pools = new Set<string>();
    /** Directories of sparseFiles(), removed at the end. */
    private readonly fileGroups = new Set<string>();
    private bus: Gio.DBusConnection | null = null;

    private constructor(readonly logDir: string) {}

    static async start(options: { zfs?: boolean } = {}): Promise<TestSystem> {
        const logDir = GLib.build_filenamev([artifactsDir(), 'logs']);
        GLib.mkdir_with_parents(logDir, 0o755);
        const sys = new TestSystem(logDir);
        writeFile(FILE_VDEV_ROOTS, `# Written by the SigmaVault test harness.\n${POOL_DIR}\n`);
        // Each spec starts from a fresh daemon state, as on a new machine: a
        // snapshot policy or schedule an earlier spec saved would otherwise
        // act on this spec's pools. Only in the throwaway root
        // (build-aux/in-root.sh), never on a real system's state.
        if (GLib.getenv('SIGMAVAULT_IN_ROOT') === '1')
            await run(['rm', '-rf', '--', '/var/lib/sigmavault']);
        try {
            await sys.startBus();
            await sys.startPolkit();
            if (options.zfs ?? true) {
                await sys.stopLeftoverZfs();
                // Pool files and the cache of an earlier spec whose pools could
                // not be destroyed, or zfs-fuse would import those pools again.
                await run(['rm', '-rf', '--', POOL_DIR, '/var/lib/zfs/zpool.cache']);
                await sys.startZfs();
            }
        } catch (e) {
            await sys.stop();
            throw e;
        }
        return sys;
    }

    private log(name: string): string {
        return GLib.build_filenamev([this.logDir, `${name}.log`]);
    }

    private async startBus(): Promise<void> {
        if (GLib.file_test(SYSTEM_SOCKET, GLib.FileTest.EXISTS)) {
            // What a crashed spec left: its bus (and with it polkitd and the
            // daemon, which exit when it goes) is stopped by the pid it reports.
            const r = await run(['dbus-send', '--system', '--print-reply=literal', '--dest=org.freedesktop.DBus',
                '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.DBus']);
            const pid = /uint32 (\d+)/.exec(r.stdout)?.[1];
            if (pid) {
                printerr(`# stopping the system bus a previous spec left running (pid ${pid})`);
                await run(['kill', '-TERM', pid]);
                await waitFor('the old system bus to exit', async () => (await run(['kill', '-0', pid])).status !== 0, 5000);
            }
            GLib.unlink(SYSTEM_SOCKET);
        }
        GLib.mkdir_with_parents('/run/dbus', 0o755);
        await check(['dbus-uuidgen', '--ensure']);
        this.services.push(spawnService('dbus-daemon', ['dbus-daemon', '--system', '--nofork', '--nopidfile'],
            { logFile: this.log('system-bus') }));
        this.bus = await connectToBus(SYSTEM_SOCKET);
        // GLib's shared system-bus connection (used by code under test in
        // this process) would SIGTERM the process when the bus stops.
        Gio.bus_get_sync(Gio.BusType.SYSTEM, null).set_exit_on_close(false);
    }

    /**
     * polkitd is started as on a Debian system: D-Bus activated, as its own
     * user, reading the test rules.
     */
    private async startPolkit(): Promise<void> {
        writeFile(POLKIT_RULES, TEST_RULES);
        await this.systemBus.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'StartServiceByName', new GLib.Variant('(su)', [POLKIT, 0]), new GLib.VariantType('(u)'),
            Gio.DBusCallFlags.NONE, 30000, null);
        await waitFor('polkitd on the system bus', () => this.hasOwner(POLKIT));
    }

    /** Stops a D-Bus-activated service by the pid the bus reports. */
    private async stopActivated(name: string): Promise<void> {
        const pid = this.bus ? await this.ownerPid(name) : null;
        if (pid === null)
            return;
        await run(['kill', '-TERM', String(pid)]);
        await waitFor(`${name} to exit`, async () => !await this.hasOwner(name), 5000)
            .catch(async () => run(['kill', '-KILL', String(pid)]));
    }

    private zfsService: Service | null = null;

    /** Starts zfs-fuse (again); pools in its cache are imported by it. */
    async startZfs(): Promise<void> {
        // zfs-fuse keeps its lock in /var/lock/zfs and its cache in /var/lib/zfs.
        GLib.mkdir_with_parents('/run/lock', 0o1777);
        GLib.mkdir_with_parents('/var/lib/zfs', 0o755);
        await this.stopLeftoverZfs();
        this.zfsService = spawnService('zfs-fuse', ['zfs-fuse', '--no-daemon', '--no-kstat-mount', '--pidfile', ZFS_PIDFILE],
            { logFile: this.log('zfs-fuse') });
        await waitFor('zfs-fuse to answer', async () => (await run(['zpool', 'list'])).status === 0, 15000, 200);
    }

    /** A zfs-fuse a crashed spec left, found by its pid file: its pools go, then it stops. */
    private async stopLeftoverZfs(): Promise<void> {
        if (!GLib.file_test(ZFS_PIDFILE, GLib.FileTest.EXISTS))
            return;
        const pid = new TextDecoder().decode(GLib.file_get_contents(ZFS_PIDFILE)[1]).trim();
        if (/^\d+$/.test(pid) && (await run(['kill', '-0', pid])).status === 0) {
            printerr(`# stopping the zfs-fuse a previous spec left running (pid ${pid})`);
            const pools = (await run(['zpool', 'list', '-H', '-o', 'name'])).stdout.split('\n').filter(n => n !== '');
            for (const pool of pools)
                await run(['zpool', 'destroy', '-f', '--', pool]);
            await run(['kill', '-TERM', pid]);
            await waitFor('the old zfs-fuse to exit', async () => (await run(['kill', '-0', pid])).status !== 0, 15000);
        }
        GLib.unlink(ZFS_PIDFILE);
        await run(['rm', '-rf', '--', POOL_DIR, '/var/lib/zfs/zpool.cache']);
    }

    /** Stops zfs-fuse, as when the ZFS service dies; pools stay in its cache. */
    async stopZfs(): Promise<void> {
        await this.zfsService?.stop(15000);
        this.zfsService = null;
    }

    get systemBus(): Gio.DBusConnection {
        if (this.bus === null)
            throw new Error('the system bus is not running');
        return this.bus;
    }

    async hasOwner(name: string): Promise<boolean> {
        const reply = await this.systemBus.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
            'org.freedesktop.DBus', 'NameHasOwner', new GLib.Variant('(s)', [name]),
            new GLib.VariantType('(b)'), Gio.DBusCallFlags.NONE, -1, null);
        return reply.deepUnpack<[boolean]>()[0];
    }

    /** Pid of the process owning `name` on the system bus, or null. */
    async ownerPid(name: string): Promise<number | null> {
        if (!await this.hasOwner(name))
            return null;
        const reply = await this.systemBus.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
            'org.freedesktop.DBus', 'GetConnectionUnixProcessID', new GLib.Variant('(s)', [name]),
            new GLib.VariantType('(u)'), Gio.DBusCallFlags.NONE, -1, null);
        return reply.deepUnpack<[number]>()[0];
    }

    async zpool(...args: string[]): Promise<string> {
        return check(['zpool', ...args]);
    }

    async zfs(...args: string[]): Promise<string> {
        return check(['zfs', ...args]);
    }

    /** Creates a pool on sparse files; returns the device files in vdev order. */
    async createPool(name: string, layout: Layout = 'mirror', devices = 2, sizeMiB = 128): Promise<string[]> {
        const dir = GLib.build_filenamev([POOL_DIR, name]);
        GLib.mkdir_with_parents(dir, 0o755);
        const files: string[] = [];
        for (let i = 0; i < devices; i++) {
            const f = GLib.build_filenamev([dir, `disk${i}`]);
            await check(['truncate', '-s', `${sizeMiB}M`, '--', f]);
            files.push(f);
        }
        const vdev = layout === 'single' ? files : [layout, ...files];
        await this.zpool('create', '-f', '--', name, ...vdev);
        this.pools.add(name);
        return files;
    }

    /** Sparse files for a pool the test creates itself (through the daemon): POOL_DIR/group/diskN. */
    async sparseFiles(group: string, count: number, sizeMiB = 128): Promise<string[]> {
        const dir = GLib.build_filenamev([POOL_DIR, group]);
        GLib.mkdir_with_parents(dir, 0o755);
        this.fileGroups.add(dir);
        const files: string[] = [];
        for (let i = 0; i < count; i++) {
            const f = GLib.build_filenamev([dir, `disk${i}`]);
            await check(['truncate', '-s', `${sizeMiB}M`, '--', f]);
            files.push(f);
        }
        return files;
    }

    get poolDir(): string {
        return POOL_DIR;
    }

    /** A pool the test made by other means, destroyed with the others at the end. */
    adoptPool(name: string): void {
        this.pools.add(name);
    }

    /** Forgets a pool the test destroyed itself. */
    forgetPool(name: string): void {
        this.pools.delete(name);
    }

    async destroyPool(name: string): Promise<void> {
        // zfs-fuse answers "pool is busy" while the daemon reads the pool.
        await waitFor(`pool ${name} to be destroyed`, async () => {
            const r = await run(['zpool', 'destroy', '-f', '--', name]);
            if (r.status !== 0 && !/busy/.test(r.stderr))
                throw new Error(`zpool destroy ${name}: ${r.stderr}`);
            return r.status === 0;
        }, 10000, 250);
        this.pools.delete(name);
        await run(['rm', '-rf', '--', GLib.build_filenamev([POOL_DIR, name])]);
    }

    /** Stops the D-Bus-activated daemon (by the pid the bus reports). */
    async stopDaemon(): Promise<void> {
        await this.stopActivated(BUS_NAME);
    }

    async stop(): Promise<void> {
        await this.stopDaemon().catch(() => undefined);
        for (const name of [...this.pools])
            await this.destroyPool(name).catch(() => undefined);
        for (const dir of this.fileGroups)
            await run(['rm', '-rf', '--', dir]);
        this.fileGroups.clear();
        await this.stopZfs().catch(() => undefined);
        await this.stopActivated(POLKIT).catch(() => undefined);
        closeQuietly(this.bus);
        this.bus = null;
        // The socket goes first: a shared connection GLib makes anew while
        // the bus shuts down would SIGTERM this process when it closes.
        GLib.unlink(SYSTEM_SOCKET);
        await stopAll(this.services);
        GLib.unlink(POLKIT_RULES);
        GLib.unlink(FILE_VDEV_ROOTS);
    }
}
