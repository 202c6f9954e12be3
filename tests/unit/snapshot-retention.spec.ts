// The retention logic of automatic snapshots (src/service/snapshots/): names,
// slots, what is due, and exactly what a prune deletes. Dates are built in
// local time, as the daemon names and schedules snapshots in local time.
import { parsePolicies, PolicyError, policyFromDict, policyToDict, serializePolicies } from '../../src/service/snapshots/policy-file.js';
import {
    autoName, duePeriods, nextDue, nextSlotStart, periodOf, plan, type Period, type SnapshotFacts, type SnapshotPolicy, slotStart,
} from '../../src/service/snapshots/retention.js';

const counts = (c: Partial<Record<Period, number>>): Record<Period, number> =>
    ({ frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0, ...c });
const policy = (c: Partial<Record<Period, number>>, more: Partial<SnapshotPolicy> = {}): SnapshotPolicy =>
    ({ counts: counts(c), frequentInterval: 900, recursive: false, waitUntilNearlyFull: false, ...more });

let txg = 100;
/** A snapshot created at `when`, with the next creation txg. */
function snap(name: string, when: Date, extra: Partial<SnapshotFacts> = {}): SnapshotFacts {
    return { name, createtxg: txg++, creation: Math.floor(when.getTime() / 1000), held: false, cloned: false, ...extra };
}
/** An automatic snapshot of `period` named for, and created at, `when`. */
const auto = (period: Period, when: Date, extra: Partial<SnapshotFacts> = {}): SnapshotFacts =>
    snap(autoName(period, when, false), when, extra);

const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date => new Date(y, mo - 1, d, h, mi, s);

describe('automatic snapshot names', () => {
    it('are sv-auto-PERIOD-YYYY-MM-DD_HHMM in local time, seconds only when asked', () => {
        expect(autoName('daily', at(2026, 12, 1, 9, 0), false)).toBe('sv-auto-daily-2026-12-01_0900');
        expect(autoName('frequent', at(2026, 1, 5, 23, 45, 7), true)).toBe('sv-auto-frequent-2026-01-05_234507');
    });

    it('tell their period; anything else is a manual snapshot', () => {
        expect(periodOf('sv-auto-hourly-2026-12-01_0900')).toBe('hourly');
        expect(periodOf('sv-auto-frequent-2026-12-01_090015')).toBe('frequent');
        for (const manual of ['manual-2026-12-01', 'sv-auto-daily', 'sv-auto-daily-2026-12-01_0900-copy', 'sv-auto-fortnightly-2026-12-01_0900',
            'xsv-auto-daily-2026-12-01_0900', 'sv-auto-daily-2026-13-01_0900', 'sv-auto-daily-2026-12-01_2460', 'autosnap_2026-12-01_daily'])
            expect(periodOf(manual)).withContext(manual).toBeNull();
    });
});

