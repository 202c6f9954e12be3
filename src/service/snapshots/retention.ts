// Periodic snapshot policies, sanoid style: how many snapshots to keep per
// period (frequent, hourly, daily, weekly, monthly, yearly), when each
// period is due, what they are named, and what a prune deletes. Pure (no
// GLib, no ZFS): the daemon feeds it the snapshot lists and the pool's
// capacity, and the preview shown to people is computed by exactly the
// same function that the prune job runs.
//
// Rules:
// - A period is due when no snapshot of it was created since the start of
//   its current slot (hourly: the hour; daily: local midnight; weekly:
//   Monday; monthly: the 1st; yearly: 1 January; frequent: every N seconds
//   from local midnight). A computer that was off catches up once when it
//   is back, not once per missed slot.
// - Automatic snapshots are named sv-auto-<period>-YYYY-MM-DD_HHMM (local
//   time), with seconds appended only when that name is taken. Anything
//   else is a manual snapshot and is never pruned.
// - A prune keeps the newest N of each period (by creation txg). Of the
//   rest it never deletes held snapshots (zfs hold) or snapshots that are
//   the origin of a clone; with "wait until nearly full" it deletes nothing
//   while the pool is below NEARLY_FULL (or its capacity is unknown), so
//   old snapshots stay as long as there is room.
// - Snapshots about to be taken count as the newest of their period, so
//   the preview of a save that also takes a snapshot is exact.

