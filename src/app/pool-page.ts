// One pool: its health in words, capacity, devices with their error
// counters, and the last scrub.
import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { formatPercent, formatSize, healthExplanation, healthLabel } from '../shared/format.js';
import { capacityFraction } from '../shared/health.js';
import { _, format } from '../shared/i18n.js';
import type { PoolInfo, VdevRow } from '../shared/pool-info.js';
import { healthCssClass, healthIconName } from './health-icon.js';
import { DeviceOperations } from './device-menu.js';
import { poolActionsGroup } from './pool-actions.js';
import type { PoolStore } from './pool-store.js';
import { ResilverRow } from './resilver-row.js';
import { lastScrubText, ScrubRow } from './scrub-row.js';
import { ScrubScheduleRow } from './scrub-schedule-dialog.js';

function vdevKind(type: string): string {
    switch (type) {
    case 'root': return _('Pool');
    case 'mirror': return _('Mirror');
    case 'raidz1': return _('RAID-Z1');
    case 'raidz2': return _('RAID-Z2');
    case 'raidz3': return _('RAID-Z3');
    case 'draid': return _('dRAID');
    case 'disk': return _('Disk');
    case 'file': return _('File');
    case 'spare': case 'spares': return _('Spare');
    case 'logs': return _('Log');
    case 'cache': return _('Cache');
    case 'special': return _('Special');
    case 'dedup': return _('Dedup');
    case 'replacing': return _('Replacing');
    default: return type;
    }
}

/** The scrolled window inside a preferences page. */
function scrollerOf(page: Gtk.Widget | null): Gtk.ScrolledWindow | null {
    let w = page?.get_first_child() ?? null;
    while (w !== null && !(w instanceof Gtk.ScrolledWindow))
        w = w.get_first_child();
    return w;
}

function stateLabel(text: string, health: VdevRow['state']): Gtk.Label {
    const label = new Gtk.Label({ label: text, valign: Gtk.Align.CENTER });
    label.add_css_class(healthCssClass(health));
    return label;
}