describe('slots', () => {
    const now = at(2026, 12, 2, 14, 37, 20); // a Wednesday
    it('start on the hour, at midnight, on Monday, on the 1st and on 1 January', () => {
        expect(slotStart('hourly', now, 900)).toBe(at(2026, 12, 2, 14).getTime());
        expect(slotStart('daily', now, 900)).toBe(at(2026, 12, 2).getTime());
        expect(slotStart('weekly', now, 900)).toBe(at(2026, 11, 30).getTime());
        expect(slotStart('weekly', at(2026, 12, 6, 23, 59), 900)).toBe(at(2026, 11, 30).getTime()); // Sunday
        expect(slotStart('weekly', at(2026, 11, 30), 900)).toBe(at(2026, 11, 30).getTime()); // Monday midnight
        expect(slotStart('monthly', now, 900)).toBe(at(2026, 12, 1).getTime());
        expect(slotStart('yearly', now, 900)).toBe(at(2026, 1, 1).getTime());
    });

    it('of frequent snapshots count from midnight in steps of the interval', () => {
        expect(slotStart('frequent', now, 900)).toBe(at(2026, 12, 2, 14, 30).getTime());
        expect(nextSlotStart('frequent', now, 900)).toBe(at(2026, 12, 2, 14, 45).getTime());
        expect(slotStart('frequent', now, 5)).toBe(at(2026, 12, 2, 14, 37, 20).getTime());
        expect(nextSlotStart('frequent', now, 7)).toBe(at(2026, 12, 2, 14, 37, 27).getTime()); // 52640 s = 7520 × 7
        expect(slotStart('frequent', at(2026, 12, 2, 14, 37, 26), 7)).toBe(at(2026, 12, 2, 14, 37, 20).getTime());
        // The last slot of a day ends at midnight.
        expect(nextSlotStart('frequent', at(2026, 12, 2, 23, 59), 7 * 60)).toBe(at(2026, 12, 3).getTime());
    });

    it('end where the next one begins, across months and years', () => {
        expect(nextSlotStart('hourly', at(2026, 12, 31, 23, 5), 900)).toBe(at(2027, 1, 1).getTime());
        expect(nextSlotStart('daily', at(2026, 2, 28, 12), 900)).toBe(at(2026, 3, 1).getTime());
        expect(nextSlotStart('weekly', now, 900)).toBe(at(2026, 12, 7).getTime());
        expect(nextSlotStart('monthly', at(2026, 12, 15), 900)).toBe(at(2027, 1, 1).getTime());
        expect(nextSlotStart('yearly', now, 900)).toBe(at(2027, 1, 1).getTime());
    });
});

describe('what is due', () => {
    const p = policy({ hourly: 24, daily: 7, monthly: 6 });

    it('is every period with a count whose slot has no snapshot yet', () => {
        expect(duePeriods(p, at(2026, 12, 2, 9, 10), [])).toEqual(['hourly', 'daily', 'monthly']);
        const snaps = [auto('hourly', at(2026, 12, 2, 9)), auto('daily', at(2026, 12, 2, 0, 0, 3)), auto('monthly', at(2026, 12, 1))];
        expect(duePeriods(p, at(2026, 12, 2, 9, 59, 59), snaps)).toEqual([]);
        expect(duePeriods(p, at(2026, 12, 2, 10), snaps)).toEqual(['hourly']);
        expect(nextDue(p, at(2026, 12, 2, 9, 30), snaps)).toBe(at(2026, 12, 2, 10).getTime());
    });

    it('catches up once after the computer was off, not once per missed slot', () => {
        const snaps = [auto('hourly', at(2026, 12, 1, 18)), auto('daily', at(2026, 12, 1, 0, 0, 1)), auto('monthly', at(2026, 12, 1))];
        const morning = at(2026, 12, 2, 9, 2);
        const r = plan(p, morning, [{ dataset: 'tank/a', snapshots: snaps }], 0.1);
        expect(r.take).toEqual([
            { period: 'hourly', snapshot: 'tank/a@sv-auto-hourly-2026-12-02_0902' },
            { period: 'daily', snapshot: 'tank/a@sv-auto-daily-2026-12-02_0902' },
        ]);
    });

    it('ignores manual snapshots and periods with a count of 0', () => {
        const snaps = [snap('manual-now', at(2026, 12, 2, 9, 5))];
        expect(duePeriods(policy({ daily: 1 }), at(2026, 12, 2, 9, 10), snaps)).toEqual(['daily']);
        expect(nextDue(policy({}), at(2026, 12, 2), snaps)).toBeNull();
    });

    it('adds seconds to a name only when the minute’s name is taken', () => {
        const now = at(2026, 12, 2, 9, 10, 30);
        const taken = [snap('sv-auto-frequent-2026-12-02_0910', at(2026, 12, 2, 9, 10, 0))];
        const r = plan(policy({ frequent: 4 }, { frequentInterval: 10 }), now, [{ dataset: 'tank', snapshots: taken }], null);
        expect(r.take.map(t => t.snapshot)).toEqual(['tank@sv-auto-frequent-2026-12-02_091030']);
    });
});

