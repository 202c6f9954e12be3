// The pool page's scrub control: "Scrub Now", and while a scrub runs its
// progress with Pause (where the ZFS can), Resume and Cancel; otherwise the
// last scrub's result and duration. Follows the store's jobs in place.
import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { formatPercent } from '../shared/format.js';
import { _, format } from '../shared/i18n.js';
import { jobSpeed, jobStateLabel } from '../shared/job-format.js';
import { isRunning, type JobInfo } from '../shared/job-info.js';
import type { PoolInfo } from '../shared/pool-info.js';
import { lastScrubText } from '../shared/scrub-schedule.js';
import { scrubPool } from './job-actions.js';
import { followJobsWhileMapped } from './follow-jobs.js';
import type { PoolStore } from './pool-store.js';

// Kept here for the pool page, which shows it without a store.
export { lastScrubText };

export class ScrubRow extends Adw.ActionRow {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultScrubRow' }, this);
    }

    declare private _store: PoolStore;
    declare private _pool: PoolInfo;
    declare private _bar: Gtk.ProgressBar;
    declare private _start: Gtk.Button;
    declare private _pause: Gtk.Button;
    declare private _resume: Gtk.Button;
    declare private _cancel: Gtk.Button;

    constructor(store: PoolStore, pool: PoolInfo) {
        super({ title: _('Scrub'), subtitle_lines: 3, subtitle_selectable: true });
        this._store = store;
        this._pool = pool;
        this._bar = new Gtk.ProgressBar({ valign: Gtk.Align.CENTER, width_request: 56 });
        this._bar.update_property([Gtk.AccessibleProperty.LABEL], [_('Scrub progress')]);
        this.add_suffix(this._bar);
        const button = (label: string, tooltip: string, action: 'start' | 'pause' | 'cancel'): Gtk.Button => {
            const b = new Gtk.Button({ label, use_underline: true, valign: Gtk.Align.CENTER, tooltip_text: tooltip });
            b.connect('clicked', () => {
                b.sensitive = false;
                void scrubPool(this._store, this, this._pool.name, action).finally(() => {
                    b.sensitive = true;
                });
            });
            this.add_suffix(b);
            return b;
        };
        this._start = button(_('_Scrub Now'), _('Read every block of the pool and repair what fails its checksum'), 'start');
        this._start.add_css_class('suggested-action');
        this._pause = button(_('_Pause'), _('Pause the scrub; it can be resumed later'), 'pause');
        this._resume = button(_('_Resume'), _('Resume the paused scrub'), 'start');
        this._cancel = button(_('_Cancel'), _('Stop the scrub; a new one starts from the beginning'), 'cancel');
        followJobsWhileMapped(this, store, () => {
            this.sync();
        });
    }

    private job(): JobInfo | null {
        return this._store.jobs.find(j => j.lock === `scrub:${this._pool.name}` && isRunning(j)) ?? null;
    }

    private sync(): void {
        const job = this.job();
        const canPause = this._store.manager?.zfsImplementation.startsWith('OpenZFS') ?? false;
        this._start.visible = job === null;
        this._bar.visible = job !== null;
        this._pause.visible = job !== null && job.state === 'running' && canPause;
        this._resume.visible = job !== null && job.state === 'paused';
        this._cancel.visible = job !== null && job.cancelable;
        if (job === null) {
            // Right after a scrub, the pool's numbers come with its next
            // refresh; until then the job says how it ended.
            const last = this._store.jobs.find(j => j.lock === `scrub:${this._pool.name}`);
            const known = this._pool.lastScrub?.end ?? 0;
            this.subtitle = last !== undefined && last.endTime > known + 60 * 1e6
                ? format(_('%s · %s'), jobStateLabel(last.state), last.message)
                : lastScrubText(this._pool);
            return;
        }
        this._bar.fraction = job.progress ?? 0;
        const parts = [job.state === 'paused' ? _('Paused') : _('Scrubbing'),
            job.progress === null ? null : formatPercent(job.progress), jobSpeed(job) || null];
        this.subtitle = parts.filter(p => p !== null).join(' · ');
    }
}
