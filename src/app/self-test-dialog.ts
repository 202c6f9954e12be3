// A disk's self-tests: Start Short / Start Long Self-Test, the running
// test's progress with Cancel, the last test's result, and the disk's
// self-test log, newest first. Follows the store in place: the disk's
// properties (the log) and its "selftest:<id>" job.
import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { selfTestResultLabel, selfTestTypeLabel } from '../shared/disk-format.js';
import type { DiskInfo, SelfTestLogEntry } from '../shared/disk-info.js';
import { formatPercent } from '../shared/format.js';
import { _, format } from '../shared/i18n.js';
import { jobSpeed, jobStateLabel } from '../shared/job-format.js';
import { isRunning, type JobInfo } from '../shared/job-info.js';
import { cancelJob, startSelfTest } from './job-actions.js';
import type { PoolStore } from './pool-store.js';

function resultIcon(result: SelfTestLogEntry['result']): [string, string | null] {
    switch (result) {
    case 'passed': return ['object-select-symbolic', 'success'];
    case 'failed': return ['dialog-error-symbolic', 'error'];
    case 'aborted': case 'interrupted': return ['dialog-warning-symbolic', 'warning'];
    case 'running': return ['content-loading-symbolic', null];
    case 'unknown': return ['dialog-question-symbolic', null];
    }
}

/** "Completed: read failure · at 56 hours · 90 % left · first bad block 104870168" */
export function selfTestEntryText(e: SelfTestLogEntry): string {
    const parts = [e.status || selfTestResultLabel(e.result)];
    if (e.lifetimeHours !== null)
        parts.push(format(_('at %s hours'), e.lifetimeHours.toLocaleString()));
    if (e.remainingPercent !== null && e.remainingPercent > 0)
        parts.push(format(_('%s left'), formatPercent(e.remainingPercent / 100)));
    if (e.lba !== null)
        parts.push(format(_('first bad block %s'), String(e.lba)));
    return parts.join(' · ');
}

/** One line about a disk's self-tests, for its row on the Disks page. */
export function selfTestSummary(d: DiskInfo, job: JobInfo | null): string {
    if (job !== null && isRunning(job))
        return job.progress === null ? _('Self-test running') : format(_('Self-test running · %s'), formatPercent(job.progress));
    if (d.selfTestRunning)
        return d.selfTestRemaining === null ? _('Self-test running') : format(_('Self-test running · %s left'), formatPercent(d.selfTestRemaining / 100));
    const last = d.selfTestLog[0];
    if (last !== undefined)
        // Translators: the last self-test, e.g. "Last: Short, Passed".
        return format(_('Last: %s, %s'), selfTestTypeLabel(last.type), selfTestResultLabel(last.result));
    return d.selfTestTypes.length === 0 ? _('This disk reports no self-tests') : _('No self-tests logged yet');
}

