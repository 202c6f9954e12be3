// "Previous Versions" of one file, opened from Files ("Restore Previous
// Version…") through the app's previous-versions action: the earlier
// versions the dataset's snapshots hold (identical ones folded), each with
// Open (read-only, in the default app) and Restore (beside the current
// file, or replacing it after a question). The files are read and written
// by this process, as the user (see src/shared/versions/file-versions.ts).
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { formatSize } from '../shared/format.js';
import { _, format, ngettext } from '../shared/i18n.js';
import { type FileVersion, findVersions, restoreVersion, type VersionList } from '../shared/versions/file-versions.js';

Gio._promisify(Gtk.FileLauncher.prototype, 'launch', 'launch_finish');
Gio._promisify(Gtk.FileLauncher.prototype, 'open_containing_folder', 'open_containing_folder_finish');
Gio._promisify(Gio, 'bus_get', 'bus_get_finish');

function when(seconds: number): string {
    // Translators: a date and time as in "30 November 2026, 09:00" (GLib.DateTime.format codes).
    return GLib.DateTime.new_from_unix_local(Math.floor(seconds)).format(_('%-d %B %Y, %H:%M')) ?? '';
}

function shortWhen(seconds: number): string {
    // Translators: a short date and time as in "30 Nov 2026, 09:00" (GLib.DateTime.format codes).
    return GLib.DateTime.new_from_unix_local(Math.floor(seconds)).format(_('%-d %b %Y, %H:%M')) ?? '';
}

/** Size and where the version is kept: "31 bytes · in snapshot daily-3 of 30 Nov 2026, 09:00 and 1 older one". */
export function versionSubtitle(v: FileVersion): string {
    const newest = v.snapshots[0];
    if (newest === undefined)
        return formatSize(v.size);
    const older = v.snapshots.length - 1;
    if (older === 0)
        return format(_('%s · in snapshot %s of %s'), formatSize(v.size), newest.name, shortWhen(newest.creation));
    return format(ngettext('%s · in snapshot %s of %s and %d older one', '%s · in snapshot %s of %s and %d older ones', older),
        formatSize(v.size), newest.name, shortWhen(newest.creation), older);
}

