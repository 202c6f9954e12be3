// One notification when a compression job of this user ends: the result with
// Show in Files and Undo, or the reason with Show Details. Jobs that ended
// before the app started watching are not announced, unless they were handed
// over with watch() (a job started from Files that ended in a moment).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import type { JobInfo } from '../shared/job-info.js';
import { isFileJob } from '../shared/job-format.js';
import { _ } from '../shared/i18n.js';
import { jobNotice, type NoticeButton } from './job-notice.js';

export function jobNotificationId(path: string): string {
    return `job-${path.split('/').at(-1) ?? path}`;
}

/** What the notifier needs from the store. */
export interface JobSource {
    readonly state: string;
    readonly jobs: readonly JobInfo[];
    /** "jobs-changed" comes with every change of the jobs, a full reload's included. */
    connect(signal: 'jobs-changed', callback: () => void): number;
    disconnect(id: number): void;
}

const BUTTON_LABELS: Readonly<Record<NoticeButton, () => string>> = {
    'show-in-files': () => _('Show in Files'),
    undo: () => _('Undo'),
    'show-details': () => _('Show Details'),
};

const BUTTON_ACTIONS: Readonly<Record<NoticeButton, string>> = {
    'show-in-files': 'app.show-job-in-files',
    undo: 'app.undo-job',
    'show-details': 'app.show-job',
};

export class JobNotifier {
    private readonly announced = new Set<string>();
    private readonly watched = new Set<string>();
    /** Jobs already ended when watching began. */
    private before: Set<string> | null = null;
    private readonly handlers: number[] = [];

    constructor(private readonly app: Gio.Application, private readonly source: JobSource, private readonly uid: number,
        private readonly settings: Gio.Settings | null) {}

    start(): void {
        this.handlers.push(this.source.connect('jobs-changed', () => {
            this.check();
        }));
        this.check();
    }

    stop(): void {
        for (const id of this.handlers.splice(0))
            this.source.disconnect(id);
    }

    /** Announce `path` when it ends, even if it already has. */
    watch(path: string): void {
        this.watched.add(path);
        this.check();
    }

    private check(): void {
        if (this.source.state !== 'ready')
            return;
        const ended = this.source.jobs.filter(j => isFileJob(j) && j.endTime > 0 && j.startedByUid === this.uid);
        this.before ??= new Set(ended.map(j => j.path).filter(p => !this.watched.has(p)));
        for (const job of ended) {
            if (this.announced.has(job.path) || this.before.has(job.path))
                continue;
            this.announced.add(job.path);
            this.notify(job);
        }
    }

    private notify(job: JobInfo): void {
        if (this.settings && !this.settings.get_boolean('notify-compression'))
            return;
        const notice = jobNotice(job);
        if (notice === null)
            return;
        const n = new Gio.Notification();
        n.set_title(notice.title);
        n.set_body(notice.body);
        n.set_icon(new Gio.ThemedIcon({ name: notice.failed ? 'dialog-error-symbolic' : 'package-x-generic-symbolic' }));
        n.set_priority(notice.failed ? Gio.NotificationPriority.HIGH : Gio.NotificationPriority.NORMAL);
        const target = new GLib.Variant('s', job.path);
        n.set_default_action_and_target('app.show-job', target);
        for (const b of notice.buttons)
            n.add_button_with_target(BUTTON_LABELS[b](), BUTTON_ACTIONS[b], target);
        this.app.send_notification(jobNotificationId(job.path), n);
    }
}