export class PoolPage extends Adw.Bin {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultPoolPage' }, this);
    }

    declare private _page: Adw.PreferencesPage | null;
    declare poolName: string;
    /** Set by the window: opens the pool's datasets and snapshots. */
    declare showDatasets: ((pool: string) => void) | null;
    declare private _store: PoolStore | null;
    /** The device menus and dialogs of the pool shown; null without a store. */
    declare devices: DeviceOperations | null;

    /** With a store, the page has scrub controls that follow its jobs. */
    constructor(store: PoolStore | null = null) {
        super();
        this._store = store;
        this._page = null;
        this.poolName = '';
        this.showDatasets = null;
        this.devices = null;
    }

    display(pool: PoolInfo | undefined, name: string): void {
        // The page is rebuilt on every change; where a person had scrolled
        // to (the devices, say) stays in view.
        const keep = name === this.poolName ? scrollerOf(this._page)?.vadjustment.value ?? 0 : 0;
        this.poolName = name;
        // Rebuilt on every change: a pool has few devices, and rows that
        // keep no state are simpler than diffing them.
        const page = new Adw.PreferencesPage();
        if (!pool) {
            this.set_child(new Adw.StatusPage({
                icon_name: 'dialog-question-symbolic',
                title: _('Pool Not Found'),
                description: format(_('The pool “%s” is no longer on this computer. It may have been exported or destroyed.'), name),
            }));
            return;
        }

        const healthGroup = new Adw.PreferencesGroup();
        const health = new Adw.ActionRow({
            title: `<b>${GLib.markup_escape_text(healthLabel(pool.health), -1)}</b>`,
            subtitle: healthExplanation(pool.health),
            subtitle_selectable: true,
        });
        const icon = new Gtk.Image({ icon_name: healthIconName(pool.health), pixel_size: 32, valign: Gtk.Align.CENTER });
        icon.add_css_class(healthCssClass(pool.health));
        icon.update_property([Gtk.AccessibleProperty.LABEL], [healthLabel(pool.health)]);
        health.add_prefix(icon);
        healthGroup.add(health);
        if (pool.status) {
            healthGroup.add(new Adw.ActionRow({
                title: _('What ZFS Reports'), subtitle: `${pool.status} ${pool.action}`.trim(), subtitle_selectable: true,
            }));
        }
        page.add(healthGroup);

        // Scrubbing is what keeps the data honest: right under the health.
        const scrub = new Adw.PreferencesGroup({ title: _('Integrity') });
        if (this._store)
            scrub.add(new ResilverRow(this._store, pool.name));
        scrub.add(this._store ? new ScrubRow(this._store, pool) : this.infoRow(_('Last Scrub'), lastScrubText(pool)));
        if (this._store)
            scrub.add(new ScrubScheduleRow(this._store, pool));
        scrub.add(this.infoRow(_('Data Errors'), pool.errors || _('None known')));
        scrub.add(this.infoRow(_('Pool ID'), pool.guid));
        page.add(scrub);

        const cap = capacityFraction(pool.allocated, pool.size);
        const capacity = new Adw.PreferencesGroup({ title: _('Capacity') });
        const used = new Adw.ActionRow({
            title: _('Used'),
            subtitle: format(_('%s of %s (%s)'), formatSize(pool.allocated), formatSize(pool.size),
                cap === null ? '–' : formatPercent(cap)),
        });
        const bar = new Gtk.LevelBar({ value: cap ?? 0, valign: Gtk.Align.CENTER, width_request: 160 });
        bar.add_offset_value(Gtk.LEVEL_BAR_OFFSET_LOW, 0.8);
        bar.add_offset_value(Gtk.LEVEL_BAR_OFFSET_HIGH, 0.9);
        bar.add_offset_value(Gtk.LEVEL_BAR_OFFSET_FULL, 1.0);
        bar.update_property([Gtk.AccessibleProperty.LABEL], [_('Capacity used')]);
        used.add_suffix(bar);
        capacity.add(used);
        capacity.add(this.infoRow(_('Free'), formatSize(pool.free)));
        capacity.add(this.infoRow(_('Fragmentation'),
            pool.fragmentation === null ? _('Not reported by this ZFS') : formatPercent(pool.fragmentation / 100)));
        page.add(capacity);

        const data = new Adw.PreferencesGroup({ title: _('Data') });
        const datasets = new Adw.ActionRow({
            title: _('Datasets and Snapshots'),
            subtitle: _('Space per dataset, properties, snapshots and rollback'),
            activatable: true,
        });
        datasets.add_prefix(new Gtk.Image({ icon_name: 'folder-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        datasets.add_suffix(new Gtk.Image({ icon_name: 'go-next-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        datasets.connect('activated', () => {
            this.showDatasets?.(pool.name);
        });
        data.add(datasets);
        page.add(data);

        const devices = new Adw.PreferencesGroup({
            title: _('Devices'),
            description: _('Read, write and checksum errors are counted since the pool was imported or the errors were last cleared.'),
        });
        const operations = this._store ? new DeviceOperations(this._store, this, pool) : null;
        this.devices = operations;
        if (operations) {
            const add = new Gtk.Button({
                label: _('Add _Vdev…'), use_underline: true, valign: Gtk.Align.CENTER,
                tooltip_text: _('Add a mirror, RAID-Z, spare, cache or log to the pool'),
            });
            add.add_css_class('flat');
            add.connect('clicked', () => operations.chooseVdev());
            devices.header_suffix = add;
        }
        pool.vdevs.forEach((v, i) => {
            if (v.depth === 0)
                return;
            const row = this.vdevRow(v);
            const menu = operations?.menuButton(i);
            if (menu)
                row.add_suffix(menu);
            devices.add(row);
        });
        page.add(devices);
        if (this._store)
            page.add(poolActionsGroup(this._store, pool.name));

        this._page = page;
        this.set_child(page);
        const adj = scrollerOf(page)?.vadjustment;
        if (adj && keep > 0) {
            const id = adj.connect('changed', () => {
                if (adj.upper - adj.page_size < keep)
                    return;
                adj.disconnect(id);
                adj.value = keep;
            });
        }
    }

    private infoRow(title: string, value: string): Adw.ActionRow {
        const row = new Adw.ActionRow({ title, subtitle: value, subtitle_selectable: true });
        row.add_css_class('property');
        return row;
    }

    private vdevRow(v: VdevRow): Adw.ActionRow {
        const errors = v.read + v.write + v.checksum;
        // Devices named by path show the file or device name first, the
        // whole path underneath, where it can be selected and copied.
        const path = v.path || (v.name.startsWith('/') ? v.name : '');
        const kind = path ? `${vdevKind(v.type)} · ${path}` : vdevKind(v.type);
        const row = new Adw.ActionRow({
            title: path ? GLib.path_get_basename(path) : v.name,
            title_lines: 1,
            subtitle: errors === 0
                ? kind
                : format(_('%s · %d read, %d write, %d checksum errors'), kind, v.read, v.write, v.checksum),
            subtitle_selectable: true,
        });
        // Indentation shows the tree: devices sit under their mirror or RAID-Z group.
        row.add_prefix(new Gtk.Box({ width_request: (v.depth - 1) * 24 }));
        row.add_prefix(new Gtk.Image({
            icon_name: v.type === 'disk' || v.type === 'file' ? 'drive-harddisk-symbolic' : 'drive-multidisk-symbolic',
            accessible_role: Gtk.AccessibleRole.PRESENTATION,
        }));
        row.add_suffix(stateLabel(healthLabel(v.state), v.state));
        return row;
    }
}
