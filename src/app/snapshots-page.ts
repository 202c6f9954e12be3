// A dataset's snapshots in a Gtk.ListView over a paged model: the model
// knows only the total at first and fetches a page from the daemon when
// the view asks for a row it does not have, so 10,000 snapshots scroll as
// smoothly as ten. Take (with a name template, of the datasets inside
// too), roll back to (warning which newer snapshots will be lost), clone,
// hold and release, and destroy snapshots, one or a selection of many.
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
import { relativeNameProblem } from './dataset-create-dialog.js';
import { prompt, type Prompt } from './prompt-dialog.js';
import { policySummary, SnapshotPolicyDialog } from './snapshot-policy-dialog.js';
import { SnapshotTakeDialog } from './snapshot-take-dialog.js';

const PAGE = 200;
/** The tag of holds placed from the app (zfs hold keep …). */
export const HOLD_TAG = 'keep';

export class SnapshotItem extends GObject.Object {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultSnapshotItem' }, this);
    }

    declare row: SnapshotRow | null;
    /** Called when the row arrives; a plain JS callback, so that no GObject signal outlives a bound row. */
    declare onLoaded: (() => void) | null;

    constructor() {
        super();
        this.row = null;
        this.onLoaded = null;
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
    declare private _resets: number;
    declare private _path: string;
    declare pagesFetched: number;

    constructor(path: string) {
        super();
        this._items = new Map();
        this._pending = new Set();
        this._total = 0;
        this._resets = 0;
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
        // Resets overlap (a change signal while the last one is read); the
        // daemon may answer an older one last, and its stale list must not win.
        const generation = ++this._resets;
        const { page, total } = await listSnapshots(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), this._path, 0, PAGE);
        if (generation !== this._resets)
            return;
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

    /** The rows at `positions`, reading the pages not fetched yet. */
    async rowsAt(positions: readonly number[]): Promise<SnapshotRow[]> {
        const missing = new Set(positions.filter(p => !this._items.get(p)?.row).map(p => Math.floor(p / PAGE)));
        const bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, null);
        const pages = new Map(await Promise.all([...missing].map(async i =>
            [i, (await listSnapshots(bus, this._path, i * PAGE, PAGE)).page] as const)));
        return positions.map(p => this._items.get(p)?.row ?? pages.get(Math.floor(p / PAGE))?.[p % PAGE])
            .filter((r): r is SnapshotRow => r !== undefined && r !== null);
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
                item.onLoaded?.();
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

/** One row of the list: check box (selection mode), name, details, held sign, menu. */
class SnapshotRowWidget extends Gtk.Box {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultSnapshotRow' }, this);
    }

    declare readonly check: Gtk.CheckButton;
    declare private _title: Gtk.Label;
    declare private _subtitle: Gtk.Label;
    declare private _held: Gtk.Image;
    declare private _menu: Gtk.MenuButton;
    declare private _item: SnapshotItem | null;
    /** li.selected → check.active, a binding in C: no JS closure on the list item. */
    declare private _binding: GObject.Binding | null;

    constructor(selecting: boolean) {
        super({ spacing: 12, margin_start: 12, margin_end: 6, margin_top: 8, margin_bottom: 8 });
        this._item = null;
        this._binding = null;
        this.check = new Gtk.CheckButton({ valign: Gtk.Align.CENTER, visible: selecting });
        const text = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, hexpand: true, valign: Gtk.Align.CENTER });
        this._title = new Gtk.Label({ xalign: 0, ellipsize: 3 });
        this._subtitle = new Gtk.Label({ xalign: 0, ellipsize: 3 });
        this._subtitle.add_css_class('dim-label');
        this._subtitle.add_css_class('caption');
        text.append(this._title);
        text.append(this._subtitle);
        this.append(this.check);
        this.append(new Gtk.Image({ icon_name: 'camera-photo-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        this.append(text);
        this._held = new Gtk.Image({ icon_name: 'changes-prevent-symbolic', visible: false, tooltip_text: _('Held: cannot be destroyed') });
        this._held.update_property([Gtk.AccessibleProperty.LABEL], [_('Held')]);
        this.append(this._held);
        this._menu = new Gtk.MenuButton({ icon_name: 'view-more-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Snapshot Actions') });
        this._menu.add_css_class('flat');
        this.append(this._menu);
        // Clicks go to an action rather than a "toggled" handler: the
        // binding below also sets the box when GTK disposes a row, possibly
        // during garbage collection, where no JS may run.
        this.check.action_name = 'snapshots.toggle-selected';
    }

    bind(li: Gtk.ListItem, item: SnapshotItem): void {
        if (this._item)
            this._item.onLoaded = null;
        this._binding?.unbind();
        this._item = item;
        this.check.set_action_target_value(new GLib.Variant('u', li.position));
        this._binding = li.bind_property('selected', this.check, 'active', GObject.BindingFlags.SYNC_CREATE);
        item.onLoaded = (): void => {
            if (this._item === item)
                this.fill(item.row);
        };
        this.fill(item.row);
    }

    private fill(r: SnapshotRow | null): void {
        this._title.label = r ? r.name : _('Loading…');
        this._subtitle.label = r
            ? [createdText(r.creation), format(_('%s used'), formatSize(r.used)),
                r.holds > 0 ? format(ngettext('held (%d hold)', 'held (%d holds)', r.holds), r.holds) : ''].filter(t => t !== '').join(' · ')
            : '';
        this._held.visible = r !== null && r.holds > 0;
        this._menu.sensitive = r !== null;
        if (r) {
            this._menu.menu_model = rowMenu(r);
            this._menu.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Actions for %s'), r.name)]);
            this.check.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Select %s'), r.name)]);
        }
    }
}

