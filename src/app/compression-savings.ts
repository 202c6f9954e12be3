// "Savings by type" on the Compression page: what compressing saved, summed
// per file type over the jobs in the history. Pure.
import { _, format } from '../shared/i18n.js';
import type { JobInfo } from '../shared/job-info.js';

export interface TypeSavings {
    /** "txt", "folder", or "" for names without an extension. */
    readonly type: string;
    readonly before: number;
    readonly after: number;
}

/** Per type, largest saving first; only types where something was compressed. */
export function savingsByType(jobs: readonly Pick<JobInfo, 'operation' | 'savingsByType'>[]): TypeSavings[] {
    const sums = new Map<string, [number, number]>();
    for (const job of jobs) {
        if (job.operation !== 'file-compress')
            continue;
        for (const [type, [before, after]] of Object.entries(job.savingsByType)) {
            const [b, a] = sums.get(type) ?? [0, 0];
            sums.set(type, [b + before, a + after]);
        }
    }
    return [...sums].filter(([, [before]]) => before > 0)
        .map(([type, [before, after]]) => ({ type, before, after }))
        .sort((x, y) => (y.before - y.after) - (x.before - x.after) || x.type.localeCompare(y.type));
}

/** "Text files (.txt)", "Folders", "Files without an extension". */
export function typeLabel(type: string): string {
    if (type === 'folder')
        return _('Folders');
    if (type === '')
        return _('Files without an extension');
    // Translators: a file type by its extension, e.g. ".txt files".
    return format(_('.%s files'), type);
}
