// SMART self-tests end to end: the real daemon on a private system bus with
// polkitd and test rules, and the smartctl stand-in on its tool search path
// (tests/harness/disk-stand-ins.ts, smartctl-self-test.ts), which behaves
// across calls like smartctl on the recorded drives: sda (smart-ata.json, a
// short test in progress with 10% left), sdb (smart-fail2.json, whose
// extended tests end in a read failure) and an NVMe drive recorded by a
// smartctl too old for NVMe self-tests. The daemon reads every 0.3 s here
// (SIGMAVAULT_SELFTEST_POLL) instead of every 30–60 s.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, ErrorName, JOB_IFACE } from '../../src/shared/dbus-names.js';
import { DISK_IFACE, type DiskInfo, diskPath, readDisks } from '../../src/shared/disk-info.js';
import { callDaemon, type CallOutcome } from '../harness/dbus.js';
import { startDaemonWithDiskStandIns } from '../harness/disk-stand-ins.js';
import { check, run, type Service, waitFor, writeFile } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const SDA = 'WDC_WD140EDFZ-11A0VA0_9RK1XXXX';
const SDB = 'HDS721050DLE630_MSK423Y20S3HBC';
const NVME = 'eui.0025385781b0a5c1';
const NO_INTERACTION = { 'auth.no_user_interaction': new GLib.Variant('b', true) };

type Props = Record<string, unknown>;

