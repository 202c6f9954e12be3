// The daemon's active alerts, live (Alert1 objects through an
// ObjectManagerClient on the system bus), for background notifications.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import { ALERT_IFACE, type AlertInfo, AlertInfoSchema, sortAlerts } from '../shared/alert-info.js';
import { BUS_NAME } from '../shared/dbus-names.js';
import type { AlertSource } from './alert-watcher.js';
import { newManagerClient } from './pool-store.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export class AlertStore extends GObject.Object implements AlertSource {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultAlertStore', Signals: { changed: {} } }, this);
    }

    declare private _client: Gio.DBusObjectManagerClient | null;
    declare private _alerts: AlertInfo[];

    constructor() {
        super();
        this._client = null;
        this._alerts = [];
    }

    private static instance: AlertStore | null = null;

    /** The app's one alert store, started on first use. */
    static getDefault(): AlertStore {
        if (AlertStore.instance === null) {
            const store = new AlertStore();
            AlertStore.instance = store;
            store.start().catch((e: unknown) => {
                console.warn(`Alerts are not available: ${e instanceof Error ? e.message : String(e)}`);
            });
        }
        return AlertStore.instance;
    }

    get ready(): boolean {
        return this._client?.get_name_owner() != null;
    }

    get alerts(): readonly AlertInfo[] {
        return this._alerts;
    }

    async start(): Promise<void> {
        const client = await newManagerClient();
        this._client = client;
        for (const signal of ['object-added', 'object-removed', 'interface-proxy-properties-changed', 'notify::name-owner'])
            client.connect(signal, () => {
                this.reload();
            });
        this.reload();
    }

    /** Dismisses (Alert1.Dismiss) or restores an alert; polkit allows it in an active session. */
    async setDismissed(path: string, dismissed: boolean): Promise<void> {
        const connection = this._client?.get_connection();
        if (!connection)
            return;
        await connection.call(BUS_NAME, path, ALERT_IFACE, dismissed ? 'Dismiss' : 'Restore',
            new GLib.Variant('(a{sv})', [{}]), null, Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, -1, null);
    }

    private reload(): void {
        const alerts: AlertInfo[] = [];
        for (const object of this._client?.get_objects() ?? []) {
            const proxy = object.get_interface(ALERT_IFACE) as Gio.DBusProxy | null;
            if (!proxy)
                continue;
            const props: Record<string, unknown> = {};
            for (const name of proxy.get_cached_property_names() ?? [])
                props[name] = proxy.get_cached_property(name)?.recursiveUnpack();
            const parsed = AlertInfoSchema.safeParse(props);
            if (parsed.success)
                alerts.push({ ...parsed.data, path: object.get_object_path() });
        }
        this._alerts = sortAlerts(alerts);
        this.emit('changed');
    }
}
