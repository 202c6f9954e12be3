// Jobs, udisks style: one com.sigmavault.Job1 object per long operation at
// /com/sigmavault/Daemon/jobs/<n>. A job holds a named lock ("scrub:tank"):
// a second request for the same lock gets the running job back. Finished
// jobs stay as objects (the newest HISTORY_LIMIT), and the history is written
// atomically to /var/lib/sigmavault/jobs.json (temporary file, fsync, rename).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { JOB_IFACE, jobPath } from '../../shared/dbus-names.js';
import { audit } from '../audit.js';
import { DaemonError } from '../errors.js';
import { ErrorName } from '../../shared/dbus-names.js';
import { ExportedInterface, interfaceInfo } from '../objects/exported-interface.js';
import { parseOptions } from '../options.js';
import { authorize, callerOf, type PolkitAction } from '../polkit.js';
import { bounded, isFinished, type JobRecord, type JobState, LOG_LIMIT, MAX_OUTPUTS, parseHistory, serializeHistory } from './history.js';
import { readState, statePath, writeAtomically } from '../state-file.js';
import { ExportedObject, type ObjectServer } from '../objects/object-server.js';

export interface JobProgress {
    readonly progress?: number | null;
    readonly bytes?: number;
    readonly bytesDone?: number;
    /** Bytes per second; 0 when unknown. */
    readonly rate?: number;
    /** Microseconds since the epoch; 0 when unknown. */
    readonly expectedEndTime?: number;
}

export interface JobSpec {
    readonly operation: string;
    readonly objects: readonly string[];
    readonly lock: string;
    readonly startedByUid: number;
    /** Who else may cancel it (besides its starter). */
    readonly cancelAction: PolkitAction;
    readonly cancelable: boolean;
    /** At most this many unfinished jobs of this operation; a further one is refused as Busy. */
    readonly limit?: number;
}

/** What a job's worker gets: progress reporting, a log, and the cancel request. */
export interface JobControl {
    readonly id: number;
    update(progress: JobProgress): void;
    setPaused(paused: boolean): void;
    log(line: string): void;
    /** Called when Cancel is authorized; the worker then ends the job as cancelled. */
    onCancel: (() => Promise<void>) | null;
    readonly cancelRequested: boolean;
}

export interface JobOutcome {
    readonly state: 'succeeded' | 'failed' | 'cancelled';
    readonly message: string;
    /** Compression jobs: total size of the files done, before and after. */
    readonly sizes?: { readonly before: number; readonly after: number };
    /** Files the job created (compression), and how its result can be undone. */
    readonly outputs?: readonly Uint8Array[];
    readonly undo?: JobRecord['undo'];
    /** Compress jobs: bytes before and after per file type. */
    readonly savings?: JobRecord['savings'];
}

const nowUs = (): number => GLib.get_real_time();

/** How long log lines gather before they are published. */
const LOG_PUBLISH_MS = 100;

function toU64(n: number): number {
    return Math.max(0, Math.round(n));
}

export class Job implements JobControl {
    readonly iface: ExportedInterface;
    readonly object: ExportedObject;
    onCancel: (() => Promise<void>) | null = null;
    cancelRequested = false;
    private rate = 0;
    private expectedEndTime = 0;
    /** A publish waiting to gather log lines (see log). */
    private pendingPublish = 0;

    constructor(private record: JobRecord, readonly spec: Pick<JobSpec, 'cancelAction' | 'cancelable'>,
        private readonly manager: JobManager) {
        this.iface = new ExportedInterface(interfaceInfo(JOB_IFACE), {
            Cancel: (args, inv) => this.manager.cancel(this, args, inv),
        });
        this.publish();
        this.object = new ExportedObject(jobPath(record.id), [this.iface]);
    }

    get id(): number {
        return this.record.id;
    }

    get path(): string {
        return jobPath(this.record.id);
    }

    get state(): JobState {
        return this.record.state;
    }

    get snapshot(): JobRecord {
        return this.record;
    }

    get finished(): boolean {
        return isFinished(this.record.state);
    }

