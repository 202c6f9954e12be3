// The end of a pool's page: Export (so its disks can move to another
// computer) and Destroy (an Adw.AlertDialog where the person types the
// pool's exact name; the daemon checks the name again and polkit asks for
// an administrator every time).
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { BUS_NAME, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { _, format } from '../shared/i18n.js';
import { AUTH_TIMEOUT_MS } from '../shared/pool-lifecycle-info.js';
import type { PoolStore } from './pool-store.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

async function callPool(store: PoolStore, parent: Gtk.Widget, pool: string, method: 'Export' | 'Destroy',
    options: Record<string, GLib.Variant>, heading: string): Promise<boolean> {
    const bus = store.connection;
    if (bus === null)
        return false;
    try {
        await bus.call(BUS_NAME, poolPath(pool), POOL_IFACE, method, new GLib.Variant('(a{sv})', [options]), null,
            Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, AUTH_TIMEOUT_MS, null);
        return true;
    } catch (e) {
        const alert = new Adw.AlertDialog({ heading, body: remoteErrorMessage(e) });
        alert.add_response('close', _('_Close'));
        alert.present(parent);
        return false;
    }
}

export function confirmExport(store: PoolStore, parent: Gtk.Widget, pool: string): Adw.AlertDialog {
    const dialog = new Adw.AlertDialog({
        heading: format(_('Export “%s”?'), pool),
        body: _('Its datasets are unmounted and this computer stops using the pool, so that its disks can be moved to another ' +
            'computer and imported there. Nothing on the pool is deleted.'),
    });
    dialog.add_response('cancel', _('_Cancel'));
    dialog.add_response('export', _('_Export'));
    dialog.set_response_appearance('export', Adw.ResponseAppearance.SUGGESTED);
    dialog.close_response = 'cancel';
    dialog.connect('response', (_d, response) => {
        if (response === 'export')
            void callPool(store, parent, pool, 'Export', {}, _('Could Not Export the Pool'));
    });
    dialog.present(parent);
    return dialog;
}

/** The destroy confirmation; its Destroy response is enabled only while the entry holds the exact name. */
export function confirmDestroy(store: PoolStore, parent: Gtk.Widget, pool: string): { dialog: Adw.AlertDialog; entry: Gtk.Entry } {
    const dialog = new Adw.AlertDialog({
        heading: format(_('Destroy “%s”?'), pool),
        body: format(_('Every dataset, snapshot and file on the pool is deleted for good, and its disks can be used for something ' +
            'else. To confirm, type the pool’s name, %s.'), pool),
    });
    const entry = new Gtk.Entry({ placeholder_text: pool, activates_default: false });
    entry.update_property([Gtk.AccessibleProperty.LABEL], [_('Pool name to confirm')]);
    dialog.extra_child = entry;
    dialog.add_response('cancel', _('_Cancel'));
    dialog.add_response('destroy', _('_Destroy'));
    dialog.set_response_appearance('destroy', Adw.ResponseAppearance.DESTRUCTIVE);
    dialog.set_response_enabled('destroy', false);
    dialog.default_response = 'cancel';
    dialog.close_response = 'cancel';
    entry.connect('changed', () => {
        dialog.set_response_enabled('destroy', entry.text === pool);
    });
    dialog.connect('response', (_d, response) => {
        if (response === 'destroy' && entry.text === pool) {
            void callPool(store, parent, pool, 'Destroy', { 'confirm-name': new GLib.Variant('s', entry.text) },
                _('Could Not Destroy the Pool'));
        }
    });
    dialog.present(parent);
    return { dialog, entry };
}

/** "Export…" and "Destroy…" for the pool page. */
export function poolActionsGroup(store: PoolStore, pool: string): Adw.PreferencesGroup {
    const group = new Adw.PreferencesGroup({ title: _('Pool') });
    const row = (title: string, subtitle: string, label: string, destructive: boolean, act: (b: Gtk.Button) => void): void => {
        const r = new Adw.ActionRow({ title, subtitle });
        const b = new Gtk.Button({ label, use_underline: true, valign: Gtk.Align.CENTER });
        if (destructive)
            b.add_css_class('destructive-action');
        b.connect('clicked', () => {
            act(b);
        });
        r.add_suffix(b);
        r.activatable_widget = b;
        group.add(r);
    };
    row(_('Export'), _('Stop using the pool here, to move its disks to another computer'), _('E_xport…'), false, b => {
        confirmExport(store, b, pool);
    });
    row(_('Destroy'), _('Delete the pool and everything on it'), _('_Destroy…'), true, b => {
        confirmDestroy(store, b, pool);
    });
    return group;
}