export const PERIODS = ['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type Period = (typeof PERIODS)[number];

export const AUTO_PREFIX = 'sv-auto-';
/** The pool capacity from which "wait until nearly full" prunes (the first capacity alert). */
export const NEARLY_FULL = 0.8;
export const DEFAULT_FREQUENT_INTERVAL = 15 * 60;
/** Longest frequent interval: beyond an hour, hourly snapshots do the job. */
export const MAX_FREQUENT_INTERVAL = 60 * 60;
export const MAX_COUNT = 1000;

export interface SnapshotPolicy {
    /** How many of each period to keep; 0: that period is not taken, and its old snapshots go. */
    readonly counts: Readonly<Record<Period, number>>;
    /** Seconds between frequent snapshots. */
    readonly frequentInterval: number;
    /** Snapshot the dataset and all its children at once (zfs snapshot -r), and prune each. */
    readonly recursive: boolean;
    /** Keep expired snapshots until the pool is nearly full. */
    readonly waitUntilNearlyFull: boolean;
}

/** What the policy needs to know about one existing snapshot. */
export interface SnapshotFacts {
    /** The part after '@'. */
    readonly name: string;
    readonly createtxg: number;
    /** Seconds since the epoch. */
    readonly creation: number;
    /** It has user holds (zfs holds). */
    readonly held: boolean;
    /** A clone was made from it (zfs destroy would refuse). */
    readonly cloned: boolean;
}

export interface DatasetSnapshots {
    readonly dataset: string;
    readonly snapshots: readonly SnapshotFacts[];
}

export type SpareReason = 'held' | 'cloned' | 'waiting';

export interface Plan {
    /** Full names of the snapshots to take now (with -r for a recursive policy, one command each). */
    readonly take: { readonly period: Period; readonly snapshot: string }[];
    /** Full names the prune destroys, oldest first per dataset. */
    readonly destroy: string[];
    /** Snapshots beyond their period's count that the prune keeps, and why. */
    readonly spared: { readonly snapshot: string; readonly reason: SpareReason }[];
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** sv-auto-daily-2026-12-01_0900 (or …_090005 with seconds). */
export function autoName(period: Period, when: Date, withSeconds: boolean): string {
    return `${AUTO_PREFIX}${period}-${pad(when.getFullYear(), 4)}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}_` +
        `${pad(when.getHours())}${pad(when.getMinutes())}${withSeconds ? pad(when.getSeconds()) : ''}`;
}

const AUTO_NAME = new RegExp(`^${AUTO_PREFIX}(${PERIODS.join('|')})-(\\d{4})-(\\d{2})-(\\d{2})_(\\d{2})(\\d{2})(\\d{2})?$`);

/** The period of an automatic snapshot's name, or null for any other (manual) snapshot. */
export function periodOf(name: string): Period | null {
    const m = AUTO_NAME.exec(name);
    if (m === null)
        return null;
    const [month, day, hour, minute, second] = [m[3], m[4], m[5], m[6], m[7] ?? '00'].map(Number) as
        [number, number, number, number, number];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
        return null;
    return m[1] as Period;
}

/** Start (ms since the epoch) of the slot of `period` that contains `now`. */
export function slotStart(period: Period, now: Date, frequentInterval: number): number {
    const y = now.getFullYear();
    const mo = now.getMonth();
    const d = now.getDate();
    switch (period) {
    case 'frequent': {
        const midnight = new Date(y, mo, d).getTime();
        const step = frequentInterval * 1000;
        return midnight + Math.floor((now.getTime() - midnight) / step) * step;
    }
    case 'hourly': return new Date(y, mo, d, now.getHours()).getTime();
    case 'daily': return new Date(y, mo, d).getTime();
    // ISO weeks start on Monday (getDay: 0 is Sunday).
    case 'weekly': return new Date(y, mo, d - ((now.getDay() + 6) % 7)).getTime();
    case 'monthly': return new Date(y, mo, 1).getTime();
    case 'yearly': return new Date(y, 0, 1).getTime();
    }
}

/** Start (ms) of the slot after the one containing `now`. */
export function nextSlotStart(period: Period, now: Date, frequentInterval: number): number {
    const start = new Date(slotStart(period, now, frequentInterval));
    const y = start.getFullYear();
    const mo = start.getMonth();
    const d = start.getDate();
    switch (period) {
    case 'frequent': {
        const next = start.getTime() + frequentInterval * 1000;
        // Slots restart at midnight, so the day's last one may be shorter.
        return Math.min(next, new Date(y, mo, d + 1).getTime());
    }
    case 'hourly': return new Date(y, mo, d, start.getHours() + 1).getTime();
    case 'daily': return new Date(y, mo, d + 1).getTime();
    case 'weekly': return new Date(y, mo, d + 7).getTime();
    case 'monthly': return new Date(y, mo + 1, 1).getTime();
    case 'yearly': return new Date(y + 1, 0, 1).getTime();
    }
}

/** Periods whose current slot has no snapshot yet, judged by the policy's own dataset. */
export function duePeriods(policy: SnapshotPolicy, now: Date, snapshots: readonly SnapshotFacts[]): Period[] {
    return PERIODS.filter(p => {
        if (policy.counts[p] === 0)
            return false;
        const start = slotStart(p, now, policy.frequentInterval);
        return !snapshots.some(s => periodOf(s.name) === p && s.creation * 1000 >= start);
    });
}

/** When (ms) the next snapshot is due: `now` when one is due already; null when nothing is ever taken. */
export function nextDue(policy: SnapshotPolicy, now: Date, snapshots: readonly SnapshotFacts[]): number | null {
    if (duePeriods(policy, now, snapshots).length > 0)
        return now.getTime();
    const times = PERIODS.filter(p => policy.counts[p] > 0).map(p => nextSlotStart(p, now, policy.frequentInterval));
    return times.length === 0 ? null : Math.min(...times);
}

function newestFirst(a: SnapshotFacts, b: SnapshotFacts): number {
    return b.createtxg - a.createtxg || b.creation - a.creation;
}

/**
 * What to take now and what the prune after it deletes, for the policy's
 * dataset (`tree[0]`) and, for a recursive policy, its descendants (the
 * rest of `tree`). `capacity` is the pool's allocated/size, or null when
 * unknown. With `taking` false, nothing is taken (the prune job, which
 * runs after the snapshots were taken).
 */
export function plan(policy: SnapshotPolicy, now: Date, tree: readonly DatasetSnapshots[], capacity: number | null,
    taking = true): Plan {
    const root = tree[0];
    if (root === undefined)
        return { take: [], destroy: [], spared: [] };
    const scope = policy.recursive ? tree : [root];
    const taken = new Set(scope.flatMap(t => t.snapshots.map(s => s.name)));
    const take: { period: Period; snapshot: string; name: string }[] = [];
    for (const period of taking ? duePeriods(policy, now, root.snapshots) : []) {
        // Names are minutes; seconds only when needed (a clock turned back, very short intervals).
        const name = [autoName(period, now, false), autoName(period, now, true)].find(n => !taken.has(n));
        if (name === undefined)
            continue;
        taken.add(name);
        take.push({ period, snapshot: `${root.dataset}@${name}`, name });
    }
    const waiting = policy.waitUntilNearlyFull && (capacity === null || capacity < NEARLY_FULL);
    const destroy: string[] = [];
    const spared: { snapshot: string; reason: SpareReason }[] = [];
    for (const { dataset, snapshots } of scope) {
        const future = take.map(t => ({ name: t.name, createtxg: Infinity, creation: now.getTime() / 1000, held: false, cloned: false }));
        const beyond: SnapshotFacts[] = [];
        for (const period of PERIODS) {
            const own = [...future, ...snapshots].filter(s => periodOf(s.name) === period).sort(newestFirst);
            beyond.push(...own.slice(policy.counts[period]));
        }
        // Oldest first, as a person reads a list of what goes.
        for (const s of beyond.sort((a, b) => newestFirst(b, a))) {
            const snapshot = `${dataset}@${s.name}`;
            if (s.held)
                spared.push({ snapshot, reason: 'held' });
            else if (s.cloned)
                spared.push({ snapshot, reason: 'cloned' });
            else if (waiting)
                spared.push({ snapshot, reason: 'waiting' });
            else
                destroy.push(snapshot);
        }
    }
    return { take: take.map(({ period, snapshot }) => ({ period, snapshot })), destroy, spared };
}
