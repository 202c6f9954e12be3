// `lsblk --json --bytes -o <LSBLK_COLUMNS>`: block devices as a tree (disks
// with their partitions as children), validated with zod. util-linux has
// printed numbers and booleans both as JSON values and as strings over the
// years; both are read.
import { z } from '../../shared/vendor/zod.js';
import { ParseError, describeIssues } from '../zfs/parse-error.js';

export const LSBLK_COLUMNS = ['NAME', 'PATH', 'SIZE', 'TYPE', 'ROTA', 'TRAN', 'MODEL', 'SERIAL', 'WWN',
    'MOUNTPOINTS', 'FSTYPE', 'PARTUUID'] as const;

/** The argv (after "lsblk") that produces what parseLsblk reads. */
export const LSBLK_ARGS: readonly string[] = ['--json', '--bytes', '-o', LSBLK_COLUMNS.join(',')];

const text = z.string().nullable().optional().transform(v => {
    const t = (v ?? '').trim();
    return t === '' ? null : t;
});
const size = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number), z.null()])
    .optional().transform(v => v ?? 0);
const flag = z.union([z.boolean(), z.enum(['0', '1']).transform(v => v === '1'), z.null()])
    .optional().transform(v => v ?? false);

export interface BlockDevice {
    readonly name: string;
    readonly path: string;
    readonly size: number;
    readonly type: string;
    readonly rotational: boolean;
    readonly transport: string | null;
    readonly model: string | null;
    readonly serial: string | null;
    readonly wwn: string | null;
    readonly mountpoints: readonly string[];
    readonly fstype: string | null;
    readonly partuuid: string | null;
    readonly children: readonly BlockDevice[];
}

interface RawDevice {
    name: string;
    path?: string | null | undefined;
    size?: number | string | null | undefined;
    type: string;
    rota?: boolean | string | null | undefined;
    tran?: string | null | undefined;
    model?: string | null | undefined;
    serial?: string | null | undefined;
    wwn?: string | null | undefined;
    mountpoints?: (string | null)[] | null | undefined;
    mountpoint?: string | null | undefined;
    fstype?: string | null | undefined;
    partuuid?: string | null | undefined;
    children?: RawDevice[] | undefined;
}

const DeviceSchema: z.ZodType<BlockDevice, z.ZodTypeDef, RawDevice> = z.lazy(() => z.object({
    name: z.string().min(1).regex(/^[^/\s]+$/, 'a kernel name without slashes or blanks'),
    path: z.string().startsWith('/').nullable().optional(),
    size,
    type: z.string().min(1),
    rota: flag,
    tran: text,
    model: text,
    serial: text,
    wwn: text,
    mountpoints: z.array(z.string().nullable()).nullable().optional(),
    // lsblk before 2.37 had only MOUNTPOINT.
    mountpoint: z.string().nullable().optional(),
    fstype: text,
    partuuid: text,
    children: z.array(DeviceSchema).optional(),
}).transform(d => ({
    name: d.name,
    path: d.path ?? `/dev/${d.name}`,
    size: d.size,
    type: d.type,
    rotational: d.rota,
    transport: d.tran,
    model: d.model,
    serial: d.serial,
    wwn: d.wwn,
    mountpoints: [...(d.mountpoints ?? []), d.mountpoint ?? null].filter((m): m is string => typeof m === 'string' && m !== ''),
    fstype: d.fstype,
    partuuid: d.partuuid,
    children: d.children ?? [],
})));

const DocumentSchema = z.object({ blockdevices: z.array(DeviceSchema) });

export function parseLsblk(json: string): BlockDevice[] {
    let data: unknown;
    try {
        data = JSON.parse(json);
    } catch (e) {
        throw new ParseError('lsblk --json', `not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const result = DocumentSchema.safeParse(data);
    if (!result.success)
        throw new ParseError('lsblk --json', describeIssues(result.error.issues));
    return result.data.blockdevices;
}

/** Kernel devices that look like disks to lsblk but are not drives. */
const NOT_DRIVES = /^(loop|zram|ram|fd|sr|nbd|md|dm-)/;

/** Whole physical disks: TYPE disk, with a size, not RAM, loop or network block devices. */
export function wholeDisks(devices: readonly BlockDevice[]): BlockDevice[] {
    return devices.filter(d => d.type === 'disk' && d.size > 0 && !NOT_DRIVES.test(d.name));
}

/** The device and all its descendants (partitions, and what sits on them). */
export function selfAndDescendants(device: BlockDevice): BlockDevice[] {
    return [device, ...device.children.flatMap(selfAndDescendants)];
}
