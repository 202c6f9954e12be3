// One D-Bus interface of one object, described by the XML contract in
// data/dbus/. Properties are held as GVariants so that a change is emitted
// (PropertiesChanged) only when a value really changed; methods are async
// and every failure becomes a named D-Bus error.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { DaemonError } from '../errors.js';
import { ErrorName } from '../../shared/dbus-names.js';
import { DBUS_INTERFACES_DIR } from '../../shared/config.js';
import { arrayOf, entry } from './variant-build.js';

export type MethodHandler = (args: unknown[], invocation: Gio.DBusMethodInvocation) => Promise<GLib.Variant | null>;

const PROPERTY_ENTRY = new GLib.VariantType('{sv}');

const infoCache = new Map<string, Gio.DBusInterfaceInfo>();

/** Introspection data of `name`, read from its installed XML file. */
export function interfaceInfo(name: string): Gio.DBusInterfaceInfo {
    let info = infoCache.get(name);
    if (!info) {
        const dir = GLib.getenv('SIGMAVAULT_DBUS_INTERFACES_DIR') ?? DBUS_INTERFACES_DIR;
        const [, bytes] = GLib.file_get_contents(GLib.build_filenamev([dir, `${name}.xml`]));
        const node = Gio.DBusNodeInfo.new_for_xml(new TextDecoder().decode(bytes));
        const found = node.lookup_interface(name);
        if (!found)
            throw new Error(`${name}.xml does not declare interface ${name}`);
        info = found;
        infoCache.set(name, info);
    }
    return info;
}

export class ExportedInterface {
    readonly skeleton: Gio.DBusInterfaceSkeleton;
    private readonly values = new Map<string, GLib.Variant>();
    private readonly exported: Gio.DBusExportedObject;
    private packedCache: GLib.Variant | null = null;
    /** Called after a property changed (the object server drops its cached reply). */
    onChanged: (() => void) | null = null;

    constructor(readonly info: Gio.DBusInterfaceInfo, methods: Readonly<Record<string, MethodHandler>>) {
        const target: Record<string, unknown> = {};
        // The GIR marks DBusInterfaceInfo's fields private; GJS reads them fine.
        const members = info as unknown as { properties: Gio.DBusPropertyInfo[]; methods: Gio.DBusMethodInfo[] };
        for (const prop of members.properties) {
            Object.defineProperty(target, prop.name, {
                get: () => this.values.get(prop.name),
                enumerable: true,
            });
        }
        for (const method of members.methods) {
            const handler = methods[method.name];
            if (!handler)
                throw new Error(`no handler for ${info.name}.${method.name}`);
            target[`${method.name}Async`] = (args: unknown[], invocation: Gio.DBusMethodInvocation): void => {
                void dispatch(`${info.name}.${method.name}`, handler, args, invocation);
            };
        }
        // wrapJSObject takes introspection data as well as XML text.
        this.exported = Gio.DBusExportedObject.wrapJSObject(info as unknown as string, target);
        this.skeleton = this.exported as unknown as Gio.DBusInterfaceSkeleton;
    }

    /** Sets properties; emits PropertiesChanged for those whose value changed. */
    set(values: Readonly<Record<string, GLib.Variant>>): void {
        let changed = false;
        for (const [name, value] of Object.entries(values)) {
            const old = this.values.get(name);
            if (old?.equal(value))
                continue;
            this.values.set(name, value);
            changed = true;
            if (old !== undefined)
                this.exported.emit_property_changed(name, value);
        }
        if (changed) {
            this.packedCache = null;
            this.onChanged?.();
        }
    }

    /** Every property, as the a{sv} GetManagedObjects returns for this interface. */
    packed(): GLib.Variant {
        this.packedCache ??= arrayOf(PROPERTY_ENTRY, [...this.values].map(([name, value]) =>
            entry(GLib.Variant.new_string(name), GLib.Variant.new_variant(value))));
        return this.packedCache;
    }

    get(name: string): GLib.Variant | undefined {
        return this.values.get(name);
    }

    /** Emits a signal the XML declares; `args` is a tuple variant of its arguments. */
    emitSignal(name: string, args: GLib.Variant): void {
        this.exported.emit_signal(name, args);
    }
}

async function dispatch(name: string, handler: MethodHandler, args: unknown[],
    invocation: Gio.DBusMethodInvocation): Promise<void> {
    try {
        invocation.return_value(await handler(args, invocation));
    } catch (e) {
        if (e instanceof DaemonError) {
            invocation.return_dbus_error(e.dbusName, e.message);
        } else {
            const message = e instanceof Error ? e.message : String(e);
            logError(e instanceof Error ? e : new Error(String(e)), `${name} failed`);
            invocation.return_dbus_error(ErrorName.Failed, message);
        }
    }
}
