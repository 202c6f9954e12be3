// Active alerts as D-Bus objects (/com/sigmavault/Daemon/alerts/<key>).
// sync() is given every condition that holds now: new ones are exported,
// ones that ended are withdrawn (automatic clearing), and the rest keep
// their identity and FirstSeen. Dismissals are remembered in
// /var/lib/sigmavault/alerts.json so a restart does not raise them again.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { escapePathElement, poolPath, ROOT_PATH } from '../../shared/dbus-names.js';
import { z } from '../../shared/vendor/zod.js';
import { audit } from '../audit.js';
import { ExportedInterface, interfaceInfo } from '../objects/exported-interface.js';
import { parseOptions } from '../options.js';
import { authorize, callerOf } from '../polkit.js';
import { readState, statePath, writeAtomically } from '../state-file.js';
import type { AlertCandidate } from './rules.js';
import { ExportedObject, type ObjectServer } from '../objects/object-server.js';

export const ALERT_IFACE = 'com.sigmavault.Alert1';
export const ALERTS_PATH = `${ROOT_PATH}/alerts`;

const StateSchema = z.object({ version: z.literal(1), dismissed: z.array(z.string()) });

class AlertObject {
    readonly object: ExportedObject;
    readonly iface: ExportedInterface;

    constructor(readonly key: string, candidate: AlertCandidate, dismissed: boolean,
        methods: { Dismiss: (key: string, args: unknown[], inv: Gio.DBusMethodInvocation) => Promise<null>;
            Restore: (key: string, args: unknown[], inv: Gio.DBusMethodInvocation) => Promise<null> }) {
        this.iface = new ExportedInterface(interfaceInfo(ALERT_IFACE), {
            Dismiss: (args, inv) => methods.Dismiss(key, args, inv),
            Restore: (args, inv) => methods.Restore(key, args, inv),
        });
        this.iface.set({
            Key: new GLib.Variant('s', key),
            FirstSeen: new GLib.Variant('t', GLib.get_real_time()),
        });
        this.update(candidate, dismissed);
        this.object = new ExportedObject(`${ALERTS_PATH}/${escapePathElement(key)}`, [this.iface]);
    }

    update(c: AlertCandidate, dismissed: boolean): void {
        this.iface.set({
            Class: new GLib.Variant('s', c.alertClass),
            Level: new GLib.Variant('s', c.level),
            Title: new GLib.Variant('s', c.title),
            Message: new GLib.Variant('s', c.message),
            Pool: new GLib.Variant('s', c.pool),
            Objects: new GLib.Variant('ao', c.pool ? [poolPath(c.pool)] : []),
            Dismissed: new GLib.Variant('b', dismissed),
        });
    }

    setDismissed(dismissed: boolean): void {
        this.iface.set({ Dismissed: new GLib.Variant('b', dismissed) });
    }
}

export class AlertManager {
    private readonly alerts = new Map<string, AlertObject>();
    private readonly dismissed: Set<string>;
    private readonly file = statePath('alerts.json');

    constructor(private readonly manager: ObjectServer, private readonly connection: Gio.DBusConnection) {
        this.dismissed = new Set(this.load());
    }

    private load(): string[] {
        try {
            const text = readState(this.file);
            return text === null ? [] : StateSchema.parse(JSON.parse(text)).dismissed;
        } catch (e) {
            // A damaged state file costs the user only re-shown alerts.
            console.warn(`sigmavaultd: ignoring ${this.file}: ${e instanceof Error ? e.message : String(e)}`);
            return [];
        }
    }

    private save(): void {
        writeAtomically(this.file, `${JSON.stringify({ version: 1, dismissed: [...this.dismissed].sort() }, null, 2)}\n`);
    }

    /** Makes the exported alerts exactly the conditions that hold now, for the given classes. */
    sync(candidates: readonly AlertCandidate[], classes: ReadonlySet<AlertCandidate['alertClass']>): void {
        const now = new Map(candidates.map(c => [c.key, c]));
        for (const [key, alert] of this.alerts) {
            const cls = alert.iface.get('Class')?.unpack<string>() as AlertCandidate['alertClass'] | undefined;
            if (cls && classes.has(cls) && !now.has(key)) {
                this.manager.unexport(alert.object.path);
                this.alerts.delete(key);
                // The condition ended: a new occurrence is a new alert.
                if (this.dismissed.delete(key))
                    this.save();
            }
        }
        for (const [key, c] of now) {
            const existing = this.alerts.get(key);
            if (existing) {
                existing.update(c, this.dismissed.has(key));
            } else {
                const alert = new AlertObject(key, c, this.dismissed.has(key), {
                    Dismiss: (k, args, inv) => this.setDismissed(k, true, args, inv),
                    Restore: (k, args, inv) => this.setDismissed(k, false, args, inv),
                });
                this.alerts.set(key, alert);
                this.manager.export(alert.object);
            }
        }
    }

    private async setDismissed(key: string, dismissed: boolean, args: unknown[],
        invocation: Gio.DBusMethodInvocation): Promise<null> {
        const options = parseOptions(args[0]);
        const caller = await callerOf(this.connection, invocation.get_sender() ?? '');
        await authorize(this.connection, caller, 'com.sigmavault.alert.manage', key, !options['auth.no_user_interaction']);
        if (dismissed)
            this.dismissed.add(key);
        else
            this.dismissed.delete(key);
        this.save();
        this.alerts.get(key)?.setDismissed(dismissed);
        audit({ action: dismissed ? 'alert.dismiss' : 'alert.restore', sender: caller.sender, uid: caller.uid,
            object: key, result: 'succeeded' });
        return null;
    }
}