    private publish(): void {
        if (this.pendingPublish !== 0) {
            GLib.source_remove(this.pendingPublish);
            this.pendingPublish = 0;
        }
        const r = this.record;
        const running = !this.finished;
        this.iface.set({
            Operation: new GLib.Variant('s', r.operation),
            Objects: new GLib.Variant('ao', r.objects),
            Lock: new GLib.Variant('s', r.lock),
            Progress: new GLib.Variant('d', r.progress ?? 0),
            ProgressValid: new GLib.Variant('b', r.progress !== null),
            Bytes: new GLib.Variant('t', r.bytes),
            BytesDone: new GLib.Variant('t', r.bytesDone),
            Rate: new GLib.Variant('t', running ? this.rate : 0),
            StartTime: new GLib.Variant('t', r.startTime),
            ExpectedEndTime: new GLib.Variant('t', running ? this.expectedEndTime : 0),
            EndTime: new GLib.Variant('t', r.endTime),
            StartedByUID: new GLib.Variant('u', r.startedByUid),
            Cancelable: new GLib.Variant('b', running && this.spec.cancelable),
            State: new GLib.Variant('s', r.state),
            Message: new GLib.Variant('s', r.message),
            Log: new GLib.Variant('as', r.log),
            SizeBefore: new GLib.Variant('t', r.sizeBefore ?? 0),
            SizeAfter: new GLib.Variant('t', r.sizeAfter ?? 0),
            Outputs: new GLib.Variant('aay', (r.outputs ?? []).map(o => Uint8Array.from(o))),
            UndoKind: new GLib.Variant('s', r.undo ?? ''),
            SavingsByType: new GLib.Variant('a{s(tt)}', r.savings ?? {}),
        });
    }

    update(p: JobProgress): void {
        if (this.finished)
            return;
        const progress = p.progress === undefined ? this.record.progress
            : p.progress === null ? null : Math.min(1, Math.max(0, p.progress));
        this.record = {
            ...this.record, progress,
            bytes: p.bytes === undefined ? this.record.bytes : toU64(p.bytes),
            bytesDone: p.bytesDone === undefined ? this.record.bytesDone : toU64(p.bytesDone),
        };
        if (p.rate !== undefined)
            this.rate = toU64(p.rate);
        if (p.expectedEndTime !== undefined)
            this.expectedEndTime = toU64(p.expectedEndTime);
        this.publish();
    }

    setPaused(paused: boolean): void {
        if (this.finished || (this.record.state === 'paused') === paused)
            return;
        this.record = { ...this.record, state: paused ? 'paused' : 'running' };
        this.log(paused ? 'Paused.' : 'Resumed.');
        this.publish();
        this.manager.persist();
    }

    /**
     * Adds a line to the log. Lines are published together a moment later:
     * a job over thousands of files logs a few lines per file, and each
     * publish sends every client the whole Log.
     */
    log(line: string): void {
        const stamp = GLib.DateTime.new_now_local().format('%F %T') ?? '';
        this.record = { ...this.record, log: [...this.record.log, `${stamp} ${line}`].slice(-LOG_LIMIT) };
        if (this.pendingPublish === 0) {
            this.pendingPublish = GLib.timeout_add(GLib.PRIORITY_DEFAULT, LOG_PUBLISH_MS, () => {
                this.pendingPublish = 0;
                this.publish();
                return GLib.SOURCE_REMOVE;
            });
        }
    }

    /** Ends the job: sets its final state, emits Completed, persists the history. */
    finish(outcome: JobOutcome): void {
        if (this.finished)
            return;
        this.record = {
            ...this.record, state: outcome.state, message: outcome.message, endTime: nowUs(),
            progress: outcome.state === 'succeeded' ? 1 : this.record.progress,
            bytesDone: outcome.state === 'succeeded' ? this.record.bytes : this.record.bytesDone,
            ...outcome.sizes ? { sizeBefore: toU64(outcome.sizes.before), sizeAfter: toU64(outcome.sizes.after) } : {},
            ...outcome.outputs && outcome.outputs.length > 0 ? { outputs: outcome.outputs.slice(0, MAX_OUTPUTS).map(o => [...o]) } : {},
            ...outcome.undo ? { undo: outcome.undo } : {},
            ...outcome.savings && Object.keys(outcome.savings).length > 0 ? { savings: outcome.savings } : {},
        };
        this.log(outcome.message);
        // Clients read the properties when Completed comes: they are current by then.
        this.publish();
        this.iface.emitSignal('Completed', new GLib.Variant('(bs)', [outcome.state === 'succeeded', outcome.message]));
        this.manager.finished(this);
    }
}

export type JobWorker = (control: JobControl) => Promise<JobOutcome>;

export class JobManager {
    private readonly jobs = new Map<number, Job>();
    private nextId = 1;
    private readonly file: string;
    /** Called when a job has ended (after its history was written). */
    readonly onFinished: ((job: Job) => void)[] = [];

    constructor(private readonly server: ObjectServer, private readonly connection: Gio.DBusConnection) {
        this.file = statePath('jobs.json');
    }

