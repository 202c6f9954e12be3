// Scrubs (and resilvers) as jobs. Pool1.Scrub(action, options) starts,
// pauses or cancels the pool's scrub; the job follows the pool's scan status
// (`zpool status`, JSON where the ZFS has it) until the scan ends. Scans
// started outside SigmaVault (a cron scrub, a resilver after a replace) are
// adopted as jobs when the daemon notices them.
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { poolPath } from '../../shared/dbus-names.js';
import { z } from '../../shared/vendor/zod.js';
import { audit } from '../audit.js';
import { failed, invalidArgument, notFound, toolUnavailable } from '../errors.js';
import { parseOptions } from '../options.js';
import { authorize, callerOf } from '../polkit.js';
import { run, runChecked, type ToolResult } from '../tools.js';
import type { ZfsState } from '../zfs/backend.js';
import type { Pool } from '../zfs/model.js';
import { parseScanText, repairedInConfig, type ScanInfo } from '../zfs/scan.js';
import { formatSize } from '../zfs/units.js';
import { parseZpoolStatusJson } from '../zfs/zpool-status-json.js';
import { parseZpoolStatusText } from '../zfs/zpool-status-text.js';
import type { Job, JobControl, JobManager, JobOutcome } from './job-manager.js';

const ScrubActionSchema = z.enum(['start', 'pause', 'cancel']);
/** How often a running scan is read; zfs-fuse announces nothing, OpenZFS little. */
const POLL_MS = 500;
const PAUSED_POLL_MS = 3000;
/** A scan seen right after a job of the same lock ended is that job's, not a new one. */
const ADOPT_COOLDOWN_US = 10 * GLib.USEC_PER_SEC;
/** Polls to wait for a resilver's own result once its command has returned (OpenZFS returns first). */
const RESULT_WAIT_POLLS = 20;

export const scrubLock = (pool: string): string => `scrub:${pool}`;
export const resilverLock = (pool: string): string => `resilver:${pool}`;

/** Waits `ms`, or until `wake.resolve()` is called (a cancel, a tool that returned). */
export function sleep(ms: number, wake: { resolve: (() => void) | null }): Promise<void> {
    return new Promise(resolve => {
        const id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            wake.resolve = null;
            resolve();
            return GLib.SOURCE_REMOVE;
        });
        wake.resolve = () => {
            GLib.source_remove(id);
            wake.resolve = null;
            resolve();
        };
    });
}

/** "1 min 5 s", "12 s" */
export function durationWords(seconds: number): string {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60)
        return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60)
        return `${m} min ${s % 60} s`;
    return `${Math.floor(m / 60)} h ${m % 60} min`;
}

interface ScanReading {
    readonly scan: ScanInfo;
    /** Bytes repaired so far where the ZFS notes it only per device (zfs-fuse). */
    readonly repairedNote: number | null;
}

/** The end of a scan in words, e.g. "repaired 792M, 0 errors". */
export function scanResultWords(scan: ScanInfo, repairedNote: number | null): string {
    const repaired = scan.repaired ?? repairedNote;
    const what = scan.kind === 'resilver' ? 'resilvered' : 'repaired';
    const parts = [repaired === null ? null : repaired > 0 ? `${what} ${formatSize(repaired)}` : `nothing needed to be ${what}`,
        scan.errors === null ? null : `${scan.errors} ${scan.errors === 1 ? 'error' : 'errors'}`];
    return parts.filter(p => p !== null).join(', ');
}

/** What a resilver job was started by: the running zpool replace or attach, and words for its log. */
export interface ResilverStart {
    readonly command: Promise<ToolResult>;
    readonly description: string;
    /** When the command started (µs since the epoch), which is when the resilver began. */
    readonly startedAt: number;
}

export class Scrubs {
    /** Pools whose resilver command is starting: not to be adopted as a scan started elsewhere. */
    private readonly starting = new Set<string>();

    constructor(private readonly jobs: JobManager, private readonly connection: Gio.DBusConnection,
        private readonly zfs: () => ZfsState, private readonly changed: () => void) {}

