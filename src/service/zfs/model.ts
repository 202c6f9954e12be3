// What SigmaVault knows about a pool, validated with zod: every parser
// returns these shapes, so nothing a tool prints is trusted unchecked.
import { z } from '../../shared/vendor/zod.js';
import { HEALTH_STATES, type Health } from '../../shared/health.js';
import { ScanInfoSchema } from './scan.js';

export const HealthSchema = z.enum(HEALTH_STATES);

/** Vdev kinds: leaf devices, redundancy groups, and the pool's special classes. */
export const VDEV_TYPES = [
    'root', 'disk', 'file', 'mirror', 'raidz1', 'raidz2', 'raidz3', 'draid',
    'replacing', 'spare', 'logs', 'cache', 'spares', 'special', 'dedup', 'missing', 'unknown',
] as const;
export type VdevType = (typeof VDEV_TYPES)[number];

export interface Vdev {
    readonly name: string;
    readonly type: VdevType;
    /** For spares, AVAIL/INUSE are mapped to ONLINE/DEGRADED-free states; see parsers. */
    readonly state: Health;
    /** Device path for leaves where known (JSON output; text output when the name is a path). */
    readonly path: string | null;
    readonly readErrors: number;
    readonly writeErrors: number;
    readonly checksumErrors: number;
    readonly children: readonly Vdev[];
}

const count = z.number().int().nonnegative();

export const VdevSchema: z.ZodType<Vdev> = z.lazy(() => z.object({
    name: z.string().min(1),
    type: z.enum(VDEV_TYPES),
    state: HealthSchema,
    path: z.string().nullable(),
    readErrors: count,
    writeErrors: count,
    checksumErrors: count,
    children: z.array(VdevSchema).readonly(),
}).readonly());

/** One row of `zpool list`. */
export const PoolSummarySchema = z.object({
    name: z.string().min(1),
    // 64-bit guid: kept as a decimal string, never a JS number.
    guid: z.string().regex(/^[0-9]+$/),
    health: HealthSchema,
    size: count,
    allocated: count,
    free: count,
    fragmentation: z.number().int().min(0).max(100).nullable(),
}).readonly();
export type PoolSummary = z.infer<typeof PoolSummarySchema>;

/** One pool of `zpool status`. */
export const PoolStatusSchema = z.object({
    name: z.string().min(1),
    state: HealthSchema,
    /** The status: and action: paragraphs, joined into one line each; '' when absent. */
    status: z.string(),
    action: z.string(),
    /** The scan: (or old scrub:) paragraph; '' when absent. */
    scan: z.string(),
    /** The errors: summary; '' when absent. */
    errors: z.string(),
    /** The scan as numbers, where the output has them as such (JSON); else read from `scan`. */
    scanInfo: ScanInfoSchema.optional(),
    /** The root vdev (type 'root', named like the pool); special classes are its children. */
    root: VdevSchema,
}).readonly();
export type PoolStatus = z.infer<typeof PoolStatusSchema>;

export interface Pool extends PoolSummary {
    readonly status: PoolStatus | null;
}

export type { Health };
