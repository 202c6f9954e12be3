// Compression: drop files or folders (or choose them) to compress them with
// the defaults below; running compression jobs with progress and Cancel (the
// Jobs page's rows); the finished ones with their sizes before and after.
// The defaults live in GSettings (compression-level, compression-replace).
import Adw from 'gi://Adw';
import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { _ } from '../shared/i18n.js';
import { parseSkipTypes } from '../shared/skip-types.js';
import { baseName, compressionResult, formatTime, isFileJob, jobStateLabel, jobSubject, jobTitle, operationLabel } from '../shared/job-format.js';
import { isRunning, type JobInfo } from '../shared/job-info.js';
import { CompressedFileDialog } from './compressed-file-dialog.js';
import { savingsByType, typeLabel } from './compression-savings.js';
import { appSettingsOrNull, type CompressDefaults, compressDefaultsOf } from '../shared/compression-defaults.js';
import { compressFiles } from './job-actions.js';
import { JobRow, stateIcon } from './jobs-page.js';
import type { PoolStore } from './pool-store.js';

Gio._promisify(Gtk.FileDialog.prototype, 'open_multiple', 'open_multiple_finish');
Gio._promisify(Gtk.FileDialog.prototype, 'select_folder', 'select_folder_finish');
Gio._promisify(Gtk.FileDialog.prototype, 'open', 'open_finish');

const MY_UID = new Gio.Credentials().get_unix_user();

/** How many finished compression jobs the history shows. */
const HISTORY_ROWS = 20;
/** How many file types "Savings by Type" lists (the largest savings). */
const SAVINGS_ROWS = 8;


