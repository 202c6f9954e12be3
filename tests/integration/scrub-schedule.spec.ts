// Scrub schedules end to end: the real daemon on a private system bus,
// polkitd with test rules, a zfs-fuse mirror. Schedules are set a few
// seconds ahead (the API takes seconds for that), so the daemon's own timer
// starts the scrub through the same code path as a weekly 02:00 run.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, ErrorName, POOL_IFACE, poolPath, ROOT_PATH } from '../../src/shared/dbus-names.js';
import { type JobInfo, readJobs } from '../../src/shared/job-info.js';
import { callDaemon, type CallOutcome, type Completion, CompletedSignals } from '../harness/dbus.js';
import { asSvuser, check, run, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const STATE = '/var/lib/sigmavault/scrub-schedules.json';
const ALERT_IFACE = 'com.sigmavault.Alert1';
const NO_INTERACTION = { 'auth.no_user_interaction': new GLib.Variant('b', true) };
const SCHEDULED = 'Started by the scrub schedule';

type Props = Record<string, unknown>;

/** A daily schedule `seconds` from now, as a{sv}. */
function dailyIn(seconds: number, threshold: number): { variants: Record<string, GLib.Variant>; due: number } {
    const t = GLib.DateTime.new_now_local().add_seconds(seconds);
    if (t === null)
        throw new Error('no time');
    return {
        variants: {
            frequency: new GLib.Variant('s', 'daily'), hour: new GLib.Variant('u', t.get_hour()),
            minute: new GLib.Variant('u', t.get_minute()), second: new GLib.Variant('u', t.get_second()),
            threshold: new GLib.Variant('u', threshold),
        },
        due: t.to_unix(),
    };
}

describe('scrub schedules', () => {
    let sys: TestSystem;
    let completions: CompletedSignals;

    const setSchedule = (schedule: Record<string, GLib.Variant>, options: Record<string, GLib.Variant> = NO_INTERACTION): Promise<CallOutcome> =>
        callDaemon(sys.systemBus, poolPath('tank'), POOL_IFACE, 'SetScrubSchedule',
            new GLib.Variant('(a{sv}a{sv})', [schedule, options]));

    async function pool(): Promise<Props> {
        const r = await sys.systemBus.call(BUS_NAME, poolPath('tank'), 'org.freedesktop.DBus.Properties', 'GetAll',
            new GLib.Variant('(s)', [POOL_IFACE]), new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, 20000, null);
        return (r.recursiveUnpack() as [Props])[0];
    }

    async function alerts(): Promise<{ key: string; title: string; message: string; level: string }[]> {
        const reply = await sys.systemBus.call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager',
            'GetManagedObjects', null, null, Gio.DBusCallFlags.NONE, 30000, null);
        const [objects] = reply.recursiveUnpack<[Record<string, Record<string, Record<string, unknown>>>]>();
        return Object.values(objects).flatMap(ifaces => {
            const a = ifaces[ALERT_IFACE];
            return a ? [{ key: String(a.Key), title: String(a.Title), message: String(a.Message), level: String(a.Level) }] : [];
        });
    }

    async function zfsAvailable(): Promise<boolean> {
        const r = await sys.systemBus.call(BUS_NAME, `${ROOT_PATH}/Manager`, 'org.freedesktop.DBus.Properties', 'Get',
            new GLib.Variant('(ss)', ['com.sigmavault.Manager1', 'ZfsAvailable']), null, Gio.DBusCallFlags.NONE, 10000, null);
        return (r.recursiveUnpack() as [boolean])[0];
    }

    const scheduledJobs = async (): Promise<JobInfo[]> =>
        (await readJobs(sys.systemBus)).filter(j => j.operation === 'pool-scrub' && j.log.some(l => l.includes(SCHEDULED)));

    const completion = (path: string): Promise<Completion> => completions.of(path);

    beforeAll(async () => {
        sys = await TestSystem.start();
        await sys.createPool('tank', 'mirror', 2, 256);
        await check(['dd', 'if=/dev/urandom', 'of=/tank/data', 'bs=1M', 'count=64', 'status=none']);
        await run(['rm', '-f', '--', STATE]);
        completions = new CompletedSignals(sys.systemBus);
    }, 180000);

    afterAll(async () => {
        completions.stop();
        await sys.stop();
    });

    it('has no schedule until one is set', async () => {
        const p = await pool();
        expect(p.ScrubSchedule).toEqual({});
        expect(p.NextScrub).toBe(0);
    });

    it('refuses svuser setting a schedule (NotAuthorized), and bad schedules with InvalidArgument', async () => {
        const r = await asSvuser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', poolPath('tank'),
            '--method', `${POOL_IFACE}.SetScrubSchedule`,
            '{"frequency": <"daily">, "hour": <uint32 1>, "minute": <uint32 0>}', '{"auth.no_user_interaction": <true>}');
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain(ErrorName.NotAuthorized);
        const cli = await asSvuser('sigmavaultctl', 'pool', 'scrub-schedule', 'tank', '--daily', '--at', '01:00');
        expect(cli.status).toBe(1);
        expect(cli.stderr).toContain('not allowed');
        expect((await pool()).ScrubSchedule).withContext('unchanged').toEqual({});

        const bad: [Record<string, GLib.Variant>, string][] = [
            [{ frequency: new GLib.Variant('s', 'hourly') }, 'frequency must be'],
            [{ frequency: new GLib.Variant('s', 'daily'), hour: new GLib.Variant('u', 24), minute: new GLib.Variant('u', 0) },
                'hour must be 0–23'],
            [{ frequency: new GLib.Variant('s', 'weekly'), hour: new GLib.Variant('u', 1), minute: new GLib.Variant('u', 0) },
                'weekday is missing'],
        ];
        for (const [schedule, message] of bad) {
            const b = await setSchedule(schedule);
            expect(b.ok ? 'ok' : b.error).toBe(ErrorName.InvalidArgument);
            expect(b.ok ? '' : b.message).toContain(message);
        }
        const o = await setSchedule({}, { force: new GLib.Variant('b', true) });
        expect(o.ok ? 'ok' : o.error).withContext('an unknown option').toBe(ErrorName.InvalidArgument);
    });

    it('starts the scrub itself when it is due, and plans the next one', async () => {
        const before = (await scheduledJobs()).length;
        const { variants, due } = dailyIn(4, 0);
        const r = await setSchedule(variants);
        expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
        const p = await pool();
        expect((p.ScrubSchedule as Props).frequency).toBe('daily');
        expect(p.NextScrub).toBe(due * 1e6);
        const job = await waitFor('the daemon to start the scheduled scrub', async () =>
            (await scheduledJobs()).length > before ? (await scheduledJobs()).at(0) : undefined, 20000, 250);
        print(`# scheduled job started ${((job.startTime / 1e6) - due).toFixed(2)} s after it was due`);
        expect(job.startTime / 1e6).toBeGreaterThanOrEqual(due);
        expect(job.startTime / 1e6).toBeLessThan(due + 3);
        expect(job.startedByUid).toBe(0);
        expect((await completion(job.path)).success).toBeTrue();
        // The next run is tomorrow at the same time.
        const next = await waitFor('the next run to be planned', async () => {
            const n = (await pool()).NextScrub as number;
            return n > due * 1e6 ? n : undefined;
        }, 20000, 250);
        expect(next / 1e6 - due).toBeCloseTo(86400, -3);
    }, 60000);

    it('skips a run while the last scrub is more recent than the threshold', async () => {
        const before = (await scheduledJobs()).length;
        // The last scrub ended moments ago; threshold 2 skips today's and tomorrow's runs.
        const { variants, due } = dailyIn(3, 2);
        expect((await setSchedule(variants)).ok).toBeTrue();
        const next = (await pool()).NextScrub as number;
        expect(next / 1e6 - due).withContext('not in a few seconds').toBeGreaterThan(86400);
        await waitFor('the skipped time to pass', () => GLib.get_real_time() / 1e6 > due + 4 || undefined, 15000, 250);
        expect((await scheduledJobs()).length).withContext('no scrub started').toBe(before);
    }, 30000);

    it('keeps the schedule across a restart of the daemon', async () => {
        const { variants } = dailyIn(3600, 7);
        expect((await setSchedule(variants)).ok).toBeTrue();
        const before = await pool();
        await sys.stopDaemon();
        const after = await pool(); // activates a new daemon
        expect(after.ScrubSchedule).toEqual(before.ScrubSchedule);
        expect(after.NextScrub).toBe(before.NextScrub);
        const file = JSON.parse(new TextDecoder().decode(GLib.file_get_contents(STATE)[1])) as
            { version: number; pools: { name: string; schedule: { threshold: number } }[] };
        expect(file.version).toBe(1);
        expect(file.pools.find(p => p.name === 'tank')?.schedule.threshold).toBe(7);
    }, 30000);

    it('catches up a run that was due while the daemon was not running', async () => {
        const before = (await scheduledJobs()).length;
        const { variants, due } = dailyIn(3, 0);
        expect((await setSchedule(variants)).ok).toBeTrue();
        await sys.stopDaemon();
        await waitFor('the due time to pass', () => GLib.get_real_time() / 1e6 > due + 2 || undefined, 15000, 250);
        await pool(); // activates the daemon again
        const job = await waitFor('the missed scrub to start', async () =>
            (await scheduledJobs()).length > before ? (await scheduledJobs()).at(0) : undefined, 20000, 250);
        expect(job.log.some(l => l.includes('catching up'))).withContext(job.log.join('\n')).toBeTrue();
        await waitFor('the caught-up scrub to end', async () =>
            (await readJobs(sys.systemBus)).find(j => j.path === job.path && j.state !== 'running'), 60000, 250);
    }, 60000);

    it('raises "scrub overdue" when a due scrub could not run (ZFS was down), keeps it when ZFS returns, and clears it when a scrub completes', async () => {
        await sys.stopZfs();
        await waitFor('ZFS to be reported unavailable', async () => !await zfsAvailable() || undefined, 30000, 250);
        const { variants, due } = dailyIn(3, 0);
        expect((await setSchedule(variants)).ok).toBeTrue();
        const alert = await waitFor('the scrub-overdue alert', async () =>
            (await alerts()).find(a => a.key === 'scrub-overdue:tank'), 20000, 250);
        expect(alert.level).toBe('warning');
        expect(alert.title).toBe('Pool tank missed its scheduled scrub');
        expect(alert.message).toContain('Could not start the scheduled scrub of pool tank');
        const failed = (await scheduledJobs()).at(0);
        expect(failed?.state).toBe('failed');
        expect(((await pool()).NextScrub as number) / 1e6 - due).withContext('tried again tomorrow').toBeCloseTo(86400, -3);

        await sys.startZfs();
        await waitFor('ZFS back', async () => await zfsAvailable() || undefined, 30000, 250);
        await waitFor('the pool back', async () => (await pool().catch((): Props => ({}))).Health === 'ONLINE' || undefined,
            30000, 250);
        expect((await alerts()).some(a => a.key === 'scrub-overdue:tank')).withContext('ZFS back, still no scrub').toBeTrue();
        const r = await callDaemon(sys.systemBus, poolPath('tank'), POOL_IFACE, 'Scrub',
            new GLib.Variant('(sa{sv})', ['start', NO_INTERACTION]));
        expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
        const path = r.ok ? String(r.value[0]) : '';
        expect((await completion(path)).success).toBeTrue();
        await waitFor('the alert to clear', async () => !(await alerts()).some(a => a.key === 'scrub-overdue:tank') || undefined,
            20000, 250);
    }, 120000);

    it('sets, shows and clears the schedule with sigmavaultctl', async () => {
        const set = JSON.parse(await check(['sigmavaultctl', 'pool', 'scrub-schedule', 'tank', '--weekly', 'sun', '--at', '02:30',
            '--threshold', '7', '--json'])) as { schedule: Props; next_scrub: number };
        expect(set.schedule).toEqual({ frequency: 'weekly', weekday: 7, hour: 2, minute: 30, second: 0, threshold: 7 });
        const next = GLib.DateTime.new_from_unix_local(Math.floor(set.next_scrub / 1e6));
        expect(next?.get_day_of_week()).toBe(7);
        expect(next?.format('%H:%M')).toBe('02:30');
        // The scrubs of the specs above finished; the pool object shows the last one once zpool reports it.
        await waitFor('the last scrub on the pool', async () => ((await pool()).LastScrubEnd as number) > 0 || undefined, 20000, 250);
        const status = await check(['sigmavaultctl', 'pool', 'status', 'tank']);
        expect(status).toContain('Scrub schedule: Every Sunday at 02:30, at most every 7 days');
        expect(status).toMatch(/Next scrub: Sun /);
        expect(status).toMatch(/Last scrub: Finished/);
        const threshold = JSON.parse(await check(['sigmavaultctl', 'pool', 'scrub-schedule', 'tank', '--threshold', '0', '--json'])) as
            { schedule: Props };
        expect(threshold.schedule.threshold).toBe(0);
        expect(threshold.schedule.weekday).withContext('the rest kept').toBe(7);
        await check(['sigmavaultctl', 'pool', 'scrub-schedule', 'tank', '--off']);
        const off = await pool();
        expect(off.ScrubSchedule).toEqual({});
        expect(off.NextScrub).toBe(0);
        expect(await check(['sigmavaultctl', 'pool', 'status', 'tank'])).toContain('Scrub schedule: none');
        const bad = await run(['sigmavaultctl', 'pool', 'scrub-schedule', 'tank', '--weekly', 'someday']);
        expect(bad.status).toBe(64);
    }, 60000);
});