describe('SMART self-tests as jobs (smartctl stand-in from the recordings)', () => {
    let sys: TestSystem;
    let daemon: Service;
    let dir: string;
    const completed: { path: string; success: boolean; message: string }[] = [];
    let subscription = 0;

    const start = (id: string, type: string, options: Record<string, GLib.Variant> = NO_INTERACTION): Promise<CallOutcome> =>
        callDaemon(sys.systemBus, diskPath(id), DISK_IFACE, 'StartSelfTest', new GLib.Variant('(sa{sv})', [type, options]));
    const pathOf = (r: CallOutcome): string => {
        if (!r.ok)
            throw new Error(`StartSelfTest failed: ${r.error}: ${r.message}`);
        return String(r.value[0]);
    };
    async function jobProps(path: string): Promise<Props> {
        const reply = await sys.systemBus.call(BUS_NAME, path, 'org.freedesktop.DBus.Properties', 'GetAll',
            new GLib.Variant('(s)', [JOB_IFACE]), new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, 10000, null);
        return (reply.recursiveUnpack() as [Props])[0];
    }
    const completion = (path: string): Promise<{ success: boolean; message: string }> =>
        waitFor(`the Completed signal of ${path}`, () => completed.find(c => c.path === path), 30000, 50);
    const disk = async (id: string): Promise<DiskInfo> => {
        const d = (await readDisks(sys.systemBus)).find(x => x.id === id);
        if (!d)
            throw new Error(`no disk ${id}`);
        return d;
    };
    const calls = (): string[] => new TextDecoder().decode(GLib.file_get_contents(`${dir}/smartctl-calls`)[1])
        .split('\n').filter(l => l !== '');
    const hold = (name: string): void => {
        writeFile(`${dir}/hold-${name}`, '');
    };
    const release = (name: string): void => {
        GLib.unlink(`${dir}/hold-${name}`);
    };
    const asUser = (...argv: string[]): ReturnType<typeof run> =>
        run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--', ...argv]);

    beforeAll(async () => {
        sys = await TestSystem.start({ zfs: false });
        await run(['rm', '-f', '--', '/var/lib/sigmavault/jobs.json']);
        ({ daemon, dir } = await startDaemonWithDiskStandIns(sys, 'sigmavaultd-self-tests', 0,
            { SIGMAVAULT_SELFTEST_POLL: '0.3' }));
        subscription = sys.systemBus.signal_subscribe(null, JOB_IFACE, 'Completed', null, null,
            Gio.DBusSignalFlags.NONE, (_c, _sender, path, _iface, _signal, params) => {
                const [success, message] = params.deepUnpack<[boolean, string]>();
                completed.push({ path, success, message });
            });
    }, 120000);

    afterAll(async () => {
        if (subscription)
            sys.systemBus.signal_unsubscribe(subscription);
        await daemon?.stop();
        await sys?.stop();
    });

    it('shows which tests each disk offers and its log from the regular SMART read', async () => {
        const sdb = await disk(SDB);
        expect(sdb.selfTestTypes).toEqual(['short', 'long']);
        expect(sdb.selfTestRunning).toBeFalse();
        expect(sdb.selfTestLog.length).toBe(21);
        expect(sdb.selfTestLog.filter(e => e.result === 'failed').map(e => e.lba)).toEqual([104870168, 104874784, 104874792]);
        const sda = await disk(SDA);
        expect(sda.selfTestRunning).withContext('the recording has a short test in progress').toBeTrue();
        expect(sda.selfTestRemaining).toBe(10);
        expect((await disk(NVME)).selfTestTypes).toEqual([]);
    });

    it('runs a short self-test as a job: one job per disk, progress as the rest goes down, passed, and its entry in the log', async () => {
        hold('sdb');
        const path = pathOf(await start(SDB, 'short'));
        expect(pathOf(await start(SDB, 'short'))).withContext('the lock "selftest:<id>" de-duplicates').toBe(path);
        expect(pathOf(await start(SDB, 'long'))).withContext('one self-test per disk, whatever type').toBe(path);
        const props = await jobProps(path);
        expect(props).toEqual(jasmine.objectContaining({ Operation: 'smart-selftest', Objects: [diskPath(SDB)],
            Lock: `selftest:${SDB}`, StartedByUID: 0, Cancelable: true, State: 'running' }));
        // Held at 90% left: the job shows 10% done and the drive's estimate (1 minute for a short test).
        await waitFor('the job to show 10%', async () => (await jobProps(path)).Progress === 0.1 || undefined, 10000, 100);
        const held = await jobProps(path);
        expect(held.ProgressValid).toBeTrue();
        expect((held.ExpectedEndTime as number) - (held.StartTime as number)).toBeCloseTo(60e6, -6);
        expect((await disk(SDB)).selfTestRemaining).toBe(90);

        release('sdb');
        const seen: number[] = [];
        await waitFor('the job to end', async () => {
            const p = await jobProps(path);
            if (p.State === 'running')
                seen.push(p.Progress as number);
            return p.State !== 'running';
        }, 30000, 50);
        print(`# progress seen: ${JSON.stringify(seen)}`);
        expect(new Set(seen).size).withContext('several steps seen').toBeGreaterThan(2);
        for (let i = 1; i < seen.length; i++)
            expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] ?? 0);
        const done = await completion(path);
        expect(done.success).toBeTrue();
        expect(done.message).toMatch(/^Short self-test of sdb passed in \d+ s: Completed without error\.$/);
        const end = await jobProps(path);
        expect(end.State).toBe('succeeded');
        expect(end.Progress).toBe(1);
        expect((end.Log as string[]).some(l => l.includes('smartctl -t short: Testing has begun.'))).toBeTrue();

        // 65592 power-on hours, as the drive's 16-bit log field has them.
        const log = await waitFor('the new entry on the disk', async () => {
            const d = await disk(SDB);
            return d.selfTestLog[0]?.lifetimeHours === 56 ? d.selfTestLog : undefined;
        }, 10000, 100);
        expect(log[0]).toEqual({ type: 'short', description: 'Short offline', result: 'passed',
            status: 'Completed without error', lifetimeHours: 56, remainingPercent: 0, lba: null });
        expect(log.length).withContext('the oldest of 21 dropped').toBe(21);
        expect((await disk(SDB)).selfTestRunning).toBeFalse();
    }, 60000);

    it('starts with smartctl -t and reads only with -n standby', () => {
        const mine = calls().filter(c => c.endsWith('/dev/sdb'));
        expect(mine).toContain('-t short -- /dev/sdb');
        const reads = mine.filter(c => !c.startsWith('-t ') && !c.startsWith('-X '));
        expect(reads.length).toBeGreaterThan(5);
        for (const c of reads)
            expect(c).toMatch(/^--json (-c -l selftest|--all) -n standby -- \/dev\/sdb$/);
    });

    it('fails a long self-test that finds a bad block, with the status and the first bad LBA', async () => {
        const path = pathOf(await start(SDB, 'long'));
        const done = await completion(path);
        expect(done.success).toBeFalse();
        expect(done.message).toBe('Long self-test of sdb found a problem with 90% of it left: Completed: read failure, ' +
            'first bad block at LBA 104870168. Back up the data on this disk and replace it.');
        expect((await jobProps(path)).State).toBe('failed');
        const top = await waitFor('the failed entry on the disk', async () => {
            const e = (await disk(SDB)).selfTestLog[0];
            return e?.result === 'failed' && e.lifetimeHours === 56 ? e : undefined;
        }, 10000, 100);
        expect(top).toEqual(jasmine.objectContaining({ type: 'long', status: 'Completed: read failure', remainingPercent: 90, lba: 104870168 }));
    }, 60000);

    it('follows a test already running instead of starting another, and cancels it with smartctl -X', async () => {
        hold('sda');
        const path = pathOf(await start(SDA, 'short'));
        await waitFor('the job to follow the running test', async () =>
            (await jobProps(path)).Progress === 0.9 || undefined, 10000, 100);
        // Log lines are published a moment after they are written.
        await waitFor('the log to say so', async () =>
            ((await jobProps(path)).Log as string[]).some(l => l.includes('already running')) || undefined, 5000, 50);

        const refused = await asUser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', path,
            '--method', `${JOB_IFACE}.Cancel`, '{}');
        expect(refused.stderr).toContain(ErrorName.NotAuthorized);

        const r = await callDaemon(sys.systemBus, path, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [NO_INTERACTION]));
        expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
        const done = await completion(path);
        expect(done.success).toBeFalse();
        expect(done.message).toMatch(/^Short self-test of sda cancelled after \d+ s with 10% of it left\.$/);
        expect((await jobProps(path)).State).toBe('cancelled');
        expect(calls()).toContain('-X -- /dev/sda');
        const top = await waitFor('the aborted entry', async () => {
            const e = (await disk(SDA)).selfTestLog[0];
            return e?.result === 'aborted' ? e : undefined;
        }, 10000, 100);
        expect(top).toEqual(jasmine.objectContaining({ type: 'short', status: 'Aborted by host', remainingPercent: 10 }));
        release('sda');
    }, 60000);

    it('starts and waits from the command line, and prints the log', async () => {
        const json = JSON.parse(await check(['sigmavaultctl', 'disk', 'selftest', 'sda', '--short', '--wait', '--json'])) as Props;
        expect(json.state).toBe('succeeded');
        expect(json.operation).toBe('smart-selftest');
        expect(String(json.message)).toMatch(/^Short self-test of sda passed/);
        const text = await check(['sigmavaultctl', 'disk', 'selftest-log', 'sda']);
        const lines = text.trim().split('\n');
        expect(lines[0]).toMatch(/^#\s+TEST\s+RESULT\s+STATUS\s+HOURS\s+LEFT\s+FIRST BAD LBA$/);
        expect(lines[1]).toMatch(/^1\s+Short\s+Passed\s+Completed without error\s+1730\s+–\s+–$/);
        expect(lines[2]).toMatch(/^2\s+Short\s+Aborted\s+Aborted by host\s+1730\s+10\s%\s+–$/);
        const log = JSON.parse(await check(['sigmavaultctl', 'disk', 'selftest-log', '/dev/sdb', '--json'])) as Props[];
        expect(log[0]).toEqual({ type: 'long', description: 'Extended offline', result: 'failed', status: 'Completed: read failure',
            lifetime_hours: 56, remaining_percent: 90, lba: 104870168 });
        const usage = await run(['sigmavaultctl', 'disk', 'selftest', 'sda']);
        expect(usage.status).toBe(64);
        const none = await run(['sigmavaultctl', 'disk', 'selftest-log', 'sdz']);
        expect(none.status).toBe(1);
        expect(none.stderr).toContain('No disk sdz');
    }, 60000);

    it('refuses an unprivileged user starting a self-test', async () => {
        const r = await asUser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', diskPath(SDB),
            '--method', `${DISK_IFACE}.StartSelfTest`, 'short', '{}');
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain(ErrorName.NotAuthorized);
        expect(calls().filter(c => c.startsWith('-t ')).length).toBe(3);
    });

    describe('bad input gets a named error', () => {
        const cases: [string, () => Promise<CallOutcome>, string, RegExp][] = [
            ['an unknown type', () => start(SDB, 'bogus'), ErrorName.InvalidArgument, /Use “short”, “long” or “conveyance”/],
            ['an empty type', () => start(SDB, ''), ErrorName.InvalidArgument, /Unknown self-test type/],
            ['a type the disk does not offer', () => start(SDB, 'conveyance'), ErrorName.InvalidArgument, /offers short, long/],
            ['a disk smartctl offers no self-tests for', () => start(NVME, 'short'), ErrorName.InvalidArgument, /smartctl 7\.3/],
            ['an unknown option', () => start(SDB, 'short', { wait: new GLib.Variant('b', true) }), ErrorName.InvalidArgument, /wait/],
            ['wrong argument types', () => callDaemon(sys.systemBus, diskPath(SDB), DISK_IFACE, 'StartSelfTest',
                new GLib.Variant('(a{sv})', [{}])), 'org.freedesktop.DBus.Error.InvalidArgs', /./],
        ];
        for (const [what, call, expected, message] of cases) {
            it(`refuses ${what} with ${expected}`, async () => {
                const r = await call();
                expect(r.ok ? 'ok' : r.error).toBe(expected);
                expect(r.ok ? '' : r.message).toMatch(message);
            });
        }
    });

    it('ends the job without waking the disk when it falls asleep during the test', async () => {
        hold('sdb');
        const path = pathOf(await start(SDB, 'short'));
        await waitFor('the test to run', async () => (await jobProps(path)).Progress === 0.1 || undefined, 10000, 100);
        writeFile(`${dir}/asleep-sdb`, '');
        const done = await completion(path);
        expect(done.success).toBeFalse();
        expect(done.message).toContain('went to sleep, which ends a self-test');
        expect(GLib.file_test(`${dir}/woken`, GLib.FileTest.EXISTS)).withContext('smartctl was run without -n standby').toBeFalse();
        GLib.unlink(`${dir}/asleep-sdb`);
        release('sdb');
    }, 60000);
});
