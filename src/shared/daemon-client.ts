// One-shot reads of the daemon's objects (CLI, tests). Live views use
// Gio.DBusObjectManagerClient instead (see src/app/pool-store.ts).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, MANAGER_IFACE, POOL_IFACE, ROOT_PATH } from './dbus-names.js';
import { type ManagerInfo, ManagerInfoSchema, type PoolInfo, PoolInfoSchema } from './pool-info.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export interface DaemonSnapshot {
    readonly manager: ManagerInfo;
    readonly pools: PoolInfo[];
}

type ManagedObjects = Record<string, Record<string, Record<string, GLib.Variant>>>;

function unpack(props: Record<string, GLib.Variant>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(props))
        out[k] = v.recursiveUnpack();
    return out;
}

export async function readDaemon(connection: Gio.DBusConnection): Promise<DaemonSnapshot> {
    const reply = await connection.call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager',
        'GetManagedObjects', null, new GLib.VariantType('(a{oa{sa{sv}}})'), Gio.DBusCallFlags.NONE, 30000, null);
    const [objects] = reply.deepUnpack<[ManagedObjects]>();
    let manager: ManagerInfo | null = null;
    const pools: PoolInfo[] = [];
    for (const ifaces of Object.values(objects)) {
        const m = ifaces[MANAGER_IFACE];
        if (m)
            manager = ManagerInfoSchema.parse(unpack(m));
        const p = ifaces[POOL_IFACE];
        if (p)
            pools.push(PoolInfoSchema.parse(unpack(p)));
    }
    if (manager === null)
        throw new Error('The SigmaVault service answered without a Manager object; it may be a different version.');
    pools.sort((a, b) => a.name.localeCompare(b.name));
    return { manager, pools };
}

/** The D-Bus error name of a failed call, e.g. com.sigmavault.Error.NotFound, or null. */
export function remoteErrorName(e: unknown): string | null {
    if (e instanceof GLib.Error && Gio.DBusError.is_remote_error(e))
        return Gio.DBusError.get_remote_error(e);
    return null;
}

/** The message of a failed call without GLib's "GDBus.Error:name:" prefix. */
export function remoteErrorMessage(e: unknown): string {
    if (e instanceof GLib.Error) {
        if (Gio.DBusError.is_remote_error(e))
            Gio.DBusError.strip_remote_error(e);
        return e.message;
    }
    return e instanceof Error ? e.message : String(e);
}
