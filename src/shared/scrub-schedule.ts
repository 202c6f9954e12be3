// A pool's scrub schedule, in the style of TrueNAS scrub tasks: daily,
// weekly on a weekday or monthly on a day, at a local time, and "not more
// often than every N days" (a scheduled run is skipped while the last scrub
// ended fewer than N calendar days ago). One schema for the daemon's
// SetScrubSchedule argument, its state file and the clients that read the
// ScrubSchedule property; and the schedule in words.
import GLib from 'gi://GLib';
import { z } from './vendor/zod.js';
import { formatSize } from './format.js';
import { _, format, ngettext } from './i18n.js';
import { formatSeconds, formatTime } from './job-format.js';
import type { PoolInfo } from './pool-info.js';

export const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** TrueNAS's default: a weekly task then scrubs about every five weeks. */
export const DEFAULT_THRESHOLD_DAYS = 35;
export const MAX_THRESHOLD_DAYS = 365;

const int = (min: number, max: number, what: string): z.ZodNumber =>
    z.number({ invalid_type_error: `${what} must be a number` }).int(`${what} must be a whole number`)
        .min(min, `${what} must be ${min}–${max}`).max(max, `${what} must be ${min}–${max}`);

const time = {
    hour: int(0, 23, 'hour'),
    minute: int(0, 59, 'minute'),
    // Seconds are rarely wanted; they let a test make a schedule due in a few seconds.
    second: int(0, 59, 'second').default(0),
    threshold: int(0, MAX_THRESHOLD_DAYS, 'threshold').default(DEFAULT_THRESHOLD_DAYS),
};

/** 1 = Monday … 7 = Sunday (ISO 8601, as GLib.DateTime.get_day_of_week). */
export const ScrubScheduleSchema = z.discriminatedUnion('frequency', [
    z.object({ frequency: z.literal('daily'), ...time }).strict(),
    z.object({ frequency: z.literal('weekly'), weekday: int(1, 7, 'weekday'), ...time }).strict(),
    // Day 29–31 in a shorter month means its last day.
    z.object({ frequency: z.literal('monthly'), day: int(1, 31, 'day'), ...time }).strict(),
], { errorMap: (issue, ctx) => issue.code === 'invalid_union_discriminator'
    ? { message: 'frequency must be “daily”, “weekly” or “monthly”' } : { message: ctx.defaultError } });
export type ScrubSchedule = z.output<typeof ScrubScheduleSchema>;

/** Plain values as a{sv}: for the ScrubSchedule property and SetScrubSchedule calls. */
export function scheduleVariants(s: ScrubSchedule | null): Record<string, GLib.Variant> {
    if (s === null)
        return {};
    const out: Record<string, GLib.Variant> = { frequency: new GLib.Variant('s', s.frequency) };
    if (s.frequency === 'weekly')
        out.weekday = new GLib.Variant('u', s.weekday);
    if (s.frequency === 'monthly')
        out.day = new GLib.Variant('u', s.day);
    out.hour = new GLib.Variant('u', s.hour);
    out.minute = new GLib.Variant('u', s.minute);
    out.second = new GLib.Variant('u', s.second);
    out.threshold = new GLib.Variant('u', s.threshold);
    return out;
}

/** The ScrubSchedule property as a client reads it: {} means none. */
export function parseScheduleProperty(raw: unknown): ScrubSchedule | null {
    if (raw === null || typeof raw !== 'object' || Object.keys(raw).length === 0)
        return null;
    const parsed = ScrubScheduleSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
}

export function weekdayName(weekday: number): string {
    switch (weekday) {
    case 1: return _('Monday');
    case 2: return _('Tuesday');
    case 3: return _('Wednesday');
    case 4: return _('Thursday');
    case 5: return _('Friday');
    case 6: return _('Saturday');
    default: return _('Sunday');
    }
}

/** "02:00", or "02:00:30" when seconds are set. */
export function clockText(s: Pick<ScrubSchedule, 'hour' | 'minute' | 'second'>): string {
    const two = (n: number): string => String(n).padStart(2, '0');
    return `${two(s.hour)}:${two(s.minute)}${s.second ? `:${two(s.second)}` : ''}`;
}

/** "Every Sunday at 02:00" */
export function describeSchedule(s: ScrubSchedule): string {
    switch (s.frequency) {
    case 'daily': return format(_('Every day at %s'), clockText(s));
    case 'weekly':
        // Translators: e.g. "Every Sunday at 02:00".
        return format(_('Every %s at %s'), weekdayName(s.weekday), clockText(s));
    case 'monthly':
        // Translators: e.g. "Monthly on day 1 at 02:00".
        return format(_('Monthly on day %d at %s'), s.day, clockText(s));
    }
}

/** "at most every 35 days", or "" for no limit. */
export function describeThreshold(days: number): string {
    return days === 0 ? '' : format(ngettext('at most every %d day', 'at most every %d days', days), days);
}

/** A time in µs since the epoch, as the user's clock shows it, e.g. "Sun 7 Dec 2026, 02:00". */
export function formatWhen(us: number): string {
    const date = GLib.DateTime.new_from_unix_local(Math.floor(us / 1e6));
    // Translators: a date and time, strftime format (see `man strftime`).
    return date?.format(_('%a %-d %b %Y, %H:%M')) ?? '';
}

/** The last scrub in words, from the pool's numbers where it has them, else from ZFS's own line. */
export function lastScrubText(pool: Pick<PoolInfo, 'lastScrub' | 'scan' | 'scanFunction'>): string {
    const last = pool.lastScrub;
    if (last !== null) {
        const repaired = last.repaired > 0 ? format(_('repaired %s'), formatSize(last.repaired)) : _('nothing to repair');
        // Translators: e.g. "Finished 11/22/26 02:30:23 after 5 s: nothing to repair, 0 errors".
        // zfs-fuse counts whole minutes: 0 means it took less than one.
        const took = last.duration === 0 ? _('less than a minute') : formatSeconds(last.duration);
        return format(_('Finished %s after %s: %s, %s'), formatTime(last.end), took, repaired,
            format(ngettext('%d error', '%d errors', last.errors), last.errors));
    }
    // ZFS remembers only the last scan: after a resilver, no scrub is known.
    if (pool.scanFunction === 'resilver')
        return _('Not scrubbed since the last resilver');
    // ZFS says "none requested" when the pool was never scrubbed.
    return pool.scan === '' || pool.scan === 'none requested' ? _('Never scrubbed') : pool.scan;
}
