// A pool's datasets as a tree (indented rows) with what each uses, what is
// available and what its snapshots and children take; the way to each
// dataset's snapshots; and, from each row's menu, its properties, a new
// dataset inside it, rename, destroy, and loading or unloading its key.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { callDataset, type DatasetInfo, getProperties, readDatasets } from '../shared/dataset-info.js';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { formatSize } from '../shared/format.js';
import { _, format, ngettext } from '../shared/i18n.js';
import { DatasetCreateDialog, relativeNameProblem } from './dataset-create-dialog.js';
import { DatasetDestroyDialog, type DestroyPreview } from './dataset-destroy-dialog.js';
import { DatasetPropertiesDialog } from './dataset-properties-dialog.js';
import type { PoolStore } from './pool-store.js';
import { prompt, type Prompt } from './prompt-dialog.js';
import { SnapshotsPage } from './snapshots-page.js';

type Dataset = DatasetInfo & { path: string };

export class DatasetsPage extends Adw.NavigationPage {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultDatasetsPage' }, this);
    }

    declare private _pool: string;
    declare private _bin: Adw.Bin;
    declare private _toasts: Adw.ToastOverlay;
    declare private _datasets: Dataset[];
    declare private _storeId: number;
    declare private _store: PoolStore;
    declare private _loading: boolean;
    declare private _again: boolean;

    constructor(store: PoolStore, pool: string) {
        super({ title: format(_('Datasets of %s'), pool), tag: `datasets-${pool}` });
        this._pool = pool;
        this._store = store;
        this._datasets = [];
        this._loading = false;
        this._again = false;
        this._bin = new Adw.Bin();
        this._toasts = new Adw.ToastOverlay({ child: this._bin });
        const header = new Adw.HeaderBar();
        const add = new Gtk.Button({ icon_name: 'list-add-symbolic', tooltip_text: _('New Dataset…') });
        add.update_property([Gtk.AccessibleProperty.LABEL], [_('New Dataset')]);
        add.connect('clicked', () => {
            this.newDataset(this._pool);
        });
        header.pack_start(add);
        const view = new Adw.ToolbarView();
        view.add_top_bar(header);
        view.set_content(this._toasts);
        this.set_child(view);
        this._bin.set_child(new Adw.Spinner());
        this.insert_action_group('datasets', this.actions());
        // Connected only while shown: a page popped off the view must not
        // keep reloading, and no JS may run when it is finalized.
        this._storeId = 0;
        this.connect('realize', () => {
            this._storeId = store.connect('changed', () => {
                void this.reload();
            });
        });
        this.connect('unrealize', () => {
            if (this._storeId)
                store.disconnect(this._storeId);
            this._storeId = 0;
        });
        void this.reload();
    }

    get datasets(): Dataset[] {
        return this._datasets;
    }

    private actions(): Gio.SimpleActionGroup {
        const group = new Gio.SimpleActionGroup();
        const add = (name: string, run: (d: Dataset) => unknown): void => {
            const a = new Gio.SimpleAction({ name, parameter_type: new GLib.VariantType('s') });
            a.connect('activate', (_a, p) => {
                const d = this._datasets.find(x => x.name === p?.unpack<string>());
                if (d)
                    void run(d);
            });
            group.add_action(a);
        };
        add('properties', d => this.showProperties(d));
        add('new-child', d => this.newDataset(d.name));
        add('rename', d => this.rename(d));
        add('load-key', d => this.loadKey(d));
        add('unload-key', d => this.unloadKey(d));
        add('destroy', d => this.confirmDestroy(d));
        return group;
    }

    /** Reads the datasets again; a reload asked for during one runs after it. */
    async reload(): Promise<void> {
        if (this._loading) {
            this._again = true;
            return;
        }
        this._loading = true;
        try {
            do {
                this._again = false;
                const all = await readDatasets(Gio.bus_get_sync(Gio.BusType.SYSTEM, null));
                this._datasets = all.filter(d => d.pool === this._pool);
                this.build();
            } while (this._again);
        } catch (e) {
            this._bin.set_child(new Adw.StatusPage({
                icon_name: 'dialog-error-symbolic', title: _('Datasets Unavailable'), description: remoteErrorMessage(e),
            }));
        } finally {
            this._loading = false;
        }
    }

    toast(text: string, timeout = 5): Adw.Toast {
        const t = new Adw.Toast({ title: GLib.markup_escape_text(text, -1), timeout });
        this._toasts.add_toast(t);
        return t;
    }

    private build(): void {
        const page = new Adw.PreferencesPage();
        const group = new Adw.PreferencesGroup({
            title: _('Datasets'),
            description: _('Space used by each dataset, including its snapshots and the datasets inside it. Open one for its snapshots.'),
        });
        const rootDepth = this._pool.split('/').length;
        for (const d of this._datasets)
            group.add(this.row(d, d.name.split('/').length - rootDepth));
        page.add(group);
        this._bin.set_child(page);
    }

    private menu(d: Dataset): Gio.Menu {
        const menu = new Gio.Menu();
        const item = (section: Gio.Menu, label: string, action: string): void => {
            const mi = new Gio.MenuItem();
            mi.set_label(label);
            mi.set_action_and_target_value(`datasets.${action}`, new GLib.Variant('s', d.name));
            section.append_item(mi);
        };
        const main = new Gio.Menu();
        item(main, _('_Properties'), 'properties');
        if (d.type === 'filesystem')
            item(main, _('_New Dataset Inside…'), 'new-child');
        menu.append_section(null, main);
        if (d.keyStatus === 'unavailable' || d.keyStatus === 'available') {
            const keys = new Gio.Menu();
            if (d.keyStatus === 'unavailable')
                item(keys, _('_Load Key…'), 'load-key');
            else
                item(keys, _('_Unload Key'), 'unload-key');
            menu.append_section(null, keys);
        }
        if (d.name.includes('/')) {
            const change = new Gio.Menu();
            item(change, _('_Rename…'), 'rename');
            item(change, _('_Destroy…'), 'destroy');
            menu.append_section(null, change);
        }
        return menu;
    }

    private row(d: Dataset, depth: number): Adw.ActionRow {
        const parts: string[] = [format(_('%s used'), formatSize(d.used)), format(_('%s free'), formatSize(d.available))];
        if (d.snapshotCount > 0) {
            parts.push(d.usedBySnapshots > 0
                ? format(ngettext('%d snapshot (%s)', '%d snapshots (%s)', d.snapshotCount), d.snapshotCount, formatSize(d.usedBySnapshots))
                : format(ngettext('%d snapshot', '%d snapshots', d.snapshotCount), d.snapshotCount));
        }
        if (d.keyStatus === 'unavailable')
            parts.push(_('Locked (key not loaded)'));
        if (d.origin !== '')
            parts.push(format(_('Clone of %s'), d.origin));
        const row = new Adw.ActionRow({
            title: GLib.markup_escape_text(depth === 0 ? d.name : d.name.split('/').at(-1) ?? d.name, -1),
            subtitle: parts.join(' · '),
            activatable: true,
        });
        // Prefixes are shown in reverse order of adding: the indentation
        // that shows the tree goes before the icon.
        row.add_prefix(new Gtk.Image({
            icon_name: d.type === 'volume' ? 'drive-harddisk-symbolic'
                : d.encryption !== '' && d.encryption !== 'off' ? 'folder-locked-symbolic' : 'folder-symbolic',
            accessible_role: Gtk.AccessibleRole.PRESENTATION,
        }));
        if (depth > 0)
            row.add_prefix(new Gtk.Box({ width_request: depth * 24 }));
        const more = new Gtk.MenuButton({
            icon_name: 'view-more-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Dataset Actions'), menu_model: this.menu(d),
        });
        more.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Actions for %s'), d.name)]);
        more.add_css_class('flat');
        row.add_suffix(more);
        row.add_suffix(new Gtk.Image({ icon_name: 'go-next-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        row.connect('activated', () => {
            this.openSnapshots(d.name);
        });
        return row;
    }

    private alert(heading: string, e: unknown): void {
        const alert = new Adw.AlertDialog({ heading, body: remoteErrorMessage(e) });
        alert.add_response('close', _('_Close'));
        alert.present(this);
    }

    async showProperties(d: Dataset): Promise<DatasetPropertiesDialog | null> {
        try {
            const dialog = new DatasetPropertiesDialog(d, await getProperties(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), d.path));
            dialog.connect('closed', () => {
                void this.reload();
            });
            dialog.present(this);
            return dialog;
        } catch (e) {
            this.alert(_('Could Not Read Properties'), e);
            return null;
        }
    }

    /** Opens "New Dataset" with `parent` chosen as the dataset it goes in. */
    newDataset(parent: string): DatasetCreateDialog | null {
        const p = this._datasets.find(x => x.name === parent) ?? this._datasets[0];
        if (!p)
            return null;
        const dialog = new DatasetCreateDialog(this._datasets, p);
        dialog.connect('created', (_d, name: string) => {
            this.toast(format(_('%s created'), name));
            void this.reload();
        });
        dialog.present(this);
        return dialog;
    }

    rename(d: Dataset): Prompt {
        const p = prompt(this, {
            heading: format(_('Rename “%s”'), d.name),
            body: _('Give the full new name; the dataset can move to another place in the same pool. Its mount point follows unless it was set by hand.'),
            label: _('New Name'),
            text: d.name,
            apply: _('_Rename'),
            check: t => !t.startsWith(`${d.pool}/`) ? format(_('The name must start with “%s/”: datasets stay in their pool.'), d.pool)
                : relativeNameProblem(t.slice(d.pool.length + 1)) ?? (t === d.name ? _('This is its name now.') : null),
        });
        void p.result.then(async name => {
            if (name !== null && await this.call(d, 'Rename', new GLib.Variant('(sa{sv})', [name, {}]), _('Renaming…')))
                this.toast(format(_('Renamed to %s'), name));
        });
        return p;
    }

    /** Fetches what else would go, then asks for the exact name. */
    async confirmDestroy(d: Dataset): Promise<DatasetDestroyDialog | null> {
        let preview: DestroyPreview;
        try {
            const r = await callDataset(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), d.path, 'PreviewDestroy', new GLib.Variant('(a{sv})', [{}]));
            const [children, snapshots, clones] = r.deepUnpack<[string[], string[], string[]]>();
            preview = { children, snapshots, clones };
        } catch (e) {
            this.alert(format(_('Could Not Prepare to Destroy %s'), d.name), e);
            return null;
        }
        const dialog = new DatasetDestroyDialog(d.name, preview);
        void dialog.confirmed.then(async yes => {
            if (yes && await this.call(d, 'Destroy', new GLib.Variant('(a{sv})', [{ 'confirm-name': new GLib.Variant('s', d.name) }]),
                format(_('Destroying %s…'), d.name)))
                this.toast(format(_('%s destroyed'), d.name));
        });
        dialog.present(this);
        return dialog;
    }

    loadKey(d: Dataset): Prompt {
        const p = prompt(this, {
            heading: format(_('Load Key of “%s”'), d.name),
            body: _('The passphrase unlocks the dataset so that it can be mounted and read.'),
            label: _('Passphrase'),
            password: true,
            apply: _('_Load Key'),
        });
        void p.result.then(async passphrase => {
            if (passphrase !== null && await this.call(d, 'LoadKey',
                new GLib.Variant('(a{sv})', [{ passphrase: new GLib.Variant('s', passphrase) }]), _('Loading key…')))
                this.toast(format(_('%s unlocked'), d.name));
        });
        return p;
    }

    async unloadKey(d: Dataset): Promise<boolean> {
        const ok = await this.call(d, 'UnloadKey', new GLib.Variant('(a{sv})', [{}]), _('Unloading key…'));
        if (ok)
            this.toast(format(_('%s locked'), d.name));
        return ok;
    }

    /**
     * Calls a method of the dataset, with a toast saying what is going on
     * while it takes; errors are shown in an alert.
     */
    private async call(d: Dataset, method: string, args: GLib.Variant, doing: string): Promise<boolean> {
        const progress = this.toast(doing, 0);
        try {
            await callDataset(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), d.path, method, args);
            return true;
        } catch (e) {
            this.alert(_('The Dataset Was Not Changed'), e);
            return false;
        } finally {
            progress.dismiss();
            void this.reload();
        }
    }

    /** Opens the snapshots of a dataset of this pool; returns the page. */
    openSnapshots(name: string): SnapshotsPage | null {
        const d = this._datasets.find(x => x.name === name);
        const nav = this.get_ancestor(Adw.NavigationView.$gtype) as Adw.NavigationView | null;
        if (!d || !nav)
            return null;
        const page = new SnapshotsPage(d.name, d.path);
        nav.push(page);
        return page;
    }
}