export class SelfTestDialog extends Adw.Dialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultSelfTestDialog' }, this);
    }

    declare private _store: PoolStore;
    declare private _id: string;
    declare private _status: Adw.ActionRow;
    declare private _bar: Gtk.ProgressBar;
    declare private _cancel: Gtk.Button;
    declare private _short: Adw.ButtonRow;
    declare private _long: Adw.ButtonRow;
    declare private _log: Adw.PreferencesGroup;
    declare private _logRows: Gtk.Widget[];
    declare private _logKey: string;
    declare private _toasts: Adw.ToastOverlay;

    constructor(store: PoolStore, diskId: string) {
        super({ content_width: 560, content_height: 640, follows_content_size: false });
        this._store = store;
        this._id = diskId;
        this._logRows = [];
        this._logKey = '';

        const page = new Adw.PreferencesPage();
        const tests = new Adw.PreferencesGroup({
            title: _('Self-Tests'),
            description: _('The disk checks its own electronics and surface while it stays in use. A short test takes minutes, a long one hours.'),
        });
        this._status = new Adw.ActionRow({ title: _('Status'), subtitle_lines: 3, subtitle_selectable: true });
        this._status.add_css_class('property');
        this._bar = new Gtk.ProgressBar({ valign: Gtk.Align.CENTER, width_request: 56 });
        this._bar.update_property([Gtk.AccessibleProperty.LABEL], [_('Self-test progress')]);
        this._status.add_suffix(this._bar);
        this._cancel = new Gtk.Button({ label: _('_Cancel'), use_underline: true, valign: Gtk.Align.CENTER,
            tooltip_text: _('Stop the self-test; the log notes it as aborted') });
        this._cancel.connect('clicked', () => {
            const job = this.job();
            if (job !== null)
                void cancelJob(store, this, job.path);
        });
        this._status.add_suffix(this._cancel);
        tests.add(this._status);
        const start = (title: string, type: 'short' | 'long'): Adw.ButtonRow => {
            const row = new Adw.ButtonRow({ title, use_underline: true, start_icon_name: 'media-playback-start-symbolic' });
            row.connect('activated', () => {
                row.sensitive = false;
                void startSelfTest(store, this, diskId, type).finally(() => {
                    row.sensitive = true;
                    this.sync();
                });
            });
            tests.add(row);
            return row;
        };
        this._short = start(_('Start _Short Self-Test'), 'short');
        this._long = start(_('Start _Long Self-Test'), 'long');
        page.add(tests);
        this._log = new Adw.PreferencesGroup({ title: _('Self-Test Log') });
        page.add(this._log);

        const header = new Adw.HeaderBar();
        const view = new Adw.ToolbarView({ content: page });
        view.add_top_bar(header);
        this._toasts = new Adw.ToastOverlay({ child: view });
        this.set_child(this._toasts);

        const handlers = [store.connect('changed', () => {
            this.sync();
        }), store.connect('jobs-changed', () => {
            this.sync();
        })];
        this.connect('closed', () => {
            for (const h of handlers)
                store.disconnect(h);
        });
        this.sync();
    }

    private disk(): DiskInfo | null {
        return this._store.disks.find(d => d.id === this._id) ?? null;
    }

    private job(): JobInfo | null {
        return this._store.jobs.find(j => j.lock === `selftest:${this._id}` && isRunning(j)) ?? null;
    }

    private sync(): void {
        const d = this.disk();
        if (d === null) {
            this.title = _('Disk Gone');
            this._status.subtitle = _('This disk is no longer connected.');
            this._short.visible = this._long.visible = this._bar.visible = this._cancel.visible = false;
            return;
        }
        // Translators: the dialog's title, e.g. "Self-Tests of WDC WD140EDFZ".
        this.title = format(_('Self-Tests of %s'), d.model || d.name);
        const job = this.job();
        this._bar.visible = job !== null;
        this._cancel.visible = job?.cancelable === true;
        this._short.visible = d.selfTestTypes.includes('short');
        this._long.visible = d.selfTestTypes.includes('long');
        this._short.sensitive = this._long.sensitive = job === null;
        if (job !== null) {
            this._bar.fraction = job.progress ?? 0;
            if (job.progress === null)
                this._bar.pulse();
            this._status.subtitle = [selfTestSummary(d, job), jobSpeed(job) || null].filter(p => p !== null).join(' · ');
        } else {
            // The last self-test job on this disk says how it ended, for a while after.
            const last = this._store.jobs.find(j => j.lock === `selftest:${this._id}`);
            const recent = last !== undefined && GLib.get_real_time() - last.endTime < 60 * 60 * 1e6;
            this._status.subtitle = recent ? format(_('%s · %s'), jobStateLabel(last.state), last.message) : selfTestSummary(d, null);
        }
        this.syncLog(d.selfTestLog, d.selfTestTypes.length > 0);
    }

    private syncLog(log: readonly SelfTestLogEntry[], supported: boolean): void {
        const key = JSON.stringify(log);
        if (key === this._logKey && this._logRows.length > 0)
            return;
        this._logKey = key;
        for (const row of this._logRows)
            this._log.remove(row);
        this._logRows = log.map(e => {
            const row = new Adw.ActionRow({
                // Translators: a logged self-test, e.g. "Long — Failed".
                title: format(_('%s — %s'), selfTestTypeLabel(e.type), selfTestResultLabel(e.result)),
                subtitle: selfTestEntryText(e),
                subtitle_lines: 2,
            });
            const [icon, css] = resultIcon(e.result);
            const image = new Gtk.Image({ icon_name: icon, valign: Gtk.Align.CENTER });
            if (css)
                image.add_css_class(css);
            image.update_property([Gtk.AccessibleProperty.LABEL], [selfTestResultLabel(e.result)]);
            row.add_prefix(image);
            return row;
        });
        if (this._logRows.length === 0) {
            this._logRows = [new Adw.ActionRow({
                title: supported ? _('No self-tests logged yet') : _('This disk reports no self-tests'),
                subtitle: supported ? '' : _('smartctl shows no self-test support for this disk. NVMe self-tests need smartctl 7.3 or later.'),
                subtitle_lines: 0,
            })];
        }
        this._log.description = log.length === 0 ? '' : _('Newest first, as the disk keeps them.');
        for (const row of this._logRows)
            this._log.add(row);
    }
}
