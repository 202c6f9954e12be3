// Per-method authorization through polkit's CheckAuthorization on the
// caller's bus name, as udisks does.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { audit } from './audit.js';
import { DaemonError, notAuthorized } from './errors.js';
import { ErrorName } from '../shared/dbus-names.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export type PolkitAction =
    | 'com.sigmavault.pool.manage'
    | 'com.sigmavault.pool.destroy'
    | 'com.sigmavault.dataset.manage'
    | 'com.sigmavault.dataset.destroy'
    | 'com.sigmavault.disk.manage'
    | 'com.sigmavault.share.manage'
    | 'com.sigmavault.vpn.manage'
    | 'com.sigmavault.agent.run'
    | 'com.sigmavault.alert.manage'
    | 'com.sigmavault.file.compress'
    | 'com.sigmavault.job.manage';

const ALLOW_USER_INTERACTION = 1;

export interface Caller {
    readonly sender: string;
    readonly uid: number | null;
}

export async function callerOf(connection: Gio.DBusConnection, sender: string): Promise<Caller> {
    try {
        const reply = await connection.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'GetConnectionUnixUser', new GLib.Variant('(s)', [sender]), new GLib.VariantType('(u)'),
            Gio.DBusCallFlags.NONE, -1, null);
        return { sender, uid: reply.deepUnpack<[number]>()[0] };
    } catch {
        return { sender, uid: null };
    }
}

/**
 * Resolves when polkit authorizes `caller` for `action`; otherwise throws a
 * NotAuthorized DaemonError. Either way, the decision is audited.
 */
export async function authorize(connection: Gio.DBusConnection, caller: Caller, action: PolkitAction,
    object: string, allowInteraction: boolean): Promise<void> {
    let authorized = false;
    let challenge = false;
    try {
        const args = new GLib.Variant('((sa{sv})sa{ss}us)', [
            ['system-bus-name', { name: new GLib.Variant('s', caller.sender) }],
            action, {}, allowInteraction ? ALLOW_USER_INTERACTION : 0, '']);
        const reply = await connection.call('org.freedesktop.PolicyKit1', '/org/freedesktop/PolicyKit1/Authority',
            'org.freedesktop.PolicyKit1.Authority', 'CheckAuthorization', args,
            new GLib.VariantType('((bba{ss}))'), Gio.DBusCallFlags.NONE, 5 * 60 * 1000, null);
        [[authorized, challenge]] = reply.deepUnpack<[[boolean, boolean, Record<string, string>]]>();
    } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        audit({ action, sender: caller.sender, uid: caller.uid, result: 'denied', object,
            detail: `polkit unavailable: ${reason}` });
        throw new DaemonError(ErrorName.NotAuthorized,
            `Could not check authorization with polkit (${reason}). Make sure polkitd is installed and running.`);
    }
    audit({ action, sender: caller.sender, uid: caller.uid, result: authorized ? 'allowed' : 'denied', object });
    if (!authorized) {
        throw notAuthorized(challenge
            ? 'Authentication is required. Try again from a desktop session where you can enter an administrator password.'
            : 'You are not allowed to do this. Ask an administrator of this computer.');
    }
}