    /** Pool1.Scrub(s action, a{sv} options) → (o job). */
    async handle(pool: string, args: unknown[], invocation: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const [rawAction, rawOptions] = args;
        const options = parseOptions(rawOptions);
        const parsed = ScrubActionSchema.safeParse(rawAction);
        if (!parsed.success)
            throw invalidArgument(`Unknown scrub action “${String(rawAction)}”. Use “start”, “pause” or “cancel”.`);
        const action = parsed.data;
        const zfs = this.zfs();
        if (!zfs.available)
            throw toolUnavailable(zfs.reason || 'ZFS is not available.');
        const caller = await callerOf(this.connection, invocation.get_sender() ?? '');
        await authorize(this.connection, caller, 'com.sigmavault.pool.manage', pool, !options['auth.no_user_interaction']);
        const job = this.jobs.holding(scrubLock(pool));
        let result: Job;
        switch (action) {
        case 'start':
            if (job !== null && job.state === 'paused') {
                const r = await run('zpool', ['scrub', '--', pool]);
                if (r.status !== 0)
                    throw failed(`Could not resume the scrub of pool ${pool}: ${r.stderr.trim()}`);
                job.setPaused(false);
                result = job;
            } else {
                result = this.start(pool, caller.uid ?? 0, false).job;
            }
            break;
        case 'pause': {
            if (job === null)
                throw notFound(`No scrub is running on pool ${pool}.`);
            if (!zfs.implementation.startsWith('OpenZFS'))
                throw failed(`${zfs.implementation} cannot pause a scrub. Cancel it instead; a new scrub starts from the beginning.`);
            const r = await run('zpool', ['scrub', '-p', '--', pool]);
            if (r.status !== 0)
                throw failed(`Could not pause the scrub of pool ${pool}: ${r.stderr.trim()}`);
            job.setPaused(true);
            result = job;
            break;
        }
        case 'cancel':
            if (job === null)
                throw notFound(`No scrub is running on pool ${pool}.`);
            await this.jobs.requestCancel(job, caller.uid);
            result = job;
            break;
        }
        audit({ action: `pool.scrub.${action}`, sender: caller.sender, uid: caller.uid, object: pool,
            result: 'succeeded', detail: result.path });
        return new GLib.Variant('(o)', [result.path]);
    }

    /** Starts a scrub for the scrub schedule (as root); a scrub already running is joined. */
    startScheduled(pool: string, note: string): { job: Job; existing: boolean } {
        const r = this.start(pool, 0, false);
        r.job.log(r.existing ? `${note} A scrub was already running; the schedule counts it.` : note);
        return r;
    }

    /**
     * Keeps observe() from adopting the resilver `pool` is about to start, and
     * a second replace or attach from starting one beside it; call before
     * running the command. Null when another is being started already.
     */
    reserveResilver(pool: string): (() => void) | null {
        if (this.starting.has(pool))
            return null;
        this.starting.add(pool);
        return () => this.starting.delete(pool);
    }

    /**
     * A resilver job for a zpool replace or attach already running (zfs-fuse's
     * returns when the resilver has ended, OpenZFS's at once).
     */
    startResilver(pool: string, uid: number, start: ResilverStart): Job {
        const { job } = this.start(pool, uid, false, 'resilver', start);
        job.log(start.description);
        return job;
    }

    private start(pool: string, uid: number, adopt: boolean, kind: 'scrub' | 'resilver' = 'scrub',
        resilver: ResilverStart | null = null): { job: Job; existing: boolean } {
        return this.jobs.start({
            operation: kind === 'scrub' ? 'pool-scrub' : 'pool-resilver',
            objects: [poolPath(pool)],
            lock: kind === 'scrub' ? scrubLock(pool) : resilverLock(pool),
            startedByUid: uid,
            cancelAction: 'com.sigmavault.pool.manage',
            cancelable: kind === 'scrub',
        }, control => this.follow(pool, control, adopt, kind, resilver));
    }

    /** Adopts scans the daemon sees running without a job (started outside SigmaVault). */
    observe(pools: readonly Pool[]): void {
        const now = GLib.get_real_time();
        for (const pool of pools) {
            if (pool.status === null || this.starting.has(pool.name))
                continue;
            const scan = pool.status.scanInfo ?? parseScanText(pool.status.scan);
            if ((scan.state !== 'scanning' && scan.state !== 'paused') || (scan.kind !== 'scrub' && scan.kind !== 'resilver'))
                continue;
            const lock = scan.kind === 'scrub' ? scrubLock(pool.name) : resilverLock(pool.name);
            const last = this.jobs.latest(lock);
            if (last !== null && (!last.finished || now - last.snapshot.endTime < ADOPT_COOLDOWN_US))
                continue;
            const { job } = this.start(pool.name, 0, true, scan.kind);
            job.log(`Noticed a ${scan.kind} started outside SigmaVault.`);
        }
    }

    private async read(pool: string): Promise<ScanReading> {
        const zfs = this.zfs();
        if (!zfs.available)
            throw new Error(zfs.reason || 'ZFS is not available.');
        if (zfs.json) {
            const [status] = parseZpoolStatusJson(await runChecked('zpool', ['status', '-j', '--json-int', '--', pool]));
            if (status === undefined)
                throw new Error(`Pool ${pool} is gone.`);
            return { scan: status.scanInfo ?? parseScanText(status.scan), repairedNote: null };
        }
        const text = await runChecked('zpool', ['status', '--', pool]);
        const [status] = parseZpoolStatusText(text);
        if (status === undefined)
            throw new Error(`Pool ${pool} is gone.`);
        // zfs-fuse notes every repair beside its device; no note, nothing repaired.
        return { scan: parseScanText(status.scan), repairedNote: repairedInConfig(text) ?? 0 };
    }

