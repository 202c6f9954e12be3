// The pool's scan (scrub or resilver) as numbers: what runs, how far it is,
// how fast, and how the last one ended. Read from the scan: paragraph of
// `zpool status` text (OpenZFS 0.8–2.x, and zfs-fuse's older "scrub:" line)
// or from the scan_stats object of `zpool status -j --json-int` (OpenZFS 2.3).
// Pure functions: the caller passes the current time where it matters.
import GLib from 'gi://GLib';
import { z } from '../../shared/vendor/zod.js';
import { ParseError, describeIssues, quote } from './parse-error.js';
import { parseSize } from './units.js';

export const SCAN_KINDS = ['none', 'scrub', 'resilver', 'errorscrub'] as const;
export const SCAN_STATES = ['none', 'scanning', 'paused', 'finished', 'canceled'] as const;

const maybeCount = z.number().nonnegative().nullable();

export const ScanInfoSchema = z.object({
    kind: z.enum(SCAN_KINDS),
    state: z.enum(SCAN_STATES),
    /** 0…1 while scanning or paused; 1 when finished; null when unknown. */
    fraction: z.number().min(0).max(1).nullable(),
    /** Bytes handled so far and in all (issued and total in OpenZFS terms). */
    done: maybeCount,
    total: maybeCount,
    /** Bytes per second of the current pass. */
    rate: maybeCount,
    secondsLeft: maybeCount,
    /** Bytes repaired (scrub) or resilvered (resilver). */
    repaired: maybeCount,
    errors: maybeCount,
    /** Seconds since the epoch. */
    startTime: maybeCount,
    endTime: maybeCount,
    /** Seconds the finished scan took (minute resolution on zfs-fuse). */
    duration: maybeCount,
}).readonly();
export type ScanInfo = z.infer<typeof ScanInfoSchema>;

export const NO_SCAN: ScanInfo = {
    kind: 'none', state: 'none', fraction: null, done: null, total: null, rate: null, secondsLeft: null,
    repaired: null, errors: null, startTime: null, endTime: null, duration: null,
};

const SOURCE = 'the scan line of zpool status';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// ctime() style, as zpool prints dates: "Sun Nov 22 02:30:23 2026".
const DATE = '[A-Z][a-z]{2} ([A-Z][a-z]{2}) +([0-9]{1,2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([0-9]{4})';
const SIZE = '([0-9.]+[BKMGTPEZ]?)';
// "00:00:01", "0 days 00:19:47", "1 days 02:03:04", zfs-fuse and 0.7's "0h19m".
const DURATION = '((?:[0-9]+ days? )?[0-9]+:[0-9]{2}:[0-9]{2}|[0-9]+h[0-9]+m)';

