// How many device failures a pool survives, and whether a vdev about to be
// added would lower that. ZFS stripes new writes over every data vdev, so
// the pool is only as safe as its weakest one: a single disk added to a
// mirror pool makes the whole pool fail with that one disk. Pure, so it is
// unit-tested.
import type { Vdev, VdevType } from './model.js';

export const VDEV_LAYOUTS = [
    'disk', 'mirror', 'raidz1', 'raidz2', 'raidz3', 'spare', 'cache', 'log', 'special', 'dedup',
] as const;
export type VdevLayout = (typeof VDEV_LAYOUTS)[number];

/** Fewest devices zpool accepts per layout. */
export const MIN_DEVICES: Readonly<Record<VdevLayout, number>> = {
    disk: 1, mirror: 2, raidz1: 2, raidz2: 3, raidz3: 4, spare: 1, cache: 1, log: 1, special: 1, dedup: 1,
};

/** Layouts whose loss loses the pool: data, and the metadata classes. */
const HOLDS_DATA: ReadonlySet<VdevLayout> = new Set(['disk', 'mirror', 'raidz1', 'raidz2', 'raidz3', 'special', 'dedup']);

/** The zpool add operands for a layout, before the device paths. */
export function layoutWords(layout: VdevLayout, count: number): string[] {
    switch (layout) {
    case 'disk': return [];
    case 'mirror': case 'raidz1': case 'raidz2': case 'raidz3': return [layout];
    case 'spare': case 'cache': return [layout];
    // Two or more log, special or dedup devices are mirrored: one alone is a
    // single point of failure for what it holds.
    case 'log': case 'special': case 'dedup': return count > 1 ? [layout, 'mirror'] : [layout];
    }
}

function parity(type: VdevType): number | null {
    switch (type) {
    case 'raidz1': return 1;
    case 'raidz2': return 2;
    case 'raidz3': return 3;
    default: return null;
    }
}

/** Device failures one top-level vdev survives. */
export function toleratedFailures(v: Vdev): number {
    if (v.type === 'mirror')
        return Math.max(0, v.children.length - 1);
    const p = parity(v.type);
    if (p !== null)
        return p;
    if (v.type === 'draid')
        return Number(/^draid([1-3])/.exec(v.name)?.[1] ?? 1);
    return 0;
}

/** Failures a new vdev of this layout would survive; null for spares and caches, which hold no data. */
export function layoutTolerance(layout: VdevLayout, count: number): number | null {
    if (!HOLDS_DATA.has(layout))
        return null;
    switch (layout) {
    case 'raidz1': return 1;
    case 'raidz2': return 2;
    case 'raidz3': return 3;
    case 'disk': return 0;
    default: return Math.max(0, count - 1); // mirror, and mirrored special/dedup
    }
}

/** The vdevs the pool's data depends on: top-level data vdevs and the special and dedup classes' members. */
export function dataVdevs(root: Vdev): Vdev[] {
    const out: Vdev[] = [];
    for (const c of root.children) {
        if (c.type === 'special' || c.type === 'dedup')
            out.push(...c.children);
        else if (c.type !== 'logs' && c.type !== 'cache' && c.type !== 'spares')
            out.push(c);
    }
    return out;
}

/** The weakest data vdev: what the pool as a whole survives. Null for a pool without data vdevs. */
export function poolTolerance(root: Vdev): { failures: number; weakest: Vdev } | null {
    let best: { failures: number; weakest: Vdev } | null = null;
    for (const v of dataVdevs(root)) {
        const failures = toleratedFailures(v);
        if (best === null || failures < best.failures)
            best = { failures, weakest: v };
    }
    return best;
}

const devicesWord = (n: number): string => `${n} ${n === 1 ? 'device' : 'devices'}`;

function describeVdev(v: Vdev): string {
    if (v.type === 'mirror')
        return `a mirror of ${devicesWord(v.children.length)}`;
    const p = parity(v.type);
    if (p !== null)
        return `a RAID-Z${p} of ${devicesWord(v.children.length)}`;
    return 'a single device';
}

function describeLayout(layout: VdevLayout, count: number): string {
    switch (layout) {
    case 'disk': return 'a single device';
    case 'mirror': return `a mirror of ${devicesWord(count)}`;
    case 'raidz1': case 'raidz2': case 'raidz3':
        return `a RAID-Z${layout.slice(-1)} of ${devicesWord(count)}`;
    default:
        return count > 1 ? `a mirrored ${layout} vdev of ${devicesWord(count)}` : `a single ${layout} device`;
    }
}

const survives = (n: number): string => n === 0 ? 'survives no device failure' : `survives the loss of ${devicesWord(n)}`;

/**
 * Why adding this vdev weakens the pool, in words; null when it does not.
 * A pool with no data vdevs yet, spares and caches never weaken it.
 */
export function weakeningWarning(pool: string, root: Vdev, layout: VdevLayout, count: number): string | null {
    const adds = layoutTolerance(layout, count);
    const has = poolTolerance(root);
    if (adds === null || has === null || adds >= has.failures)
        return null;
    return `Pool ${pool} keeps its data on ${describeVdev(has.weakest)}, which ${survives(has.failures)}. ` +
        `The new vdev would be ${describeLayout(layout, count)}, which ${survives(adds)}. ` +
        'ZFS spreads new data over every vdev: if the new one fails, the whole pool and all its data are lost. ' +
        'Once added, a vdev cannot be taken out again. ' +
        (layout === 'disk' && has.weakest.type === 'mirror'
            ? `Add a mirror of ${devicesWord(has.weakest.children.length)} instead.`
            : `Add a vdev that ${survives(has.failures).replace('survives', 'survives at least')} instead.`);
}
