// Calls to the daemon from tests, returning the D-Bus error name on failure
// so specs can assert on the contract (com.sigmavault.Error.*).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME } from '../../src/shared/dbus-names.js';
import { remoteErrorName } from '../../src/shared/daemon-client.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export type CallOutcome = { ok: true; value: unknown[] } | { ok: false; error: string; message: string };

export async function callDaemon(bus: Gio.DBusConnection, path: string, iface: string, method: string,
    args: GLib.Variant | null): Promise<CallOutcome> {
    try {
        const reply = await bus.call(BUS_NAME, path, iface, method, args, null, Gio.DBusCallFlags.NONE, 30000, null);
        return { ok: true, value: reply.deepUnpack<unknown[]>() };
    } catch (e) {
        return { ok: false, error: remoteErrorName(e) ?? 'unknown', message: e instanceof Error ? e.message : String(e) };
    }
}

/** Bytes of a path as the daemon's `ay` arguments take them. */
export function pathBytes(path: string): Uint8Array {
    return new TextEncoder().encode(path);
}
