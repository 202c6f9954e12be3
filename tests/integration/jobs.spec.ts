// Jobs end to end, with scrubs as the jobs: the real daemon on a private
// system bus, polkitd with test rules, and a zfs-fuse mirror holding 600 MB.
// zfs-fuse scrubs that in about a second and cannot pause; its `zpool scrub
// -s` takes effect only when the running pass ends. The specs say so where
// it matters.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, ErrorName, JOB_IFACE, POOL_IFACE, poolPath } from '../../src/shared/dbus-names.js';
import { readDaemon } from '../../src/shared/daemon-client.js';
import { callDaemon, type CallOutcome, type Completion, CompletedSignals } from '../harness/dbus.js';
import { asSvuser, check, run, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const HISTORY = '/var/lib/sigmavault/jobs.json';
const POOL_MIB = 1024;
const NO_INTERACTION = { 'auth.no_user_interaction': new GLib.Variant('b', true) };

type Props = Record<string, unknown>;

describe('jobs: scrubs as jobs', () => {
    let sys: TestSystem;
    let disks: string[];
    let completions: CompletedSignals | null = null;

    const scrub = (action: string, options: Record<string, GLib.Variant> = NO_INTERACTION): Promise<CallOutcome> =>
        callDaemon(sys.systemBus, poolPath('tank'), POOL_IFACE, 'Scrub', new GLib.Variant('(sa{sv})', [action, options]));

    async function jobProps(path: string): Promise<Props> {
        const reply = await sys.systemBus.call(BUS_NAME, path, 'org.freedesktop.DBus.Properties', 'GetAll',
            new GLib.Variant('(s)', [JOB_IFACE]), new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, 10000, null);
        const [props] = reply.recursiveUnpack() as [Props];
        return props;
    }

    function pathOf(r: CallOutcome): string {
        if (!r.ok)
            throw new Error(`Scrub failed: ${r.error}: ${r.message}`);
        return String(r.value[0]);
    }

    const completion = (path: string): Promise<Completion> => {
        if (completions === null)
            throw new Error('not set up');
        return completions.of(path);
    };

    beforeAll(async () => {
        sys = await TestSystem.start();
        disks = await sys.createPool('tank', 'mirror', 2, POOL_MIB);
        // Enough data that a scrub is not instant (zfs-fuse scrubs ~1 GB/s here).
        await check(['dd', 'if=/dev/urandom', 'of=/tank/data', 'bs=1M', 'count=600', 'status=none']);
        await check(['sync']);
        await run(['rm', '-f', '--', HISTORY]);
        completions = new CompletedSignals(sys.systemBus);
    }, 180000);

    afterAll(async () => {
        completions?.stop();
        await sys.stop();
    });

    let firstJob = '';

    it('starts a scrub as a job, gives a second request the same job, shows progress and completes', async () => {
        const first = pathOf(await scrub('start'));
        const second = pathOf(await scrub('start'));
        expect(first).toMatch(/^\/com\/sigmavault\/Daemon\/jobs\/\d+$/);
        expect(second).withContext('the lock "scrub:tank" de-duplicates').toBe(first);
        firstJob = first;
        const props = await jobProps(first);
        expect(props.Operation).toBe('pool-scrub');
        expect(props.Objects).toEqual([poolPath('tank')]);
        expect(props.Lock).toBe('scrub:tank');
        expect(props.StartedByUID).toBe(0);
        expect(props.Cancelable).toBeTrue();
        expect(props.StartTime).toBeGreaterThan(0);

        // Progress as the client sees it, until the job ends.
        const seen: number[] = [];
        await waitFor('the scrub job to end', async () => {
            const p = await jobProps(first);
            if (p.ProgressValid === true)
                seen.push(p.Progress as number);
            return p.State !== 'running';
        }, 60000, 100);
        print(`# progress seen while running: ${JSON.stringify(seen)}`);
        const done = await completion(first);
        expect(done.success).toBeTrue();
        expect(done.message).toMatch(/^Scrub of pool tank finished in \d+ s: nothing needed to be repaired, 0 errors\.$/);
        const end = await jobProps(first);
        expect(end.State).toBe('succeeded');
        expect(end.Progress).toBe(1);
        expect(end.EndTime).toBeGreaterThanOrEqual(end.StartTime as number);
        expect(end.Cancelable).toBeFalse();
        expect((end.Log as string[]).some(l => l.includes('Started by uid 0'))).toBeTrue();
        // Increasing while it ran, when the poll caught it running at all.
        for (let i = 1; i < seen.length; i++)
            expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] ?? 0);
    }, 90000);

    it('shows the last scrub on the pool: state, end time, duration and errors', async () => {
        const pool = await waitFor('the pool to show the finished scrub', async () => {
            const r = await sys.systemBus.call(BUS_NAME, poolPath('tank'), 'org.freedesktop.DBus.Properties', 'GetAll',
                new GLib.Variant('(s)', [POOL_IFACE]), new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, 10000, null);
            const [p] = r.recursiveUnpack() as [Props];
            return p.ScanState === 'finished' ? p : undefined;
        }, 20000, 200);
        expect(pool.ScanFunction).toBe('scrub');
        expect(pool.ScanProgress).toBe(1);
        const endSeconds = (pool.LastScrubEnd as number) / 1e6;
        expect(Math.abs(endSeconds - Date.now() / 1000)).toBeLessThan(120);
        expect(pool.LastScrubErrors).toBe(0);
        expect(pool.LastScrubDuration).toBe(0); // zfs-fuse reports whole minutes
    });

    it('keeps the history in /var/lib/sigmavault/jobs.json', () => {
        const file = JSON.parse(new TextDecoder().decode(GLib.file_get_contents(HISTORY)[1])) as {
            version: number; nextId: number; jobs: { id: number; state: string; operation: string; message: string }[];
        };
        expect(file.version).toBe(1);
        const id = Number(firstJob.split('/').at(-1));
        const record = file.jobs.find(j => j.id === id);
        expect(record?.state).toBe('succeeded');
        expect(record?.operation).toBe('pool-scrub');
        expect(record?.message).toContain('finished');
        expect(file.nextId).toBeGreaterThan(id);
    });

    it('refuses an unprivileged user starting or cancelling a scrub; reads stay open', async () => {
        const start = await asSvuser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', poolPath('tank'),
            '--method', `${POOL_IFACE}.Scrub`, 'start', '{}');
        expect(start.status).not.toBe(0);
        expect(start.stderr).toContain(ErrorName.NotAuthorized);

        const path = pathOf(await scrub('start'));
        const cancel = await asSvuser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', path,
            '--method', `${JOB_IFACE}.Cancel`, '{}');
        expect(cancel.status).not.toBe(0);
        expect(cancel.stderr).toContain(ErrorName.NotAuthorized);
        const read = await asSvuser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', path,
            '--method', 'org.freedesktop.DBus.Properties.Get', JOB_IFACE, 'State');
        expect(read.status).withContext(read.stderr).toBe(0);
        await completion(path);
    }, 90000);

    it('cancels a running scrub through Job1.Cancel: Completed(false) and state cancelled', async () => {
        const path = pathOf(await scrub('start'));
        const r = await callDaemon(sys.systemBus, path, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [NO_INTERACTION]));
        expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
        const done = await completion(path);
        expect(done.success).toBeFalse();
        // zfs-fuse lets the running pass finish before it stops; the message says which happened.
        expect(done.message).toMatch(/cancelled after|Cancelled, but the scrub of pool tank had already finished/);
        expect((await jobProps(path)).State).toBe('cancelled');
        const again = await callDaemon(sys.systemBus, path, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [{}]));
        expect(again.ok ? 'ok' : again.error).withContext('cancelling a finished job').toBe(ErrorName.Failed);
    }, 90000);

    it('cancels through Pool1.Scrub("cancel") and returns the job it cancelled', async () => {
        const path = pathOf(await scrub('start'));
        const r = await scrub('cancel');
        expect(pathOf(r)).toBe(path);
        expect((await completion(path)).success).toBeFalse();
    }, 90000);

    describe('bad input gets a named error', () => {
        const cases: [string, () => Promise<CallOutcome>, string][] = [
            ['an unknown action', () => scrub('bogus'), ErrorName.InvalidArgument],
            ['an empty action', () => scrub(''), ErrorName.InvalidArgument],
            ['an unknown option', () => scrub('start', { force: new GLib.Variant('b', true) }), ErrorName.InvalidArgument],
            ['an option of the wrong type', () => scrub('start', { 'auth.no_user_interaction': new GLib.Variant('i', 1) }),
                ErrorName.InvalidArgument],
            ['pause with no scrub running', () => scrub('pause'), ErrorName.NotFound],
            ['cancel with no scrub running', () => scrub('cancel'), ErrorName.NotFound],
            ['wrong argument types', () => callDaemon(sys.systemBus, poolPath('tank'), POOL_IFACE, 'Scrub',
                new GLib.Variant('(a{sv})', [{}])), 'org.freedesktop.DBus.Error.InvalidArgs'],
            ['a job that does not exist', () => callDaemon(sys.systemBus, '/com/sigmavault/Daemon/jobs/99999', JOB_IFACE,
                'Cancel', new GLib.Variant('(a{sv})', [{}])), 'org.freedesktop.DBus.Error.UnknownMethod'],
        ];
        for (const [what, call, expected] of cases) {
            it(`refuses ${what} with ${expected}`, async () => {
                const r = await call();
                expect(r.ok ? 'ok' : r.error).toBe(expected);
            });
        }

        it('says that zfs-fuse cannot pause a scrub', async () => {
            const path = pathOf(await scrub('start'));
            const r = await scrub('pause');
            expect(r.ok ? 'ok' : r.error).toBe(ErrorName.Failed);
            expect(r.ok ? '' : r.message).toContain('cannot pause');
            await completion(path);
        }, 90000);
    });

    it('finds checksum errors on the corrupted side of the mirror, repairs them and says so', async () => {
        // Overwrite the middle of one side, away from the labels ZFS keeps
        // in the first and last 512 KiB of each device.
        await check(['dd', 'if=/dev/urandom', `of=${disks[0] ?? ''}`, 'bs=1M', 'seek=64', `count=${POOL_MIB - 128}`,
            'conv=notrunc', 'status=none']);
        const path = pathOf(await scrub('start'));
        const done = await completion(path);
        expect(done.success).toBeTrue();
        expect(done.message).toMatch(/^Scrub of pool tank finished in \d+ s: repaired [0-9.]+[KMG], 0 errors\.$/);
        const rows = await waitFor('the checksum errors to show on the pool', async () => {
            const pool = (await readDaemon(sys.systemBus)).pools.find(p => p.name === 'tank');
            return pool?.vdevs.some(v => v.checksum > 0) ? pool.vdevs : undefined;
        }, 20000, 250);
        const corrupted = rows.find(v => v.name === disks[0]);
        const intact = rows.find(v => v.name === disks[1]);
        print(`# CKSUM on ${disks[0] ?? ''}: ${corrupted?.checksum ?? '?'}`);
        expect(corrupted?.checksum).toBeGreaterThan(0);
        expect(intact?.checksum).toBe(0);
        expect(rows.find(v => v.depth === 0)?.state).toBe('ONLINE');
        await sys.zpool('clear', 'tank');
    }, 120000);

    it('lists jobs with the CLI and scrubs with --wait', async () => {
        const out = await check(['sigmavaultctl', 'pool', 'scrub', 'tank', '--wait', '--json']);
        const job = JSON.parse(out) as { path: string; state: string; operation: string; message: string };
        expect(job.operation).toBe('pool-scrub');
        expect(job.state).toBe('succeeded');
        const list = JSON.parse(await check(['sigmavaultctl', 'job', 'list', '--json'])) as { path: string; state: string }[];
        expect(list.some(j => j.path === firstJob && j.state === 'succeeded')).toBeTrue();
        expect(list.some(j => j.path === job.path)).toBeTrue();
        const text = await check(['sigmavaultctl', 'job', 'list']);
        expect(text).toContain('pool-scrub');
        const bad = await run(['sigmavaultctl', 'job', 'cancel', 'nonsense']);
        expect(bad.status).not.toBe(0);
    }, 90000);

    it('reports a job that was running when the daemon stopped as interrupted, and keeps the history', async () => {
        const path = pathOf(await scrub('start'));
        await sys.stopDaemon();
        // The next call activates a new daemon, which reads the history.
        const state = await waitFor('the restarted daemon to list the job', async () => {
            const r = await jobProps(path).catch(() => null);
            return r?.State;
        }, 20000, 250);
        expect(state).toBe('interrupted');
        const props = await jobProps(path);
        expect(props.Message).toContain('Interrupted');
        expect(props.EndTime).toBeGreaterThan(0);
        expect((await jobProps(firstJob)).State).toBe('succeeded');
        const file = new TextDecoder().decode(GLib.file_get_contents(HISTORY)[1]);
        expect(file).toContain('"interrupted"');
    }, 90000);
});
