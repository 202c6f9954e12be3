// The daemon's org.freedesktop.DBus.ObjectManager and the objects below it.
//
// Gio.DBusObjectManagerServer answers GetManagedObjects by asking every
// interface for every property, and for interfaces implemented in JS each ask
// is a call into GJS: about 37 ms with 50 pools, where the budget is 20 ms.
// Here each interface keeps its properties packed as one a{sv} (see
// ExportedInterface.packed), each object its a{sa{sv}}, and the server the
// whole reply, each rebuilt only after something under it changed.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import type { ExportedInterface } from './exported-interface.js';
import { arrayOf, entry, tupleOf } from './variant-build.js';

const OBJECT_MANAGER_IFACE = 'org.freedesktop.DBus.ObjectManager';
const OBJECT_MANAGER_XML = `<node>
  <interface name="${OBJECT_MANAGER_IFACE}">
    <method name="GetManagedObjects">
      <arg name="objects" type="a{oa{sa{sv}}}" direction="out"/>
    </method>
    <signal name="InterfacesAdded">
      <arg name="object" type="o"/>
      <arg name="interfaces" type="a{sa{sv}}"/>
    </signal>
    <signal name="InterfacesRemoved">
      <arg name="object" type="o"/>
      <arg name="interfaces" type="as"/>
    </signal>
  </interface>
</node>`;

const OBJECT_ENTRY = new GLib.VariantType('{oa{sa{sv}}}');
const INTERFACE_ENTRY = new GLib.VariantType('{sa{sv}}');

/** One object path and the interfaces it carries; they are fixed for its lifetime. */
export class ExportedObject {
    private packedCache: GLib.Variant | null = null;
    /** Set by the server while the object is exported. */
    onChanged: (() => void) | null = null;

    constructor(readonly path: string, readonly interfaces: readonly ExportedInterface[]) {
        for (const iface of interfaces) {
            iface.onChanged = (): void => {
                this.packedCache = null;
                this.onChanged?.();
            };
        }
    }

    /** The object's interfaces and their properties, as a{sa{sv}}. */
    packed(): GLib.Variant {
        this.packedCache ??= arrayOf(INTERFACE_ENTRY, this.interfaces.map(iface =>
            entry(GLib.Variant.new_string(iface.info.name), iface.packed())));
        return this.packedCache;
    }
}

export class ObjectServer {
    private readonly objects = new Map<string, ExportedObject>();
    private readonly root: Gio.DBusExportedObject;
    private connection: Gio.DBusConnection | null = null;
    private reply: GLib.Variant | null = null;

    constructor(readonly path: string) {
        this.root = Gio.DBusExportedObject.wrapJSObject(OBJECT_MANAGER_XML, {
            GetManagedObjectsAsync: (_args: unknown[], invocation: Gio.DBusMethodInvocation): void => {
                invocation.return_value(this.managedObjects());
            },
        });
    }

    /** Exports on `connection` (null: takes everything off the bus). */
    setConnection(connection: Gio.DBusConnection | null): void {
        if (this.connection !== null) {
            for (const obj of this.objects.values())
                this.takeOff(obj);
            this.root.unexport();
        }
        this.connection = connection;
        if (connection !== null) {
            this.root.export(connection, this.path);
            for (const obj of this.objects.values())
                this.putOn(obj, connection);
        }
    }

    /** Exports `obj`, replacing an object already at its path. */
    export(obj: ExportedObject): void {
        this.unexport(obj.path);
        this.objects.set(obj.path, obj);
        obj.onChanged = (): void => {
            this.reply = null;
        };
        this.reply = null;
        if (this.connection !== null) {
            this.putOn(obj, this.connection);
            this.emit('InterfacesAdded', tupleOf([GLib.Variant.new_object_path(obj.path), obj.packed()]));
        }
    }

    /** Takes the object at `path` off the bus; false if there was none. */
    unexport(path: string): boolean {
        const obj = this.objects.get(path);
        if (obj === undefined)
            return false;
        this.objects.delete(path);
        obj.onChanged = null;
        this.reply = null;
        if (this.connection !== null) {
            this.takeOff(obj);
            this.emit('InterfacesRemoved', new GLib.Variant('(oas)', [path, obj.interfaces.map(i => i.info.name)]));
        }
        return true;
    }

    private managedObjects(): GLib.Variant {
        this.reply ??= tupleOf([arrayOf(OBJECT_ENTRY, [...this.objects.values()].map(obj =>
            entry(GLib.Variant.new_object_path(obj.path), obj.packed())))]);
        return this.reply;
    }

    private putOn(obj: ExportedObject, connection: Gio.DBusConnection): void {
        for (const iface of obj.interfaces)
            iface.skeleton.export(connection, obj.path);
    }

    private takeOff(obj: ExportedObject): void {
        for (const iface of obj.interfaces)
            iface.skeleton.unexport();
    }

    private emit(signal: string, args: GLib.Variant): void {
        try {
            this.connection?.emit_signal(null, this.path, OBJECT_MANAGER_IFACE, signal, args);
        } catch (e) {
            // The bus went away; clients will re-read everything when it returns.
            console.warn(`sigmavaultd: could not emit ${signal}: ${e instanceof Error ? e.message : String(e)}`);
        }
    }
}
