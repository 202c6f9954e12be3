// Datasets and snapshots as clients read them from the daemon, validated,
// and the calls they make (CLI, app, tests).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, DATASET_IFACE, ROOT_PATH } from './dbus-names.js';
import { z } from './vendor/zod.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const u64 = z.union([z.number(), z.bigint()]).transform(v => Number(v));

export const DatasetInfoSchema = z.object({
    Name: z.string(),
    Pool: z.string(),
    Type: z.string(),
    Used: u64,
    Available: u64,
    Referenced: u64,
    UsedBySnapshots: u64,
    UsedByChildren: u64,
    UsedByDataset: u64,
    Mountpoint: z.string(),
    Origin: z.string(),
    Encryption: z.string(),
    KeyStatus: z.string(),
    SnapshotCount: z.number(),
    Features: z.array(z.string()),
    SnapshotPolicy: z.record(z.string(), z.union([z.number(), z.boolean()])).optional(),
    SnapshotPolicyFrom: z.string().optional(),
    NextAutoSnapshot: u64.optional(),
}).transform(d => ({
    name: d.Name,
    pool: d.Pool,
    type: d.Type,
    used: d.Used,
    available: d.Available,
    referenced: d.Referenced,
    usedBySnapshots: d.UsedBySnapshots,
    usedByChildren: d.UsedByChildren,
    usedByDataset: d.UsedByDataset,
    mountpoint: d.Mountpoint,
    origin: d.Origin,
    encryption: d.Encryption,
    keyStatus: d.KeyStatus,
    snapshotCount: d.SnapshotCount,
    features: d.Features,
    /** The dataset's own automatic snapshot policy (SetSnapshotPolicy's keys); {} for none. */
    snapshotPolicy: d.SnapshotPolicy ?? {},
    /** Whose policy takes its automatic snapshots: its own name, an ancestor's, or ''. */
    snapshotPolicyFrom: d.SnapshotPolicyFrom ?? '',
    /** Seconds since the epoch; 0 when no automatic snapshot is due. */
    nextAutoSnapshot: d.NextAutoSnapshot ?? 0,
}));
export type DatasetInfo = z.output<typeof DatasetInfoSchema>;

export const SnapshotRowSchema = z.tuple([z.string(), u64, u64, u64, u64, z.number()])
    .transform(([name, createtxg, creation, used, referenced, holds]) => ({ name, createtxg, creation, used, referenced, holds }));
export type SnapshotRow = z.output<typeof SnapshotRowSchema>;

export const PropertyRowSchema = z.tuple([z.string(), z.string(), z.string(), z.string()])
    .transform(([property, value, source, inheritedFrom]) => ({ property, value, source, inheritedFrom }));
export type PropertyRow = z.output<typeof PropertyRowSchema>;

type ManagedObjects = Record<string, Record<string, Record<string, GLib.Variant>>>;

/** Every dataset object, by name order (parents before their children). */
export async function readDatasets(connection: Gio.DBusConnection): Promise<(DatasetInfo & { path: string })[]> {
    const reply = await connection.call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager',
        'GetManagedObjects', null, new GLib.VariantType('(a{oa{sa{sv}}})'), Gio.DBusCallFlags.NONE, 30000, null);
    const [objects] = reply.deepUnpack<[ManagedObjects]>();
    const out: (DatasetInfo & { path: string })[] = [];
    for (const [path, ifaces] of Object.entries(objects)) {
        const d = ifaces[DATASET_IFACE];
        if (!d)
            continue;
        const plain: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(d))
            plain[k] = v.recursiveUnpack();
        out.push({ ...DatasetInfoSchema.parse(plain), path });
    }
    return out.sort((a, b) => compareDatasetNames(a.name, b.name));
}

/** Orders names as a tree: a parent right before its children. */
export function compareDatasetNames(a: string, b: string): number {
    const pa = a.split('/');
    const pb = b.split('/');
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
        const c = (pa[i] ?? '').localeCompare(pb[i] ?? '');
        if (c !== 0)
            return c;
    }
    return pa.length - pb.length;
}

/** Calls a Dataset1 method on the object at `path`. */
export async function callDataset(connection: Gio.DBusConnection, path: string, method: string,
    args: GLib.Variant | null, timeoutMs = 120000): Promise<GLib.Variant> {
    return connection.call(BUS_NAME, path, DATASET_IFACE, method, args, null,
        Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, timeoutMs, null);
}

export async function listSnapshots(connection: Gio.DBusConnection, path: string, offset: number,
    limit: number): Promise<{ page: SnapshotRow[]; total: number }> {
    const reply = await callDataset(connection, path, 'ListSnapshots', new GLib.Variant('(uua{sv})', [offset, limit, {}]));
    if (reply.get_type_string() !== '(a(sttttu)u)')
        throw new Error(`ListSnapshots answered ${reply.get_type_string()}, not (a(sttttu)u)`);
    // Read field by field: for pages of thousands of rows this is twice as
    // fast as deepUnpack, and the type check above is the validation.
    const rows = reply.get_child_value(0);
    const page: SnapshotRow[] = [];
    for (let i = 0, n = rows.n_children(); i < n; i++) {
        const r = rows.get_child_value(i);
        page.push({
            name: r.get_child_value(0).get_string()[0], createtxg: r.get_child_value(1).get_uint64(),
            creation: r.get_child_value(2).get_uint64(), used: r.get_child_value(3).get_uint64(),
            referenced: r.get_child_value(4).get_uint64(), holds: r.get_child_value(5).get_uint32(),
        });
    }
    return { page, total: reply.get_child_value(1).get_uint32() };
}

export async function getProperties(connection: Gio.DBusConnection, path: string): Promise<PropertyRow[]> {
    const reply = await callDataset(connection, path, 'GetProperties', new GLib.Variant('(a{sv})', [{}]));
    return reply.recursiveUnpack<[unknown[]]>()[0].map(r => PropertyRowSchema.parse(r));
}
