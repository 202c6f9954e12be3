// The pool page's device operations: a menu on each device row with what
// makes sense for it (Take Offline, Bring Online, Replace…, Attach
// Mirror…, Detach), "Add Vdev…" for the pool, and the confirmations where
// data safety is at stake. Add Vdev asks the daemon first (PreviewAddVdev)
// and shows its redundancy warning before anything is added.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk';
import { BUS_NAME, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { type DeviceAction, childRows, deviceActions, parentRow } from '../shared/device-actions.js';
import { _, format, ngettext } from '../shared/i18n.js';
import type { PoolInfo, VdevRow } from '../shared/pool-info.js';
import { DeviceChooser } from './device-chooser.js';
import type { PoolStore } from './pool-store.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const AUTH_TIMEOUT_MS = 5 * 60 * 1000;

const LAYOUTS: readonly [string, string][] = [
    ['mirror', _('Mirror')], ['disk', _('Single Disk')], ['raidz1', _('RAID-Z1')], ['raidz2', _('RAID-Z2')],
    ['raidz3', _('RAID-Z3')], ['spare', _('Hot Spare')], ['cache', _('Cache')], ['log', _('Log')],
];

/** How a device is called in the UI: its file or device name. */
export function deviceLabel(row: VdevRow): string {
    const path = row.path || (row.name.startsWith('/') ? row.name : '');
    return path ? GLib.path_get_basename(path) : row.name;
}

/** The name the daemon knows the device by. */
function deviceName(row: VdevRow): string {
    return row.name.startsWith('/') ? row.name : row.path || row.name;
}

export class DeviceOperations {
    /** The dialog shown last (tests look at it). */
    lastDialog: Adw.Dialog | null = null;

    constructor(private readonly store: PoolStore, private readonly parent: Gtk.Widget, private readonly pool: PoolInfo) {}

    /** A menu button for the device at rows[index], or null when nothing can be done to it. */
    menuButton(index: number): Gtk.MenuButton | null {
        const row = this.pool.vdevs[index];
        const actions = deviceActions(this.pool.vdevs, index);
        if (row === undefined || actions.length === 0)
            return null;
        const labels: Record<DeviceAction, string> = {
            offline: _('Take _Offline…'), online: _('Bring O_nline'), replace: _('_Replace…'),
            attach: _('_Attach Mirror…'), detach: _('_Detach…'),
        };
        const menu = new Gio.Menu();
        const group = new Gio.SimpleActionGroup();
        for (const a of actions) {
            menu.append(labels[a], `device.${a}`);
            const action = new Gio.SimpleAction({ name: a });
            action.connect('activate', () => {
                this.run(a, index);
            });
            group.add_action(action);
        }
        const button = new Gtk.MenuButton({
            icon_name: 'view-more-symbolic', menu_model: menu, valign: Gtk.Align.CENTER,
            tooltip_text: format(_('Actions for %s'), deviceLabel(row)),
        });
        button.add_css_class('flat');
        button.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Actions for %s'), deviceLabel(row))]);
        button.insert_action_group('device', group);
        return button;
    }

    /** Starts what the menu item asks for: a confirmation, a chooser, or the call itself. */
    run(action: DeviceAction, index: number): void {
        const row = this.pool.vdevs[index];
        if (row === undefined)
            return;
        switch (action) {
        case 'offline': this.confirmOffline(row); break;
        case 'online': void this.call(_('Could Not Bring the Device Online'), 'Online', new GLib.Variant('(sa{sv})', [deviceName(row), {}])); break;
        case 'replace': this.chooseReplacement(row); break;
        case 'attach': this.chooseMirror(row); break;
        case 'detach': this.confirmDetach(row, index); break;
        }
    }

    private present<T extends Adw.Dialog>(dialog: T): T {
        this.lastDialog = dialog;
        dialog.present(this.parent);
        return dialog;
    }

    private async call(heading: string, method: string, args: GLib.Variant): Promise<GLib.Variant | null> {
        const connection = this.store.connection;
        if (connection === null)
            return null;
        try {
            return await connection.call(BUS_NAME, poolPath(this.pool.name), POOL_IFACE, method, args, null,
                Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, AUTH_TIMEOUT_MS, null);
        } catch (e) {
            const dialog = new Adw.AlertDialog({ heading, body: remoteErrorMessage(e) });
            dialog.add_response('close', _('_Close'));
            this.present(dialog);
            return null;
        }
    }

    /**
     * A question with Cancel first and as the default; `responses` follow it,
     * the last one styled as `appearance`. `then` gets the chosen id, never "cancel".
     */
    private ask(heading: string, body: string, responses: readonly [string, string][], appearance: Adw.ResponseAppearance,
        then: (response: string) => void): Adw.AlertDialog {
        const dialog = new Adw.AlertDialog({ heading, body });
        dialog.add_response('cancel', _('_Cancel'));
        for (const [id, label] of responses)
            dialog.add_response(id, label);
        const last = responses[responses.length - 1];
        if (last)
            dialog.set_response_appearance(last[0], appearance);
        dialog.default_response = 'cancel';
        dialog.close_response = 'cancel';
        dialog.connect('response', (_d, response) => {
            if (response !== 'cancel')
                then(response);
        });
        return this.present(dialog);
    }

    confirmOffline(row: VdevRow): Adw.AlertDialog {
        return this.ask(format(_('Take %s Offline?'), deviceLabel(row)),
            format(_('Pool %s keeps working from its other devices, but it can survive fewer failures until this device is back online. ZFS then copies over what changed meanwhile.'), this.pool.name),
            [['temporary', _('Until _Restart')], ['offline', _('Take _Offline')]], Adw.ResponseAppearance.DESTRUCTIVE, response => {
                const options: Record<string, GLib.Variant> = response === 'temporary' ? { temporary: new GLib.Variant('b', true) } : {};
                void this.call(_('Could Not Take the Device Offline'), 'Offline', new GLib.Variant('(sa{sv})', [deviceName(row), options]));
            });
    }

    confirmDetach(row: VdevRow, index: number): Adw.AlertDialog {
        const parent = parentRow(this.pool.vdevs, index);
        const others = parent === null ? 0 : childRows(this.pool.vdevs, this.pool.vdevs.indexOf(parent)).length - 1;
        return this.ask(format(_('Detach %s?'), deviceLabel(row)),
            format(ngettext(
                'The mirror keeps %d other device, so no data is lost, but the pool survives one failure fewer. The detached device cannot be brought back as it was; it would have to be attached anew.',
                'The mirror keeps %d other devices, so no data is lost, but the pool survives one failure fewer. The detached device cannot be brought back as it was; it would have to be attached anew.',
                others), others),
            [['detach', _('_Detach')]], Adw.ResponseAppearance.DESTRUCTIVE, () => {
                void this.call(_('Could Not Detach the Device'), 'Detach', new GLib.Variant('(sa{sv})', [deviceName(row), {}]));
            });
    }

    chooseReplacement(row: VdevRow): DeviceChooser {
        return this.chooseDevice(row, 'Replace', format(_('Replace %s'), deviceLabel(row)),
            format(_('ZFS copies the data onto the new device (this is called resilvering); %s leaves the pool when that is done. The new device must be at least as large. Everything on it is overwritten.'), deviceLabel(row)),
            _('_Replace'), _('Could Not Replace the Device'));
    }

    chooseMirror(row: VdevRow): DeviceChooser {
        return this.chooseDevice(row, 'Attach', format(_('Attach Mirror to %s'), deviceLabel(row)),
            format(_('The new device becomes a mirror of %s: ZFS copies its data across, and from then on the pool survives the loss of either. Everything on the new device is overwritten.'), deviceLabel(row)),
            _('_Attach'), _('Could Not Attach the Device'));
    }

    /** Replace… and Attach Mirror…: one new device, then the call; the dialog closes once the daemon took it. */
    private chooseDevice(row: VdevRow, method: 'Replace' | 'Attach', title: string, description: string, accept: string,
        failure: string): DeviceChooser {
        const chooser: DeviceChooser = new DeviceChooser(this.store.disks, {
            title, description, accept, multiple: false,
            onAccept: ([path]) => {
                void this.call(failure, method, new GLib.Variant('(ssa{sv})', [deviceName(row), path ?? '', {}])).then(r => {
                    if (r !== null)
                        chooser.close();
                });
            },
        });
        return this.present(chooser);
    }

    /** Add Vdev…: layout and devices, then the daemon's verdict, then a confirmation. */
    chooseVdev(): DeviceChooser {
        const layouts = new Adw.ComboRow({ title: _('Layout'), model: Gtk.StringList.new(LAYOUTS.map(([, label]) => label)) });
        const group = new Adw.PreferencesGroup();
        group.add(layouts);
        const chooser: DeviceChooser = new DeviceChooser(this.store.disks, {
            title: format(_('Add Vdev to %s'), this.pool.name),
            description: _('A new vdev adds space: ZFS spreads new data over all of them. Most vdevs cannot be removed again once added. Everything on the new devices is overwritten.'),
            accept: _('_Add…'),
            multiple: true,
            extra: group,
            onAccept: paths => {
                const layout = LAYOUTS[layouts.selected]?.[0] ?? 'mirror';
                void this.previewVdev(layout, paths).then(d => {
                    if (d !== null)
                        d.connect('response', (_d, response) => {
                            if (response !== 'cancel')
                                chooser.close();
                        });
                });
            },
        });
        return this.present(chooser);
    }

    /** Asks the daemon what adding would do, and confirms: with its warning in words when it weakens the pool. */
    async previewVdev(layout: string, paths: string[]): Promise<Adw.AlertDialog | null> {
        const reply = await this.call(_('Cannot Add This Vdev'), 'PreviewAddVdev', new GLib.Variant('(sasa{sv})', [layout, paths, {}]));
        if (reply === null)
            return null;
        const [warning] = reply.deepUnpack<[string]>();
        const label = LAYOUTS.find(([l]) => l === layout)?.[1] ?? layout;
        return this.ask(warning ? _('Add a Weaker Vdev?') : format(_('Add %s to %s?'), label, this.pool.name),
            warning || format(ngettext('%d device will be added to pool %s. Most vdevs cannot be removed again.',
                '%d devices will be added to pool %s. Most vdevs cannot be removed again.', paths.length), paths.length, this.pool.name),
            [['add', warning ? _('Add _Anyway') : _('_Add')]],
            warning ? Adw.ResponseAppearance.DESTRUCTIVE : Adw.ResponseAppearance.SUGGESTED, () => {
                const options: Record<string, GLib.Variant> = warning ? { force: new GLib.Variant('b', true) } : {};
                void this.call(_('Could Not Add the Vdev'), 'AddVdev', new GLib.Variant('(sasa{sv})', [layout, paths, options]));
            });
    }
}
