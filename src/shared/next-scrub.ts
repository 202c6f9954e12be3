// When a pool's next scheduled scrub is due: a pure function of the
// schedule, the pool's last scrub and what the daemon has already done, in
// a given time zone. Times are seconds since the epoch.
//
// Occurrences are local wall-clock times (02:00 stays 02:00 across a DST
// change). A time the clock skips (spring forward) runs at the jump (GLib
// moves it to the first time after the gap); a time the clock shows twice
// (fall back) runs once, at its standard-time instance. The threshold
// counts calendar days in local time: a weekly scrub with threshold 7 runs
// every week even though each ended a few hours after the previous week's
// start time. The daemon plans with it; the app previews with it.
import GLib from 'gi://GLib';
import type { ScrubSchedule } from './scrub-schedule.js';

export interface ScheduleState {
    /** When the schedule was set; nothing before it was ever due. */
    readonly setAt: number;
    /** When the last scrub (any, not only scheduled ones) ended; 0 if never. */
    readonly lastScrubEnd: number;
    /** When the daemon last acted on a due occurrence (started, joined or failed to start a scrub); 0 if never. */
    readonly attempted: number;
}

/** A calendar date, free of time zones, for stepping by days and months. */
interface Day { readonly year: number; readonly month: number; readonly day: number }

function dayOf(t: number, tz: GLib.TimeZone): Day {
    const d = GLib.DateTime.new_from_unix_utc(t).to_timezone(tz);
    if (d === null)
        throw new Error(`time ${t} is out of range`);
    return { year: d.get_year(), month: d.get_month(), day: d.get_day_of_month() };
}

/** Noon UTC of the date: adding days there never meets a DST change. */
function noon(d: Day): GLib.DateTime {
    const dt = GLib.DateTime.new_utc(d.year, d.month, d.day, 12, 0, 0);
    if (dt === null)
        throw new Error(`no such date ${d.year}-${d.month}-${d.day}`);
    return dt;
}

function addDays(d: Day, n: number): Day {
    const dt = noon(d).add_days(n);
    if (dt === null)
        throw new Error('date out of range');
    return { year: dt.get_year(), month: dt.get_month(), day: dt.get_day_of_month() };
}

export function daysInMonth(year: number, month: number): number {
    return GLib.Date.get_days_in_month(month, year);
}

/** Local dates between two times: 0 on the same day, 1 on the next, whatever the hours. */
export function calendarDaysBetween(from: number, to: number, tz: GLib.TimeZone): number {
    const julian = (d: Day): number => GLib.Date.new_dmy(d.day, d.month, d.year).get_julian();
    return julian(dayOf(to, tz)) - julian(dayOf(from, tz));
}

/** The schedule's time on that local date (see the top for skipped and repeated times). */
function at(d: Day, s: ScrubSchedule, tz: GLib.TimeZone): number {
    const dt = GLib.DateTime.new(tz, d.year, d.month, d.day, s.hour, s.minute, s.second);
    if (dt === null)
        throw new Error(`no such time ${d.year}-${d.month}-${d.day} ${s.hour}:${s.minute}`);
    return dt.to_unix();
}

/** The first occurrence of the schedule strictly after `after`. */
export function occurrenceAfter(s: ScrubSchedule, after: number, tz: GLib.TimeZone): number {
    const start = dayOf(after, tz);
    if (s.frequency === 'monthly') {
        for (let i = 0; i < 3; i++) {
            const month = ((start.month - 1 + i) % 12) + 1;
            const year = start.year + Math.floor((start.month - 1 + i) / 12);
            const t = at({ year, month, day: Math.min(s.day, daysInMonth(year, month)) }, s, tz);
            if (t > after)
                return t;
        }
        throw new Error('no monthly occurrence found');
    }
    // One day before: a skipped hour can move the occurrence of the day before past `after`.
    for (let i = -1; i <= 8; i++) {
        const d = addDays(start, i);
        if (s.frequency === 'weekly' && noon(d).get_day_of_week() !== s.weekday)
            continue;
        const t = at(d, s, tz);
        if (t > after)
            return t;
    }
    throw new Error('no occurrence found');
}

/** Whether the threshold lets a scrub run at `t` after the last one ended at `lastScrubEnd`. */
export function thresholdAllows(s: ScrubSchedule, lastScrubEnd: number, t: number, tz: GLib.TimeZone): boolean {
    return lastScrubEnd <= 0 || calendarDaysBetween(lastScrubEnd, t, tz) >= s.threshold;
}

/** The first occurrence after `after` that the threshold allows. */
export function firstAllowedAfter(s: ScrubSchedule, after: number, lastScrubEnd: number, tz: GLib.TimeZone): number {
    let t = after;
    // At most a year of daily occurrences (threshold ≤ 365) plus a few.
    for (let i = 0; i < 400; i++) {
        t = occurrenceAfter(s, t, tz);
        if (thresholdAllows(s, lastScrubEnd, t, tz))
            return t;
    }
    throw new Error('no allowed occurrence within 400 runs');
}

/**
 * The occurrence that should bring the next scrub: the first one after the
 * schedule was set and after the last scrub that the threshold allows. It
 * is in the past when it was missed (the computer was off, or the scrub
 * failed) and no scrub has ended since.
 */
export function dueScrub(s: ScrubSchedule, state: ScheduleState, tz: GLib.TimeZone): number {
    return firstAllowedAfter(s, Math.max(state.setAt, state.lastScrubEnd), state.lastScrubEnd, tz);
}

/**
 * When the daemon starts the next scrub. A due occurrence the daemon has not
 * acted on yet is returned even when it is past (the computer was off at the
 * time): the daemon catches up at once, as anacron or a persistent systemd
 * timer do. Once it has acted on it, the next allowed occurrence follows.
 */
export function nextScrub(s: ScrubSchedule, state: ScheduleState, tz: GLib.TimeZone): number {
    return firstAllowedAfter(s, Math.max(state.setAt, state.lastScrubEnd, state.attempted), state.lastScrubEnd, tz);
}

/**
 * Overdue: the due occurrence has passed, the daemon acted on it, and still
 * no scrub has ended since (it failed, was cancelled, or ZFS was not
 * there). A running scrub is not overdue; a scrub that ends clears it.
 */
export function isOverdue(s: ScrubSchedule, state: ScheduleState, now: number, running: boolean,
    tz: GLib.TimeZone): number | null {
    if (running)
        return null;
    const due = dueScrub(s, state, tz);
    return due <= now && state.attempted >= due ? due : null;
}
