// Jobs in words, for the app and the CLI.
import GLib from 'gi://GLib';
import { _, format } from './i18n.js';
import type { JobInfo, JobStateName } from './job-info.js';

/** The pool or other object a job works on, by the last element of its path. */
export function jobSubject(job: Pick<JobInfo, 'lock'>): string {
    const colon = job.lock.indexOf(':');
    return colon >= 0 ? job.lock.slice(colon + 1) : job.lock;
}

export function operationLabel(operation: string): string {
    switch (operation) {
    case 'pool-scrub': return _('Scrub');
    case 'pool-resilver': return _('Resilver');
    case 'pool-create': return _('Pool creation');
    case 'pool-import': return _('Import');
    case 'smart-selftest': return _('SMART self-test');
    case 'snapshot-prune': return _('Snapshot pruning');
    case 'file-compress': return _('Compression');
    case 'file-decompress': return _('Decompression');
    case 'file-verify': return _('Verification');
    default: return operation;
    }
}

const FILE_OPERATIONS: readonly string[] = ['file-compress', 'file-decompress', 'file-verify'];

/** Compress, Decompress and Verify jobs. */
export function isFileJob(job: Pick<JobInfo, 'operation'>): boolean {
    return FILE_OPERATIONS.includes(job.operation);
}

/** Whole percent saved; never "100 %" while something is left. */
export function savedPercent(before: number, after: number): number {
    if (before <= 0)
        return 0;
    const saved = Math.round((1 - after / before) * 100);
    return after > 0 ? Math.min(99, saved) : saved;
}

/**
 * "1.2 MB → 410 kB · 66 % smaller" for an ended compression job, from the
 * sizes the daemon reports; null when it reported none (nothing done).
 */
export function compressionResult(job: Pick<JobInfo, 'operation' | 'sizeBefore' | 'sizeAfter'>): string | null {
    if (job.sizeBefore <= 0 || job.sizeAfter <= 0 || job.operation === 'file-verify')
        return null;
    const sizes = format(_('%s → %s'), GLib.format_size(job.sizeBefore), GLib.format_size(job.sizeAfter));
    if (job.operation !== 'file-compress')
        return sizes;
    const saved = savedPercent(job.sizeBefore, job.sizeAfter);
    // Translators: the result of compressing, e.g. "1.2 MB → 410 kB · 66 % smaller".
    return saved >= 0 ? format(_('%s · %d %% smaller'), sizes, saved) : format(_('%s · %d %% larger'), sizes, -saved);
}

/** The last element of a path, for a title (the whole path goes in a subtitle or tooltip). */
export function baseName(path: string): string {
    return path.replace(/\/+$/, '').split('/').at(-1) || path;
}

/** "Scrub of tank" */
export function jobTitle(job: Pick<JobInfo, 'operation' | 'lock'>, subject = jobSubject(job)): string {
    // Translators: a job, e.g. "Scrub of tank".
    return format(_('%s of %s'), operationLabel(job.operation), subject);
}

export function jobStateLabel(state: JobStateName): string {
    switch (state) {
    case 'running': return _('Running');
    case 'paused': return _('Paused');
    case 'succeeded': return _('Finished');
    case 'failed': return _('Failed');
    case 'cancelled': return _('Cancelled');
    case 'interrupted': return _('Interrupted');
    }
}

/** "2 min 5 s", for time left and durations. */
export function formatSeconds(seconds: number): string {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60)
        return format(_('%d s'), s);
    const m = Math.floor(s / 60);
    if (m < 60)
        return format(_('%d min %d s'), m, s % 60);
    return format(_('%d h %d min'), Math.floor(m / 60), m % 60);
}

/** Rate and time left of a running job, e.g. "120 MB/s · 1 min 2 s left"; '' when unknown. */
export function jobSpeed(job: Pick<JobInfo, 'rate' | 'expectedEndTime'>, nowUs = GLib.get_real_time()): string {
    const parts: string[] = [];
    if (job.rate > 0)
        parts.push(format(_('%s/s'), GLib.format_size(job.rate)));
    if (job.expectedEndTime > 0)
        parts.push(format(_('%s left'), formatSeconds((job.expectedEndTime - nowUs) / 1e6)));
    return parts.join(' · ');
}

/** When a job started or ended, in the local time zone. */
export function formatTime(us: number): string {
    if (us <= 0)
        return '–';
    const t = GLib.DateTime.new_from_unix_local(Math.floor(us / 1e6));
    return t?.format('%x %X') ?? '–';
}
