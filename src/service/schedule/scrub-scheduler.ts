// Scrub schedules, kept by the daemon: one per pool (by guid, so a pool
// renamed on import keeps its schedule and a new pool of the same name does
// not inherit one), in /var/lib/sigmavault/scrub-schedules.json (written
// atomically). The daemon starts the scrub itself when it is due: one GLib
// timeout to the earliest next run, never polling. A timeout counts
// monotonic time, which stands still during suspend and ignores clock
// changes, so it is re-armed when logind announces a resume and never set
// longer than an hour. Due runs missed while the daemon was not running are
// caught up at start. "Scrub overdue" alerts are raised here, since only the
// scheduler knows what was due (the rules themselves are pure: shared/next-scrub.ts
// decides, alerts/rules.ts words it).
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { poolPath } from '../../shared/dbus-names.js';
import { type ScrubSchedule, ScrubScheduleSchema, scheduleVariants } from '../../shared/scrub-schedule.js';
import { z } from '../../shared/vendor/zod.js';
import type { AlertManager } from '../alerts/alert-manager.js';
import { SCRUB_ALERT_CLASSES, scrubOverdueAlert } from '../alerts/rules.js';
import { audit } from '../audit.js';
import { invalidArgument, notFound } from '../errors.js';
import type { Job, JobManager } from '../jobs/job-manager.js';
import { scrubLock, type Scrubs } from '../jobs/scrub.js';
import { parseOptions } from '../options.js';
import { authorize, callerOf } from '../polkit.js';
import { readState, statePath, writeAtomically } from '../state-file.js';
import type { ZfsState } from '../zfs/backend.js';
import type { Pool } from '../zfs/model.js';
import { parseScanText } from '../zfs/scan.js';
import { isOverdue, nextScrub, type ScheduleState } from '../../shared/next-scrub.js';

/** Longest single wait: a changed wall clock is noticed within this time. */
const MAX_WAIT_S = 3600;

const seconds = z.number().int().nonnegative();
const EntrySchema = z.object({
    guid: z.string().regex(/^[0-9]+$/),
    /** The pool's name when last seen, for people reading the file. */
    name: z.string(),
    schedule: ScrubScheduleSchema,
    setAt: seconds,
    lastScrubEnd: seconds,
    attempted: seconds,
    /** The job the schedule last started or joined, '' if none. */
    lastJob: z.string(),
}).strict();
type Entry = z.infer<typeof EntrySchema>;
const FileSchema = z.object({ version: z.literal(1), pools: z.array(EntrySchema) }).strict();

export interface SchedulerDeps {
    readonly connection: Gio.DBusConnection;
    readonly jobs: JobManager;
    readonly scrubs: Scrubs;
    readonly alerts: AlertManager;
    readonly zfs: () => ZfsState;
    /** Re-reads ZFS; its end calls observe(). */
    readonly refresh: () => Promise<void>;
    /** Publishes a pool's ScrubSchedule and NextScrub properties. */
    readonly publish: (pool: string, props: Record<string, GLib.Variant>) => void;
}

function lastScrubEndOf(pool: Pool): number {
    if (pool.status === null)
        return 0;
    const scan = pool.status.scanInfo ?? parseScanText(pool.status.scan);
    return scan.kind === 'scrub' && scan.state === 'finished' ? Math.round(scan.endTime ?? 0) : 0;
}

const nowSeconds = (): number => GLib.get_real_time() / GLib.USEC_PER_SEC;

function when(t: number): string {
    return GLib.DateTime.new_from_unix_local(Math.floor(t))?.format('%Y-%m-%d %H:%M') ?? String(t);
}

export class ScrubScheduler {
    private readonly entries = new Map<string, Entry>();
    private readonly file = statePath('scrub-schedules.json');
    private pools: Pool[] = [];
    private timerId = 0;
    private sleepSubscription = 0;
    private readonly tz = GLib.TimeZone.new_local();
    /** Runs due before this were missed while the daemon was not running. */
    private readonly startedAt = nowSeconds();

    constructor(private readonly deps: SchedulerDeps) {
        for (const e of this.load())
            this.entries.set(e.guid, e);
        // A scrub that ends moves the threshold and can clear or raise the
        // overdue alert; the job knows it before the next look at the pool.
        deps.jobs.onFinished.push(job => {
            if (job.snapshot.operation === 'pool-scrub')
                this.scrubEnded(job);
        });
        this.sleepSubscription = deps.connection.signal_subscribe('org.freedesktop.login1',
            'org.freedesktop.login1.Manager', 'PrepareForSleep', '/org/freedesktop/login1', null, 0,
            (_c, _sender, _path, _iface, _signal, params) => {
                const [sleeping] = params.deepUnpack<[boolean]>();
                if (!sleeping)
                    void this.deps.refresh();
            });
    }

    stop(): void {
        if (this.timerId)
            GLib.source_remove(this.timerId);
        this.timerId = 0;
        if (this.sleepSubscription)
            this.deps.connection.signal_unsubscribe(this.sleepSubscription);
        this.sleepSubscription = 0;
    }

