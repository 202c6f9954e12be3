// The next scheduled scrub: occurrences in local time (month lengths, DST),
// the TrueNAS-style threshold, catching up a missed run, and "overdue".
import GLib from 'gi://GLib';
import {
    calendarDaysBetween, dueScrub, isOverdue, nextScrub, occurrenceAfter, type ScheduleState,
} from '../../src/shared/next-scrub.js';
import { parseScheduleArgument } from '../../src/service/schedule/scrub-scheduler.js';
import { scheduleFromFlags } from '../../src/cli/pool-status.js';
import { scrubOverdueAlert } from '../../src/service/alerts/rules.js';
import { describeSchedule, type ScrubSchedule, ScrubScheduleSchema, scheduleVariants } from '../../src/shared/scrub-schedule.js';

const BERLIN = GLib.TimeZone.new_identifier('Europe/Berlin');
const NEW_YORK = GLib.TimeZone.new_identifier('America/New_York');

function zone(tz: GLib.TimeZone | null): GLib.TimeZone {
    if (tz === null)
        throw new Error('tzdata is missing');
    return tz;
}

const berlin = zone(BERLIN);

function at(tz: GLib.TimeZone, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
    const dt = GLib.DateTime.new(tz, y, mo, d, h, mi, s);
    if (dt === null)
        throw new Error('bad date');
    return dt.to_unix();
}

/** "2026-03-29 03:30 CEST" */
function show(t: number, tz: GLib.TimeZone = berlin): string {
    return GLib.DateTime.new_from_unix_utc(t).to_timezone(tz)?.format('%F %H:%M %Z') ?? '';
}

const schedule = (s: Record<string, unknown>): ScrubSchedule => ScrubScheduleSchema.parse(s);
const daily = (hour: number, minute = 0, threshold = 0): ScrubSchedule => schedule({ frequency: 'daily', hour, minute, threshold });
const weekly = (weekday: number, hour: number, threshold = 0): ScrubSchedule =>
    schedule({ frequency: 'weekly', weekday, hour, minute: 0, threshold });
const monthly = (day: number, hour: number, threshold = 0): ScrubSchedule =>
    schedule({ frequency: 'monthly', day, hour, minute: 0, threshold });

