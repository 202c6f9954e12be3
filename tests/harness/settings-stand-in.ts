// A stand-in for SigmaVault Settings on a test session bus: owns
// com.sigmavault.Settings, exports org.freedesktop.Application at
// /com/sigmavault/Settings and records the actions activated through it, so
// tests can check what a client (the Files menu) asked the app to do.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export const SETTINGS_NAME = 'com.sigmavault.Settings';
export const SETTINGS_PATH = '/com/sigmavault/Settings';

const APPLICATION_XML = `<node>
  <interface name="org.freedesktop.Application">
    <method name="Activate"><arg type="a{sv}" name="platform_data" direction="in"/></method>
    <method name="Open">
      <arg type="as" name="uris" direction="in"/><arg type="s" name="hint" direction="in"/>
      <arg type="a{sv}" name="platform_data" direction="in"/>
    </method>
    <method name="ActivateAction">
      <arg type="s" name="action_name" direction="in"/><arg type="av" name="parameter" direction="in"/>
      <arg type="a{sv}" name="platform_data" direction="in"/>
    </method>
  </interface>
</node>`;

export interface ActionCall {
    readonly action: string;
    readonly parameter: unknown[];
}

export class SettingsStandIn {
    readonly calls: ActionCall[] = [];
    private readonly exported: Gio.DBusExportedObject;
    private stopped = false;

    private constructor(private readonly bus: Gio.DBusConnection) {
        this.exported = Gio.DBusExportedObject.wrapJSObject(APPLICATION_XML, {
            Activate: (): void => undefined,
            Open: (): void => undefined,
            ActivateAction: (action: string, parameter: GLib.Variant[]): void => {
                this.calls.push({ action, parameter: parameter.map(v => v.deepUnpack()) });
            },
        });
    }

    /** Exports the object and takes the name (failing if someone else has it). */
    static async start(bus: Gio.DBusConnection): Promise<SettingsStandIn> {
        const app = new SettingsStandIn(bus);
        app.exported.export(bus, SETTINGS_PATH);
        const reply = await bus.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'RequestName', new GLib.Variant('(su)', [SETTINGS_NAME, 4 /* DO_NOT_QUEUE */]),
            new GLib.VariantType('(u)'), Gio.DBusCallFlags.NONE, -1, null);
        if (reply.deepUnpack<[number]>()[0] !== 1) {
            app.exported.unexport_from_connection(bus);
            throw new Error(`could not own ${SETTINGS_NAME} on the test session bus`);
        }
        return app;
    }

    /** Gives the name back (so the bus may activate the real app) and unexports. */
    async stop(): Promise<void> {
        if (this.stopped)
            return;
        this.stopped = true;
        this.exported.unexport_from_connection(this.bus);
        if (this.bus.is_closed())
            return;
        await this.bus.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'ReleaseName', new GLib.Variant('(s)', [SETTINGS_NAME]), new GLib.VariantType('(u)'),
            Gio.DBusCallFlags.NONE, -1, null);
    }
}