/** A finished compression, decompression or verification: sizes and ratio, or what happened. */
class HistoryRow extends Adw.ActionRow {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultCompressionHistoryRow' }, this);
    }

    constructor(job: JobInfo) {
        const subject = jobSubject(job);
        super({ title: baseName(subject), subtitle_lines: 3, title_lines: 1, activatable: true });
        this.add_prefix(new Gtk.Image({ icon_name: stateIcon(job), valign: Gtk.Align.CENTER,
            accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        const result = job.state === 'succeeded' ? compressionResult(job) : null;
        // A result in numbers when there is one; otherwise the daemon's words (skipped, failed, cancelled).
        this.subtitle = [operationLabel(job.operation), result ?? `${jobStateLabel(job.state)} — ${job.message}`,
            formatTime(job.endTime)].join(' · ');
        this.tooltip_text = subject;
        this.add_suffix(new Gtk.Image({ icon_name: 'go-next-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        // The details (the daemon's words and the log) open over the window.
        this.connect('activated', () => {
            this.activate_action('app.show-job', new GLib.Variant('s', job.path));
        });
    }
}

export class CompressionPage extends Adw.Bin {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultCompressionPage' }, this);
    }

    declare private _store: PoolStore;
    declare private _settings: Gio.Settings | null;
    declare private _running: Adw.PreferencesGroup;
    declare private _history: Adw.PreferencesGroup;
    declare private _rows: Gtk.Widget[];
    declare private _jobRows: Map<string, JobRow>;
    declare private _order: string;
    declare private _savings: Adw.PreferencesGroup;
    declare private _savingsRows: Adw.ActionRow[];
    declare private _savingsKey: string;

    constructor(store: PoolStore, settings: Gio.Settings | null = appSettingsOrNull()) {
        super();
        this._store = store;
        this._settings = settings;
        this._rows = [];
        this._jobRows = new Map();
        this._order = '';
        this._savingsRows = [];
        this._savingsKey = '';
        const page = new Adw.PreferencesPage();
        page.add(this.dropGroup());
        page.add(this.lookInsideGroup());
        this._running = new Adw.PreferencesGroup({ title: _('Running'),
            description: _('Compression keeps running when you close this window.') });
        this._history = new Adw.PreferencesGroup({ title: _('History') });
        this._savings = new Adw.PreferencesGroup({ title: _('Savings by Type'),
            description: _('What compressing saved, over the jobs in the history') });
        page.add(this._running);
        page.add(this._history);
        page.add(this._savings);
        page.add(this.defaultsGroup());
        this.set_child(page);

        // Files dropped anywhere on the page are compressed.
        const drop = Gtk.DropTarget.new(Gdk.FileList.$gtype, Gdk.DragAction.COPY);
        drop.connect('drop', (_target, value: unknown) => {
            if (!(value instanceof Gdk.FileList))
                return false;
            void this.compress(value.get_files());
            return true;
        });
        this.add_controller(drop);

        const changed = store.connect('jobs-changed', () => {
            this.sync();
        });
        this.connect('destroy', () => {
            store.disconnect(changed);
        });
        this.sync();
    }

    /** What a job started from this page gets, from GSettings. */
    get defaults(): CompressDefaults {
        return compressDefaultsOf(this._settings);
    }

    /** Compresses `files` with the defaults (drop and the Add buttons end here); the job's path or null. */
    compress(files: readonly Gio.File[]): Promise<string | null> {
        return compressFiles(this._store, this, files, this.defaults);
    }

    private dropGroup(): Adw.PreferencesGroup {
        const group = new Adw.PreferencesGroup();
        const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 12, margin_top: 24, margin_bottom: 24,
            margin_start: 12, margin_end: 12 });
        box.append(new Gtk.Image({ icon_name: 'folder-download-symbolic', pixel_size: 64, css_classes: ['dim-label'],
            accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        box.append(new Gtk.Label({ label: _('Drop Files or Folders to Compress'), css_classes: ['title-2'], wrap: true,
            justify: Gtk.Justification.CENTER }));
        box.append(new Gtk.Label({ css_classes: ['dim-label'], wrap: true, justify: Gtk.Justification.CENTER,
            label: _('Each file is checked first: what would not shrink is skipped, and every result is verified before it is kept.') }));
        // Stacked, so that both fit a phone-wide window; the same width keeps them tidy.
        const buttons = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 12, halign: Gtk.Align.CENTER,
            homogeneous: true, margin_top: 6 });
        const addFiles = new Gtk.Button({ label: _('Add _Files…'), use_underline: true, css_classes: ['pill', 'suggested-action'] });
        addFiles.connect('clicked', () => {
            void this.chooseFiles();
        });
        const addFolder = new Gtk.Button({ label: _('Add F_older…'), use_underline: true, css_classes: ['pill'] });
        addFolder.connect('clicked', () => {
            void this.chooseFolder();
        });
        buttons.append(addFiles);
        buttons.append(addFolder);
        box.append(buttons);
        const card = new Gtk.Frame({ child: box, css_classes: ['view'] });
        group.add(card);
        return group;
    }

    /** Shows what a compressed file holds, over the window; the dialog, for callers that wait on it. */
    lookInside(file: Gio.File): CompressedFileDialog {
        const dialog = new CompressedFileDialog(file);
        dialog.present(this);
        return dialog;
    }

    private lookInsideGroup(): Adw.PreferencesGroup {
        const group = new Adw.PreferencesGroup();
        const row = new Adw.ActionRow({ title: _('Look _Inside a Compressed File…'), use_underline: true, activatable: true,
            subtitle: _('See its sizes, checksum and dictionary, and a preview, without decompressing it') });
        row.add_prefix(new Gtk.Image({ icon_name: 'system-search-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        row.add_suffix(new Gtk.Image({ icon_name: 'go-next-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        row.connect('activated', () => {
            void this.chooseCompressed();
        });
        group.add(row);
        return group;
    }

    private async chooseCompressed(): Promise<void> {
        const filter = new Gtk.FileFilter({ name: _('Compressed Files (.zst, .tar.zst)') });
        filter.add_suffix('zst');
        filter.add_suffix('tzst');
        filter.add_mime_type('application/zstd');
        const filters = new Gio.ListStore({ item_type: Gtk.FileFilter.$gtype });
        filters.append(filter);
        const dialog = new Gtk.FileDialog({ title: _('Look Inside a Compressed File'), accept_label: _('_Look Inside'),
            filters, default_filter: filter });
        const file = await this.chosen(parent => dialog.open(parent, null));
        if (file !== null)
            this.lookInside(file);
    }

    private defaultsGroup(): Adw.PreferencesGroup {
        const group = new Adw.PreferencesGroup({ title: _('Defaults'),
            description: _('Used for files compressed from this page.') });
        const auto = new Adw.SwitchRow({ title: _('_Automatic Level'), use_underline: true,
            subtitle: _('Chosen for each file from its content') });
        const level = new Adw.SpinRow({ title: _('_Level'), use_underline: true, subtitle: _('Higher is smaller and slower'),
            adjustment: new Gtk.Adjustment({ lower: 1, upper: 19, step_increment: 1, page_increment: 3, value: 3 }) });
        const replace = new Adw.SwitchRow({ title: _('_Replace Originals'), use_underline: true,
            subtitle: _('Keep only the compressed file once it has been verified') });
        const skip = new Adw.EntryRow({ title: _('_Types to Skip'), use_underline: true, show_apply_button: true,
            tooltip_text: _('File-name extensions, such as “iso, vmdk”. Already compressed files are skipped anyway.') });
        group.add(auto);
        group.add(level);
        group.add(replace);
        group.add(skip);
        const settings = this._settings;
        if (settings === null) {
            group.description = _('The defaults cannot be changed: the settings schema is not installed.');
            group.sensitive = false;
            return group;
        }
        // Level 0 in GSettings means automatic; the spin row keeps the last explicit level.
        const load = (): void => {
            const n = settings.get_int('compression-level');
            auto.active = n === 0;
            level.sensitive = n !== 0;
            if (n !== 0)
                level.value = n;
        };
        load();
        settings.connect('changed::compression-level', load);
        auto.connect('notify::active', () => {
            settings.set_int('compression-level', auto.active ? 0 : Math.round(level.value));
        });
        level.connect('notify::value', () => {
            if (!auto.active)
                settings.set_int('compression-level', Math.round(level.value));
        });
        settings.bind('compression-replace', replace, 'active', Gio.SettingsBindFlags.DEFAULT);
        const loadSkip = (): void => {
            skip.text = settings.get_strv('compression-skip-types').join(', ');
            skip.remove_css_class('error');
        };
        loadSkip();
        settings.connect('changed::compression-skip-types', loadSkip);
        skip.connect('apply', () => {
            const types = parseSkipTypes(skip.text);
            if (types === null) {
                // The daemon would refuse them; say so where they were typed.
                skip.add_css_class('error');
                return;
            }
            settings.set_strv('compression-skip-types', types);
            loadSkip();
        });
        return group;
    }

    /** What the user chose in a file chooser over this window; null when they dismissed it. */
    private async chosen<T>(choose: (parent: Gtk.Window | null) => Promise<T | null>): Promise<T | null> {
        const root = this.get_root();
        try {
            return await choose(root instanceof Gtk.Window ? root : null);
        } catch {
            return null; // dismissed
        }
    }

    private async chooseFiles(): Promise<void> {
        const dialog = new Gtk.FileDialog({ title: _('Compress Files'), accept_label: _('_Compress') });
        const model = await this.chosen(parent => dialog.open_multiple(parent, null));
        const files: Gio.File[] = [];
        for (let i = 0; i < (model?.get_n_items() ?? 0); i++) {
            const f = model?.get_item(i);
            if (f instanceof Gio.File)
                files.push(f);
        }
        if (files.length > 0)
            await this.compress(files);
    }

    private async chooseFolder(): Promise<void> {
        const dialog = new Gtk.FileDialog({ title: _('Compress a Folder'), accept_label: _('_Compress') });
        const folder = await this.chosen(parent => dialog.select_folder(parent, null));
        if (folder !== null)
            await this.compress([folder]);
    }

    private sync(): void {
        // Your own jobs: other people's files (and their names) are theirs.
        const jobs = this._store.jobs.filter(j => isFileJob(j) && j.startedByUid === MY_UID);
        const running = jobs.filter(isRunning);
        const finished = jobs.filter(j => !isRunning(j)).slice(0, HISTORY_ROWS);
        const order = JSON.stringify([running.map(j => j.path), finished.map(j => [j.path, j.state])]);
        if (order !== this._order) {
            this._order = order;
            for (const row of this._rows) {
                const group = row.get_ancestor(Adw.PreferencesGroup.$gtype);
                if (group instanceof Adw.PreferencesGroup)
                    group.remove(row);
            }
            const jobRows = new Map<string, JobRow>();
            for (const job of running) {
                // The file's name: a whole path leaves no room beside the progress bar in a narrow window.
                const row = this._jobRows.get(job.path) ?? new JobRow(this._store, job, j => jobTitle(j, baseName(jobSubject(j))));
                row.tooltip_text = jobSubject(job);
                jobRows.set(job.path, row);
                this._running.add(row);
            }
            this._jobRows = jobRows;
            const history = finished.map(j => new HistoryRow(j));
            for (const row of history)
                this._history.add(row);
            this._rows = [...jobRows.values(), ...history];
            this._running.visible = running.length > 0;
            this._history.visible = finished.length > 0;
        }
        for (const job of running)
            this._jobRows.get(job.path)?.update(job);
        this.syncSavings(jobs);
    }

    private syncSavings(jobs: readonly JobInfo[]): void {
        const savings = savingsByType(jobs).slice(0, SAVINGS_ROWS);
        const key = JSON.stringify(savings);
        if (key === this._savingsKey)
            return;
        this._savingsKey = key;
        for (const row of this._savingsRows)
            this._savings.remove(row);
        this._savingsRows = savings.map(s => new Adw.ActionRow({
            title: typeLabel(s.type),
            subtitle: compressionResult({ operation: 'file-compress', sizeBefore: s.before, sizeAfter: s.after }) ?? '',
            css_classes: ['property'],
        }));
        for (const row of this._savingsRows)
            this._savings.add(row);
        this._savings.visible = savings.length > 0;
    }
}
