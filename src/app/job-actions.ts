// Calls the app makes on jobs and scrubs, with errors shown in a dialog.
// Interactive authorization is allowed: polkit asks for a password when needed.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import type Gtk from 'gi://Gtk';
import { BUS_NAME, JOB_IFACE, MANAGER_IFACE, MANAGER_PATH, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { DISK_IFACE, diskPath } from '../shared/disk-info.js';
import { _ } from '../shared/i18n.js';
import { type CompressDefaults, compressOptions } from '../shared/compression-defaults.js';
import { localPathBytes } from '../shared/uri-path.js';
import type { PoolStore } from './pool-store.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const AUTH_TIMEOUT_MS = 5 * 60 * 1000;

function showError(parent: Gtk.Widget, heading: string, e: unknown): void {
    const dialog = new Adw.AlertDialog({ heading, body: remoteErrorMessage(e) });
    dialog.add_response('close', _('_Close'));
    dialog.present(parent);
}

/** The reply, or null when there is no daemon or the call failed (then shown). */
async function call(store: PoolStore, parent: Gtk.Widget, heading: string, path: string, iface: string,
    method: string, args: GLib.Variant): Promise<GLib.Variant | null> {
    const connection = store.connection;
    if (connection === null)
        return null;
    try {
        return await connection.call(BUS_NAME, path, iface, method, args, null,
            Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, AUTH_TIMEOUT_MS, null);
    } catch (e) {
        showError(parent, heading, e);
        return null;
    }
}

export async function scrubPool(store: PoolStore, parent: Gtk.Widget, pool: string, action: 'start' | 'pause' | 'cancel'): Promise<void> {
    const heading = action === 'start' ? _('Could Not Start the Scrub')
        : action === 'pause' ? _('Could Not Pause the Scrub') : _('Could Not Cancel the Scrub');
    await call(store, parent, heading, poolPath(pool), POOL_IFACE, 'Scrub', new GLib.Variant('(sa{sv})', [action, {}]));
}

export async function cancelJob(store: PoolStore, parent: Gtk.Widget, path: string): Promise<void> {
    await call(store, parent, _('Could Not Cancel the Job'), path, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [{}]));
}

export async function startSelfTest(store: PoolStore, parent: Gtk.Widget, diskId: string, type: 'short' | 'long'): Promise<void> {
    await call(store, parent, _('Could Not Start the Self-Test'), diskPath(diskId), DISK_IFACE, 'StartSelfTest',
        new GLib.Variant('(sa{sv})', [type, {}]));
}

/** Manager1.Compress on local files; the new (or already running) job's path, or null. */
export async function compressFiles(store: PoolStore, parent: Gtk.Widget, files: readonly Gio.File[],
    defaults: CompressDefaults): Promise<string | null> {
    // Paths travel as their exact bytes (aay); files without a local path (network locations) cannot be compressed.
    const paths = files.map(f => localPathBytes(f.get_uri())).filter((p): p is Uint8Array => p !== null);
    if (paths.length === 0) {
        showError(parent, _('Could Not Compress'), new Error(_('Only files on this computer can be compressed.')));
        return null;
    }
    const reply = await call(store, parent, _('Could Not Compress'), MANAGER_PATH, MANAGER_IFACE, 'Compress',
        new GLib.Variant('(aaya{sv})', [paths, compressOptions(defaults)]));
    return reply === null ? null : reply.deepUnpack<[string]>()[0];
}
