// The persisted job history (/var/lib/sigmavault/jobs.json): a pure
// serializer and its zod schema. The file is read at start-up; jobs it lists
// as still running were cut short by a restart and become "interrupted".
import { z } from '../../shared/vendor/zod.js';

export const JOB_STATES = ['running', 'paused', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** How many finished jobs are kept (running ones are never dropped). */
export const HISTORY_LIMIT = 100;
/** How many log lines a job keeps. */
export const LOG_LIMIT = 50;
/** How many created files a job lists (Job1.Outputs). */
export const MAX_OUTPUTS = 1000;

const count = z.number().int().nonnegative();

export const JobRecordSchema = z.object({
    id: z.number().int().positive(),
    operation: z.string().regex(/^[a-z][a-z0-9-]*$/),
    objects: z.array(z.string().regex(/^\/[A-Za-z0-9_/]*$/)),
    lock: z.string(),
    /** Microseconds since the epoch; endTime 0 while running. */
    startTime: count,
    endTime: count,
    startedByUid: count,
    state: z.enum(JOB_STATES),
    message: z.string(),
    /** 0…1, or null when the job cannot tell. */
    progress: z.number().min(0).max(1).nullable(),
    bytes: count,
    bytesDone: count,
    log: z.array(z.string()).max(LOG_LIMIT),
    /** Compression jobs: total size of the files done, before and after (absent in older histories). */
    sizeBefore: count.optional(),
    sizeAfter: count.optional(),
    /** Compression jobs: the files they created (paths as bytes), at most MAX_OUTPUTS. */
    outputs: z.array(z.array(z.number().int().min(0).max(255)).min(1)).max(MAX_OUTPUTS).optional(),
    /** How the job's result can be undone (see Job1.UndoKind). */
    undo: z.enum(['remove-copies', 'restore-originals']).optional(),
    /** Compress jobs: bytes before and after per file type ("txt", "folder", "" for none). */
    savings: z.record(z.string().max(32), z.tuple([count, count])).optional(),
}).strict();
export type JobRecord = z.infer<typeof JobRecordSchema>;

export const HistoryFileSchema = z.object({
    version: z.literal(1),
    nextId: z.number().int().positive(),
    jobs: z.array(JobRecordSchema),
}).strict();
export type HistoryFile = z.infer<typeof HistoryFileSchema>;

export function isFinished(state: JobState): boolean {
    return state !== 'running' && state !== 'paused';
}

/** The newest HISTORY_LIMIT finished jobs and every unfinished one, oldest first. */
export function bounded(jobs: readonly JobRecord[], limit = HISTORY_LIMIT): JobRecord[] {
    const finished = jobs.filter(j => isFinished(j.state)).sort((a, b) => a.id - b.id);
    const keep = new Set(finished.slice(Math.max(0, finished.length - limit)).map(j => j.id));
    return jobs.filter(j => !isFinished(j.state) || keep.has(j.id)).sort((a, b) => a.id - b.id);
}

export function serializeHistory(nextId: number, jobs: readonly JobRecord[]): string {
    const file: HistoryFile = { version: 1, nextId, jobs: bounded(jobs) };
    return `${JSON.stringify(HistoryFileSchema.parse(file), null, 1)}\n`;
}

export type LoadedHistory = { readonly ok: true; readonly file: HistoryFile } | { readonly ok: false; readonly reason: string };

/**
 * Parses the file. Jobs that were unfinished when it was written are marked
 * interrupted at `now` (µs). A damaged file is reported, never half-read.
 */
export function parseHistory(text: string, now: number): LoadedHistory {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        return { ok: false, reason: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
    const result = HistoryFileSchema.safeParse(json);
    if (!result.success) {
        const issue = result.error.issues[0];
        return { ok: false, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'unexpected content'}` };
    }
    const jobs = result.data.jobs.map(j => isFinished(j.state) ? j : {
        ...j, state: 'interrupted' as const, endTime: now,
        message: 'Interrupted: the SigmaVault service stopped while this job was running.',
    });
    const nextId = Math.max(result.data.nextId, ...jobs.map(j => j.id + 1));
    return { ok: true, file: { version: 1, nextId, jobs: bounded(jobs) } };
}
