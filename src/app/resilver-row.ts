// The pool page's resilver: while ZFS copies data onto a replaced or
// attached device, its job's progress; for a while after, how it ended.
// Hidden when no resilver ran lately. Follows the store's jobs in place.
import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { formatPercent } from '../shared/format.js';
import { _, format } from '../shared/i18n.js';
import { jobSpeed, jobStateLabel } from '../shared/job-format.js';
import { isRunning, type JobInfo } from '../shared/job-info.js';
import { followJobsWhileMapped } from './follow-jobs.js';
import type { PoolStore } from './pool-store.js';

/** How long a finished resilver's result stays on the pool page. */
const SHOW_RESULT_US = 30 * 60 * GLib.USEC_PER_SEC;

export class ResilverRow extends Adw.ActionRow {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultResilverRow' }, this);
    }

    declare private _store: PoolStore;
    declare private _pool: string;
    declare private _bar: Gtk.ProgressBar;

    constructor(store: PoolStore, pool: string) {
        super({ title: _('Resilver'), subtitle_lines: 3, subtitle_selectable: true });
        this._store = store;
        this._pool = pool;
        this._bar = new Gtk.ProgressBar({ valign: Gtk.Align.CENTER, width_request: 56 });
        this._bar.update_property([Gtk.AccessibleProperty.LABEL], [_('Resilver progress')]);
        this.add_suffix(this._bar);
        followJobsWhileMapped(this, store, () => {
            this.sync();
        });
    }

    /** The running resilver, else the latest one (jobs are newest first). */
    private job(): JobInfo | null {
        const lock = `resilver:${this._pool}`;
        return this._store.jobs.find(j => j.lock === lock && isRunning(j)) ?? this._store.jobs.find(j => j.lock === lock) ?? null;
    }

    private sync(): void {
        const job = this.job();
        const recent = job !== null && (isRunning(job) || GLib.get_real_time() - job.endTime < SHOW_RESULT_US);
        this.visible = recent;
        if (job === null || !recent)
            return;
        this._bar.visible = isRunning(job);
        if (!isRunning(job)) {
            this.subtitle = format(_('%s · %s'), jobStateLabel(job.state), job.message);
            return;
        }
        this._bar.fraction = job.progress ?? 0;
        const parts = [_('Copying data onto the new device'), job.progress === null ? null : formatPercent(job.progress), jobSpeed(job) || null];
        this.subtitle = parts.filter(p => p !== null).join(' · ');
    }
}
