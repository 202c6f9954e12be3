// "Automatic Snapshots" for one dataset: how many snapshots of each period
// to keep, whether children are included, whether old snapshots wait until
// the pool is nearly full, and — before anything is saved — the daemon's
// own list of what the next prune would delete (Dataset1.PreviewPrune).
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import type { DatasetInfo } from '../shared/dataset-info.js';
import { _, format, ngettext } from '../shared/i18n.js';
import {
    DEFAULT_POLICY, periodLabel, type PolicyFields, policyFields, POLICY_PERIODS, type PolicyPeriod, type PrunePreview, previewPrune,
    setSnapshotPolicy, spareReasonLabel,
} from '../shared/snapshot-policy.js';

/** Rows shown in the preview; the rest is counted. */
const PREVIEW_ROWS = 30;
const PREVIEW_DELAY_MS = 250;

function periodSubtitle(p: PolicyPeriod): string {
    switch (p) {
    case 'frequent': return _('Taken every few minutes');
    case 'hourly': return _('Taken on the hour');
    case 'daily': return _('Taken at midnight');
    case 'weekly': return _('Taken on Mondays');
    case 'monthly': return _('Taken on the 1st of the month');
    case 'yearly': return _('Taken on 1 January');
    }
}

/** "24 hourly, 7 daily" — for the Snapshots page. */
export function policySummary(p: PolicyFields): string {
    return POLICY_PERIODS.filter(x => p.counts[x] > 0)
        .map(x => format(_('%d %s'), p.counts[x], periodLabel(x).toLowerCase())).join(', ');
}

export class SnapshotPolicyDialog extends Adw.Dialog {
    static {
        GObject.registerClass({
            GTypeName: 'SigmaVaultSnapshotPolicyDialog',
            Signals: { saved: { param_types: [GObject.TYPE_STRING] } },
        }, this);
    }

    declare private _path: string;
    declare private _name: string;
    declare private _enabled: Adw.SwitchRow;
    declare private _spins: Map<PolicyPeriod, Adw.SpinRow>;
    declare private _interval: Adw.SpinRow;
    declare private _recursive: Adw.SwitchRow;
    declare private _wait: Adw.SwitchRow;
    declare private _previewGroup: Adw.PreferencesGroup;
    declare private _previewRows: Gtk.Widget[];
    declare private _save: Gtk.Button;
    declare private _toasts: Adw.ToastOverlay;
    declare private _timer: number;
    declare private _generation: number;
    /** The daemon's answer for what the controls show now; null while it is asked. */
    declare preview: PrunePreview | null;