describe('pruning', () => {
    const now = at(2026, 12, 2, 9, 30);
    const hours = (n: number, extra: (i: number) => Partial<SnapshotFacts> = () => ({})): SnapshotFacts[] =>
        Array.from({ length: n }, (_x, i) => auto('hourly', at(2026, 12, 2, 9 - n + 1 + i), extra(i)));

    it('keeps the newest N of each period and deletes the rest, oldest first', () => {
        const snaps = [...hours(6), auto('daily', at(2026, 11, 30)), auto('daily', at(2026, 12, 1)), auto('daily', at(2026, 12, 2))];
        const r = plan(policy({ hourly: 4, daily: 2 }), now, [{ dataset: 'tank/docs', snapshots: snaps }], 0.5);
        expect(r.take).toEqual([]);
        // Oldest first by creation txg: the hourly ones were created before the daily ones here.
        expect(r.destroy).toEqual([
            'tank/docs@sv-auto-hourly-2026-12-02_0400', 'tank/docs@sv-auto-hourly-2026-12-02_0500', 'tank/docs@sv-auto-daily-2026-11-30_0000',
        ]);
        expect(r.spared).toEqual([]);
    });

    it('judges age by creation order, not by name', () => {
        // A snapshot whose name says 09:00 but was created first (a clock set back) is the oldest.
        const snaps = [snap('sv-auto-hourly-2026-12-02_0900', at(2026, 12, 2, 7)), snap('sv-auto-hourly-2026-12-02_0800', at(2026, 12, 2, 8))];
        expect(plan(policy({ hourly: 1 }), now, [{ dataset: 't', snapshots: snaps }], null, false).destroy).toEqual(['t@sv-auto-hourly-2026-12-02_0900']);
    });

    it('never deletes held snapshots, clone origins or manual snapshots', () => {
        const snaps = [snap('before-upgrade', at(2026, 12, 1)), ...hours(5, i => ({ held: i === 0, cloned: i === 1 })), snap('sv-auto-hourly-old', at(2026, 11, 1))];
        const r = plan(policy({ hourly: 2 }), now, [{ dataset: 'tank', snapshots: snaps }], 0.5);
        expect(r.destroy).toEqual(['tank@sv-auto-hourly-2026-12-02_0700']);
        expect(r.spared).toEqual([
            { snapshot: 'tank@sv-auto-hourly-2026-12-02_0500', reason: 'held' },
            { snapshot: 'tank@sv-auto-hourly-2026-12-02_0600', reason: 'cloned' },
        ]);
        expect(r.destroy.concat(r.spared.map(s => s.snapshot))).not.toContain('tank@before-upgrade');
        expect(r.destroy).not.toContain('tank@sv-auto-hourly-old');
    });

    it('a held snapshot still counts toward the newest N', () => {
        const r = plan(policy({ hourly: 2 }), now, [{ dataset: 't', snapshots: hours(3, i => ({ held: i === 2 })) }], null);
        expect(r.destroy).toEqual(['t@sv-auto-hourly-2026-12-02_0700']);
    });

    it('keeps exactly N at the boundary, and with a count of 0 deletes every snapshot of that period', () => {
        expect(plan(policy({ hourly: 3 }), now, [{ dataset: 't', snapshots: hours(3) }], null).destroy).toEqual([]);
        expect(plan(policy({ hourly: 2 }), now, [{ dataset: 't', snapshots: hours(3) }], null).destroy.length).toBe(1);
        const r = plan(policy({ daily: 1 }), now, [{ dataset: 't', snapshots: [...hours(2), auto('daily', at(2026, 12, 2))] }], null);
        expect(r.destroy).toEqual(['t@sv-auto-hourly-2026-12-02_0800', 't@sv-auto-hourly-2026-12-02_0900']);
    });

    it('counts the snapshots about to be taken as the newest', () => {
        const r = plan(policy({ hourly: 3 }), at(2026, 12, 2, 10, 0, 1), [{ dataset: 't', snapshots: hours(3) }], null);
        expect(r.take.map(t => t.snapshot)).toEqual(['t@sv-auto-hourly-2026-12-02_1000']);
        expect(r.destroy).toEqual(['t@sv-auto-hourly-2026-12-02_0700']);
        // The prune job, after the snapshot was taken, deletes the same.
        const after = [...hours(3), auto('hourly', at(2026, 12, 2, 10, 0, 1))];
        expect(plan(policy({ hourly: 3 }), at(2026, 12, 2, 10, 0, 2), [{ dataset: 't', snapshots: after }], null, false))
            .toEqual({ take: [], destroy: r.destroy, spared: [] });
    });

    it('waits until the pool is nearly full only when asked to, and while its capacity is unknown', () => {
        const tree = [{ dataset: 't', snapshots: hours(4) }];
        const waiting = policy({ hourly: 2 }, { waitUntilNearlyFull: true });
        expect(plan(waiting, now, tree, 0.79).destroy).toEqual([]);
        expect(plan(waiting, now, tree, 0.79).spared.map(s => s.reason)).toEqual(['waiting', 'waiting']);
        expect(plan(waiting, now, tree, null).destroy).toEqual([]);
        expect(plan(waiting, now, tree, 0.8).destroy.length).toBe(2);
        expect(plan(policy({ hourly: 2 }), now, tree, 0.1).destroy.length).toBe(2);
    });

    it('prunes each child of a recursive policy by its own snapshots, and takes names free in all of them', () => {
        const parent = [auto('daily', at(2026, 12, 1)), auto('daily', at(2026, 12, 2))];
        const child = [auto('daily', at(2026, 11, 30)), ...parent.map(s => ({ ...s, createtxg: s.createtxg + 1000 })), snap('mine', at(2026, 12, 2, 3))];
        const tree = [{ dataset: 'tank', snapshots: parent }, { dataset: 'tank/kid', snapshots: child }];
        const r = plan(policy({ daily: 2 }, { recursive: true }), now, tree, null);
        expect(r.take).toEqual([]);
        expect(r.destroy).toEqual(['tank/kid@sv-auto-daily-2026-11-30_0000']);
        const flat = plan(policy({ daily: 2 }), now, tree, null);
        expect(flat.destroy).toEqual([]);

        const taken = [{ dataset: 'tank', snapshots: [] }, { dataset: 'tank/kid', snapshots: [snap('sv-auto-daily-2026-12-02_0930', now)] }];
        expect(plan(policy({ daily: 2 }, { recursive: true }), now, taken, null).take.map(t => t.snapshot))
            .toEqual(['tank@sv-auto-daily-2026-12-02_093000']);
    });
});

