// What SigmaVault knows about datasets, snapshots and their properties,
// validated with zod: the zfs list / zfs get parsers (text and JSON) all
// return these shapes.
import { z } from '../../shared/vendor/zod.js';

const bytes = z.number().int().nonnegative();

export const DatasetSchema = z.object({
    name: z.string().min(1),
    pool: z.string().min(1),
    type: z.enum(['filesystem', 'volume']),
    used: bytes,
    available: bytes,
    referenced: bytes,
    usedBySnapshots: bytes,
    usedByChildren: bytes,
    usedByDataset: bytes,
    /** A path, "none" or "legacy"; '' for volumes. */
    mountpoint: z.string(),
    /** The snapshot this dataset was cloned from, or ''. */
    origin: z.string(),
    /** "off", a cipher such as "aes-256-gcm", or '' where this ZFS has no encryption. */
    encryption: z.string(),
    /** "none", "available" or "unavailable"; '' where this ZFS has no encryption. */
    keyStatus: z.string(),
}).readonly();
export type Dataset = z.infer<typeof DatasetSchema>;

export const SnapshotSchema = z.object({
    /** Full name, dataset@snapshot. */
    name: z.string().min(3),
    dataset: z.string().min(1),
    /** The part after '@'. */
    snapshot: z.string().min(1),
    createtxg: bytes,
    /** Seconds since the epoch (minute precision where ZFS prints dates). */
    creation: bytes,
    used: bytes,
    referenced: bytes,
    /** User holds (zfs hold). */
    userrefs: bytes,
}).readonly();
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const PROPERTY_SOURCES = ['local', 'default', 'inherited', 'temporary', 'received', 'none'] as const;
export type PropertySource = (typeof PROPERTY_SOURCES)[number];

export const PropertySchema = z.object({
    name: z.string().min(1),
    property: z.string().min(1),
    value: z.string(),
    source: z.enum(PROPERTY_SOURCES),
    /** For inherited values: the dataset they come from; else ''. */
    inheritedFrom: z.string(),
}).readonly();
export type Property = z.infer<typeof PropertySchema>;
