// Calls the app makes on jobs and scrubs, with errors shown in a dialog.
// Interactive authorization is allowed: polkit asks for a password when needed.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import type Gtk from 'gi://Gtk';
import { BUS_NAME, JOB_IFACE, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { DISK_IFACE, diskPath } from '../shared/disk-info.js';
import { _ } from '../shared/i18n.js';
import type { PoolStore } from './pool-store.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const AUTH_TIMEOUT_MS = 5 * 60 * 1000;

function showError(parent: Gtk.Widget, heading: string, e: unknown): void {
    const dialog = new Adw.AlertDialog({ heading, body: remoteErrorMessage(e) });
    dialog.add_response('close', _('_Close'));
    dialog.present(parent);
}

async function call(store: PoolStore, parent: Gtk.Widget, heading: string, path: string, iface: string,
    method: string, args: GLib.Variant): Promise<void> {
    const connection = store.connection;
    if (connection === null)
        return;
    try {
        await connection.call(BUS_NAME, path, iface, method, args, null,
            Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, AUTH_TIMEOUT_MS, null);
    } catch (e) {
        showError(parent, heading, e);
    }
}

export function scrubPool(store: PoolStore, parent: Gtk.Widget, pool: string, action: 'start' | 'pause' | 'cancel'): Promise<void> {
    const heading = action === 'start' ? _('Could Not Start the Scrub')
        : action === 'pause' ? _('Could Not Pause the Scrub') : _('Could Not Cancel the Scrub');
    return call(store, parent, heading, poolPath(pool), POOL_IFACE, 'Scrub', new GLib.Variant('(sa{sv})', [action, {}]));
}

export function cancelJob(store: PoolStore, parent: Gtk.Widget, path: string): Promise<void> {
    return call(store, parent, _('Could Not Cancel the Job'), path, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [{}]));
}

export function startSelfTest(store: PoolStore, parent: Gtk.Widget, diskId: string, type: 'short' | 'long'): Promise<void> {
    return call(store, parent, _('Could Not Start the Self-Test'), diskPath(diskId), DISK_IFACE, 'StartSelfTest',
        new GLib.Variant('(sa{sv})', [type, {}]));
}