    constructor(dataset: DatasetInfo & { path: string }) {
        super({ title: _('Automatic Snapshots'), content_width: 560, content_height: 720 });
        this._path = dataset.path;
        this._name = dataset.name;
        this._spins = new Map();
        this._previewRows = [];
        this._timer = 0;
        this._generation = 0;
        this.preview = null;
        const current = policyFields(dataset.snapshotPolicy);
        const shown = current ?? DEFAULT_POLICY;
        const coveredBy = current === null && dataset.snapshotPolicyFrom !== '' && dataset.snapshotPolicyFrom !== dataset.name
            ? dataset.snapshotPolicyFrom : null;

        const header = new Adw.HeaderBar({ show_start_title_buttons: false, show_end_title_buttons: false });
        const cancel = new Gtk.Button({ label: _('_Cancel'), use_underline: true });
        cancel.connect('clicked', () => {
            this.close();
        });
        this._save = new Gtk.Button({ label: _('_Save'), use_underline: true, sensitive: coveredBy === null });
        this._save.add_css_class('suggested-action');
        this._save.connect('clicked', () => {
            void this.save();
        });
        header.pack_start(cancel);
        header.pack_end(this._save);

        const page = new Adw.PreferencesPage();
        const intro = new Adw.PreferencesGroup({
            description: coveredBy === null
                // Dataset names cannot contain markup characters (zfs-names.ts).
                ? format(_('Snapshots of %s are taken on schedule; the oldest beyond each count are deleted. Held snapshots and those you take yourself are never deleted.'),
                    dataset.name)
                : format(_('%s gets its automatic snapshots from %s, which includes the datasets inside it. Change them there.'),
                    dataset.name, coveredBy),
        });
        this._enabled = new Adw.SwitchRow({ title: _('Take Snapshots Automatically'), active: current !== null, sensitive: coveredBy === null });
        intro.add(this._enabled);
        page.add(intro);

        const keep = new Adw.PreferencesGroup({
            title: _('Snapshots to Keep'),
            description: _('How many of each kind are kept; 0 takes none of that kind.'),
        });
        for (const p of POLICY_PERIODS) {
            const spin = Adw.SpinRow.new_with_range(0, 1000, 1);
            spin.title = periodLabel(p);
            spin.subtitle = periodSubtitle(p);
            spin.value = shown.counts[p];
            this._spins.set(p, spin);
            keep.add(spin);
            if (p === 'frequent') {
                this._interval = Adw.SpinRow.new_with_range(1, 60, 1);
                this._interval.title = _('Frequent Interval');
                this._interval.subtitle = _('Minutes between frequent snapshots');
                this._interval.value = Math.max(1, Math.round(shown.frequentInterval / 60));
                keep.add(this._interval);
            }
        }
        page.add(keep);

        const options = new Adw.PreferencesGroup({ title: _('Options') });
        this._recursive = new Adw.SwitchRow({
            title: _('Include Datasets Inside'),
            subtitle: _('Snapshot every dataset inside this one at the same moment, and keep the same counts for each'),
            active: shown.recursive,
        });
        this._wait = new Adw.SwitchRow({
            title: _('Keep Old Snapshots Until the Pool Is Nearly Full'),
            subtitle: _('Snapshots beyond the counts are deleted only once the pool is 80 % full'),
            active: shown.waitUntilNearlyFull,
        });
        options.add(this._recursive);
        options.add(this._wait);
        page.add(options);

        this._previewGroup = new Adw.PreferencesGroup({ title: _('Next Prune') });
        page.add(this._previewGroup);

        const sensitive = (): void => {
            const on = this._enabled.active && coveredBy === null;
            const minutes = Math.round(this._interval.value);
            const frequent = this._spins.get('frequent');
            if (frequent)
                frequent.subtitle = format(ngettext('Taken every %d minute', 'Taken every %d minutes', minutes), minutes);
            keep.sensitive = on;
            options.sensitive = on;
            this._interval.sensitive = on && (this._spins.get('frequent')?.value ?? 0) > 0;
        };
        sensitive();
        for (const w of [this._enabled, this._recursive, this._wait]) {
            w.connect('notify::active', () => {
                sensitive();
                this.schedulePreview();
            });
        }
        for (const spin of [...this._spins.values(), this._interval]) {
            spin.connect('notify::value', () => {
                sensitive();
                this.schedulePreview();
            });
        }

        this._toasts = new Adw.ToastOverlay({ child: page });
        const view = new Adw.ToolbarView({ content: this._toasts });
        view.add_top_bar(header);
        this.child = view;
        this.connect('closed', () => {
            if (this._timer)
                GLib.source_remove(this._timer);
            this._timer = 0;
        });
        if (coveredBy === null)
            void this.refreshPreview();
        else
            this.showPreviewMessage(_('Nothing here; the policy above decides.'));
    }

    /** The policy the controls show; null when automatic snapshots are off. */
    proposed(): PolicyFields | null {
        if (!this._enabled.active)
            return null;
        const counts = Object.fromEntries(POLICY_PERIODS.map(p => [p, Math.round(this._spins.get(p)?.value ?? 0)])) as Record<PolicyPeriod, number>;
        return {
            counts,
            frequentInterval: Math.round(this._interval.value) * 60,
            recursive: this._recursive.active,
            waitUntilNearlyFull: this._wait.active,
        };
    }

    /** Sets a period's count as a person would (tests). */
    setCount(period: PolicyPeriod, n: number): void {
        const spin = this._spins.get(period);
        if (spin)
            spin.value = n;
    }

    setEnabled(on: boolean): void {
        this._enabled.active = on;
    }

    private schedulePreview(): void {
        this.preview = null;
        if (this._timer)
            GLib.source_remove(this._timer);
        this._timer = GLib.timeout_add(GLib.PRIORITY_DEFAULT, PREVIEW_DELAY_MS, () => {
            this._timer = 0;
            void this.refreshPreview();
            return GLib.SOURCE_REMOVE;
        });
    }

    private clearPreview(): void {
        for (const r of this._previewRows.splice(0))
            this._previewGroup.remove(r);
    }

