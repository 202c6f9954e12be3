// Jobs as clients read them (com.sigmavault.Job1), validated like pools.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, JOB_IFACE, ROOT_PATH } from './dbus-names.js';
import { z } from './vendor/zod.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const u64 = z.union([z.number(), z.bigint()]).transform(v => Number(v));

export const JOB_STATES = ['running', 'paused', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobStateName = (typeof JOB_STATES)[number];

export const JobInfoSchema = z.object({
    Operation: z.string(),
    Objects: z.array(z.string()),
    Lock: z.string(),
    Progress: z.number(),
    ProgressValid: z.boolean(),
    Bytes: u64,
    BytesDone: u64,
    Rate: u64,
    StartTime: u64,
    ExpectedEndTime: u64,
    EndTime: u64,
    StartedByUID: z.number(),
    Cancelable: z.boolean(),
    State: z.enum(JOB_STATES),
    Message: z.string(),
    Log: z.array(z.string()),
    // Absent from daemons older than the compression page.
    SizeBefore: u64.default(0),
    SizeAfter: u64.default(0),
    Outputs: z.array(z.custom<Uint8Array>(v => v instanceof Uint8Array, 'a path as bytes')).default([]),
    UndoKind: z.enum(['', 'remove-copies', 'restore-originals']).default(''),
    SavingsByType: z.record(z.tuple([u64, u64])).default({}),
}).transform(j => ({
    operation: j.Operation,
    objects: j.Objects,
    lock: j.Lock,
    progress: j.ProgressValid ? j.Progress : null,
    bytes: j.Bytes,
    bytesDone: j.BytesDone,
    rate: j.Rate,
    /** Microseconds since the epoch (0: unknown). */
    startTime: j.StartTime,
    expectedEndTime: j.ExpectedEndTime,
    endTime: j.EndTime,
    startedByUid: j.StartedByUID,
    cancelable: j.Cancelable,
    state: j.State,
    message: j.Message,
    log: j.Log,
    /** Compression jobs once ended: total size of the files done, before and after (0: none or not applicable). */
    sizeBefore: j.SizeBefore,
    sizeAfter: j.SizeAfter,
    /** Compression jobs: the files they created (paths as bytes). */
    outputs: j.Outputs,
    /** How the result can be undone ('' when it cannot). */
    undoKind: j.UndoKind,
    /** Compress jobs: [before, after] bytes per file type ("txt", "folder", "" for none). */
    savingsByType: j.SavingsByType,
}));
export type JobProperties = z.output<typeof JobInfoSchema>;
export interface JobInfo extends JobProperties {
    readonly path: string;
    readonly id: number;
}

export function isRunning(job: Pick<JobInfo, 'state'>): boolean {
    return job.state === 'running' || job.state === 'paused';
}

/** The object path's last element is the job's number. */
export function jobId(path: string): number {
    return Number(path.split('/').at(-1));
}

export function toJobInfo(path: string, props: Record<string, unknown>): JobInfo | null {
    const parsed = JobInfoSchema.safeParse(props);
    return parsed.success ? { ...parsed.data, path, id: jobId(path) } : null;
}

/** Newest first. */
export function sortJobs(jobs: JobInfo[]): JobInfo[] {
    return jobs.sort((a, b) => b.id - a.id);
}

type ManagedObjects = Record<string, Record<string, Record<string, GLib.Variant>>>;

export async function readJobs(connection: Gio.DBusConnection): Promise<JobInfo[]> {
    const reply = await connection.call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager',
        'GetManagedObjects', null, new GLib.VariantType('(a{oa{sa{sv}}})'), Gio.DBusCallFlags.NONE, 30000, null);
    const [objects] = reply.deepUnpack<[ManagedObjects]>();
    const jobs: JobInfo[] = [];
    for (const [path, ifaces] of Object.entries(objects)) {
        const props = ifaces[JOB_IFACE];
        if (!props)
            continue;
        const plain: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(props))
            plain[k] = v.recursiveUnpack();
        const job = toJobInfo(path, plain);
        if (job)
            jobs.push(job);
    }
    return sortJobs(jobs);
}