/** A ctime() date in the daemon's local time zone, as seconds since the epoch. */
export function parseCtime(text: string): number | null {
    const m = new RegExp(`^${DATE}$`).exec(text.trim());
    if (m === null)
        return null;
    const month = MONTHS.indexOf(m[1] ?? '');
    if (month < 0)
        return null;
    const date = GLib.DateTime.new_local(Number(m[6]), month + 1, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    return date === null ? null : date.to_unix();
}

/** "00:01:02", "2 days 00:01:02" or "1h2m" → seconds. */
export function parseDuration(text: string): number | null {
    const hm = /^([0-9]+)h([0-9]+)m$/.exec(text);
    if (hm !== null)
        return Number(hm[1]) * 3600 + Number(hm[2]) * 60;
    const m = /^(?:([0-9]+) days? )?([0-9]+):([0-9]{2}):([0-9]{2})$/.exec(text);
    if (m === null)
        return null;
    return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

function size(text: string | undefined): number | null {
    if (text === undefined)
        return null;
    try {
        return parseSize(text);
    } catch {
        return null;
    }
}

function validated(candidate: ScanInfo, text: string): ScanInfo {
    const result = ScanInfoSchema.safeParse(candidate);
    if (!result.success)
        throw new ParseError(SOURCE, `${describeIssues(result.error.issues)} in ${quote(text)}`);
    return result.data;
}

function kindOf(word: string): ScanInfo['kind'] {
    return word.startsWith('resilver') ? 'resilver' : word === 'error scrub' ? 'errorscrub' : 'scrub';
}

/**
 * The scan: (or old scrub:) paragraph, its lines joined by spaces as the
 * status parsers keep it. Text it does not recognise is a scan of unknown
 * progress rather than an error: zpool's wording changes between releases.
 */
export function parseScanText(text: string): ScanInfo {
    const line = text.replace(/\s+/g, ' ').trim();
    if (line === '' || line === 'none requested')
        return NO_SCAN;

    // zfs-fuse, Solaris: "scrub in progress for 0h0m, 13.86% done, 0h0m to go"
    let m = /^(scrub|resilver) in progress for ([0-9]+h[0-9]+m), ([0-9.]+)% done, ([0-9]+h[0-9]+m) to go/.exec(line);
    if (m !== null) {
        return validated({
            ...NO_SCAN, kind: kindOf(m[1] ?? ''), state: 'scanning',
            fraction: Math.min(1, Number(m[3]) / 100), secondsLeft: parseDuration(m[4] ?? ''),
        }, line);
    }
    // zfs-fuse, Solaris: "scrub completed after 0h0m with 0 errors on DATE" (or "stopped")
    m = new RegExp(`^(scrub|resilver) (completed|stopped) after ([0-9]+h[0-9]+m) with ([0-9]+) errors on (${DATE.replace(/\(/g, '(?:')})`).exec(line);
    if (m !== null) {
        const endTime = parseCtime(m[5] ?? '');
        const duration = parseDuration(m[3] ?? '');
        return validated({
            ...NO_SCAN, kind: kindOf(m[1] ?? ''), state: m[2] === 'completed' ? 'finished' : 'canceled',
            fraction: m[2] === 'completed' ? 1 : null, errors: Number(m[4]), endTime, duration,
            startTime: endTime !== null && duration !== null ? endTime - duration : null,
        }, line);
    }
    // OpenZFS: "scrub repaired 0B in 00:00:01 with 0 errors on DATE", "resilvered 1.2G in …"
    m = new RegExp(`^(scrub repaired|resilvered) ${SIZE} in ${DURATION} with ([0-9]+) errors on (.*)$`).exec(line);
    if (m !== null) {
        const endTime = parseCtime(m[5] ?? '');
        const duration = parseDuration(m[3] ?? '');
        return validated({
            ...NO_SCAN, kind: m[1] === 'resilvered' ? 'resilver' : 'scrub', state: 'finished', fraction: 1,
            repaired: size(m[2]), errors: Number(m[4]), endTime, duration,
            startTime: endTime !== null && duration !== null ? endTime - duration : null,
        }, line);
    }
    // OpenZFS: "scrub canceled on DATE"
    m = /^(scrub|resilver|error scrub) canceled on (.*)$/.exec(line);
    if (m !== null)
        return validated({ ...NO_SCAN, kind: kindOf(m[1] ?? ''), state: 'canceled', endTime: parseCtime(m[2] ?? '') }, line);
    // OpenZFS: "scrub in progress since DATE X scanned at R/s, Y issued at R/s, T total
    // Z repaired, P% done, 00:01:02 to go" (or "paused since DATE scrub started on DATE …").
    m = /^(scrub|resilver|error scrub) (in progress|paused) since (.*)$/.exec(line);
    if (m !== null) {
        const rest = m[3] ?? '';
        const started = /started on (.*?) [0-9.]+[BKMGTPEZ]? (?:scanned|examined)/.exec(rest)?.[1]
            ?? new RegExp(`^(${DATE.replace(/\(/g, '(?:')})`).exec(rest)?.[1] ?? '';
        const issued = new RegExp(`${SIZE} issued(?: at ${SIZE}/s)?`).exec(rest);
        const total = new RegExp(`${SIZE} total`).exec(rest);
        const repaired = new RegExp(`${SIZE} (?:repaired|resilvered)`).exec(rest);
        const percent = /([0-9.]+)% done/.exec(rest);
        const left = new RegExp(`${DURATION} to go`).exec(rest);
        return validated({
            ...NO_SCAN, kind: kindOf(m[1] ?? ''), state: m[2] === 'paused' ? 'paused' : 'scanning',
            fraction: percent ? Math.min(1, Number(percent[1]) / 100) : null,
            done: size(issued?.[1]), total: size(total?.[1]), rate: size(issued?.[2]),
            secondsLeft: left ? parseDuration(left[1] ?? '') : null,
            repaired: size(repaired?.[1]), startTime: parseCtime(started),
        }, line);
    }
    // Something newer or older than we know: a scan, state unknown.
    const kind = /^resilver/.test(line) ? 'resilver' : /^scrub/.test(line) ? 'scrub' : 'none';
    return { ...NO_SCAN, kind, state: kind === 'none' ? 'none' : 'finished' };
}

/**
 * zfs-fuse (and Solaris) report repairs only beside each device ("792M
 * repaired" after the counters); the sum over the config table of one pool.
 */
export function repairedInConfig(statusText: string): number | null {
    let sum: number | null = null;
    for (const m of statusText.matchAll(/\s[0-9.]+[KMGTPEZ]?\s+([0-9.]+[BKMGTPEZ]?) (?:repaired|resilvered)\s*$/gm)) {
        const bytes = size(m[1]);
        if (bytes !== null)
            sum = (sum ?? 0) + bytes;
    }
    return sum;
}

const RawNumber = z.union([z.number(), z.string()]);

/** scan_stats of `zpool status -j --json-int`; loose, as OpenZFS adds keys. */
export const RawScanStatsSchema = z.object({
    function: z.string().optional(),
    state: z.string().optional(),
    start_time: RawNumber.optional(),
    end_time: RawNumber.optional(),
    to_examine: RawNumber.optional(),
    examined: RawNumber.optional(),
    issued: RawNumber.optional(),
    processed: RawNumber.optional(),
    errors: RawNumber.optional(),
    pass_start: RawNumber.optional(),
    pass_issued: RawNumber.optional(),
    pass_scrub_pause: RawNumber.optional(),
    scrub_pause: RawNumber.optional(),
    pass_scrub_spent_paused: RawNumber.optional(),
    scrub_spent_paused: RawNumber.optional(),
}).passthrough();
export type RawScanStats = z.infer<typeof RawScanStatsSchema>;

function num(value: string | number | undefined): number | null {
    if (value === undefined)
        return null;
    if (typeof value === 'number')
        return value >= 0 ? value : null;
    if (/^[0-9]+$/.test(value))
        return Number(value);
    // Without --json-int, sizes are abbreviated ("1.2G") and times are dates.
    return size(value) ?? parseCtime(value);
}

/** scan_stats of one pool; `now` (seconds since the epoch) gives the current rate. */
export function parseScanStats(raw: unknown, now: number): ScanInfo {
    if (raw === undefined || raw === null)
        return NO_SCAN;
    const parsed = RawScanStatsSchema.safeParse(raw);
    if (!parsed.success)
        throw new ParseError('zpool status -j', `scan_stats: ${describeIssues(parsed.error.issues)}`);
    const s = parsed.data;
    const fn = (s.function ?? 'NONE').toUpperCase();
    if (fn === 'NONE')
        return NO_SCAN;
    const kind: ScanInfo['kind'] = fn === 'RESILVER' ? 'resilver' : fn === 'ERRORSCRUB' ? 'errorscrub' : 'scrub';
    const total = num(s.to_examine);
    const issued = num(s.issued) ?? num(s.examined);
    const paused = (num(s.pass_scrub_pause) ?? num(s.scrub_pause) ?? 0) > 0;
    const startTime = num(s.start_time);
    const endTime = num(s.end_time);
    const rawState = (s.state ?? '').toUpperCase();
    const state: ScanInfo['state'] = rawState === 'FINISHED' ? 'finished' : rawState === 'CANCELED' ? 'canceled'
        : rawState === 'SCANNING' ? (paused ? 'paused' : 'scanning') : 'none';
    let rate: number | null = null;
    let secondsLeft: number | null = null;
    const passStart = num(s.pass_start);
    const passIssued = num(s.pass_issued);
    const spentPaused = num(s.pass_scrub_spent_paused) ?? num(s.scrub_spent_paused) ?? 0;
    if (state === 'scanning' && passStart !== null && passIssued !== null && now > passStart) {
        rate = Math.round(passIssued / Math.max(1, now - passStart - spentPaused));
        if (rate > 0 && total !== null && issued !== null)
            secondsLeft = Math.max(0, Math.round((total - issued) / rate));
    }
    return validated({
        kind, state,
        fraction: state === 'finished' ? 1
            : total !== null && total > 0 && issued !== null ? Math.min(1, issued / total) : null,
        done: issued, total, rate, secondsLeft,
        repaired: num(s.processed), errors: num(s.errors),
        startTime, endTime: state === 'finished' || state === 'canceled' ? endTime : null,
        duration: state === 'finished' && startTime !== null && endTime !== null ? Math.max(0, endTime - startTime) : null,
    }, JSON.stringify(raw));
}
