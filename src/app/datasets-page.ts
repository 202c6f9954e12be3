// A pool's datasets as a tree (indented rows) with what each uses, what is
// available and what its snapshots and children take; a properties dialog
// showing where every value comes from; the way to each dataset's snapshots.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { type DatasetInfo, getProperties, type PropertyRow, readDatasets } from '../shared/dataset-info.js';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { formatSize } from '../shared/format.js';
import { _, format, ngettext } from '../shared/i18n.js';
import type { PoolStore } from './pool-store.js';
import { SnapshotsPage } from './snapshots-page.js';

type Dataset = DatasetInfo & { path: string };

function sourceText(p: PropertyRow): string {
    switch (p.source) {
    case 'local': return _('Set here');
    case 'default': return _('Default');
    case 'inherited': return format(_('Inherited from %s'), p.inheritedFrom);
    case 'temporary': return _('Temporary');
    case 'received': return _('Received');
    default: return '';
    }
}

/** Properties a person edits, in the order they think of them. */
const SETTINGS = ['compression', 'quota', 'reservation', 'recordsize', 'atime', 'mountpoint', 'readonly', 'snapdir',
    'copies', 'encryption', 'keystatus'];
const STATS = ['used', 'available', 'referenced', 'usedbysnapshots', 'usedbychildren', 'usedbydataset', 'compressratio', 'creation'];
const SIZES = new Set(['used', 'available', 'referenced', 'usedbysnapshots', 'usedbychildren', 'usedbydataset', 'quota', 'reservation', 'recordsize']);

function valueText(p: PropertyRow): string {
    if (p.property === 'recordsize' && /^[0-9]+$/.test(p.value))
        return GLib.format_size_full(Number(p.value), GLib.FormatSizeFlags.IEC_UNITS);
    if (SIZES.has(p.property) && /^[0-9]+$/.test(p.value))
        return p.value === '0' && (p.property === 'quota' || p.property === 'reservation') ? _('None') : formatSize(Number(p.value));
    if (p.property === 'creation' && /^[0-9]+$/.test(p.value))
        return GLib.DateTime.new_from_unix_local(Number(p.value))?.format('%x %X') ?? p.value;
    return p.value;
}

/** A dialog with a dataset's properties and their sources. */
export function propertiesDialog(d: Dataset, props: readonly PropertyRow[]): Adw.PreferencesDialog {
    const dialog = new Adw.PreferencesDialog({ title: d.name, search_enabled: true });
    const page = new Adw.PreferencesPage({ title: _('Properties'), icon_name: 'document-properties-symbolic' });
    const group = (title: string, names: readonly string[] | null, description = ''): void => {
        const g = new Adw.PreferencesGroup({ title, description });
        const rows = names === null
            ? props.filter(p => !SETTINGS.includes(p.property) && !STATS.includes(p.property))
            : names.map(n => props.find(p => p.property === n)).filter((p): p is PropertyRow => p !== undefined);
        for (const p of rows) {
            const row = new Adw.ActionRow({ title: p.property, subtitle: valueText(p), subtitle_selectable: true });
            row.add_css_class('property');
            const source = sourceText(p);
            if (source) {
                const label = new Gtk.Label({ label: source, valign: Gtk.Align.CENTER, xalign: 1, ellipsize: 1 /* START */ });
                label.add_css_class(p.source === 'local' ? 'accent' : 'dim-label');
                row.add_suffix(label);
            }
            g.add(row);
        }
        if (rows.length > 0)
            page.add(g);
    };
    group(_('Settings'), SETTINGS, _('“Set here” values belong to this dataset; others come from its parent or ZFS’s defaults.'));
    group(_('Space'), STATS);
    group(_('All Other Properties'), null);
    dialog.add(page);
    return dialog;
}

export class DatasetsPage extends Adw.NavigationPage {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultDatasetsPage' }, this);
    }

    declare private _pool: string;
    declare private _bin: Adw.Bin;
    declare private _datasets: Dataset[];
    declare private _storeId: number;
    declare private _store: PoolStore;
    declare private _loading: boolean;

    constructor(store: PoolStore, pool: string) {
        super({ title: format(_('Datasets of %s'), pool), tag: `datasets-${pool}` });
        this._pool = pool;
        this._store = store;
        this._datasets = [];
        this._loading = false;
        this._bin = new Adw.Bin();
        const view = new Adw.ToolbarView();
        view.add_top_bar(new Adw.HeaderBar());
        view.set_content(this._bin);
        this.set_child(view);
        this._bin.set_child(new Adw.Spinner());
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

    async reload(): Promise<void> {
        if (this._loading)
            return;
        this._loading = true;
        try {
            const all = await readDatasets(Gio.bus_get_sync(Gio.BusType.SYSTEM, null));
            this._datasets = all.filter(d => d.pool === this._pool);
            this.build();
        } catch (e) {
            this._bin.set_child(new Adw.StatusPage({
                icon_name: 'dialog-error-symbolic', title: _('Datasets Unavailable'), description: remoteErrorMessage(e),
            }));
        } finally {
            this._loading = false;
        }
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

    private row(d: Dataset, depth: number): Adw.ActionRow {
        const parts: string[] = [format(_('%s used'), formatSize(d.used)), format(_('%s free'), formatSize(d.available))];
        if (d.snapshotCount > 0) {
            parts.push(d.usedBySnapshots > 0
                ? format(ngettext('%d snapshot (%s)', '%d snapshots (%s)', d.snapshotCount), d.snapshotCount, formatSize(d.usedBySnapshots))
                : format(ngettext('%d snapshot', '%d snapshots', d.snapshotCount), d.snapshotCount));
        }
        const row = new Adw.ActionRow({
            title: GLib.markup_escape_text(depth === 0 ? d.name : d.name.split('/').at(-1) ?? d.name, -1),
            subtitle: parts.join(' · '),
            activatable: true,
        });
        // Prefixes are shown in reverse order of adding: the indentation
        // that shows the tree goes before the icon.
        row.add_prefix(new Gtk.Image({
            icon_name: d.type === 'volume' ? 'drive-harddisk-symbolic' : 'folder-symbolic',
            accessible_role: Gtk.AccessibleRole.PRESENTATION,
        }));
        if (depth > 0)
            row.add_prefix(new Gtk.Box({ width_request: depth * 24 }));
        const props = new Gtk.Button({ icon_name: 'emblem-system-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Properties') });
        props.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Properties of %s'), d.name)]);
        props.add_css_class('flat');
        props.connect('clicked', () => {
            void this.showProperties(d);
        });
        row.add_suffix(props);
        row.add_suffix(new Gtk.Image({ icon_name: 'go-next-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        row.connect('activated', () => {
            this.openSnapshots(d.name);
        });
        return row;
    }

    async showProperties(d: Dataset): Promise<Adw.PreferencesDialog | null> {
        try {
            const dialog = propertiesDialog(d, await getProperties(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), d.path));
            dialog.present(this);
            return dialog;
        } catch (e) {
            const alert = new Adw.AlertDialog({ heading: _('Could Not Read Properties'), body: remoteErrorMessage(e) });
            alert.add_response('close', _('_Close'));
            alert.present(this);
            return null;
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
