// What clients (app, CLI, Shell, Files) read from the daemon's objects,
// validated: a client trusts the daemon no more than the daemon trusts zpool.
import { z } from './vendor/zod.js';
import { asHealth } from './health.js';
import { parseScheduleProperty } from './scrub-schedule.js';

const u64 = z.union([z.number(), z.bigint()]).transform(v => Number(v));

export const VdevRowSchema = z.tuple([z.number(), z.string(), z.string(), z.string(), z.string(), u64, u64, u64])
    .transform(([depth, name, type, state, path, read, write, checksum]) => ({
        depth, name, type, state: asHealth(state), path, read, write, checksum,
    }));
export type VdevRow = z.output<typeof VdevRowSchema>;

export const PoolInfoSchema = z.object({
    Name: z.string(),
    Guid: z.string(),
    Health: z.string().transform(asHealth),
    Size: u64,
    Allocated: u64,
    Free: u64,
    Fragmentation: z.number(),
    Status: z.string(),
    Action: z.string(),
    Scan: z.string(),
    Errors: z.string(),
    Vdevs: z.array(VdevRowSchema),
    ScanFunction: z.string().default(''),
    ScanState: z.string().default('none'),
    ScanProgress: z.number().default(-1),
    LastScrubEnd: u64.default(0),
    LastScrubDuration: u64.default(0),
    LastScrubErrors: u64.default(0),
    LastScrubRepaired: u64.default(0),
    ScrubSchedule: z.record(z.unknown()).default({}),
    NextScrub: u64.default(0),
}).transform(p => ({
    name: p.Name,
    guid: p.Guid,
    health: p.Health,
    size: p.Size,
    allocated: p.Allocated,
    free: p.Free,
    fragmentation: p.Fragmentation < 0 ? null : p.Fragmentation,
    status: p.Status,
    action: p.Action,
    scan: p.Scan,
    errors: p.Errors,
    vdevs: p.Vdevs,
    scanFunction: p.ScanFunction,
    scanState: p.ScanState,
    scanProgress: p.ScanProgress < 0 ? null : p.ScanProgress,
    /** The last finished scrub, when known (lastScrubEnd in µs since the epoch, else 0). */
    lastScrub: p.LastScrubEnd > 0
        ? { end: p.LastScrubEnd, duration: p.LastScrubDuration, errors: p.LastScrubErrors, repaired: p.LastScrubRepaired }
        : null,
    /** The daemon's scrub schedule for the pool, null when it has none. */
    scrubSchedule: parseScheduleProperty(p.ScrubSchedule),
    /** When the next scheduled scrub starts, µs since the epoch; 0 without a schedule. */
    nextScrub: p.NextScrub,
}));
export type PoolInfo = z.output<typeof PoolInfoSchema>;

export const ManagerInfoSchema = z.object({
    Version: z.string(),
    ZfsAvailable: z.boolean(),
    ZfsImplementation: z.string(),
    ZfsStatus: z.string(),
    ZfsJson: z.boolean(),
    Mounts: z.array(z.tuple([z.string(), z.string(), z.string()])),
    Tools: z.array(z.tuple([z.string(), z.boolean(), z.string(), z.string()])),
}).transform(m => ({
    version: m.Version,
    zfsAvailable: m.ZfsAvailable,
    zfsImplementation: m.ZfsImplementation,
    zfsStatus: m.ZfsStatus,
    zfsJson: m.ZfsJson,
    mounts: m.Mounts.map(([dataset, mountpoint, pool]) => ({ dataset, mountpoint, pool })),
    tools: m.Tools.map(([name, present, version, path]) => ({ name, present, version, path })),
}));
export type ManagerInfo = z.output<typeof ManagerInfoSchema>;