function rowMenu(r: SnapshotRow): Gio.Menu {
    const m = new Gio.Menu();
    const section = (items: readonly (readonly [string, string])[]): void => {
        const sec = new Gio.Menu();
        for (const [label, action] of items) {
            const mi = new Gio.MenuItem();
            mi.set_label(label);
            mi.set_action_and_target_value(action, new GLib.Variant('s', r.name));
            sec.append_item(mi);
        }
        m.append_section(null, sec);
    };
    section([[_('_Clone…'), 'snapshots.clone'], r.holds > 0 ? [_('Re_lease Hold'), 'snapshots.release'] : [_('_Hold'), 'snapshots.hold']]);
    section([[_('_Roll Back to This Snapshot…'), 'snapshots.rollback'], [_('_Destroy…'), 'snapshots.destroy']]);
    return m;
}

export class SnapshotsPage extends Adw.NavigationPage {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultSnapshotsPage' }, this);
    }

    declare private _dataset: string;
    declare private _path: string;
    declare readonly model: PagedSnapshotModel;
    declare readonly selection: Gtk.MultiSelection;
    declare private _stack: Gtk.Stack;
    declare private _toasts: Adw.ToastOverlay;
    declare private _signalId: number;
    declare private _count: Gtk.Label;
    declare private _auto: Gtk.Label;
    declare private _selectButton: Gtk.ToggleButton;
    declare private _bar: Gtk.ActionBar;
    declare private _selected: Gtk.Label;
    declare private _destroySelected: Gtk.Button;
    declare private _busy: Adw.Spinner;

    constructor(dataset: string, path: string) {
        super({ title: _('Snapshots'), tag: `snapshots-${dataset}` });
        this._dataset = dataset;
        this._path = path;
        this.model = new PagedSnapshotModel(path);

        // Rows are set up once and rebound as they scroll. Only setup and
        // bind run JS: unbind and teardown also happen when GTK disposes a
        // row during garbage collection (a row whose last reference was a
        // JS wrapper), where no JS may run; bind undoes the previous bind.
        const factory = new Gtk.SignalListItemFactory();
        const handlers: number[] = [];
        const attach = (): void => {
            handlers.push(factory.connect('setup', (_f, li) => {
                if (li instanceof Gtk.ListItem)
                    li.child = new SnapshotRowWidget(this._selectButton.active);
            }));
            handlers.push(factory.connect('bind', (_f, li) => {
                if (li instanceof Gtk.ListItem && li.child instanceof SnapshotRowWidget && li.item instanceof SnapshotItem)
                    li.child.bind(li, li.item);
            }));
        };
        this.selection = new Gtk.MultiSelection({ model: this.model as unknown as Gio.ListModel });
        const selection = this.selection;
        const list = new Gtk.ListView({ model: selection, factory, enable_rubberband: true });
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
        const take = new Gtk.Button({ icon_name: 'list-add-symbolic', tooltip_text: _('Take Snapshot…') });
        take.update_property([Gtk.AccessibleProperty.LABEL], [_('Take Snapshot')]);
        take.connect('clicked', () => {
            this.showTakeDialog();
        });
        header.pack_start(take);
        this._selectButton = new Gtk.ToggleButton({ icon_name: 'selection-mode-symbolic', tooltip_text: _('Select') });
        this._selectButton.update_property([Gtk.AccessibleProperty.LABEL], [_('Select Snapshots')]);
        this._selectButton.connect('toggled', () => {
            for (let c = list.get_first_child(); c; c = c.get_next_sibling()) {
                const row = c.get_first_child();
                if (row instanceof SnapshotRowWidget)
                    row.check.visible = this._selectButton.active;
            }
            if (!this._selectButton.active)
                selection.unselect_all();
            this.syncBar();
        });
        header.pack_end(this._selectButton);
        const auto = new Gtk.Button({ icon_name: 'document-open-recent-symbolic', tooltip_text: _('Automatic Snapshots') });
        auto.connect('clicked', () => {
            void this.openPolicy();
        });
        header.pack_end(auto);

        this._bar = new Gtk.ActionBar({ revealed: false });
        const all = new Gtk.Button({ label: _('Select _All'), use_underline: true });
        all.connect('clicked', () => selection.select_all());
        this._bar.pack_start(all);
        this._selected = new Gtk.Label({ ellipsize: 3 });
        this._bar.set_center_widget(this._selected);
        this._destroySelected = new Gtk.Button({ label: _('_Destroy…'), use_underline: true, sensitive: false });
        this._destroySelected.add_css_class('destructive-action');
        this._destroySelected.connect('clicked', () => {
            void this.confirmDestroySelected();
        });
        this._busy = new Adw.Spinner({ visible: false });
        this._bar.pack_end(this._destroySelected);
        this._bar.pack_end(this._busy);
        selection.connect('selection-changed', () => { this.syncBar(); });

        const view = new Adw.ToolbarView();
        view.add_top_bar(header);
        view.set_content(this._toasts);
        view.add_bottom_bar(this._bar);
        this.set_child(view);

        const actions = new Gio.SimpleActionGroup();
        const action = (name: string, run: (snapshot: string) => unknown): void => {
            const a = new Gio.SimpleAction({ name, parameter_type: new GLib.VariantType('s') });
            a.connect('activate', (_a, p) => {
                void run(p?.unpack<string>() ?? '');
            });
            actions.add_action(a);
        };
        const toggle = new Gio.SimpleAction({ name: 'toggle-selected', parameter_type: new GLib.VariantType('u') });
        toggle.connect('activate', (_a, p) => {
            const pos = p?.unpack<number>() ?? -1;
            if (pos < 0)
                return;
            if (selection.is_selected(pos))
                selection.unselect_item(pos);
            else
                selection.select_item(pos, false);
        });
        actions.add_action(toggle);
        action('rollback', n => this.confirmRollback(n));
        action('destroy', n => this.confirmDestroy(n));
        action('clone', n => this.clone(n));
        action('hold', n => this.hold(n, true));
        action('release', n => this.hold(n, false));
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
        this.syncBar();
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

    /** Enters or leaves selection mode (check boxes and the bar with Destroy). */
    set selectionMode(on: boolean) {
        this._selectButton.active = on;
    }

    /** Positions of the selected rows. */
    selectedPositions(): number[] {
        const set = this.selection.get_selection();
        const out: number[] = [];
        for (let i = 0, n = set.get_size(); i < n; i++)
            out.push(set.get_nth(i));
        return out;
    }

    private syncBar(): void {
        const n = this.selection.get_selection().get_size();
        this._bar.revealed = this._selectButton.active || n > 0;
        this._selected.label = n === 0 ? _('Select snapshots to destroy') : format(ngettext('%d selected', '%d selected', n), n);
        this._destroySelected.sensitive = n > 0 && !this._busy.visible;
    }

    private toast(text: string, timeout = 5): Adw.Toast {
        const t = new Adw.Toast({ title: GLib.markup_escape_text(text, -1), timeout });
        this._toasts.add_toast(t);
        return t;
    }

    private async call(method: string, args: GLib.Variant): Promise<GLib.Variant | null> {
        try {
            return await callDataset(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), this._path, method, args);
        } catch (e) {
            const alert = new Adw.AlertDialog({ heading: _('The Snapshots Were Not Changed'), body: remoteErrorMessage(e) });
            alert.add_response('close', _('_Close'));
            alert.present(this);
            return null;
        }
    }

    showTakeDialog(): SnapshotTakeDialog {
        const dialog = new SnapshotTakeDialog(this._dataset);
        void dialog.chosen.then(c => {
            if (c)
                void this.takeSnapshot(c.template, c.recursive);
        });
        dialog.present(this);
        return dialog;
    }

    async takeSnapshot(template: string, recursive: boolean): Promise<string | null> {
        const r = await this.call('CreateSnapshot', new GLib.Variant('(sba{sv})', [template, recursive, {}]));
        const name = r ? r.deepUnpack<[string]>()[0] : null;
        if (name)
            this.toast(format(recursive ? _('Snapshot %s taken, with the datasets inside') : _('Snapshot %s taken'), name));
        return name;
    }

    /** Asks for the new dataset's name and clones the snapshot into it. */
    clone(name: string): Prompt {
        const pool = this._dataset.split('/')[0] ?? this._dataset;
        const p = prompt(this, {
            heading: format(_('Clone “%s”'), name),
            body: _('A clone is a new dataset that starts with the files of this snapshot and takes no space until they change. ' +
                'While the clone exists, the snapshot cannot be destroyed.'),
            label: _('New Dataset'),
            text: `${this._dataset}-${name}`,
            apply: _('_Clone'),
            check: t => t.startsWith(`${pool}/`) ? relativeNameProblem(t.slice(pool.length + 1))
                : format(_('The name must start with “%s/”: a clone stays in its pool.'), pool),
        });
        void p.result.then(async target => {
            if (target === null)
                return;
            const progress = this.toast(format(_('Cloning to %s…'), target), 0);
            const r = await this.call('CloneSnapshot', new GLib.Variant('(ssa{sv})', [name, target, {}]));
            progress.dismiss();
            if (r)
                this.toast(format(_('Cloned to %s'), target));
        });
        return p;
    }

    async hold(name: string, hold: boolean): Promise<boolean> {
        const r = await this.call(hold ? 'Hold' : 'Release', new GLib.Variant('(ssa{sv})', [name, HOLD_TAG, {}]));
        if (r)
            this.toast(format(hold ? _('%s is held and cannot be destroyed') : _('%s is no longer held'), name));
        return r !== null;
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

    /**
     * Asks before destroying the selected snapshots, naming them; held ones
     * are left out and said so, since ZFS would refuse them anyway.
     */
    async confirmDestroySelected(): Promise<Adw.AlertDialog | null> {
        let rows: SnapshotRow[];
        try {
            rows = await this.model.rowsAt(this.selectedPositions());
        } catch (e) {
            this.toast(remoteErrorMessage(e));
            return null;
        }
        const held = rows.filter(r => r.holds > 0);
        const doomed = rows.filter(r => r.holds === 0).map(r => r.name);
        const shown = doomed.length <= 10 ? doomed : doomed.slice(0, 8);
        const keptText = held.length === 0 ? '' : ' ' + format(ngettext('%d held snapshot is kept; release it first to destroy it.',
            '%d held snapshots are kept; release them first to destroy them.', held.length), held.length);
        const dialog = new Adw.AlertDialog({
            heading: doomed.length === 0 ? _('Nothing to Destroy')
                : format(ngettext('Destroy %d Snapshot?', 'Destroy %d Snapshots?', doomed.length), doomed.length),
            body: (doomed.length === 0 ? '' : format(_('%s, and the old versions of files only they keep, are deleted for good.'),
                shown.join(', ') + (doomed.length > shown.length ? '…' : ''))) + keptText,
        });
        dialog.add_response('cancel', doomed.length === 0 ? _('_Close') : _('_Cancel'));
        if (doomed.length > 0) {
            dialog.add_response('destroy', _('_Destroy'));
            dialog.set_response_appearance('destroy', Adw.ResponseAppearance.DESTRUCTIVE);
        }
        dialog.close_response = 'cancel';
        dialog.default_response = 'cancel';
        dialog.connect('response', (_d, response) => {
            if (response === 'destroy')
                void this.destroyMany(doomed);
        });
        dialog.present(this);
        return dialog;
    }

    private async destroyMany(names: string[]): Promise<void> {
        this._busy.visible = true;
        this.syncBar();
        this._selected.label = format(ngettext('Destroying %d snapshot…', 'Destroying %d snapshots…', names.length), names.length);
        const r = await this.call('DestroySnapshots', new GLib.Variant('(asa{sv})', [names, {}]));
        this._busy.visible = false;
        this.selection.unselect_all();
        if (r)
            this.toast(format(ngettext('%d snapshot destroyed', '%d snapshots destroyed', names.length), names.length));
        this.syncBar();
    }
}
