// A dataset's snapshots in a Gtk.ListView over a paged model: the model
// knows only the total at first and fetches a page from the daemon when
// the view asks for a row it does not have, so 10,000 snapshots scroll as
// smoothly as ten. Take, roll back to (warning which newer snapshots will
// be lost) and destroy snapshots.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { callDataset, listSnapshots, readDatasets, type SnapshotRow } from '../shared/dataset-info.js';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { DATASET_IFACE } from '../shared/dbus-names.js';
import { formatSize } from '../shared/format.js';
import { _, format, ngettext } from '../shared/i18n.js';
import { policyFields } from '../shared/snapshot-policy.js';
import { policySummary, SnapshotPolicyDialog } from './snapshot-policy-dialog.js';

const PAGE = 200;

export class SnapshotItem extends GObject.Object {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultSnapshotItem', Signals: { loaded: {} } }, this);
    }

    declare row: SnapshotRow | null;

    constructor() {
        super();
        this.row = null;
    }
}

/** A Gio.ListModel of `total` snapshots whose rows arrive page by page. */
export class PagedSnapshotModel extends GObject.Object {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultPagedSnapshotModel', Implements: [Gio.ListModel] }, this);
    }

    declare private _items: Map<number, SnapshotItem>;
    declare private _pending: Set<number>;
    declare private _total: number;
    declare private _path: string;
    declare pagesFetched: number;

    constructor(path: string) {
        super();
        this._items = new Map();
        this._pending = new Set();
        this._total = 0;
        this._path = path;
        this.pagesFetched = 0;
    }

    get total(): number {
        return this._total;
    }

    vfunc_get_item_type(): GObject.GType {
        return SnapshotItem.$gtype;
    }

    vfunc_get_n_items(): number {
        return this._total;
    }

    vfunc_get_item(position: number): GObject.Object | null {
        if (position >= this._total)
            return null;
        let item = this._items.get(position);
        if (!item) {
            item = new SnapshotItem();
            this._items.set(position, item);
            this.fetch(Math.floor(position / PAGE));
        }
        return item;
    }

    /** Drops everything and reads the first page (and the total) again. */
    async reset(): Promise<void> {
        const { page, total } = await listSnapshots(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), this._path, 0, PAGE);
        const old = this._total;
        this._items = new Map();
        this._pending.clear();
        this._total = total;
        page.forEach((row, i) => {
            const item = new SnapshotItem();
            item.row = row;
            this._items.set(i, item);
        });
        (this as unknown as Gio.ListModel).items_changed(0, old, total);
    }

    private fetch(pageIndex: number): void {
        if (this._pending.has(pageIndex))
            return;
        this._pending.add(pageIndex);
        const items = this._items;
        listSnapshots(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), this._path, pageIndex * PAGE, PAGE).then(({ page }) => {
            if (items !== this._items)
                return; // reset meanwhile
            this.pagesFetched++;
            page.forEach((row, i) => {
                const pos = pageIndex * PAGE + i;
                const item = this._items.get(pos) ?? new SnapshotItem();
                item.row = row;
                this._items.set(pos, item);
                item.emit('loaded');
            });
        }).catch((e: unknown) => {
            console.warn(`Could not read snapshots: ${remoteErrorMessage(e)}`);
        }).finally(() => {
            this._pending.delete(pageIndex);
        });
    }
}

function createdText(seconds: number): string {
    return GLib.DateTime.new_from_unix_local(seconds)?.format(_('%x %H:%M')) ?? '';
}