    private load(): Entry[] {
        try {
            const text = readState(this.file);
            return text === null ? [] : FileSchema.parse(JSON.parse(text)).pools;
        } catch (e) {
            // Never half-read: keep the damaged file for a person and start without schedules.
            console.warn(`sigmavaultd: ${this.file} is damaged (${e instanceof Error ? e.message : String(e)}); keeping it as scrub-schedules.json.damaged`);
            GLib.rename(this.file, `${this.file}.damaged`);
            return [];
        }
    }

    private save(): void {
        const pools = [...this.entries.values()].sort((a, b) => a.guid.localeCompare(b.guid));
        try {
            writeAtomically(this.file, `${JSON.stringify(FileSchema.parse({ version: 1, pools }), null, 1)}\n`);
        } catch (e) {
            console.warn(`sigmavaultd: cannot write ${this.file}: ${e instanceof Error ? e.message : String(e)}`);
        }
    }

    private scrubEnded(job: Job): void {
        const name = job.snapshot.lock.slice('scrub:'.length);
        const pool = this.pools.find(p => p.name === name);
        const e = pool ? this.entries.get(pool.guid) : undefined;
        if (pool && e && job.state === 'succeeded') {
            this.entries.set(pool.guid, { ...e, lastScrubEnd: Math.max(e.lastScrubEnd, Math.floor(job.snapshot.endTime / GLib.USEC_PER_SEC)) });
            this.save();
            this.publishAll();
            this.arm();
        }
        this.syncAlerts();
    }

    private state(e: Entry): ScheduleState {
        return { setAt: e.setAt, lastScrubEnd: e.lastScrubEnd, attempted: e.attempted };
    }

    private running(pool: Pool): boolean {
        if (this.deps.jobs.holding(scrubLock(pool.name)) !== null)
            return true;
        const scan = pool.status ? pool.status.scanInfo ?? parseScanText(pool.status.scan) : null;
        return scan?.kind === 'scrub' && (scan.state === 'scanning' || scan.state === 'paused');
    }

    /**
     * Called at the end of every refresh with the pools as they are now, or
     * null while ZFS is unavailable (the pools last seen are kept): notes
     * finished scrubs, starts due ones, publishes, alerts and re-arms.
     */
    observe(pools: readonly Pool[] | null): void {
        if (pools !== null)
            this.pools = [...pools];
        let dirty = false;
        for (const pool of this.pools) {
            const e = this.entries.get(pool.guid);
            if (e === undefined)
                continue;
            const end = lastScrubEndOf(pool);
            // The pool shows only its latest scan; the file keeps the last scrub after a resilver.
            if (end > e.lastScrubEnd || e.name !== pool.name) {
                this.entries.set(pool.guid, { ...e, lastScrubEnd: Math.max(end, e.lastScrubEnd), name: pool.name });
                dirty = true;
            }
        }
        if (this.runDue() || dirty)
            this.save();
        this.publishAll();
        this.syncAlerts();
        this.arm();
    }

    /** Starts the scrubs that are due; true when it changed the state. */
    private runDue(): boolean {
        const now = nowSeconds();
        let changed = false;
        for (const pool of this.pools) {
            const e = this.entries.get(pool.guid);
            if (e === undefined)
                continue;
            const due = nextScrub(e.schedule, this.state(e), this.tz);
            if (due > now)
                continue;
            const job = this.start(pool, due, due < this.startedAt);
            this.entries.set(pool.guid, { ...e, attempted: Math.floor(now), lastJob: job.path });
            changed = true;
        }
        return changed;
    }

    private start(pool: Pool, due: number, late: boolean): Job {
        const zfs = this.deps.zfs();
        const note = late
            ? `Started by the scrub schedule, catching up the run due ${when(due)}, missed while SigmaVault was not running.`
            : `Started by the scrub schedule (due ${when(due)}).`;
        let job: Job;
        if (!zfs.available) {
            // Say so as a failed job, where the Jobs page and the alert show it.
            job = this.deps.jobs.start({
                operation: 'pool-scrub', objects: [poolPath(pool.name)], lock: scrubLock(pool.name), startedByUid: 0,
                cancelAction: 'com.sigmavault.pool.manage', cancelable: false,
            }, () => Promise.resolve({ state: 'failed' as const,
                message: `Could not start the scheduled scrub of pool ${pool.name}: ${zfs.reason || 'ZFS is not available.'}` })).job;
            job.log(note);
        } else {
            job = this.deps.scrubs.startScheduled(pool.name, note).job;
        }
        audit({ action: 'pool.scrub.scheduled', sender: 'sigmavaultd', uid: 0, object: pool.name,
            result: zfs.available ? 'succeeded' : 'failed', detail: job.path });
        return job;
    }