    /** Reads the history and exports its jobs; unfinished ones are reported as interrupted. */
    load(): void {
        const text = readState(this.file);
        if (text === null)
            return; // no history yet
        const loaded = parseHistory(text, nowUs());
        if (!loaded.ok) {
            // Keep the damaged file for a person to look at; start a new history.
            console.warn(`sigmavaultd: ${this.file} is damaged (${loaded.reason}); keeping it as jobs.json.damaged`);
            GLib.rename(this.file, `${this.file}.damaged`);
            return;
        }
        this.nextId = loaded.file.nextId;
        for (const record of loaded.file.jobs) {
            const job = new Job(record, { cancelAction: 'com.sigmavault.pool.manage', cancelable: false }, this);
            this.jobs.set(record.id, job);
            this.server.export(job.object);
        }
        if (loaded.file.jobs.some(j => j.state === 'interrupted'))
            this.persist();
    }

    /** The unfinished job holding `lock`, if any. */
    holding(lock: string): Job | null {
        for (const job of this.jobs.values()) {
            if (!job.finished && job.snapshot.lock === lock)
                return job;
        }
        return null;
    }

    /** The newest job (finished or not) holding `lock`. */
    latest(lock: string): Job | null {
        let found: Job | null = null;
        for (const job of this.jobs.values()) {
            if (job.snapshot.lock === lock && (found === null || job.id > found.id))
                found = job;
        }
        return found;
    }

    get all(): Job[] {
        return [...this.jobs.values()];
    }

    /**
     * Starts `worker` as a job, or returns the unfinished job that holds the
     * same lock (then `worker` does not run).
     */
    start(spec: JobSpec, worker: JobWorker): { job: Job; existing: boolean } {
        const existing = this.holding(spec.lock);
        if (existing !== null)
            return { job: existing, existing: true };
        if (spec.limit !== undefined &&
            this.all.filter(j => !j.finished && j.snapshot.operation === spec.operation).length >= spec.limit) {
            throw new DaemonError(ErrorName.Busy,
                `Too many ${spec.operation} jobs are running (at most ${spec.limit}). Try again when one has finished.`);
        }
        const record: JobRecord = {
            id: this.nextId++, operation: spec.operation, objects: [...spec.objects], lock: spec.lock,
            startTime: nowUs(), endTime: 0, startedByUid: spec.startedByUid, state: 'running', message: '',
            progress: null, bytes: 0, bytesDone: 0, log: [],
        };
        const job = new Job(record, spec, this);
        this.jobs.set(job.id, job);
        this.server.export(job.object);
        job.log(`Started by uid ${spec.startedByUid}.`);
        this.persist();
        worker(job).then(outcome => {
            job.finish(outcome);
        }).catch((e: unknown) => {
            job.finish({ state: 'failed', message: e instanceof Error ? e.message : String(e) });
        });
        return { job, existing: false };
    }

    /** Job1.Cancel: allowed to the job's starter, or to whoever polkit allows the job's action. */
    async cancel(job: Job, args: unknown[], invocation: Gio.DBusMethodInvocation): Promise<null> {
        const options = parseOptions(args[0]);
        if (job.finished || !job.spec.cancelable || job.onCancel === null) {
            throw new DaemonError(ErrorName.Failed, job.finished
                ? `Job ${job.id} has already ended (${job.state}).`
                : `Job ${job.id} (${job.snapshot.operation}) cannot be cancelled.`);
        }
        const caller = await callerOf(this.connection, invocation.get_sender() ?? '');
        if (caller.uid !== null && caller.uid === job.snapshot.startedByUid) {
            audit({ action: 'job.cancel', sender: caller.sender, uid: caller.uid, object: job.path,
                result: 'allowed', detail: 'the job\'s starter' });
        } else {
            await authorize(this.connection, caller, job.spec.cancelAction, job.path, !options['auth.no_user_interaction']);
        }
        await this.requestCancel(job, caller.uid);
        return null;
    }

    /** Cancels on behalf of an already authorized caller. */
    async requestCancel(job: Job, uid: number | null): Promise<void> {
        if (job.finished || job.onCancel === null)
            return;
        job.cancelRequested = true;
        job.log(`Cancel requested by uid ${uid ?? '?'}.`);
        await job.onCancel();
    }

    finished(job: Job): void {
        this.persist();
        for (const listener of this.onFinished)
            listener(job);
        // Drop the oldest finished jobs beyond the limit.
        const keep = new Set(bounded(this.all.map(j => j.snapshot)).map(r => r.id));
        for (const [id, j] of this.jobs) {
            if (!keep.has(id)) {
                this.server.unexport(j.path);
                this.jobs.delete(id);
            }
        }
    }

    /** Writes the history: temporary file beside it, fsync, rename. */
    persist(): void {
        try {
            writeAtomically(this.file, serializeHistory(this.nextId, this.all.map(j => j.snapshot)));
        } catch (e) {
            console.warn(`sigmavaultd: cannot write ${this.file}: ${e instanceof Error ? e.message : String(e)}`);
        }
    }
}