describe('next scrub', () => {
    describe('occurrences', () => {
        it('runs daily at the time, today when it is still ahead, else tomorrow', () => {
            expect(show(occurrenceAfter(daily(2), at(berlin, 2026, 6, 10, 1, 0), berlin))).toBe('2026-06-10 02:00 CEST');
            expect(show(occurrenceAfter(daily(2), at(berlin, 2026, 6, 10, 2, 0), berlin)))
                .withContext('strictly after').toBe('2026-06-11 02:00 CEST');
            expect(show(occurrenceAfter(daily(2), at(berlin, 2026, 12, 31, 10, 0), berlin))).toBe('2027-01-01 02:00 CET');
        });

        it('runs weekly on the weekday (1 = Monday, 7 = Sunday)', () => {
            // 2026-12-02 is a Wednesday.
            expect(show(occurrenceAfter(weekly(7, 0), at(berlin, 2026, 12, 2, 12), berlin))).toBe('2026-12-06 00:00 CET');
            expect(show(occurrenceAfter(weekly(3, 12), at(berlin, 2026, 12, 2, 11), berlin))).toBe('2026-12-02 12:00 CET');
            expect(show(occurrenceAfter(weekly(3, 12), at(berlin, 2026, 12, 2, 12), berlin))).toBe('2026-12-09 12:00 CET');
            expect(show(occurrenceAfter(weekly(1, 3), at(berlin, 2026, 12, 27, 12), berlin))).toBe('2026-12-28 03:00 CET');
        });

        it('runs monthly on the day, or on the last day of a shorter month', () => {
            expect(show(occurrenceAfter(monthly(31, 2), at(berlin, 2026, 1, 31, 3), berlin))).toBe('2026-02-28 02:00 CET');
            expect(show(occurrenceAfter(monthly(31, 2), at(berlin, 2028, 2, 1), berlin))).withContext('leap year')
                .toBe('2028-02-29 02:00 CET');
            expect(show(occurrenceAfter(monthly(31, 2), at(berlin, 2026, 4, 1), berlin))).toBe('2026-04-30 02:00 CEST');
            expect(show(occurrenceAfter(monthly(30, 2), at(berlin, 2026, 3, 1), berlin))).toBe('2026-03-30 02:00 CEST');
            expect(show(occurrenceAfter(monthly(1, 2), at(berlin, 2026, 12, 1, 3), berlin))).toBe('2027-01-01 02:00 CET');
            expect(show(occurrenceAfter(monthly(15, 2), at(berlin, 2026, 12, 1, 3), berlin))).toBe('2026-12-15 02:00 CET');
        });

        it('keeps the wall-clock time across DST changes', () => {
            let t = at(berlin, 2026, 3, 27, 12);
            const seen: string[] = [];
            for (let i = 0; i < 4; i++) {
                t = occurrenceAfter(daily(1, 30), t, berlin);
                seen.push(show(t));
            }
            expect(seen).toEqual(['2026-03-28 01:30 CET', '2026-03-29 01:30 CET', '2026-03-30 01:30 CEST', '2026-03-31 01:30 CEST']);
        });

        it('runs a time the clock skips once, after the jump, and a time it shows twice once', () => {
            // Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist, the scrub runs at the jump.
            const spring: number[] = [];
            let t = at(berlin, 2026, 3, 28, 12);
            for (let i = 0; i < 2; i++)
                spring.push(t = occurrenceAfter(daily(2, 30), t, berlin));
            expect(show(spring[0] ?? 0)).toBe('2026-03-29 03:00 CEST');
            expect(show(spring[1] ?? 0)).toBe('2026-03-30 02:30 CEST');
            // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice, the scrub once.
            const fall: number[] = [];
            t = at(berlin, 2026, 10, 24, 12);
            for (let i = 0; i < 2; i++)
                fall.push(t = occurrenceAfter(daily(2, 30), t, berlin));
            expect(fall.map(x => show(x))).toEqual(['2026-10-25 02:30 CET', '2026-10-26 02:30 CET']);
        });

        it('follows the zone it is given', () => {
            const ny = zone(NEW_YORK);
            expect(show(occurrenceAfter(daily(2), at(ny, 2026, 3, 8, 1), ny), ny)).toBe('2026-03-08 03:00 EDT');
        });

        it('counts calendar days, whatever the hours and DST', () => {
            expect(calendarDaysBetween(at(berlin, 2026, 3, 1, 23, 59), at(berlin, 2026, 3, 2, 0, 1), berlin)).toBe(1);
            expect(calendarDaysBetween(at(berlin, 2026, 3, 28, 23), at(berlin, 2026, 3, 29, 23), berlin)).toBe(1);
            expect(calendarDaysBetween(at(berlin, 2026, 12, 6, 3), at(berlin, 2026, 12, 13, 0), berlin)).toBe(7);
            expect(calendarDaysBetween(at(berlin, 2026, 12, 6, 3), at(berlin, 2026, 12, 6, 23), berlin)).toBe(0);
        });
    });

    describe('threshold (not more often than N days)', () => {
        const set = at(berlin, 2026, 1, 1);

        it('lets a weekly scrub with threshold 7 run every week, though each ended hours after the start', () => {
            // Sunday 2026-12-06 00:00, ended 03:00.
            const state: ScheduleState = { setAt: set, lastScrubEnd: at(berlin, 2026, 12, 6, 3), attempted: at(berlin, 2026, 12, 6) };
            expect(show(nextScrub(weekly(7, 0, 7), state, berlin))).toBe('2026-12-13 00:00 CET');
        });

        it('skips the scheduled runs within the threshold (TrueNAS default 35 with a weekly task)', () => {
            const state: ScheduleState = { setAt: set, lastScrubEnd: at(berlin, 2026, 12, 6, 3), attempted: at(berlin, 2026, 12, 6) };
            expect(show(nextScrub(weekly(7, 0, 35), state, berlin))).toBe('2027-01-10 00:00 CET');
            expect(show(nextScrub(weekly(7, 0, 8), state, berlin))).toBe('2026-12-20 00:00 CET');
        });

        it('skips today when a scrub ended today and the threshold is 1; 0 means every time', () => {
            const state: ScheduleState = { setAt: set, lastScrubEnd: at(berlin, 2026, 6, 10, 0, 30), attempted: 0 };
            expect(show(nextScrub(daily(12, 0, 1), state, berlin))).toBe('2026-06-11 12:00 CEST');
            expect(show(nextScrub(daily(12, 0, 0), state, berlin))).toBe('2026-06-10 12:00 CEST');
        });

        it('counts from any scrub, including one started by hand', () => {
            const state: ScheduleState = { setAt: set, lastScrubEnd: at(berlin, 2026, 2, 20, 15), attempted: at(berlin, 2026, 2, 1, 2) };
            expect(show(nextScrub(monthly(1, 2, 20), state, berlin))).toBe('2026-04-01 02:00 CEST');
        });

        it('never scrubbed: the first scheduled time after the schedule was set', () => {
            const state: ScheduleState = { setAt: at(berlin, 2026, 6, 10, 3), lastScrubEnd: 0, attempted: 0 };
            expect(show(nextScrub(daily(2, 0, 35), state, berlin))).withContext('not before it was set').toBe('2026-06-11 02:00 CEST');
        });
    });

    describe('missed runs and overdue', () => {
        const s = daily(2, 0, 0);
        const set = at(berlin, 2026, 6, 1, 12);

        it('catches up a run that was due while the daemon was not running', () => {
            const state: ScheduleState = { setAt: set, lastScrubEnd: at(berlin, 2026, 6, 5, 2, 30), attempted: at(berlin, 2026, 6, 5, 2) };
            // Off from June 5 to June 8: the June 6 run is still the next, in the past.
            expect(show(nextScrub(s, state, berlin))).toBe('2026-06-06 02:00 CEST');
            expect(isOverdue(s, state, at(berlin, 2026, 6, 8, 9), false, berlin)).withContext('not acted on yet').toBeNull();
        });

        it('is overdue once the daemon acted on the due run and no scrub ended since; not while one runs', () => {
            const due = at(berlin, 2026, 6, 6, 2);
            const state: ScheduleState = { setAt: set, lastScrubEnd: at(berlin, 2026, 6, 5, 2, 30), attempted: due };
            const now = at(berlin, 2026, 6, 6, 9);
            expect(dueScrub(s, state, berlin)).toBe(due);
            expect(isOverdue(s, state, now, false, berlin)).toBe(due);
            expect(isOverdue(s, state, now, true, berlin)).toBeNull();
            // The next automatic try is the next scheduled time, not now again.
            expect(show(nextScrub(s, state, berlin))).toBe('2026-06-07 02:00 CEST');
        });

        it('words the alert with when it was due, why it did not run and the last scrub', () => {
            const a = scrubOverdueAlert({ pool: 'tank', due: '2026-06-06 02:00', lastScrub: '2026-06-05 02:30',
                reason: 'Could not start the scheduled scrub of pool tank: zfs-fuse is not running.' });
            expect(a.key).toBe('scrub-overdue:tank');
            expect(a.level).toBe('warning');
            expect(a.title).toBe('Pool tank missed its scheduled scrub');
            expect(a.message).toBe('The scrub due 2026-06-06 02:00 did not complete. Could not start the scheduled scrub of pool ' +
                'tank: zfs-fuse is not running. The last scrub ended 2026-06-05 02:30. Start a scrub now, or it runs at the next scheduled time.');
            expect(scrubOverdueAlert({ pool: 'tank', due: 'x', lastScrub: '', reason: '' }).message)
                .toContain('The pool has never been scrubbed.');
        });

        it('clears when a scrub ends', () => {
            const state: ScheduleState = { setAt: set, lastScrubEnd: at(berlin, 2026, 6, 6, 9, 30), attempted: at(berlin, 2026, 6, 6, 2) };
            expect(isOverdue(s, state, at(berlin, 2026, 6, 6, 10), false, berlin)).toBeNull();
        });
    });

    describe('the schedule as data', () => {
        it('fills in second 0 and threshold 35, and describes itself', () => {
            const w = schedule({ frequency: 'weekly', weekday: 7, hour: 2, minute: 0 });
            expect(w).toEqual({ frequency: 'weekly', weekday: 7, hour: 2, minute: 0, second: 0, threshold: 35 });
            expect(describeSchedule(w)).toBe('Every Sunday at 02:00');
            expect(describeSchedule(monthly(1, 3))).toBe('Monthly on day 1 at 03:00');
            expect(Object.keys(scheduleVariants(w)).sort()).toEqual(['frequency', 'hour', 'minute', 'second', 'threshold', 'weekday']);
        });

        const variants = (o: Record<string, [string, unknown]>): Record<string, GLib.Variant> =>
            Object.fromEntries(Object.entries(o).map(([k, [t, v]]) => [k, new GLib.Variant(t, v)]));

        it('reads the D-Bus argument; {} clears', () => {
            expect(parseScheduleArgument({})).toBeNull();
            expect(parseScheduleArgument(variants({ frequency: ['s', 'daily'], hour: ['u', 3], minute: ['u', 15] })))
                .toEqual({ frequency: 'daily', hour: 3, minute: 15, second: 0, threshold: 35 });
        });

        const refused: [string, Record<string, [string, unknown]>, RegExp][] = [
            ['an unknown frequency', { frequency: ['s', 'hourly'], hour: ['u', 1], minute: ['u', 0] }, /frequency must be/],
            ['an hour past 23', { frequency: ['s', 'daily'], hour: ['u', 24], minute: ['u', 0] }, /hour must be 0–23/],
            ['a missing weekday', { frequency: ['s', 'weekly'], hour: ['u', 1], minute: ['u', 0] }, /weekday is missing/],
            ['day 0', { frequency: ['s', 'monthly'], day: ['u', 0], hour: ['u', 1], minute: ['u', 0] }, /day must be 1–31/],
            ['a weekday on a daily schedule', { frequency: ['s', 'daily'], weekday: ['u', 1], hour: ['u', 1], minute: ['u', 0] },
                /unknown key weekday/],
            ['a threshold over a year', { frequency: ['s', 'daily'], hour: ['u', 1], minute: ['u', 0], threshold: ['u', 400] },
                /threshold must be 0–365/],
            ['a string hour', { frequency: ['s', 'daily'], hour: ['s', '1'], minute: ['u', 0] }, /hour must be a number/],
        ];
        for (const [what, raw, message] of refused) {
            it(`refuses ${what} with a message that says what to change`, () => {
                expect(() => parseScheduleArgument(variants(raw))).toThrowMatching(
                    (e: unknown) => e instanceof Error && e.name === 'DaemonError' && message.test(e.message));
            });
        }
    });

    describe('sigmavaultctl pool scrub-schedule flags', () => {
        it('builds a schedule from --weekly, --at and --threshold', () => {
            expect(scheduleFromFlags(['--weekly', 'sun', '--at', '02:30', '--threshold', '7'], null))
                .toEqual({ frequency: 'weekly', weekday: 7, hour: 2, minute: 30, second: 0, threshold: 7 });
            expect(scheduleFromFlags(['--monthly', '31'], null))
                .toEqual({ frequency: 'monthly', day: 31, hour: 0, minute: 0, second: 0, threshold: 35 });
            expect(scheduleFromFlags(['--daily', '--at', '23:59:30'], null))
                .toEqual({ frequency: 'daily', hour: 23, minute: 59, second: 30, threshold: 35 });
        });

        it('changes only what is given on an existing schedule; --off clears; nothing shows', () => {
            const current = weekly(7, 2, 35);
            expect(scheduleFromFlags(['--threshold', '0'], current)).toEqual({ ...current, threshold: 0 });
            expect(scheduleFromFlags(['--off'], current)).toBeNull();
            expect(scheduleFromFlags([], current)).toBeUndefined();
        });

        it('refuses nonsense before asking the daemon', () => {
            for (const flags of [['--weekly', 'someday'], ['--monthly', '32'], ['--daily', '--at', '25:00'],
                ['--daily', '--weekly', 'mon'], ['--off', '--daily'], ['--threshold', 'x'], ['--threshold', '3'], ['--bogus']])
                expect(() => scheduleFromFlags(flags, null)).withContext(flags.join(' ')).toThrow();
        });
    });
});
