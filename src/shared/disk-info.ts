// Disks over D-Bus (com.sigmavault.Disk1, data/dbus/com.sigmavault.Disk1.xml):
// names, and what clients read from the daemon's disk objects, validated.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, ROOT_PATH, escapePathElement } from './dbus-names.js';
import { z } from './vendor/zod.js';

export const DISK_IFACE = 'com.sigmavault.Disk1';
export const DISKS_PATH = `${ROOT_PATH}/disks`;

export function diskPath(id: string): string {
    return `${DISKS_PATH}/${escapePathElement(id)}`;
}

export const DISK_VERDICTS = ['passed', 'warning', 'failing', 'unknown'] as const;
export type DiskVerdict = (typeof DISK_VERDICTS)[number];
export const DISK_TYPES = ['hdd', 'ssd', 'nvme', 'unknown'] as const;
export type DiskType = (typeof DISK_TYPES)[number];

const u64 = z.union([z.number(), z.bigint()]).transform(v => Number(v));

export const SELF_TEST_RESULTS = ['passed', 'failed', 'aborted', 'interrupted', 'running', 'unknown'] as const;
export type SelfTestResultName = (typeof SELF_TEST_RESULTS)[number];

/** One entry of Disk1.SelfTestLog (see the interface XML). */
export const SelfTestEntrySchema = z.object({
    type: z.string(),
    description: z.string(),
    result: z.string().transform(r => ((SELF_TEST_RESULTS as readonly string[]).includes(r) ? r as SelfTestResultName : 'unknown')),
    status: z.string(),
    lifetime_hours: u64.optional(),
    remaining_percent: z.number().optional(),
    lba: u64.optional(),
}).transform(e => ({
    type: e.type,
    description: e.description,
    result: e.result,
    status: e.status,
    lifetimeHours: e.lifetime_hours ?? null,
    remainingPercent: e.remaining_percent ?? null,
    lba: e.lba ?? null,
}));
export type SelfTestLogEntry = z.output<typeof SelfTestEntrySchema>;

export const DiskInfoSchema = z.object({
    Id: z.string(),
    Name: z.string(),
    Device: z.string(),
    Model: z.string(),
    Serial: z.string(),
    Wwn: z.string(),
    Firmware: z.string(),
    Size: u64,
    Type: z.string().transform(t => ((DISK_TYPES as readonly string[]).includes(t) ? t as DiskType : 'unknown')),
    Transport: z.string(),
    Temperature: z.number(),
    PowerOnHours: u64,
    Pool: z.string(),
    Vdev: z.string(),
    Verdict: z.string().transform(v => ((DISK_VERDICTS as readonly string[]).includes(v) ? v as DiskVerdict : 'unknown')),
    Reasons: z.array(z.string()),
    SmartAvailable: z.boolean(),
    SmartState: z.string(),
    SmartExitStatus: z.number(),
    LastChecked: u64,
    SelfTestTypes: z.array(z.string()),
    SelfTestRunning: z.boolean(),
    SelfTestRemaining: z.number(),
    SelfTestLog: z.array(SelfTestEntrySchema),
}).transform(d => ({
    id: d.Id,
    name: d.Name,
    device: d.Device,
    model: d.Model,
    serial: d.Serial,
    wwn: d.Wwn,
    firmware: d.Firmware,
    size: d.Size,
    type: d.Type,
    transport: d.Transport,
    temperature: d.Temperature < 0 ? null : d.Temperature,
    powerOnHours: d.PowerOnHours < 0 ? null : d.PowerOnHours,
    pool: d.Pool,
    vdev: d.Vdev,
    verdict: d.Verdict,
    reasons: d.Reasons,
    smartAvailable: d.SmartAvailable,
    smartState: d.SmartState,
    smartExitStatus: d.SmartExitStatus < 0 ? null : d.SmartExitStatus,
    lastChecked: d.LastChecked,
    selfTestTypes: d.SelfTestTypes,
    selfTestRunning: d.SelfTestRunning,
    selfTestRemaining: d.SelfTestRemaining < 0 ? null : d.SelfTestRemaining,
    selfTestLog: d.SelfTestLog,
}));
export type DiskInfo = z.output<typeof DiskInfoSchema>;

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

type ManagedObjects = Record<string, Record<string, Record<string, GLib.Variant>>>;

/** The daemon's disks, sorted by kernel name (one-shot read, for the CLI and tests). */
export async function readDisks(connection: Gio.DBusConnection): Promise<DiskInfo[]> {
    const reply = await connection.call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager',
        'GetManagedObjects', null, new GLib.VariantType('(a{oa{sa{sv}}})'), Gio.DBusCallFlags.NONE, 30000, null);
    const [objects] = reply.deepUnpack<[ManagedObjects]>();
    const disks: DiskInfo[] = [];
    for (const ifaces of Object.values(objects)) {
        const props = ifaces[DISK_IFACE];
        if (!props)
            continue;
        const plain: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(props))
            plain[k] = v.recursiveUnpack();
        disks.push(DiskInfoSchema.parse(plain));
    }
    return disks.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}
