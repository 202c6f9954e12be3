// The Dashboard: every pool's health and capacity at a glance, with clear
// pages for "service not reachable", "ZFS not available" and "no pools yet".
import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { severity } from '../shared/health.js';
import { _, format, ngettext } from '../shared/i18n.js';
import type { PoolStore } from './pool-store.js';
import { AlertStore } from './alert-store.js';
import { AlertsGroup } from './alerts-group.js';
import { CreatePoolDialog } from './create-pool-dialog.js';
import { ImportPoolDialog } from './import-pool-dialog.js';
import { PoolRow } from './pool-row.js';

export class DashboardPage extends Adw.Bin {
    static {
        GObject.registerClass({
            GTypeName: 'SigmaVaultDashboardPage',
            Signals: { 'pool-activated': { param_types: [GObject.TYPE_STRING] } },
        }, this);
    }

    declare private _stack: Gtk.Stack;
    declare private _unreachable: Adw.StatusPage;
    declare private _noZfs: Adw.StatusPage;
    declare private _group: Adw.PreferencesGroup;
    declare private _rows: Map<string, PoolRow>;
    declare private _store: PoolStore;

    constructor(store: PoolStore) {
        super();
        this._store = store;
        this._rows = new Map();
        this._stack = new Gtk.Stack({ transition_type: Gtk.StackTransitionType.CROSSFADE });

        const loading = new Adw.StatusPage({ title: _('Connecting to the Storage Service…') });
        loading.set_child(new Adw.Spinner({ width_request: 32, height_request: 32 }));
        this._stack.add_named(loading, 'loading');

        this._unreachable = new Adw.StatusPage({
            icon_name: 'network-offline-symbolic',
            title: _('Storage Service Not Reachable'),
        });
        const retry = new Gtk.Button({ label: _('_Try Again'), use_underline: true, halign: Gtk.Align.CENTER });
        retry.add_css_class('pill');
        retry.connect('clicked', () => {
            void this._store.connectToDaemon();
        });
        this._unreachable.set_child(retry);
        this._stack.add_named(this._unreachable, 'unreachable');

        this._noZfs = new Adw.StatusPage({ icon_name: 'drive-harddisk-symbolic', title: _('ZFS Is Not Available') });
        this._stack.add_named(this._noZfs, 'no-zfs');

        const empty = new Adw.StatusPage({
            icon_name: 'drive-multidisk-symbolic',
            title: _('No Pools Yet'),
            description: _('Create a pool on new disks, or import one whose disks come from another computer.'),
        });
        const buttons = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 12, halign: Gtk.Align.CENTER });
        const create = new Gtk.Button({ label: _('_Create Pool…'), use_underline: true });
        create.add_css_class('pill');
        create.add_css_class('suggested-action');
        create.connect('clicked', () => {
            this.createPool();
        });
        const importButton = new Gtk.Button({ label: _('_Import Pool…'), use_underline: true });
        importButton.add_css_class('pill');
        importButton.connect('clicked', () => {
            this.importPool();
        });
        buttons.append(create);
        buttons.append(importButton);
        empty.set_child(buttons);
        this._stack.add_named(empty, 'empty');

        const page = new Adw.PreferencesPage();
        const alerts = new AlertsGroup(AlertStore.getDefault());
        alerts.connect('pool-activated', (_g, name: string) => {
            this.emit('pool-activated', name);
        });
        page.add(alerts);
        this._group = new Adw.PreferencesGroup({ title: _('Pools') });
        const suffix = new Gtk.Box({ spacing: 6 });
        const add = new Gtk.Button({ icon_name: 'list-add-symbolic', tooltip_text: _('Create Pool') });
        add.update_property([Gtk.AccessibleProperty.LABEL], [_('Create Pool')]);
        add.add_css_class('flat');
        add.connect('clicked', () => {
            this.createPool();
        });
        const imp = new Gtk.Button({ icon_name: 'document-open-symbolic', tooltip_text: _('Import Pool') });
        imp.update_property([Gtk.AccessibleProperty.LABEL], [_('Import Pool')]);
        imp.add_css_class('flat');
        imp.connect('clicked', () => {
            this.importPool();
        });
        suffix.append(imp);
        suffix.append(add);
        this._group.header_suffix = suffix;
        page.add(this._group);
        this._stack.add_named(page, 'pools');

        this.set_child(this._stack);
        // The store outlives its views: let go of it when this page goes.
        const changed = store.connect('changed', () => {
            this.sync();
        });
        this.connect('destroy', () => {
            store.disconnect(changed);
        });
        this.sync();
    }

    /** Opens the Create Pool dialog; "Open Pool" at its end shows the new pool. */
    createPool(): CreatePoolDialog {
        const dialog = new CreatePoolDialog(this._store);
        dialog.onOpenPool = (name: string): void => {
            this.emit('pool-activated', name);
        };
        dialog.present(this);
        return dialog;
    }

    importPool(): ImportPoolDialog {
        const dialog = new ImportPoolDialog(this._store);
        dialog.onImported = (name: string): void => {
            this.emit('pool-activated', name);
        };
        dialog.present(this);
        return dialog;
    }

    private sync(): void {
        const store = this._store;
        if (store.state === 'connecting') {
            this._stack.visible_child_name = 'loading';
            return;
        }
        if (store.state === 'unreachable' || store.manager === null) {
            this._unreachable.description = format(
                _('SigmaVault Settings could not reach the storage service. Make sure the “sigmavault-daemon” package is installed. (%s)'),
                store.error);
            this._stack.visible_child_name = 'unreachable';
            return;
        }
        const pools = store.pools;
        if (!store.manager.zfsAvailable && pools.length === 0) {
            this._noZfs.description = store.manager.zfsStatus;
            this._stack.visible_child_name = 'no-zfs';
            return;
        }
        if (pools.length === 0) {
            this._stack.visible_child_name = 'empty';
            return;
        }
        const names = new Set(pools.map(p => p.name));
        for (const [name, row] of this._rows) {
            if (!names.has(name)) {
                this._group.remove(row);
                this._rows.delete(name);
            }
        }
        for (const pool of pools) {
            let row = this._rows.get(pool.name);
            if (row) {
                row.update(pool);
            } else {
                row = new PoolRow(pool);
                row.connect('activated', r => {
                    this.emit('pool-activated', r.poolName);
                });
                this._rows.set(pool.name, row);
                this._group.add(row);
            }
        }
        const attention = pools.filter(p => severity(p.health) > 0).length;
        this._group.description = attention === 0
            ? format(ngettext('Your pool is healthy.', 'All %d pools are healthy.', pools.length), pools.length)
            : format(ngettext('%d pool needs attention.', '%d pools need attention.', attention), attention);
        this._stack.visible_child_name = 'pools';
    }
}
