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
    declare private _barRow: Adw.PreferencesRow;
    declare private _cancel: Adw.ButtonRow;
    declare private _heading: Adw.WindowTitle;
    declare private _short: Adw.ButtonRow;
    declare private _long: Adw.ButtonRow;
    declare private _log: Adw.PreferencesGroup;
    declare private _logRows: Gtk.Widget[];
    declare private _logKey: string;

    constructor(store: PoolStore, diskId: string) {
        super({ content_width: 560, content_height: 640, follows_content_size: false });
        this._store = store;
        this._id = diskId;
        this._logRows = [];
        this._logKey = '';

        const page = new Adw.PreferencesPage();
        // The header says "Self-Tests"; the group only explains.
        const tests = new Adw.PreferencesGroup({
            description: _('The disk checks its own electronics and surface while it stays in use. A short test takes minutes, a long one hours.'),
        });
        this._status = new Adw.ActionRow({ title: _('Status'), subtitle_lines: 0, subtitle_selectable: true });
        this._status.add_css_class('property');
        tests.add(this._status);
        // The bar gets a row of its own, so that narrow windows keep room for the words.
        this._bar = new Gtk.ProgressBar({ hexpand: true, margin_top: 12, margin_bottom: 12, margin_start: 12, margin_end: 12 });
        this._bar.update_property([Gtk.AccessibleProperty.LABEL], [_('Self-test progress')]);
        this._barRow = new Adw.PreferencesRow({ child: this._bar, activatable: false, selectable: false });
        tests.add(this._barRow);
        this._cancel = new Adw.ButtonRow({ title: _('_Cancel Self-Test'), use_underline: true,
            start_icon_name: 'process-stop-symbolic' });
        this._cancel.add_css_class('destructive-action');
        this._cancel.connect('activated', () => {
            const job = this.job();
            if (job !== null)
                void cancelJob(store, this, job.path);
        });
        tests.add(this._cancel);
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

        this._heading = new Adw.WindowTitle({ title: _('Self-Tests') });
        const header = new Adw.HeaderBar({ title_widget: this._heading });
        const view = new Adw.ToolbarView({ content: page });
        view.add_top_bar(header);
        this.set_child(view);

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
            this._heading.subtitle = '';
            this._short.visible = this._long.visible = this._barRow.visible = this._cancel.visible = false;
            return;
        }
        // Translators: the dialog's title, e.g. "Self-Tests of WDC WD140EDFZ".
        this.title = format(_('Self-Tests of %s'), d.model || d.name);
        this._heading.subtitle = d.model || d.name;
        // While a test runs: its progress and Cancel; otherwise the tests the disk offers.
        const job = this.job();
        this._barRow.visible = job !== null;
        this._cancel.visible = job?.cancelable === true;
        this._short.visible = job === null && d.selfTestTypes.includes('short');
        this._long.visible = job === null && d.selfTestTypes.includes('long');
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