    private async follow(pool: string, control: JobControl, adopt: boolean, kind: 'scrub' | 'resilver',
        resilver: ResilverStart | null): Promise<JobOutcome> {
        const started = resilver?.startedAt ?? GLib.get_real_time();
        const wake: { resolve: (() => void) | null } = { resolve: null };
        const start: { done: boolean; error: string | null } = { done: adopt, error: null };
        if (!adopt) {
            // zfs-fuse's zpool scrub (replace, attach) returns only when the
            // scan has ended; OpenZFS's at once. The scan is followed meanwhile either way.
            void (resilver?.command ?? run('zpool', ['scrub', '--', pool])).then(r => {
                if (r.status !== 0 && (resilver !== null || !/currently scrubbing/i.test(r.stderr)))
                    start.error = r.stderr.trim() || `zpool scrub exited with status ${r.status}`;
                else if (r.status !== 0)
                    control.log('A scrub was already running; following it.');
            }, (e: unknown) => {
                start.error = e instanceof Error ? e.message : String(e);
            }).finally(() => {
                start.done = true;
                wake.resolve?.();
            });
        }
        if (kind === 'scrub') {
            control.onCancel = async (): Promise<void> => {
                const r = await run('zpool', ['scrub', '-s', '--', pool]);
                if (r.status !== 0)
                    control.log(`zpool scrub -s: ${r.stderr.trim()}`);
                wake.resolve?.();
            };
        }
        let last: ScanReading | null = null;
        let failures = 0;
        let waitedForResult = 0;
        for (;;) {
            await sleep(last?.scan.state === 'paused' ? PAUSED_POLL_MS : POLL_MS, wake);
            if (start.error !== null)
                return { state: 'failed', message: `Could not start the ${kind} of pool ${pool}: ${start.error}` };
            try {
                last = await this.read(pool);
                failures = 0;
            } catch (e) {
                if (++failures >= 5)
                    return { state: 'failed', message: `Lost track of the ${kind} of pool ${pool}: ${e instanceof Error ? e.message : String(e)}` };
                continue;
            }
            const { scan } = last;
            if (scan.kind === kind && (scan.state === 'scanning' || scan.state === 'paused')) {
                this.report(control, scan, started);
                control.setPaused(scan.state === 'paused');
                continue;
            }
            if (!start.done)
                continue;
            // A resilver that ended before this job began is not this job's
            // result; OpenZFS may show it until the new resilver starts.
            const before = scan.endTime !== null && scan.endTime < Math.floor(started / GLib.USEC_PER_SEC) - 1;
            if (resilver !== null && (scan.kind !== 'resilver' || before) && waitedForResult++ < RESULT_WAIT_POLLS)
                continue;
            this.changed();
            return this.outcome(pool, kind, last, control.cancelRequested, started);
        }
    }

    private report(control: JobControl, scan: ScanInfo, started: number): void {
        const now = GLib.get_real_time();
        let secondsLeft = scan.secondsLeft;
        // zfs-fuse gives minutes; estimate from the elapsed time instead.
        if (scan.fraction !== null && scan.fraction > 0.01 && (secondsLeft === null || scan.rate === null)) {
            const elapsed = (now - started) / GLib.USEC_PER_SEC;
            secondsLeft = elapsed * (1 - scan.fraction) / scan.fraction;
        }
        control.update({
            progress: scan.fraction,
            ...(scan.total !== null ? { bytes: scan.total } : {}),
            ...(scan.done !== null ? { bytesDone: scan.done } : {}),
            rate: scan.rate ?? 0,
            expectedEndTime: secondsLeft === null ? 0 : now + secondsLeft * GLib.USEC_PER_SEC,
        });
    }

    private outcome(pool: string, kind: 'scrub' | 'resilver', reading: ScanReading, cancelRequested: boolean,
        started: number): JobOutcome {
        const { scan } = reading;
        const what = kind === 'scrub' ? 'Scrub' : 'Resilver';
        const seconds = scan.duration !== null && scan.duration >= 60 ? scan.duration
            : (GLib.get_real_time() - started) / GLib.USEC_PER_SEC;
        const result = scanResultWords(scan, reading.repairedNote);
        if (scan.kind !== kind || scan.state === 'none')
            return { state: 'failed', message: `${what} of pool ${pool} ended, but ZFS reports no ${kind} result.` };
        if (scan.state === 'canceled') {
            return { state: 'cancelled', message: cancelRequested
                ? `${what} of pool ${pool} cancelled after ${durationWords(seconds)}.`
                : `${what} of pool ${pool} was stopped outside SigmaVault after ${durationWords(seconds)}.` };
        }
        if (cancelRequested) {
            return { state: 'cancelled',
                message: `Cancelled, but the ${kind} of pool ${pool} had already finished in ${durationWords(seconds)}: ${result}.` };
        }
        return { state: 'succeeded', message: `${what} of pool ${pool} finished in ${durationWords(seconds)}: ${result}.` };
    }
}