export class PreviousVersionsDialog extends Adw.Dialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultPreviousVersionsDialog' }, this);
    }

    declare private _path: string;
    declare private _bus: Gio.DBusConnection | null;
    declare private _stack: Gtk.Stack;
    declare private _toasts: Adw.ToastOverlay;
    declare private _group: Adw.PreferencesGroup;
    declare private _rows: Adw.ActionRow[];
    declare private _note: Gtk.Label;
    declare private _empty: Adw.StatusPage;
    declare private _error: Adw.StatusPage;
    declare private _list: VersionList | null;
    declare private _cancellable: Gio.Cancellable;
    declare private _busy: boolean;

    constructor(path: string, bus: Gio.DBusConnection | null = null) {
        super({ title: _('Previous Versions'), content_width: 640, content_height: 440, follows_content_size: false });
        this._path = path;
        this._bus = bus;
        this._rows = [];
        this._list = null;
        this._busy = false;
        this._cancellable = new Gio.Cancellable();

        this._group = new Adw.PreferencesGroup({ title: _('Earlier Versions') });
        this._note = new Gtk.Label({ xalign: 0, wrap: true, visible: false, margin_top: 12 });
        this._note.add_css_class('dim-label');
        this._note.add_css_class('caption');
        const page = new Adw.PreferencesPage();
        page.add(this._group);
        const noteGroup = new Adw.PreferencesGroup();
        noteGroup.add(this._note);
        page.add(noteGroup);

        const loading = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 12, valign: Gtk.Align.CENTER });
        loading.append(new Adw.Spinner({ width_request: 32, height_request: 32 }));
        const loadingLabel = new Gtk.Label({ label: _('Looking through the snapshots…'), wrap: true, justify: Gtk.Justification.CENTER });
        loadingLabel.add_css_class('dim-label');
        loading.append(loadingLabel);

        this._empty = new Adw.StatusPage({ icon_name: 'document-open-recent-symbolic', title: _('No Previous Versions') });
        this._error = new Adw.StatusPage({ icon_name: 'dialog-warning-symbolic', title: _('Previous Versions Unavailable') });
        for (const status of [this._empty, this._error])
            status.add_css_class('compact');
        this._stack = new Gtk.Stack({ vexpand: true });
        this._stack.add_named(loading, 'loading');
        this._stack.add_named(page, 'list');
        this._stack.add_named(this._empty, 'empty');
        this._stack.add_named(this._error, 'error');
        this._toasts = new Adw.ToastOverlay({ child: this._stack });

        const header = new Adw.HeaderBar({
            title_widget: new Adw.WindowTitle({ title: _('Previous Versions'), subtitle: GLib.path_get_basename(path) }),
        });
        const view = new Adw.ToolbarView();
        view.add_top_bar(header);
        view.set_content(this._toasts);
        this.set_child(view);
        this.connect('closed', () => {
            this._cancellable.cancel();
        });
    }

    /** The versions shown, once loaded (tests). */
    get versions(): readonly FileVersion[] {
        return this._list?.versions ?? [];
    }

    /** What the dialog shows: "loading", "list", "empty" or "error". */
    get state(): string {
        return this._stack.visible_child_name ?? '';
    }

    /** Reads the versions again and shows them. */
    async load(): Promise<void> {
        this._stack.visible_child_name = 'loading';
        try {
            this._bus ??= await Gio.bus_get(Gio.BusType.SYSTEM, null);
            this._list = await findVersions(this._bus, this._path, {}, this._cancellable);
        } catch (e) {
            if (e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
                return;
            this._list = null;
            this._error.description = remoteErrorMessage(e);
            this._stack.visible_child_name = 'error';
            return;
        }
        this.showList(this._list);
    }

    private showList(list: VersionList): void {
        const name = GLib.path_get_basename(list.path);
        for (const r of this._rows)
            this._group.remove(r);
        this._rows = [];
        if (list.versions.length === 0) {
            this._empty.description = list.total === 0
                ? format(_('%s has no snapshots yet. Once a snapshot is taken, earlier versions of “%s” can be restored here.'),
                    list.dataset, name)
                : format(ngettext('The snapshot of %s holds no version of “%s” other than the current one.',
                    'None of the %d snapshots searched holds a version of “%s” other than the current one.', list.searched),
                list.searched === 1 ? list.dataset : list.searched, name);
            this._stack.visible_child_name = 'empty';
            return;
        }
        this._group.description = format(_('Current version: %s, modified %s'), formatSize(list.current.size),
            when(list.current.mtimeUs / 1e6));
        for (const v of list.versions)
            this._rows.push(this.row(v));
        for (const r of this._rows)
            this._group.add(r);
        this._note.visible = list.searched < list.total;
        this._note.label = format(_('Only the newest %d of the %d snapshots of %s were searched.'), list.searched, list.total, list.dataset);
        this._stack.visible_child_name = 'list';
    }

    private row(v: FileVersion): Adw.ActionRow {
        const row = new Adw.ActionRow({
            title: format(_('Modified %s'), when(v.mtimeUs / 1e6)),
            subtitle: versionSubtitle(v),
        });
        if (v.snapshots.length > 1)
            row.tooltip_text = format(_('In snapshots %s'), v.snapshots.map(s => s.name).join(', '));
        const open = new Gtk.Button({ icon_name: 'document-open-symbolic', valign: Gtk.Align.CENTER,
            tooltip_text: _('Open Read-Only') });
        open.add_css_class('flat');
        open.update_property([Gtk.AccessibleProperty.LABEL], [_('Open this version read-only in its default app')]);
        open.connect('clicked', () => {
            void this.open(v);
        });
        const menu = new Gio.Menu();
        menu.append(_('Restore _Beside Current File'), 'version.beside');
        menu.append(_('_Replace Current File…'), 'version.replace');
        const restore = new Adw.SplitButton({ label: _('_Restore'), use_underline: true, valign: Gtk.Align.CENTER, menu_model: menu,
            tooltip_text: _('Restore this version beside the current file'), dropdown_tooltip: _('More Ways to Restore') });
        restore.connect('clicked', () => {
            void this.restore(v, false);
        });
        const actions = new Gio.SimpleActionGroup();
        const beside = new Gio.SimpleAction({ name: 'beside' });
        beside.connect('activate', () => {
            void this.restore(v, false);
        });
        const replace = new Gio.SimpleAction({ name: 'replace' });
        replace.connect('activate', () => {
            this.confirmReplace(v);
        });
        actions.add_action(beside);
        actions.add_action(replace);
        row.insert_action_group('version', actions);
        row.add_suffix(open);
        row.add_suffix(restore);
        return row;
    }

    private toast(title: string, button?: { label: string; run: () => void }): void {
        const t = new Adw.Toast({ title: GLib.markup_escape_text(title, -1), timeout: 6 });
        if (button) {
            t.button_label = button.label;
            t.connect('button-clicked', button.run);
        }
        this._toasts.add_toast(t);
    }

    /** Opens the snapshot's copy (read-only: it lives in a snapshot) with the default app. */
    async open(v: FileVersion): Promise<void> {
        try {
            const root = this.get_root();
            await new Gtk.FileLauncher({ file: Gio.File.new_for_path(v.path) })
                .launch(root instanceof Gtk.Window ? root : null, null);
        } catch (e) {
            if (!(e instanceof GLib.Error && e.matches(Gtk.DialogError, Gtk.DialogError.DISMISSED)))
                this.toast(format(_('Could not open this version: %s'), remoteErrorMessage(e)));
        }
    }

    /** Asks before replacing: the current file is kept under a new name. Returns the question (tests). */
    confirmReplace(v: FileVersion): Adw.AlertDialog {
        const name = GLib.path_get_basename(this._path);
        const dialog = new Adw.AlertDialog({
            heading: _('Replace Current File?'),
            body: format(_('“%s” will become the version modified %s. The current file is not deleted: it stays in the same folder, with “replaced” and today’s date added to its name.'),
                name, when(v.mtimeUs / 1e6)),
            default_response: 'cancel', close_response: 'cancel',
        });
        dialog.add_response('cancel', _('_Cancel'));
        dialog.add_response('replace', _('_Replace'));
        dialog.set_response_appearance('replace', Adw.ResponseAppearance.DESTRUCTIVE);
        dialog.connect('response', (_d, response: string) => {
            if (response === 'replace')
                void this.restore(v, true);
        });
        dialog.present(this);
        return dialog;
    }

    /** Restores `v` beside the current file, or in its place (after confirmReplace). */
    async restore(v: FileVersion, replace: boolean): Promise<void> {
        if (this._busy)
            return;
        this._busy = true;
        this.sensitive = false;
        try {
            const result = await restoreVersion(this._path, v, { replace }, this._cancellable);
            const restored = GLib.path_get_basename(result.restored);
            const message = result.kept !== null && result.restored === this._path
                ? format(_('Restored; the previous file is now “%s”'), GLib.path_get_basename(result.kept))
                : format(_('Restored as “%s”'), restored);
            this.toast(message, {
                label: _('Show'),
                run: () => {
                    const root = this.get_root();
                    new Gtk.FileLauncher({ file: Gio.File.new_for_path(result.restored) })
                        .open_containing_folder(root instanceof Gtk.Window ? root : null, null).catch(() => undefined);
                },
            });
            if (replace)
                await this.load();
        } catch (e) {
            this.toast(format(_('Could not restore: %s'), remoteErrorMessage(e)));
        } finally {
            this._busy = false;
            this.sensitive = true;
        }
    }
}
