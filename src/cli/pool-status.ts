// sigmavaultctl pool status … and pool scrub-schedule …: one pool in detail,
// and its scrub schedule kept by the daemon.
//   sigmavaultctl pool status POOL [--json]
//   sigmavaultctl pool scrub-schedule POOL [--daily | --weekly DAY | --monthly N]
//       [--at HH:MM[:SS]] [--threshold DAYS] [--json]
//   sigmavaultctl pool scrub-schedule POOL --off
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { readDaemon } from '../shared/daemon-client.js';
import { formatPercent, formatSize, healthLabel } from '../shared/format.js';
import { capacityFraction } from '../shared/health.js';
import { _, format } from '../shared/i18n.js';
import type { PoolInfo } from '../shared/pool-info.js';
import {
    DEFAULT_THRESHOLD_DAYS, describeSchedule, describeThreshold, formatWhen, lastScrubText, type ScrubSchedule,
    ScrubScheduleSchema, scheduleVariants,
} from '../shared/scrub-schedule.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export const POOL_STATUS_USAGE = _(`  sigmavaultctl pool status POOL [--json]
                                     One pool: health, capacity, last and next scrub
  sigmavaultctl pool scrub-schedule POOL [--daily | --weekly DAY | --monthly N]
      [--at HH:MM] [--threshold DAYS] [--json]
                                     Show or set when the daemon scrubs the pool
  sigmavaultctl pool scrub-schedule POOL --off
                                     Scrub the pool only when asked`);

export class ScheduleUsageError extends Error {}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "sun", "Sunday" or "7" → 7 (ISO: Monday is 1). */
export function parseWeekday(text: string): number | null {
    if (/^[1-7]$/.test(text))
        return Number(text);
    const i = WEEKDAYS.indexOf(text.toLowerCase().slice(0, 3));
    return i >= 0 && text.length >= 3 ? i + 1 : null;
}

/** "02:00" or "02:00:30" → hour, minute, second. */
export function parseClock(text: string): { hour: number; minute: number; second: number } | null {
    const m = /^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$/.exec(text);
    if (m === null)
        return null;
    const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
    return hour < 24 && minute < 60 && second < 60 ? { hour, minute, second } : null;
}

function usage(): ScheduleUsageError {
    return new ScheduleUsageError(format(_('Usage: %s'),
        'sigmavaultctl pool scrub-schedule POOL [--daily | --weekly DAY | --monthly N] [--at HH:MM] [--threshold DAYS] | --off'));
}

/** What the flags ask for: a new schedule, none (--off), or undefined (just show it). */
export function scheduleFromFlags(flags: readonly string[], current: ScrubSchedule | null): ScrubSchedule | null | undefined {
    const values = new Map<string, string>();
    let off = false;
    let daily = false;
    for (let i = 0; i < flags.length; i++) {
        const flag = flags[i] ?? '';
        if (flag === '--off') {
            off = true;
        } else if (flag === '--daily') {
            daily = true;
        } else if (['--weekly', '--monthly', '--at', '--threshold'].includes(flag)) {
            const value = flags[++i];
            if (value === undefined)
                throw new ScheduleUsageError(format(_('%s needs a value.'), flag));
            values.set(flag, value);
        } else {
            throw usage();
        }
    }
    const kinds = [daily, values.has('--weekly'), values.has('--monthly')].filter(Boolean).length;
    if (off) {
        if (kinds > 0 || values.size > 0)
            throw usage();
        return null;
    }
    if (kinds > 1)
        throw new ScheduleUsageError(_('Give one of --daily, --weekly DAY and --monthly N.'));
    if (kinds === 0 && values.size === 0)
        return undefined;
    let base: Record<string, unknown>;
    if (kinds === 0) {
        if (current === null)
            throw new ScheduleUsageError(_('The pool has no scrub schedule yet. Give --daily, --weekly DAY or --monthly N.'));
        base = { ...current };
    } else {
        const keep = { hour: current?.hour ?? 0, minute: current?.minute ?? 0, second: current?.second ?? 0,
            threshold: current?.threshold ?? DEFAULT_THRESHOLD_DAYS };
        if (daily) {
            base = { frequency: 'daily', ...keep };
        } else if (values.has('--weekly')) {
            const weekday = parseWeekday(values.get('--weekly') ?? '');
            if (weekday === null)
                throw new ScheduleUsageError(format(_('“%s” is not a weekday. Use mon … sun, or 1 (Monday) … 7 (Sunday).'), values.get('--weekly') ?? ''));
            base = { frequency: 'weekly', weekday, ...keep };
        } else {
            const day = Number(values.get('--monthly'));
            if (!Number.isInteger(day) || day < 1 || day > 31)
                throw new ScheduleUsageError(format(_('“%s” is not a day of the month (1 … 31).'), values.get('--monthly') ?? ''));
            base = { frequency: 'monthly', day, ...keep };
        }
    }
    if (values.has('--at')) {
        const clock = parseClock(values.get('--at') ?? '');
        if (clock === null)
            throw new ScheduleUsageError(format(_('“%s” is not a time. Use HH:MM, for example 02:30.'), values.get('--at') ?? ''));
        base = { ...base, ...clock };
    }
    if (values.has('--threshold')) {
        const days = Number(values.get('--threshold'));
        if (!/^[0-9]+$/.test(values.get('--threshold') ?? ''))
            throw new ScheduleUsageError(format(_('“%s” is not a number of days.'), values.get('--threshold') ?? ''));
        base = { ...base, threshold: days };
    }
    // The daemon checks ranges again; this catches them before a password is asked.
    const parsed = ScrubScheduleSchema.safeParse(base);
    if (!parsed.success)
        throw new ScheduleUsageError(parsed.error.issues[0]?.message ?? _('Invalid schedule.'));
    return parsed.data;
}

function scheduleJson(p: PoolInfo): Record<string, unknown> {
    return { pool: p.name, schedule: p.scrubSchedule, next_scrub: p.nextScrub || null };
}

function scheduleLines(p: PoolInfo): string[] {
    const s = p.scrubSchedule;
    if (s === null)
        return [format(_('Scrub schedule: %s'), _('none (scrubs run only when started)'))];
    const threshold = describeThreshold(s.threshold);
    return [format(_('Scrub schedule: %s'), threshold ? `${describeSchedule(s)}, ${threshold}` : describeSchedule(s)),
        format(_('Next scrub: %s'), p.nextScrub > 0 ? formatWhen(p.nextScrub) : '–')];
}

async function readPool(bus: Gio.DBusConnection, name: string): Promise<PoolInfo> {
    const pool = (await readDaemon(bus)).pools.find(p => p.name === name);
    if (pool === undefined)
        throw new ScheduleUsageError(format(_('No pool %s. See “sigmavaultctl pool list”.'), name));
    return pool;
}

export async function runPoolStatusCommand(bus: Gio.DBusConnection, words: readonly string[], json: boolean): Promise<void> {
    const [, verb, name, ...flags] = words;
    if (name === undefined || name.startsWith('-'))
        throw new ScheduleUsageError(POOL_STATUS_USAGE);
    if (verb === 'status') {
        if (flags.length > 0)
            throw new ScheduleUsageError(POOL_STATUS_USAGE);
        const p = await readPool(bus, name);
        if (json) {
            print(JSON.stringify({
                name: p.name, health: p.health, size: p.size, allocated: p.allocated, free: p.free,
                capacity: capacityFraction(p.allocated, p.size), scan: p.scan, errors: p.errors,
                last_scrub: p.lastScrub, ...scheduleJson(p),
            }, null, 2));
            return;
        }
        const cap = capacityFraction(p.allocated, p.size);
        print(format(_('Pool: %s'), p.name));
        print(format(_('Health: %s'), healthLabel(p.health)));
        print(format(_('Used: %s of %s (%s)'), formatSize(p.allocated), formatSize(p.size), cap === null ? '–' : formatPercent(cap)));
        print(format(_('Last scrub: %s'), lastScrubText(p)));
        for (const line of scheduleLines(p))
            print(line);
        return;
    }
    const current = await readPool(bus, name);
    const schedule = scheduleFromFlags(flags, current.scrubSchedule);
    if (schedule !== undefined) {
        await bus.call(BUS_NAME, poolPath(name), POOL_IFACE, 'SetScrubSchedule',
            new GLib.Variant('(a{sv}a{sv})', [scheduleVariants(schedule), {}]), null,
            Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, 5 * 60 * 1000, null);
    }
    const p = schedule === undefined ? current : await readPool(bus, name);
    if (json)
        print(JSON.stringify(scheduleJson(p), null, 2));
    else
        print(scheduleLines(p).join('\n'));
}