    private publishAll(): void {
        for (const pool of this.pools) {
            const e = this.entries.get(pool.guid);
            this.deps.publish(pool.name, {
                ScrubSchedule: new GLib.Variant('a{sv}', scheduleVariants(e?.schedule ?? null)),
                NextScrub: new GLib.Variant('t', e ? nextScrub(e.schedule, this.state(e), this.tz) * GLib.USEC_PER_SEC : 0),
            });
        }
    }

    /** The pool's ScrubSchedule and NextScrub now (for a pool object just created). */
    propertiesOf(guid: string): Record<string, GLib.Variant> {
        const e = this.entries.get(guid);
        return {
            ScrubSchedule: new GLib.Variant('a{sv}', scheduleVariants(e?.schedule ?? null)),
            NextScrub: new GLib.Variant('t', e ? nextScrub(e.schedule, this.state(e), this.tz) * GLib.USEC_PER_SEC : 0),
        };
    }

    private syncAlerts(): void {
        const now = nowSeconds();
        const candidates = this.pools.flatMap(pool => {
            const e = this.entries.get(pool.guid);
            const due = e ? isOverdue(e.schedule, this.state(e), now, this.running(pool), this.tz) : null;
            if (e === undefined || due === null)
                return [];
            const job = this.deps.jobs.all.find(j => j.path === e.lastJob);
            const reason = job && job.finished && job.state !== 'succeeded' ? job.snapshot.message : '';
            return [scrubOverdueAlert({ pool: pool.name, due: when(due),
                lastScrub: e.lastScrubEnd > 0 ? when(e.lastScrubEnd) : '', reason })];
        });
        this.deps.alerts.sync(candidates, SCRUB_ALERT_CLASSES);
    }

    /** One timeout to the earliest next run (at most MAX_WAIT_S away). */
    private arm(): void {
        if (this.timerId)
            GLib.source_remove(this.timerId);
        this.timerId = 0;
        const nexts = this.pools.flatMap(p => {
            const e = this.entries.get(p.guid);
            return e ? [nextScrub(e.schedule, this.state(e), this.tz)] : [];
        });
        if (nexts.length === 0)
            return;
        const waitMs = Math.min(MAX_WAIT_S * 1000, Math.max(0, Math.ceil((Math.min(...nexts) - nowSeconds()) * 1000)));
        this.timerId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, waitMs + 20, () => {
            this.timerId = 0;
            // A fresh look at the pool first: the threshold counts from its latest scrub.
            void this.deps.refresh();
            return GLib.SOURCE_REMOVE;
        });
    }

    /** Pool1.SetScrubSchedule(a{sv} schedule, a{sv} options); an empty schedule clears it. */
    async handleSet(poolName: string, args: unknown[], invocation: Gio.DBusMethodInvocation): Promise<null> {
        const [rawSchedule, rawOptions] = args;
        const options = parseOptions(rawOptions);
        const schedule = parseScheduleArgument(rawSchedule);
        const pool = this.pools.find(p => p.name === poolName);
        if (pool === undefined)
            throw notFound(`Pool ${poolName} is not imported.`);
        const caller = await callerOf(this.deps.connection, invocation.get_sender() ?? '');
        await authorize(this.deps.connection, caller, 'com.sigmavault.pool.manage', poolName,
            !options['auth.no_user_interaction']);
        const old = this.entries.get(pool.guid);
        if (schedule === null) {
            this.entries.delete(pool.guid);
        } else {
            this.entries.set(pool.guid, {
                guid: pool.guid, name: pool.name, schedule, setAt: Math.floor(nowSeconds()),
                lastScrubEnd: Math.max(old?.lastScrubEnd ?? 0, lastScrubEndOf(pool)),
                attempted: old?.attempted ?? 0, lastJob: old?.lastJob ?? '',
            });
        }
        this.save();
        audit({ action: schedule === null ? 'pool.scrub-schedule.clear' : 'pool.scrub-schedule.set', sender: caller.sender,
            uid: caller.uid, object: poolName, result: 'succeeded', detail: schedule === null ? '' : JSON.stringify(schedule) });
        this.observe(null);
        return null;
    }
}

/** The a{sv} schedule argument, validated; {} is null (no schedule). */
export function parseScheduleArgument(raw: unknown): ScrubSchedule | null {
    const plain: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw as Record<string, GLib.Variant>))
        plain[k] = v.recursiveUnpack();
    if (Object.keys(plain).length === 0)
        return null;
    const result = ScrubScheduleSchema.safeParse(plain);
    if (!result.success) {
        const issue = result.error.issues[0];
        const keys = issue && 'keys' in issue ? issue.keys.join(', ') : '';
        const detail = issue?.code === 'unrecognized_keys'
            ? `unknown key ${keys} (a ${String(plain.frequency)} schedule takes frequency, ${plain.frequency === 'weekly' ? 'weekday, ' : plain.frequency === 'monthly' ? 'day, ' : ''}hour, minute, second and threshold)`
            : issue?.message === 'Required' ? `${issue.path.join('.')} is missing` : issue?.message ?? 'unexpected value';
        throw invalidArgument(`Invalid scrub schedule: ${detail}.`);
    }
    return result.data;
}

