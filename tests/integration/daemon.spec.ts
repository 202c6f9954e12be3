// sigmavaultd end to end: D-Bus activated on a private system bus, real
// zfs-fuse pools, polkitd with test rules, and the CLI.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, ErrorName, MANAGER_IFACE, MANAGER_PATH, POOL_IFACE, poolPath, ROOT_PATH } from '../../src/shared/dbus-names.js';
import { type DaemonSnapshot, readDaemon } from '../../src/shared/daemon-client.js';
import { callDaemon, pathBytes } from '../harness/dbus.js';
import { check, run, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

const CHANGE_DEADLINE_MS = 5000;
const OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager';

describe('sigmavaultd', () => {
    let sys: TestSystem;
    let disks: string[];

    beforeAll(async () => {
        sys = await TestSystem.start();
        disks = await sys.createPool('tank', 'mirror', 2);
    });

    afterAll(async () => {
        await sys.stop();
    });

    const snapshot = (): Promise<DaemonSnapshot> => readDaemon(sys.systemBus);
    const tank = async (): Promise<DaemonSnapshot['pools'][number] | undefined> =>
        (await snapshot()).pools.find(p => p.name === 'tank');

    it('is started by D-Bus activation and already knows the pools when it answers', async () => {
        expect(await sys.hasOwner('com.sigmavault.Daemon')).toBeFalse();
        const s = await snapshot();
        expect(s.manager.zfsAvailable).toBeTrue();
        expect(s.manager.zfsImplementation).toBe('zfs-fuse');
        expect(s.manager.zfsJson).toBeFalse();
        expect(s.pools.map(p => p.name)).toEqual(['tank']);
        expect(s.manager.tools.find(t => t.name === 'zpool')?.present).toBeTrue();
        expect(s.manager.tools.find(t => t.name === 'zstd')?.version).toMatch(/^\d+\.\d+\.\d+$/);
    });

    it('exports the pool with its guid as a string, sizes and the vdev tree', async () => {
        const pool = await tank();
        // zfs-fuse's zpool get has no -H: read the table's third column.
        const guid = /^tank\s+guid\s+(\d+)/m.exec(await sys.zpool('get', 'guid', 'tank'))?.[1];
        expect(pool?.guid).toBe(guid);
        expect(pool?.health).toBe('ONLINE');
        expect(pool?.size).toBeGreaterThan(100 * 1024 * 1024);
        expect(pool?.free).toBeGreaterThan(0);
        expect(pool?.fragmentation).toBeNull();
        expect(pool?.vdevs.map(v => [v.depth, v.type, v.name])).toEqual([
            [0, 'root', 'tank'], [1, 'mirror', 'mirror-0'], [2, 'file', disks[0]], [2, 'file', disks[1]],
        ]);
    });

    it('shows a device taken offline within 5 seconds, and the pool healing after', async () => {
        await sys.zpool('offline', 'tank', disks[1] ?? '');
        const t0 = GLib.get_monotonic_time();
        const degraded = await waitFor('tank to be DEGRADED', async () => {
            const p = await tank();
            return p?.health === 'DEGRADED' ? p : undefined;
        }, CHANGE_DEADLINE_MS, 100);
        print(`# offline seen after ${Math.round((GLib.get_monotonic_time() - t0) / 1000)} ms`);
        expect(degraded.vdevs.find(v => v.name === disks[1])?.state).toBe('OFFLINE');
        expect(degraded.status).toContain('offline');

        const cli = JSON.parse(await check(['sigmavaultctl', 'pool', 'list', '--json'])) as { name: string; health: string }[];
        expect(cli.map(p => [p.name, p.health])).toEqual([['tank', 'DEGRADED']]);
        expect(await check(['sigmavaultctl', 'status'])).toContain('tank: Degraded');

        await sys.zpool('online', 'tank', disks[1] ?? '');
        await waitFor('tank to heal', async () => (await tank())?.health === 'ONLINE', CHANGE_DEADLINE_MS, 100);
    });

    it('adds and removes pool objects when pools are created and destroyed outside SigmaVault', async () => {
        const signals: [string, string, string[]][] = [];
        const id = sys.systemBus.signal_subscribe(BUS_NAME, OBJECT_MANAGER, null, ROOT_PATH, null,
            Gio.DBusSignalFlags.NONE, (_c, _s, _p, _i, signal, params) => {
                const [path, ifaces] = params.deepUnpack<[string, Record<string, unknown> | string[]]>();
                signals.push([signal, path, Array.isArray(ifaces) ? ifaces : Object.keys(ifaces)]);
            });
        try {
            await sys.createPool('scratch', 'single', 1);
            await waitFor('scratch to appear', async () => (await snapshot()).pools.some(p => p.name === 'scratch'),
                CHANGE_DEADLINE_MS);
            await sys.destroyPool('scratch');
            await waitFor('scratch to go', async () => !(await snapshot()).pools.some(p => p.name === 'scratch'),
                CHANGE_DEADLINE_MS);
        } finally {
            sys.systemBus.signal_unsubscribe(id);
        }
        expect(signals.filter(([, path]) => path === poolPath('scratch'))).toEqual([
            ['InterfacesAdded', poolPath('scratch'), [POOL_IFACE]],
            ['InterfacesRemoved', poolPath('scratch'), [POOL_IFACE]],
        ]);
    });

    it('answers GetManagedObjects with what each object says of itself, also right after a change', async () => {
        // The reply is cached (src/service/objects/object-server.ts): a stale
        // cache would show here as a difference from Properties.GetAll.
        const compare = async (): Promise<void> => {
            const [objects] = (await sys.systemBus.call(BUS_NAME, ROOT_PATH, OBJECT_MANAGER, 'GetManagedObjects', null,
                new GLib.VariantType('(a{oa{sa{sv}}})'), Gio.DBusCallFlags.NONE, -1, null))
                .recursiveUnpack<[Record<string, Record<string, unknown>>]>();
            expect(Object.keys(objects)).toContain(poolPath('tank'));
            for (const [path, ifaces] of Object.entries(objects)) {
                for (const [iface, props] of Object.entries(ifaces)) {
                    const [all] = (await sys.systemBus.call(BUS_NAME, path, 'org.freedesktop.DBus.Properties', 'GetAll',
                        new GLib.Variant('(s)', [iface]), new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, -1, null))
                        .recursiveUnpack<[Record<string, unknown>]>();
                    expect(props).withContext(`${path} ${iface}`).toEqual(all);
                }
            }
        };
        await compare();
        await sys.zpool('offline', 'tank', disks[1] ?? '');
        await waitFor('tank to be DEGRADED', async () => (await tank())?.health === 'DEGRADED', CHANGE_DEADLINE_MS, 100);
        await compare();
        await sys.zpool('online', 'tank', disks[1] ?? '');
        await waitFor('tank to heal', async () => (await tank())?.health === 'ONLINE', CHANGE_DEADLINE_MS, 100);
        await compare();
    });

    it('tells which pool and dataset hold a path', async () => {
        await sys.zfs('create', 'tank/photos');
        await check(['touch', '/tank/photos/summer.jpg']);
        // The new dataset's mount reaches the daemon through the mount monitor.
        const found = await waitFor('tank/photos to be located', async () => {
            const r = await callDaemon(sys.systemBus, MANAGER_PATH, MANAGER_IFACE, 'LocatePath',
                new GLib.Variant('(aya{sv})', [pathBytes('/tank/photos/summer.jpg'), {}]));
            return r.ok && r.value[2] === 'tank/photos' ? r : undefined;
        }, CHANGE_DEADLINE_MS);
        expect(found).toEqual({ ok: true, value: [poolPath('tank'), 'tank', 'tank/photos'] });
        const root = await callDaemon(sys.systemBus, MANAGER_PATH, MANAGER_IFACE, 'LocatePath',
            new GLib.Variant('(aya{sv})', [pathBytes('/tank/other/../x'), {}]));
        expect(root.ok && root.value[2]).toBe('tank');
    });

    describe('bad input gets a named error, never a crash', () => {
        const locate = (path: Uint8Array, options: Record<string, GLib.Variant> = {}): ReturnType<typeof callDaemon> =>
            callDaemon(sys.systemBus, MANAGER_PATH, MANAGER_IFACE, 'LocatePath',
                new GLib.Variant('(aya{sv})', [path, options]));

        const cases: [string, () => ReturnType<typeof callDaemon>, string][] = [
            ['an empty path', () => locate(new Uint8Array()), ErrorName.InvalidArgument],
            ['a relative path', () => locate(pathBytes('tank/x')), ErrorName.InvalidArgument],
            ['a path with a NUL inside', () => locate(Uint8Array.of(0x2f, 0x74, 0, 0x78)), ErrorName.InvalidArgument],
            ['a path outside every pool', () => locate(pathBytes('/etc/hostname')), ErrorName.NotFound],
            ['an unknown option', () => locate(pathBytes('/tank'), { bogus: new GLib.Variant('b', true) }),
                ErrorName.InvalidArgument],
            ['an option of the wrong type',
                () => locate(pathBytes('/tank'), { 'auth.no_user_interaction': new GLib.Variant('s', 'yes') }),
                ErrorName.InvalidArgument],
            ['ClearErrors with an unknown option', () => callDaemon(sys.systemBus, poolPath('tank'), POOL_IFACE,
                'ClearErrors', new GLib.Variant('(a{sv})', [{ x: new GLib.Variant('i', 1) }])), ErrorName.InvalidArgument],
            ['a method of a pool that does not exist', () => callDaemon(sys.systemBus, poolPath('nope'), POOL_IFACE,
                'ClearErrors', new GLib.Variant('(a{sv})', [{}])), 'org.freedesktop.DBus.Error.UnknownMethod'],
            ['wrong argument types', () => callDaemon(sys.systemBus, MANAGER_PATH, MANAGER_IFACE, 'LocatePath',
                new GLib.Variant('(s)', ['/tank'])), 'org.freedesktop.DBus.Error.InvalidArgs'],
        ];
        for (const [what, call, expected] of cases) {
            it(`refuses ${what} with ${expected}`, async () => {
                const r = await call();
                expect(r.ok ? 'ok' : r.error).toBe(expected);
                expect(await sys.hasOwner('com.sigmavault.Daemon')).toBeTrue();
            });
        }
    });

    it('lets root clear errors and refuses an unprivileged user through polkit', async () => {
        const asRoot = await callDaemon(sys.systemBus, poolPath('tank'), POOL_IFACE, 'ClearErrors',
            new GLib.Variant('(a{sv})', [{ 'auth.no_user_interaction': new GLib.Variant('b', true) }]));
        expect(asRoot.ok).withContext(JSON.stringify(asRoot)).toBeTrue();
        const asUser = await run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--',
            'gdbus', 'call', '--system', '--dest', 'com.sigmavault.Daemon', '--object-path', poolPath('tank'),
            '--method', `${POOL_IFACE}.ClearErrors`, '{}']);
        expect(asUser.status).not.toBe(0);
        expect(asUser.stderr).toContain(ErrorName.NotAuthorized);
        // Reads stay open to everyone.
        const read = await run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--',
            'sigmavaultctl', 'pool', 'list', '--json']);
        expect(read.status).toBe(0);
        expect(read.stdout).toContain('"tank"');
    });

    it('says so when the ZFS daemon is down, keeps running, and recovers when it returns', async () => {
        await sys.stopZfs();
        await waitFor('ZFS to be reported unavailable', async () => {
            const s = await snapshot();
            return !s.manager.zfsAvailable && s.manager.zfsStatus.includes('zfs-fuse');
        }, 15000, 250);
        await sys.startZfs();
        await waitFor('ZFS to be back with tank', async () => {
            const s = await snapshot();
            return s.manager.zfsAvailable && s.pools.some(p => p.name === 'tank');
        }, 20000, 250);
    });
});
