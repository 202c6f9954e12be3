// Calls to the daemon from tests, returning the D-Bus error name on failure
// so specs can assert on the contract (com.sigmavault.Error.*).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, JOB_IFACE } from '../../src/shared/dbus-names.js';
import { remoteErrorName } from '../../src/shared/daemon-client.js';
import { waitFor } from './process.js';

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

export interface Completion {
    readonly path: string;
    readonly success: boolean;
    readonly message: string;
}

/** Every Job1 Completed signal on the bus from its creation on, so that none is missed. */
export class CompletedSignals {
    readonly seen: Completion[] = [];
    private id: number;

    constructor(private readonly bus: Gio.DBusConnection) {
        this.id = bus.signal_subscribe(null, JOB_IFACE, 'Completed', null, null, Gio.DBusSignalFlags.NONE,
            (_c, _sender, path, _iface, _signal, params) => {
                const [success, message] = params.deepUnpack<[boolean, string]>();
                this.seen.push({ path, success, message });
            });
    }

    /** Resolves with the Completed signal of the job at `path`. */
    of(path: string, timeoutMs = 60000): Promise<Completion> {
        return waitFor(`the Completed signal of ${path}`, () => this.seen.find(c => c.path === path), timeoutMs, 50);
    }

    stop(): void {
        if (this.id)
            this.bus.signal_unsubscribe(this.id);
        this.id = 0;
    }
}