describe('policy fields', () => {
    it('come from the a{sv} with defaults, and go back the same', () => {
        const p = policyFromDict({ hourly: 24, daily: 7, recursive: true });
        expect(p).toEqual({ counts: counts({ hourly: 24, daily: 7 }), frequentInterval: 900, recursive: true, waitUntilNearlyFull: false });
        expect(policyFromDict(policyToDict(p ?? policy({})))).toEqual(p);
        expect(policyFromDict({})).toBeNull();
    });

    it('refuse what a person should fix, with a sentence', () => {
        const bad: Record<string, unknown>[] = [
            { hourly: -1 }, { hourly: 1.5 }, { hourly: 100000 }, { hourly: 1, fortnightly: 2 }, { hourly: 1, 'frequent-interval': 30 },
            { hourly: 1, 'frequent-interval': 90 }, { hourly: 1, 'frequent-interval': 7200 }, { hourly: 0, daily: 0 }, { hourly: 1, recursive: 1 },
        ];
        for (const b of bad)
            expect(() => policyFromDict(b)).withContext(JSON.stringify(b)).toThrowError(PolicyError);
        // Tests may allow intervals in seconds.
        expect(policyFromDict({ frequent: 3, 'frequent-interval': 2 }, 1)?.frequentInterval).toBe(2);
    });

    it('round-trip through the state file, and a damaged file is reported, not half-read', () => {
        const docs = policy({ daily: 7 });
        const tank = policy({ hourly: 24 }, { recursive: true });
        const loaded = parsePolicies(serializePolicies(new Map([['tank/docs', docs], ['tank', tank]])));
        expect(loaded.ok ? [...loaded.policies] : loaded.reason).toEqual([['tank', tank], ['tank/docs', docs]]);
        expect(parsePolicies('{').ok).toBeFalse();
        expect(parsePolicies('{"version":1,"policies":{"t":{"counts":{}}}}').ok).toBeFalse();
    });
});