export class SnapshotsPage extends Adw.NavigationPage {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultSnapshotsPage' }, this);
    }

    declare private _dataset: string;
    declare private _path: string;
    declare readonly model: PagedSnapshotModel;
    declare private _stack: Gtk.Stack;
    declare private _toasts: Adw.ToastOverlay;
    declare private _signalId: number;
    declare private _count: Gtk.Label;
    declare private _auto: Gtk.Label;

    constructor(dataset: string, path: string) {
        super({ title: _('Snapshots'), tag: `snapshots-${dataset}` });
        this._dataset = dataset;
        this._path = path;
        this.model = new PagedSnapshotModel(path);

        // Widgets of each list row, set up once and rebound as rows scroll.
        const rows = new Map<Gtk.ListItem, { title: Gtk.Label; subtitle: Gtk.Label; menu: Gtk.MenuButton; item: SnapshotItem | null; id: number }>();
        const factory = new Gtk.SignalListItemFactory();
        const handlers: number[] = [];
        const attach = (): void => {
            handlers.push(factory.connect('setup', (_f, li) => {
                if (!(li instanceof Gtk.ListItem))
                    return;
                const box = new Gtk.Box({ spacing: 12, margin_start: 12, margin_end: 6, margin_top: 8, margin_bottom: 8 });
                const text = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, hexpand: true, valign: Gtk.Align.CENTER });
                const title = new Gtk.Label({ xalign: 0, ellipsize: 3 });
                const subtitle = new Gtk.Label({ xalign: 0, ellipsize: 3 });
                subtitle.add_css_class('dim-label');
                subtitle.add_css_class('caption');
                text.append(title);
                text.append(subtitle);
                box.append(new Gtk.Image({ icon_name: 'camera-photo-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
                box.append(text);
                const menu = new Gtk.MenuButton({ icon_name: 'view-more-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Snapshot Actions') });
                menu.add_css_class('flat');
                box.append(menu);
                li.child = box;
                rows.set(li, { title, subtitle, menu, item: null, id: 0 });
            }));
            handlers.push(factory.connect('teardown', (_f, li) => {
                if (li instanceof Gtk.ListItem)
                    rows.delete(li);
            }));
            handlers.push(factory.connect('bind', (_f, li) => {
                const w = li instanceof Gtk.ListItem ? rows.get(li) : undefined;
                const item = li instanceof Gtk.ListItem ? li.item : null;
                if (w === undefined || !(item instanceof SnapshotItem))
                    return;
                const fill = (): void => {
                    const r = item.row;
                    w.title.label = r ? r.name : _('Loading…');
                    w.subtitle.label = r
                        ? [createdText(r.creation), format(_('%s used'), formatSize(r.used)),
                            r.holds > 0 ? format(ngettext('%d hold', '%d holds', r.holds), r.holds) : ''].filter(t => t !== '').join(' · ')
                        : '';
                    w.menu.sensitive = r !== null;
                    if (r) {
                        const m = new Gio.Menu();
                        for (const [label, action] of [[_('Roll Back to This Snapshot…'), 'snapshots.rollback'], [_('Destroy…'), 'snapshots.destroy']] as const) {
                            const mi = new Gio.MenuItem();
                            mi.set_label(label);
                            mi.set_action_and_target_value(action, new GLib.Variant('s', r.name));
                            m.append_item(mi);
                        }
                        w.menu.menu_model = m;
                    }
                };
                fill();
                w.item = item;
                w.id = item.connect('loaded', fill);
            }));
            handlers.push(factory.connect('unbind', (_f, li) => {
                const w = li instanceof Gtk.ListItem ? rows.get(li) : undefined;
                if (w?.item) {
                    w.item.disconnect(w.id);
                    w.item = null;
                }
            }));
        };
        const selection = new Gtk.NoSelection({ model: this.model as unknown as Gio.ListModel });
        const list = new Gtk.ListView({ model: selection, factory });
        list.add_css_class('card');
        list.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Snapshots of %s'), dataset)]);
        // ClampScrollable keeps the ListView the scrolled child, so only
        // the rows on screen exist as widgets.
        const clamp = new Adw.ClampScrollable({ maximum_size: 800, child: list, margin_start: 12, margin_end: 12, margin_bottom: 12 });
        const scrolled = new Gtk.ScrolledWindow({ child: clamp, vexpand: true, hscrollbar_policy: Gtk.PolicyType.NEVER });

        this._count = new Gtk.Label({ xalign: 0, margin_top: 12 });
        this._count.add_css_class('dim-label');
        this._auto = new Gtk.Label({ xalign: 0, margin_bottom: 6, wrap: true, visible: false });
        this._auto.add_css_class('dim-label');
        this._auto.add_css_class('caption');
        const labels = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 2 });
        labels.append(this._count);
        labels.append(this._auto);
        const content = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL });
        // Clamped like the list, so the two line up at every width.
        content.append(new Adw.Clamp({ maximum_size: 800, child: labels, margin_start: 12, margin_end: 12 }));
        content.append(scrolled);

        this._stack = new Gtk.Stack();
        this._stack.add_named(new Adw.Spinner(), 'loading');
        this._stack.add_named(content, 'list');
        this._stack.add_named(new Adw.StatusPage({
            icon_name: 'camera-photo-symbolic', title: _('No Snapshots'),
            description: _('A snapshot keeps this dataset as it is now. Take one before a risky change.'),
        }), 'empty');
        this._toasts = new Adw.ToastOverlay({ child: this._stack });

        const header = new Adw.HeaderBar({ title_widget: new Adw.WindowTitle({ title: _('Snapshots'), subtitle: dataset }) });
        const take = new Gtk.Button({ icon_name: 'list-add-symbolic', tooltip_text: _('Take Snapshot') });
        take.connect('clicked', () => {
            void this.takeSnapshot();
        });
        header.pack_start(take);
        const auto = new Gtk.Button({ icon_name: 'document-open-recent-symbolic', tooltip_text: _('Automatic Snapshots') });
        auto.connect('clicked', () => {
            void this.openPolicy();
        });
        header.pack_end(auto);
        const view = new Adw.ToolbarView();
        view.add_top_bar(header);
        view.set_content(this._toasts);
        this.set_child(view);

        const actions = new Gio.SimpleActionGroup();
        const rollback = new Gio.SimpleAction({ name: 'rollback', parameter_type: new GLib.VariantType('s') });
        rollback.connect('activate', (_a, p) => {
            void this.confirmRollback(p?.unpack<string>() ?? '');
        });
        const destroy = new Gio.SimpleAction({ name: 'destroy', parameter_type: new GLib.VariantType('s') });
        destroy.connect('activate', (_a, p) => {
            void this.confirmDestroy(p?.unpack<string>() ?? '');
        });
        actions.add_action(rollback);
        actions.add_action(destroy);
        this.insert_action_group('snapshots', actions);

        // Signals and the JS-implemented model are attached only while the
        // page is realized: GTK must never call into JS (get_n_items) while
        // the garbage collector finalizes a page that was popped or closed.
        const bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, null);
        this._signalId = 0;
        this.connect('realize', () => {
            attach();
            selection.model = this.model as unknown as Gio.ListModel;
            this._signalId = bus.signal_subscribe('com.sigmavault.Daemon', DATASET_IFACE, 'SnapshotsChanged', path, null,
                Gio.DBusSignalFlags.NONE, () => {
                    void this.reload();
                });
        });
        this.connect('unrealize', () => {
            selection.set_model(null);
            // Rows left to unbind when GTK finalizes the list, possibly
            // during garbage collection, must find no JS handler.
            for (const id of handlers.splice(0))
                factory.disconnect(id);
            if (this._signalId)
                bus.signal_unsubscribe(this._signalId);
            this._signalId = 0;
        });
        void this.reload();
    }

    async reload(): Promise<void> {
        try {
            await this.model.reset();
            const n = this.model.total;
            this._count.label = format(ngettext('%d snapshot, oldest first', '%d snapshots, oldest first', n), n);
            this._stack.visible_child_name = n === 0 ? 'empty' : 'list';
        } catch (e) {
            this.toast(remoteErrorMessage(e));
        }
        await this.showPolicy();
    }

    /** The line under the count: which automatic snapshots this dataset gets, and the next one. */
    private async showPolicy(): Promise<void> {
        try {
            const d = (await readDatasets(Gio.bus_get_sync(Gio.BusType.SYSTEM, null))).find(x => x.path === this._path);
            const own = d ? policyFields(d.snapshotPolicy) : null;
            const next = d && d.nextAutoSnapshot > 0 ? GLib.DateTime.new_from_unix_local(d.nextAutoSnapshot)?.format(_('%x %H:%M')) ?? '' : '';
            let text = '';
            if (own !== null)
                text = format(_('Automatic snapshots: %s'), policySummary(own));
            else if (d && d.snapshotPolicyFrom !== '')
                text = format(_('Automatic snapshots from %s'), d.snapshotPolicyFrom);
            if (text !== '' && next !== '')
                text = format(_('%s · next %s'), text, next);
            this._auto.label = text;
            this._auto.visible = text !== '';
        } catch {
            this._auto.visible = false;
        }
    }

    /** Opens the Automatic Snapshots dialog; returns it. */
    async openPolicy(): Promise<SnapshotPolicyDialog | null> {
        try {
            const d = (await readDatasets(Gio.bus_get_sync(Gio.BusType.SYSTEM, null))).find(x => x.path === this._path);
            if (!d)
                return null;
            const dialog = new SnapshotPolicyDialog(d);
            dialog.connect('saved', (_d, text: string) => {
                this.toast(text);
                void this.showPolicy();
            });
            dialog.present(this);
            return dialog;
        } catch (e) {
            this.toast(remoteErrorMessage(e));
            return null;
        }
    }

    private toast(text: string): void {
        this._toasts.add_toast(new Adw.Toast({ title: GLib.markup_escape_text(text, -1), timeout: 5 }));
    }

    private async call(method: string, args: GLib.Variant): Promise<GLib.Variant | null> {
        try {
            return await callDataset(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), this._path, method, args);
        } catch (e) {
            this.toast(remoteErrorMessage(e));
            return null;
        }
    }

    async takeSnapshot(): Promise<void> {
        const r = await this.call('CreateSnapshot', new GLib.Variant('(sba{sv})', ['manual-%Y-%m-%d-%H%M%S', false, {}]));
        if (r)
            this.toast(format(_('Snapshot %s taken'), r.deepUnpack<[string]>()[0]));
    }

    /** Asks before rolling back, naming every newer snapshot that will be lost. */
    async confirmRollback(name: string): Promise<Adw.AlertDialog | null> {
        const preview = await this.call('RollbackPreview', new GLib.Variant('(s)', [name]));
        if (!preview)
            return null;
        const [newer] = preview.deepUnpack<[string[]]>();
        const shown = (newer.length <= 10 ? newer : newer.slice(0, 8)).map(n => n.split('@')[1] ?? n);
        const body = newer.length === 0
            ? format(_('Changes to %s made after this snapshot will be lost.'), this._dataset)
            : format(ngettext('Changes made after this snapshot will be lost, and %d newer snapshot will be destroyed: %s',
                'Changes made after this snapshot will be lost, and %d newer snapshots will be destroyed: %s', newer.length),
            newer.length, shown.join(', ') + (newer.length > shown.length ? '…' : ''));
        const dialog = new Adw.AlertDialog({ heading: format(_('Roll Back to “%s”?'), name), body });
        dialog.add_response('cancel', _('_Cancel'));
        dialog.add_response('rollback', _('_Roll Back'));
        dialog.set_response_appearance('rollback', Adw.ResponseAppearance.DESTRUCTIVE);
        dialog.default_response = 'cancel';
        dialog.close_response = 'cancel';
        dialog.connect('response', (_d, response) => {
            if (response !== 'rollback')
                return;
            const options: Record<string, GLib.Variant> = newer.length > 0 ? { 'destroy-newer': new GLib.Variant('b', true) } : {};
            void this.call('Rollback', new GLib.Variant('(sa{sv})', [name, options])).then(r => {
                if (r)
                    this.toast(format(_('Rolled back to %s'), name));
            });
        });
        dialog.present(this);
        return dialog;
    }

    async confirmDestroy(name: string): Promise<void> {
        const dialog = new Adw.AlertDialog({
            heading: format(_('Destroy “%s”?'), name),
            body: _('The snapshot and the old versions of files only it keeps are deleted for good.'),
        });
        dialog.add_response('cancel', _('_Cancel'));
        dialog.add_response('destroy', _('_Destroy'));
        dialog.set_response_appearance('destroy', Adw.ResponseAppearance.DESTRUCTIVE);
        dialog.close_response = 'cancel';
        dialog.connect('response', (_d, response) => {
            if (response === 'destroy')
                void this.call('DestroySnapshots', new GLib.Variant('(asa{sv})', [[name], {}]));
        });
        dialog.present(this);
        return Promise.resolve();
    }
}
