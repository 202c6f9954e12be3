// What the notification of an ended compression job says and offers: a pure
// function of the job, so that the words are tested without a desktop.
import GLib from 'gi://GLib';
import { isDictionaryName } from '../shared/compressed-names.js';
import { _, format, ngettext } from '../shared/i18n.js';
import type { JobInfo } from '../shared/job-info.js';
import { jobSubject, savedPercent } from '../shared/job-format.js';

export type NoticeButton = 'show-in-files' | 'undo' | 'show-details';

export interface JobNotice {
    readonly title: string;
    readonly body: string;
    readonly buttons: readonly NoticeButton[];
    readonly failed: boolean;
}

type NoticeJob = Pick<JobInfo, 'operation' | 'state' | 'message' | 'lock' | 'sizeBefore' | 'sizeAfter' | 'outputs' | 'undoKind'>;

function baseName(bytes: Uint8Array): string {
    const slash = bytes.lastIndexOf(0x2f);
    return new TextDecoder().decode(bytes.subarray(slash + 1));
}

/** Files written, without the dictionaries that came with them. */
export function writtenFiles(job: Pick<JobInfo, 'outputs'>): Uint8Array[] {
    return job.outputs.filter(o => !isDictionaryName(baseName(o)));
}

function sizes(job: NoticeJob): string {
    return format(_('%s → %s'), GLib.format_size(job.sizeBefore), GLib.format_size(job.sizeAfter));
}

/** The notice for a finished compression job; null for jobs that get none (running, or not file jobs). */
export function jobNotice(job: NoticeJob): JobNotice | null {
    const n = writtenFiles(job).length;
    // A title names the file, not its folders ("report.txt", "report.txt and 2 more"); the body and the details have the path.
    const subject = jobSubject(job).replace(/^.*\//, '');
    if (job.state === 'succeeded') {
        const buttons: NoticeButton[] = n > 0 ? ['show-in-files'] : [];
        if (job.undoKind !== '')
            buttons.push('undo');
        switch (job.operation) {
        case 'file-compress': {
            if (n === 0) // everything was skipped: the daemon's words say why
                return { title: _('Nothing Was Compressed'), body: job.message, buttons: ['show-details'], failed: false };
            const saved = savedPercent(job.sizeBefore, job.sizeAfter);
            return {
                title: format(ngettext('Compressed %d file', 'Compressed %d files', n), n),
                // Translators: "1.2 GB → 410 MB (66 % smaller)".
                body: saved >= 0 ? format(_('%s (%d %% smaller)'), sizes(job), saved) : format(_('%s (%d %% larger)'), sizes(job), -saved),
                buttons, failed: false,
            };
        }
        case 'file-decompress':
            return { title: format(ngettext('Decompressed %d file', 'Decompressed %d files', n), n), body: sizes(job), buttons, failed: false };
        case 'file-verify':
            return { title: _('Verified: Intact'), body: job.message, buttons: [], failed: false };
        default:
            return null;
        }
    }
    if (job.state === 'failed' || job.state === 'interrupted') {
        const title = job.operation === 'file-compress' ? format(_('Could not compress %s'), subject)
            : job.operation === 'file-decompress' ? format(_('Could not decompress %s'), subject)
                : job.operation === 'file-verify' ? format(_('%s failed verification'), subject) : null;
        if (title === null)
            return null;
        // Whatever did get written can still be shown.
        return { title, body: job.message, buttons: n > 0 ? ['show-details', 'show-in-files'] : ['show-details'], failed: true };
    }
    return null;
}

/** A file: URI for a path in bytes, exact for any byte (names need not be UTF-8). */
export function fileUri(path: Uint8Array): string {
    let out = 'file://';
    for (const b of path) {
        const c = String.fromCharCode(b);
        out += /[A-Za-z0-9\-._~/!$&()*+,;=:@]/.test(c) && b < 0x80 ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return out;
}