    private addPreviewRow(row: Gtk.Widget): void {
        this._previewGroup.add(row);
        this._previewRows.push(row);
    }

    private showPreviewMessage(text: string): void {
        this.clearPreview();
        this._previewGroup.description = '';
        const row = new Adw.ActionRow({ title: GLib.markup_escape_text(text, -1) });
        row.add_css_class('dim-label');
        this.addPreviewRow(row);
    }

    /** Asks the daemon what the controls' policy would delete, and lists it. */
    async refreshPreview(): Promise<void> {
        const generation = ++this._generation;
        const proposed = this.proposed();
        if (proposed !== null && POLICY_PERIODS.every(p => proposed.counts[p] === 0)) {
            this._save.sensitive = false;
            this.showPreviewMessage(_('Keep at least one snapshot of some kind, or turn automatic snapshots off.'));
            return;
        }
        this._save.sensitive = true;
        let preview: PrunePreview;
        try {
            preview = await previewPrune(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), this._path, proposed);
        } catch (e) {
            if (generation === this._generation)
                this.showPreviewMessage(remoteErrorMessage(e));
            return;
        }
        if (generation !== this._generation)
            return; // the controls changed meanwhile
        this.preview = preview;
        this.clearPreview();
        const n = preview.destroy.length;
        this._previewGroup.description = proposed === null
            ? _('Turning automatic snapshots off deletes nothing; the snapshots taken so far stay until you delete them.')
            : n === 0
                ? _('Saving deletes no snapshots.')
                : format(ngettext('Saving deletes %d snapshot right away:', 'Saving deletes %d snapshots right away:', n), n);
        for (const t of preview.take.slice(0, 3)) {
            const row = new Adw.ActionRow({ title: GLib.markup_escape_text(t.split('@')[1] ?? t, -1), subtitle: _('Taken when you save') });
            row.add_prefix(new Gtk.Image({ icon_name: 'camera-photo-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
            this.addPreviewRow(row);
        }
        for (const d of preview.destroy.slice(0, PREVIEW_ROWS)) {
            const [ds, snap] = [d.split('@')[0] ?? '', d.split('@')[1] ?? d];
            // The dataset is named only for children of a recursive policy.
            const row = new Adw.ActionRow({ title: GLib.markup_escape_text(snap, -1),
                subtitle: ds === this._name ? '' : GLib.markup_escape_text(ds, -1) });
            const icon = new Gtk.Image({ icon_name: 'user-trash-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION });
            icon.add_css_class('error');
            row.add_prefix(icon);
            this.addPreviewRow(row);
        }
        if (n > PREVIEW_ROWS)
            this.addPreviewRow(new Adw.ActionRow({ title: format(ngettext('and %d more', 'and %d more', n - PREVIEW_ROWS), n - PREVIEW_ROWS) }));
        for (const s of preview.spared.slice(0, PREVIEW_ROWS)) {
            const ds = s.snapshot.split('@')[0] ?? '';
            const why = format(_('Kept: %s'), spareReasonLabel(s.reason));
            const row = new Adw.ActionRow({
                title: GLib.markup_escape_text(s.snapshot.split('@')[1] ?? s.snapshot, -1),
                subtitle: GLib.markup_escape_text(ds === this._name ? why : format(_('%s · %s'), ds, why), -1),
            });
            row.add_prefix(new Gtk.Image({ icon_name: s.reason === 'held' ? 'changes-prevent-symbolic' : 'document-save-symbolic',
                accessible_role: Gtk.AccessibleRole.PRESENTATION }));
            this.addPreviewRow(row);
        }
        if (proposed !== null && n === 0 && preview.take.length === 0 && preview.spared.length === 0)
            this.showPreviewMessage(_('Nothing would be deleted.'));
    }

    async save(): Promise<void> {
        this._save.sensitive = false;
        const proposed = this.proposed();
        try {
            await setSnapshotPolicy(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), this._path, proposed);
            this.emit('saved', proposed === null ? _('Automatic snapshots turned off') : _('Automatic snapshots saved'));
            this.close();
        } catch (e) {
            this._save.sensitive = true;
            this._toasts.add_toast(new Adw.Toast({ title: GLib.markup_escape_text(remoteErrorMessage(e), -1), timeout: 5 }));
        }
    }
}
