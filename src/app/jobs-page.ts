// Jobs: what runs now (progress, rate, time left, Cancel) and what ran
// recently (result in words). Rows are updated in place as progress comes in.
import Adw from 'gi://Adw';
import Gdk from 'gi://Gdk?version=4.0';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { formatPercent } from '../shared/format.js';
import { _, format } from '../shared/i18n.js';
import { formatTime, jobSpeed, jobStateLabel, jobTitle } from '../shared/job-format.js';
import { isRunning, type JobInfo } from '../shared/job-info.js';
import { cancelJob } from './job-actions.js';
import type { PoolStore } from './pool-store.js';

export function stateIcon(job: Pick<JobInfo, 'state'>): string {
    switch (job.state) {
    case 'succeeded': return 'object-select-symbolic';
    case 'failed': case 'interrupted': return 'dialog-warning-symbolic';
    case 'cancelled': return 'process-stop-symbolic';
    default: return 'emblem-synchronizing-symbolic';
    }
}

// Adwaita gives a progress bar a 150 px trough at least; beside a title in a
// phone-wide window that leaves the title a few letters a line.
const NARROW_BAR_CSS = 'progressbar.job-progress > trough { min-width: 48px; }';
let narrowBarInstalled = false;

function installNarrowBar(): void {
    const display = Gdk.Display.get_default();
    if (narrowBarInstalled || display === null)
        return;
    const provider = new Gtk.CssProvider();
    provider.load_from_string(NARROW_BAR_CSS);
    Gtk.StyleContext.add_provider_for_display(display, provider, Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION);
    narrowBarInstalled = true;
}

/** One job; running ones have a progress bar and a Cancel button. */
export class JobRow extends Adw.ActionRow {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultJobRow' }, this);
    }

    declare private _bar: Gtk.ProgressBar;
    declare private _cancel: Gtk.Button;
    declare private _icon: Gtk.Image;
    declare jobPath: string;
    declare private _titleOf: (job: JobInfo) => string;

    /** `titleOf` names the job ("Scrub of tank" unless told otherwise). */
    constructor(store: PoolStore, job: JobInfo, titleOf: (job: JobInfo) => string = jobTitle) {
        super({ subtitle_lines: 3 });
        this.jobPath = job.path;
        this._titleOf = titleOf;
        this._icon = new Gtk.Image({ valign: Gtk.Align.CENTER, accessible_role: Gtk.AccessibleRole.PRESENTATION });
        this.add_prefix(this._icon);
        installNarrowBar();
        this._bar = new Gtk.ProgressBar({ valign: Gtk.Align.CENTER, width_request: 96, hexpand: false });
        // Added, not set: css_classes would drop the bar's own "horizontal" class and its look with it.
        this._bar.add_css_class('job-progress');
        this.add_suffix(this._bar);
        this._cancel = new Gtk.Button({ icon_name: 'process-stop-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Cancel') });
        this._cancel.add_css_class('flat');
        this._cancel.connect('clicked', () => {
            this._cancel.sensitive = false;
            void cancelJob(store, this, this.jobPath).finally(() => {
                this._cancel.sensitive = true;
            });
        });
        this.add_suffix(this._cancel);
        this.update(job);
    }

    update(job: JobInfo): void {
        const title = this._titleOf(job);
        this.title = title;
        this._icon.icon_name = stateIcon(job);
        const running = isRunning(job);
        this._bar.visible = running;
        this._bar.fraction = job.progress ?? 0;
        if (running && job.progress === null)
            this._bar.pulse();
        this._cancel.visible = running && job.cancelable;
        this._cancel.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Cancel %s'), title)]);
        this._bar.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Progress of %s'), title)]);
        if (running) {
            const parts = [job.state === 'paused' ? jobStateLabel(job.state) : null,
                job.progress === null ? null : formatPercent(job.progress), jobSpeed(job) || null];
            this.subtitle = parts.filter(p => p !== null).join(' · ') || _('Starting…');
        } else {
            // Translators: a finished job: its state, when it ended, and what happened.
            this.subtitle = format(_('%s · %s · %s'), jobStateLabel(job.state), formatTime(job.endTime), job.message);
        }
    }
}

export class JobsPage extends Adw.Bin {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultJobsPage' }, this);
    }

    declare private _store: PoolStore;
    declare private _stack: Gtk.Stack;
    declare private _running: Adw.PreferencesGroup;
    declare private _recent: Adw.PreferencesGroup;
    declare private _rows: Map<string, JobRow>;
    declare private _order: string;

    constructor(store: PoolStore) {
        super();
        this._store = store;
        this._rows = new Map();
        this._order = '';
        this._stack = new Gtk.Stack();
        this._stack.add_named(new Adw.StatusPage({
            icon_name: 'emblem-synchronizing-symbolic',
            title: _('No Jobs Yet'),
            description: _('Scrubs and other long operations appear here while they run, and stay listed after they finish.'),
        }), 'empty');
        const page = new Adw.PreferencesPage();
        this._running = new Adw.PreferencesGroup({ title: _('Running') });
        this._recent = new Adw.PreferencesGroup({ title: _('Recent') });
        page.add(this._running);
        page.add(this._recent);
        this._stack.add_named(page, 'jobs');
        this.set_child(this._stack);
        const changed = store.connect('jobs-changed', () => {
            this.sync();
        });
        this.connect('destroy', () => {
            store.disconnect(changed);
        });
        this.sync();
    }

    private sync(): void {
        const jobs = this._store.jobs;
        this._stack.visible_child_name = jobs.length === 0 ? 'empty' : 'jobs';
        const running = jobs.filter(isRunning);
        const recent = jobs.filter(j => !isRunning(j));
        const order = JSON.stringify([running.map(j => j.path), recent.map(j => j.path)]);
        if (order !== this._order) {
            // The set or order of jobs changed: lay the groups out again.
            this._order = order;
            for (const row of this._rows.values()) {
                const group = row.get_ancestor(Adw.PreferencesGroup.$gtype);
                if (group instanceof Adw.PreferencesGroup)
                    group.remove(row);
            }
            const rows = new Map<string, JobRow>();
            for (const [group, list] of [[this._running, running], [this._recent, recent]] as const) {
                for (const job of list) {
                    const row = this._rows.get(job.path) ?? new JobRow(this._store, job);
                    rows.set(job.path, row);
                    group.add(row);
                }
                group.visible = list.length > 0;
            }
            this._rows = rows;
        }
        for (const job of jobs)
            this._rows.get(job.path)?.update(job);
        this._running.description = running.length === 0 ? '' : _('Jobs keep running when you close this window.');
    }
}
