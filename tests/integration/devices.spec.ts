// A pool's devices end to end: the real daemon on a private system bus,
// polkitd with test rules, zfs-fuse pools on sparse files. Offline and
// online a side of a mirror; replace a device with a new sparse file and
// follow the resilver job until the pool is healthy; replace a blank disk
// in place while a second replace is refused as Busy; attach a mirror side
// to a single-device pool and detach it again; add vdevs, where one that
// weakens the pool is refused without "force"; a resilver started outside
// SigmaVault becomes a job; an unprivileged user and bad input get named errors.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, ErrorName, JOB_IFACE, POOL_IFACE, poolPath } from '../../src/shared/dbus-names.js';
import { callDaemon, type CallOutcome } from '../harness/dbus.js';
import { check, run, sleep, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const NO_INTERACTION = { 'auth.no_user_interaction': new GLib.Variant('b', true) };

type Props = Record<string, unknown>;
type Row = [number, string, string, string, string, number, number, number];

describe('devices: offline, online, replace, attach, detach, add', () => {
    let sys: TestSystem;
    let disks: string[];
    const completed: { path: string; success: boolean; message: string }[] = [];
    let subscription = 0;
    let fileCount = 0;
    let checksum = '';
    let lastResilverEnd = 0;
    let singleDisk = '';

    /** A new sparse file under the harness's file-vdev root, as a person would make one for a test pool. */
    async function newFile(sizeMiB = 1024): Promise<string> {
        const [f] = await sys.sparseFiles(`new${fileCount++}`, 1, sizeMiB);
        return f ?? '';
    }

    const poolCall = (pool: string, method: string, signature: string, args: unknown[]): Promise<CallOutcome> =>
        callDaemon(sys.systemBus, poolPath(pool), POOL_IFACE, method, new GLib.Variant(signature, args));

    async function props(path: string, iface: string): Promise<Props> {
        const reply = await sys.systemBus.call(BUS_NAME, path, 'org.freedesktop.DBus.Properties', 'GetAll',
            new GLib.Variant('(s)', [iface]), new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, 10000, null);
        return (reply.recursiveUnpack() as [Props])[0];
    }

    /** Waits until the pool object shows `probe` true of its properties. */
    const poolShows = (pool: string, what: string, probe: (p: Props, rows: Row[]) => boolean): Promise<Props> =>
        waitFor(`pool ${pool} to show ${what}`, async () => {
            const p = await props(poolPath(pool), POOL_IFACE);
            return probe(p, p.Vdevs as Row[]) ? p : undefined;
        }, 20000, 200);

    const row = (rows: Row[], path: string): Row | undefined => rows.find(r => r[1] === path || r[4] === path);

    const completion = (path: string): Promise<{ success: boolean; message: string }> =>
        waitFor(`the Completed signal of ${path}`, () => completed.find(c => c.path === path), 60000, 50);

    const asUser = (...argv: string[]): ReturnType<typeof run> =>
        run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--', ...argv]);

    function jobOf(r: CallOutcome): string {
        if (!r.ok)
            throw new Error(`call failed: ${r.error}: ${r.message}`);
        return String(r.value[0]);
    }

    beforeAll(async () => {
        sys = await TestSystem.start();
        disks = await sys.createPool('tank', 'mirror', 2, 1024);
        // Enough data that a resilver takes a moment (zfs-fuse: ~300 MB/s here).
        await check(['dd', 'if=/dev/urandom', 'of=/tank/data', 'bs=1M', 'count=600', 'status=none']);
        await check(['sync']);
        checksum = await check(['sha256sum', '/tank/data']);
        subscription = sys.systemBus.signal_subscribe(null, JOB_IFACE, 'Completed', null, null,
            Gio.DBusSignalFlags.NONE, (_c, _sender, path, _iface, _signal, params) => {
                const [success, message] = params.deepUnpack<[boolean, string]>();
                completed.push({ path, success, message });
            });
        await poolShows('tank', 'its devices', (_p, rows) => row(rows, disks[1] ?? '') !== undefined);
    }, 180000);

    afterAll(async () => {
        if (subscription)
            sys.systemBus.signal_unsubscribe(subscription);
        await sys.stop();
    });

    it('takes a side of the mirror offline (temporarily) and brings it back online', async () => {
        const side = disks[1] ?? '';
        const off = await poolCall('tank', 'Offline', '(sa{sv})', [side, { temporary: new GLib.Variant('b', true) }]);
        expect(off.ok).withContext(JSON.stringify(off)).toBeTrue();
        const degraded = await poolShows('tank', 'the device offline', (_p, rows) => row(rows, side)?.[3] === 'OFFLINE');
        expect(degraded.Health).toBe('DEGRADED');

        const on = await poolCall('tank', 'Online', '(sa{sv})', [side, { expand: new GLib.Variant('b', true) }]);
        expect(on.ok).withContext(JSON.stringify(on)).toBeTrue();
        const healed = await poolShows('tank', 'the device online', (_p, rows) => row(rows, side)?.[3] === 'ONLINE');
        expect(healed.Health).toBe('ONLINE');
    }, 60000);

    it('replaces an offline device with a new sparse file; the resilver job completes and the pool heals', async () => {
        const old = disks[1] ?? '';
        expect((await poolCall('tank', 'Offline', '(sa{sv})', [old, NO_INTERACTION])).ok).toBeTrue();
        await poolShows('tank', 'DEGRADED', p => p.Health === 'DEGRADED');
        const fresh = await newFile();
        const job = jobOf(await poolCall('tank', 'Replace', '(ssa{sv})', [old, fresh, NO_INTERACTION]));
        const start = await props(job, JOB_IFACE);
        expect(start.Operation).toBe('pool-resilver');
        expect(start.Lock).toBe('resilver:tank');
        expect(start.Objects).toEqual([poolPath('tank')]);
        expect(start.Cancelable).toBeFalse();
        const seen: number[] = [];
        await waitFor('the resilver job to end', async () => {
            const p = await props(job, JOB_IFACE);
            if (p.ProgressValid === true)
                seen.push(p.Progress as number);
            return p.State !== 'running';
        }, 60000, 100);
        print(`# resilver progress seen: ${JSON.stringify(seen)}`);
        for (let i = 1; i < seen.length; i++)
            expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] ?? 0);
        const done = await completion(job);
        expect(done.success).withContext(done.message).toBeTrue();
        expect(done.message).toMatch(/^Resilver of pool tank finished in \d+ s: resilvered [0-9.]+ ?[KMG]i?B?, 0 errors\.$/);
        const end = await props(job, JOB_IFACE);
        lastResilverEnd = (end.EndTime as number) / 1000;
        expect(end.State).toBe('succeeded');
        expect(end.Progress).toBe(1);
        expect((end.Log as string[]).some(l => l.includes(`Replacing ${old} with ${fresh}.`))).toBeTrue();

        const healed = await poolShows('tank', 'the new device in place of the old one',
            (_p, rows) => row(rows, old) === undefined && row(rows, fresh)?.[3] === 'ONLINE' && !rows.some(r => r[2] === 'replacing'));
        expect(healed.Health).toBe('ONLINE');
        expect(healed.ScanFunction).toBe('resilver');
        expect(healed.ScanState).toBe('finished');
        disks[1] = fresh;
        expect(await check(['sha256sum', '/tank/data'])).toBe(checksum);
    }, 120000);

    it('replaces a device in place (a blank disk at the same path); a second replace or attach meanwhile is Busy', async () => {
        // A pool of its own, with enough data that its resilver outlasts the
        // moment the daemon gives zpool to refuse (zfs-fuse resilvers ~400 MB/s;
        // zeros are stored as they are, compression being off).
        const bay = await sys.createPool('bay', 'mirror', 2, 2048);
        await check(['dd', 'if=/dev/zero', 'of=/bay/zeros', 'bs=1M', 'count=1500', 'status=none']);
        await check(['sync']);
        const side = bay[1] ?? '';
        await poolShows('bay', 'its devices', (_p, rows) => row(rows, side) !== undefined);
        expect((await poolCall('bay', 'Offline', '(sa{sv})', [side, NO_INTERACTION])).ok).toBeTrue();
        await poolShows('bay', 'DEGRADED', p => p.Health === 'DEGRADED');
        // A new disk in the old one's bay: same path, no label, no data.
        await check(['truncate', '-s', '0', '--', side]);
        await check(['truncate', '-s', '2G', '--', side]);

        const spare = await newFile(2048);
        const replacing = poolCall('bay', 'Replace', '(ssa{sv})', [side, '', NO_INTERACTION]);
        await sleep(400);
        const starting = await poolCall('bay', 'Attach', '(ssa{sv})', [bay[0] ?? '', spare, NO_INTERACTION]);
        expect(starting.ok ? 'ok' : starting.error).withContext(JSON.stringify(starting)).toBe(ErrorName.Busy);
        expect(starting.ok ? '' : starting.message).toContain('Wait until it has finished');
        const job = jobOf(await replacing);
        const meanwhile = await poolCall('bay', 'Replace', '(ssa{sv})', [bay[0] ?? '', spare, NO_INTERACTION]);
        expect(meanwhile.ok ? 'ok' : meanwhile.error).withContext(JSON.stringify(meanwhile)).toBe(ErrorName.Busy);
        expect(meanwhile.ok ? '' : meanwhile.message).toContain(`A resilver is already running on pool bay (${job})`);

        const done = await completion(job);
        expect(done.success).withContext(done.message).toBeTrue();
        expect(done.message).toMatch(/^Resilver of pool bay finished in \d+ s: resilvered 1\.[0-9]+ ?Gi?B?, 0 errors\.$/);
        const end = await props(job, JOB_IFACE);
        expect((end.Log as string[]).some(l => l.includes(`Replacing ${side} in place.`))).toBeTrue();
        const healed = await poolShows('bay', 'the blank disk resilvered', (_p, rows) => row(rows, side)?.[3] === 'ONLINE' &&
            !rows.some(r => r[2] === 'replacing'));
        expect(healed.Health).toBe('ONLINE');
        expect(row(healed.Vdevs as Row[], spare)).withContext('the refused calls left no trace').toBeUndefined();
        // A scrub reads both sides: had the blank disk not been written whole, it would find checksum errors.
        const scrub = JSON.parse(await check(['sigmavaultctl', 'pool', 'scrub', 'bay', '--wait', '--json'])) as Props;
        expect(scrub.state).toBe('succeeded');
        const after = await props(poolPath('bay'), POOL_IFACE);
        expect((after.Vdevs as Row[]).map(r => [r[1], r[5], r[6], r[7]])).toEqual((after.Vdevs as Row[]).map(r => [r[1], 0, 0, 0]));
        await sys.destroyPool('bay');
    }, 180000);

    it('attaches a mirror side to a single-device pool, and detaches it again', async () => {
        const [solo] = await sys.createPool('solo', 'single', 1, 256);
        await poolShows('solo', 'its device', (_p, rows) => row(rows, solo ?? '') !== undefined);
        const side = await newFile(256);
        // sigmavaultctl waits for the resilver job and prints it.
        const out = JSON.parse(await check(['sigmavaultctl', 'pool', 'attach', 'solo', solo ?? '', side, '--wait', '--json'])) as Props;
        expect(out.operation).toBe('pool-resilver');
        expect(out.lock).toBe('resilver:solo');
        expect(out.state).toBe('succeeded');
        const mirrored = await poolShows('solo', 'a mirror', (_p, rows) => rows.some(r => r[2] === 'mirror') &&
            row(rows, side)?.[3] === 'ONLINE');
        expect(mirrored.Health).toBe('ONLINE');

        const r = await poolCall('solo', 'Detach', '(sa{sv})', [side, NO_INTERACTION]);
        expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
        await poolShows('solo', 'a single device again', (_p, rows) => !rows.some(x => x[2] === 'mirror') && row(rows, side) === undefined);
        const last = await poolCall('solo', 'Detach', '(sa{sv})', [solo ?? '', NO_INTERACTION]);
        expect(last.ok ? 'ok' : last.error).withContext('the last copy of the data').toBe(ErrorName.InvalidArgument);
        expect(last.ok ? '' : last.message).toContain('not a side of a mirror');
        await sys.destroyPool('solo');
    }, 120000);

    it('adopts a resilver started outside SigmaVault as a job', async () => {
        const fresh = await newFile();
        const before = new Set(completed.map(c => c.path));
        // A scan seen within 10 s of a job's end is taken for that job's: wait that out.
        await sleep(Math.max(0, lastResilverEnd + 11000 - Date.now()));
        const replace = check(['zpool', 'replace', '--', 'tank', disks[1] ?? '', fresh]);
        disks[1] = fresh;
        // OpenZFS announces a resilver as a zevent; zfs-fuse announces
        // nothing and rewrites its cache file only when the replace is done.
        // Touching the cache while the resilver runs stands in for the event.
        await waitFor('the resilver to run', async () => /resilver in progress/.test(await check(['zpool', 'status', 'tank'])), 10000, 50);
        await check(['touch', '/var/lib/zfs/zpool.cache']);
        const adopted = await waitFor('an adopted resilver job', async () => {
            const reply = await sys.systemBus.call(BUS_NAME, '/com/sigmavault/Daemon', 'org.freedesktop.DBus.ObjectManager',
                'GetManagedObjects', null, new GLib.VariantType('(a{oa{sa{sv}}})'), Gio.DBusCallFlags.NONE, 10000, null);
            const [objects] = reply.recursiveUnpack() as unknown as [Record<string, Record<string, Props>>];
            return Object.entries(objects).find(([path, ifaces]) => !before.has(path) && ifaces[JOB_IFACE]?.Lock === 'resilver:tank' &&
                (ifaces[JOB_IFACE]?.Log as string[]).some(l => l.includes('Noticed a resilver started outside SigmaVault')))?.[0];
        }, 20000, 200);
        await replace;
        const done = await completion(adopted);
        expect(done.success).withContext(done.message).toBeTrue();
        expect(done.message).toMatch(/^Resilver of pool tank finished/);
    }, 90000);

    it('refuses a single-disk vdev on a mirror pool without acknowledgement, explaining the risk', async () => {
        const single = await newFile();
        singleDisk = single;
        const preview = await poolCall('tank', 'PreviewAddVdev', '(sasa{sv})', ['disk', [single], NO_INTERACTION]);
        expect(preview.ok).withContext(JSON.stringify(preview)).toBeTrue();
        const warning = preview.ok ? String(preview.value[0]) : '';
        expect(warning).toContain('Pool tank keeps its data on a mirror of 2 devices, which survives the loss of 1 device.');
        expect(warning).toContain('a single device, which survives no device failure');

        const refused = await poolCall('tank', 'AddVdev', '(sasa{sv})', ['disk', [single], NO_INTERACTION]);
        expect(refused.ok ? 'ok' : refused.error).toBe(ErrorName.InvalidArgument);
        expect(refused.ok ? '' : refused.message).toContain('the whole pool and all its data are lost');
        expect(refused.ok ? '' : refused.message).toContain('To add it anyway, set the option “force”');
        const cli = await run(['sigmavaultctl', 'pool', 'add', 'tank', 'disk', single]);
        expect(cli.status).toBe(1);
        expect(cli.stderr).toContain('survives no device failure');
        const unchanged = await props(poolPath('tank'), POOL_IFACE);
        expect(row(unchanged.Vdevs as Row[], single)).toBeUndefined();

        // A mirror keeps the pool's redundancy: added without asking.
        const pair = [await newFile(), await newFile()];
        expect((await poolCall('tank', 'PreviewAddVdev', '(sasa{sv})', ['mirror', pair, NO_INTERACTION]))).toEqual({ ok: true, value: [''] });
        const added = await poolCall('tank', 'AddVdev', '(sasa{sv})', ['mirror', pair, NO_INTERACTION]);
        expect(added.ok).withContext(JSON.stringify(added)).toBeTrue();
        await poolShows('tank', 'a second mirror', (_p, rows) => rows.filter(r => r[2] === 'mirror').length === 2);

        // With "force", the weaker vdev is added: the person accepted the risk.
        const forced = JSON.parse(await check(['sigmavaultctl', 'pool', 'add', 'tank', 'disk', single, '--force', '--json'])) as Props;
        expect(forced.state).toBe('added');
        await poolShows('tank', 'the single disk', (_p, rows) => row(rows, single)?.[0] === 1);
    }, 90000);

    it('refuses an unprivileged user; reads stay open', async () => {
        const r = await asUser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', poolPath('tank'),
            '--method', `${POOL_IFACE}.Offline`, disks[0] ?? '', '{}');
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain(ErrorName.NotAuthorized);
        const fresh = await newFile();
        for (const [method, args] of [['Replace', [disks[0] ?? '', fresh, '{}']], ['Attach', [disks[0] ?? '', fresh, '{}']],
            ['AddVdev', ['disk', `['${fresh}']`, '{}']], ['Detach', [disks[0] ?? '', '{}']]] as const) {
            const denied = await asUser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', poolPath('tank'),
                '--method', `${POOL_IFACE}.${method}`, ...args);
            expect(denied.stderr).withContext(method).toContain(ErrorName.NotAuthorized);
        }
        const pool = await props(poolPath('tank'), POOL_IFACE);
        expect(pool.Health).toBe('ONLINE');
        expect((pool.Vdevs as Row[]).every(x => x[3] === 'ONLINE')).toBeTrue();
        const read = await asUser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', poolPath('tank'),
            '--method', 'org.freedesktop.DBus.Properties.Get', POOL_IFACE, 'Vdevs');
        expect(read.status).withContext(read.stderr).toBe(0);
    }, 60000);

    describe('bad input gets a named error', () => {
        const cases: [string, () => Promise<CallOutcome>, string, string][] = [
            ['an unknown device', () => poolCall('tank', 'Offline', '(sa{sv})', ['/var/tmp/nope', NO_INTERACTION]),
                ErrorName.NotFound, 'has no device “/var/tmp/nope”'],
            ['a device starting with “-”', () => poolCall('tank', 'Online', '(sa{sv})', ['-f', NO_INTERACTION]),
                ErrorName.InvalidArgument, 'may not start with “-”'],
            ['a new device starting with “-”', () => poolCall('tank', 'Replace', '(ssa{sv})', [disks[0] ?? '', '-f', NO_INTERACTION]),
                ErrorName.InvalidArgument, 'may not start with “-”'],
            ['a relative path', () => poolCall('tank', 'Attach', '(ssa{sv})', [disks[0] ?? '', 'sdb', NO_INTERACTION]),
                ErrorName.InvalidArgument, 'full path'],
            ['a path that does not exist', () => poolCall('tank', 'Replace', '(ssa{sv})', [disks[0] ?? '', `${sys.poolDir}/missing`, NO_INTERACTION]),
                ErrorName.NotFound, 'does not exist'],
            ['a file outside the directories allowed for file devices', () => poolCall('tank', 'Attach', '(ssa{sv})', [disks[0] ?? '', '/tank/data', NO_INTERACTION]),
                ErrorName.InvalidArgument, 'nor a file under'],
            ['a device already in the pool', () => poolCall('tank', 'AddVdev', '(sasa{sv})', ['disk', [disks[0] ?? ''], NO_INTERACTION]),
                ErrorName.InvalidArgument, 'belongs to pool tank'],
            ['an unknown layout', () => poolCall('tank', 'AddVdev', '(sasa{sv})', ['raid5', [`${sys.poolDir}/x`], NO_INTERACTION]),
                ErrorName.InvalidArgument, 'Unknown layout'],
            ['too few devices', () => poolCall('tank', 'AddVdev', '(sasa{sv})', ['raidz2', [`${sys.poolDir}/x`, `${sys.poolDir}/y`], NO_INTERACTION]),
                ErrorName.InvalidArgument, 'at least 3 devices'],
            ['special vdevs on zfs-fuse', () => poolCall('tank', 'AddVdev', '(sasa{sv})', ['special', [`${sys.poolDir}/x`], NO_INTERACTION]),
                ErrorName.ToolUnavailable, 'zfs-fuse has no special vdevs'],
            ['an unknown option', () => poolCall('tank', 'Offline', '(sa{sv})', [disks[0] ?? '', { temporarily: new GLib.Variant('b', true) }]),
                ErrorName.InvalidArgument, 'temporarily'],
            ['an option of the wrong type', () => poolCall('tank', 'Online', '(sa{sv})', [disks[0] ?? '', { expand: new GLib.Variant('s', 'yes') }]),
                ErrorName.InvalidArgument, 'expand'],
            ['detaching a single-device vdev', () => poolCall('tank', 'Detach', '(sa{sv})', [singleDisk, NO_INTERACTION]),
                ErrorName.InvalidArgument, 'not a side of a mirror'],
        ];
        for (const [what, call, error, words] of cases) {
            it(what, async () => {
                const r = await call();
                expect(r.ok ? 'ok' : r.error).withContext(JSON.stringify(r)).toBe(error);
                expect(r.ok ? '' : r.message).toContain(words);
            });
        }

        it('taking offline the last copy of the data: zpool refuses, in words', async () => {
            const r = await poolCall('tank', 'Offline', '(sa{sv})', [disks[1] ?? '', NO_INTERACTION]);
            expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
            await poolShows('tank', 'DEGRADED', p => p.Health === 'DEGRADED');
            const last = await poolCall('tank', 'Offline', '(sa{sv})', [disks[0] ?? '', NO_INTERACTION]);
            expect(last.ok ? 'ok' : last.error).toBe(ErrorName.Failed);
            expect(last.ok ? '' : last.message).toContain('no complete copy of its data');
            expect((await poolCall('tank', 'Online', '(sa{sv})', [disks[1] ?? '', NO_INTERACTION])).ok).toBeTrue();
        });
    });
});
