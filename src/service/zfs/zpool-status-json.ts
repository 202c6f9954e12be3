// `zpool status -j [--json-int]` (OpenZFS 2.3+). The raw document is checked
// with its own schema first, loosely: OpenZFS adds keys between releases and
// `-c` scripts add columns (vendor, model, size) to every vdev.
import { z } from '../../shared/vendor/zod.js';
import { asHealth, worstHealth } from '../../shared/health.js';
import { PoolStatusSchema, type PoolStatus, type Vdev, type VdevType } from './model.js';
import { ParseError, describeIssues, quote } from './parse-error.js';
import { parseScanStats } from './scan.js';
import { formatSize, parseCount } from './units.js';

const SOURCE = 'zpool status -j';

// Without --json-int every value is a string ("0", "1.2K", "62.6G"); with it,
// counters and sizes are JSON numbers.
const RawNumber = z.union([z.string(), z.number()]);
// Guids are quoted before JSON.parse (see quoteGuids), so they are always strings here.
const RawGuid = z.string().regex(/^[0-9]+$/, 'a guid must be decimal digits');

interface RawVdev {
    name: string;
    vdev_type?: string | undefined;
    guid?: string | undefined;
    path?: string | undefined;
    state?: string | undefined;
    nparity?: string | number | undefined;
    read_errors?: string | number | undefined;
    write_errors?: string | number | undefined;
    checksum_errors?: string | number | undefined;
    vdevs?: Record<string, RawVdev> | undefined;
}

const RawVdevSchema: z.ZodType<RawVdev> = z.lazy(() => z.object({
    name: z.string().min(1),
    vdev_type: z.string().optional(),
    guid: RawGuid.optional(),
    path: z.string().optional(),
    state: z.string().optional(),
    nparity: RawNumber.optional(),
    read_errors: RawNumber.optional(),
    write_errors: RawNumber.optional(),
    checksum_errors: RawNumber.optional(),
    vdevs: z.record(RawVdevSchema).optional(),
}).passthrough());

const RawVdevMap = z.record(RawVdevSchema);

const RawScanSchema = z.object({
    function: z.string().optional(),
    state: z.string().optional(),
    start_time: RawNumber.optional(),
    end_time: RawNumber.optional(),
    examined: RawNumber.optional(),
    to_examine: RawNumber.optional(),
    errors: RawNumber.optional(),
}).passthrough();
type RawScan = z.infer<typeof RawScanSchema>;

const RawPoolSchema = z.object({
    name: z.string().min(1),
    state: z.string(),
    // The man page example says "guid"; released 2.3 says "pool_guid".
    pool_guid: RawGuid.optional(),
    guid: RawGuid.optional(),
    status: z.string().optional(),
    action: z.string().optional(),
    scan_stats: RawScanSchema.optional(),
    vdevs: RawVdevMap,
    dedup: RawVdevMap.optional(),
    special: RawVdevMap.optional(),
    logs: RawVdevMap.optional(),
    l2cache: RawVdevMap.optional(),
    spares: RawVdevMap.optional(),
    error_count: RawNumber.optional(),
}).passthrough();
type RawPool = z.infer<typeof RawPoolSchema>;

const RawStatusSchema = z.object({
    output_version: z.object({ command: z.literal('zpool status') }).passthrough(),
    pools: z.record(RawPoolSchema),
}).passthrough();
type RawStatus = z.infer<typeof RawStatusSchema>;

/** Pool-level keys holding vdev classes, and the model type each becomes, in text output order. */
const CLASS_KEYS = [
    ['dedup', 'dedup'], ['special', 'special'], ['logs', 'logs'], ['l2cache', 'cache'], ['spares', 'spares'],
] as const satisfies readonly (readonly [keyof RawPool, VdevType])[];

/**
 * With --json-int a guid is a bare 64-bit integer, which JSON.parse would
 * round to a double (12841765308123764671 → 12841765308123765000). Quote
 * every number whose key ends in "guid" first. A key is a quoted string
 * followed by ':'; inside a JSON string a quote is always escaped, so this
 * cannot match text within a value.
 */
export function quoteGuids(text: string): string {
    return text.replace(/("[A-Za-z_]*guid"\s*:\s*)(-?[0-9]+)(?=\s*[,}\]])/g, '$1"$2"');
}

function parseDocument(text: string): RawStatus {
    let json: unknown;
    try {
        json = JSON.parse(quoteGuids(text));
    } catch (e) {
        throw new ParseError(SOURCE, `not valid JSON (${e instanceof Error ? e.message : String(e)}) in ${quote(text.trim())}`);
    }
    const result = RawStatusSchema.safeParse(json);
    if (!result.success)
        throw new ParseError(SOURCE, `unexpected document: ${describeIssues(result.error.issues)}`);
    return result.data;
}

function toCount(value: string | number | undefined, where: string): number {
    if (value === undefined)
        return 0;
    if (typeof value === 'number') {
        if (!Number.isInteger(value) || value < 0)
            throw new ParseError(SOURCE, `${where} should be a whole number, got ${value}`);
        return value;
    }
    try {
        return parseCount(value);
    } catch {
        throw new ParseError(SOURCE, `${where} should be a count, got ${quote(value)}`);
    }
}

function raidzType(raw: RawVdev): VdevType {
    const parity = raw.nparity !== undefined ? String(raw.nparity) : /^raidz([123])/.exec(raw.name)?.[1] ?? '1';
    return parity === '3' ? 'raidz3' : parity === '2' ? 'raidz2' : 'raidz1';
}

function vdevType(raw: RawVdev): VdevType {
    switch (raw.vdev_type) {
    case 'raidz':
        return raidzType(raw);
    case 'disk': case 'file': case 'mirror': case 'draid': case 'replacing': case 'spare': case 'root': case 'missing':
        return raw.vdev_type;
    case 'hole':
        return 'missing';
    default:
        return 'unknown';
    }
}

function toVdev(raw: RawVdev, where: string, fixedType: VdevType | null = null): Vdev {
    const here = `${where}/${raw.name}`;
    const children = Object.values(raw.vdevs ?? {}).map(child => toVdev(child, here));
    // Spares say AVAIL or INUSE instead of a health; both mean reachable.
    const state = raw.state === undefined ? worstHealth(children.map(c => c.state))
        : raw.state === 'AVAIL' || raw.state === 'INUSE' ? 'ONLINE' : asHealth(raw.state);
    return {
        name: raw.name,
        type: fixedType ?? vdevType(raw),
        state,
        path: raw.path ?? null,
        readErrors: toCount(raw.read_errors, `${here} read_errors`),
        writeErrors: toCount(raw.write_errors, `${here} write_errors`),
        checksumErrors: toCount(raw.checksum_errors, `${here} checksum_errors`),
        children,
    };
}

function classGroups(pool: RawPool): Vdev[] {
    const groups: Vdev[] = [];
    for (const [key, type] of CLASS_KEYS) {
        const members = pool[key];
        if (members === undefined || Object.keys(members).length === 0)
            continue;
        const children = Object.values(members).map(m => toVdev(m, `${pool.name}/${type}`));
        groups.push({
            name: type, type, state: worstHealth(children.map(c => c.state)), path: null,
            readErrors: 0, writeErrors: 0, checksumErrors: 0, children,
        });
    }
    return groups;
}

function rootVdev(pool: RawPool): Vdev {
    const names = Object.keys(pool.vdevs);
    // --json-flat-vdevs lists every vdev beside the root with no parent links,
    // so the tree cannot be rebuilt; refuse rather than drop vdevs.
    if (names.length > 1)
        throw new ParseError(SOURCE, `pool ${pool.name} lists ${names.length} top-level vdevs; run zpool status -j without --json-flat-vdevs`);
    const raw = pool.vdevs[pool.name];
    if (raw === undefined)
        throw new ParseError(SOURCE, `pool ${pool.name} has no root vdev named after it (found ${names.join(', ') || 'none'})`);
    // The root of the man page example carries no state; the pool's is the same thing.
    const root = toVdev({ ...raw, state: raw.state ?? pool.state }, '', 'root');
    return { ...root, children: [...root.children, ...classGroups(pool)] };
}

/** Multi-line messages come with "\n\t" continuations; the model keeps one line. */
function oneLine(text: string | undefined): string {
    if (text === undefined || text === 'OK')
        return ''; // "OK" is the status code of a healthy pool in early 2.3 output
    return text.split('\n').map(l => l.trim()).filter(l => l !== '').join(' ');
}

function timeText(value: string | number | undefined): string {
    if (value === undefined)
        return '';
    return typeof value === 'number' ? new Date(value * 1000).toISOString() : value;
}

function amountText(value: string | number | undefined): string {
    return typeof value === 'number' ? formatSize(value) : value ?? '';
}

/** A one-line summary of scan_stats, like the scan: paragraph of the text output. */
function scanText(scan: RawScan | undefined): string {
    if (scan?.function === undefined || scan.function === 'NONE')
        return '';
    const what = scan.function === 'ERRORSCRUB' ? 'error scrub' : scan.function.toLowerCase();
    const errors = scan.errors === undefined ? '' : ` with ${String(scan.errors)} errors`;
    switch (scan.state) {
    case 'FINISHED':
        return `${what} finished${scan.end_time === undefined ? '' : ` on ${timeText(scan.end_time)}`}${errors}`;
    case 'CANCELED':
        return `${what} canceled${scan.end_time === undefined ? '' : ` on ${timeText(scan.end_time)}`}`;
    case 'SCANNING': {
        const progress = scan.examined !== undefined && scan.to_examine !== undefined
            ? `, ${amountText(scan.examined)} of ${amountText(scan.to_examine)} examined` : '';
        return `${what} in progress since ${timeText(scan.start_time)}${progress}`;
    }
    default:
        return `${what} ${(scan.state ?? '').toLowerCase()}`.trim();
    }
}

function errorsText(count: string | number | undefined, pool: string): string {
    if (count === undefined)
        return '';
    const n = toCount(count, `${pool} error_count`);
    return n === 0 ? 'No known data errors' : `${n} data errors, use '-v' for a list`;
}

function toPoolStatus(pool: RawPool, now: number): PoolStatus {
    const candidate = {
        name: pool.name,
        state: asHealth(pool.state),
        status: oneLine(pool.status),
        action: oneLine(pool.action),
        scan: scanText(pool.scan_stats),
        scanInfo: parseScanStats(pool.scan_stats, now),
        errors: errorsText(pool.error_count, pool.name),
        root: rootVdev(pool),
    };
    const result = PoolStatusSchema.safeParse(candidate);
    if (!result.success)
        throw new ParseError(SOURCE, `pool ${pool.name}: ${describeIssues(result.error.issues)}`);
    return result.data;
}

/**
 * Parses `zpool status -j [--json-int]` into one PoolStatus per pool; `now`
 * (seconds since the epoch) gives the rate of a running scan.
 */
export function parseZpoolStatusJson(text: string, now = Math.floor(Date.now() / 1000)): PoolStatus[] {
    return Object.values(parseDocument(text).pools).map(p => toPoolStatus(p, now));
}

/** Pool name → pool guid (decimal string, exact), from the same document. */
export function parseZpoolStatusJsonGuids(text: string): Map<string, string> {
    const guids = new Map<string, string>();
    for (const pool of Object.values(parseDocument(text).pools)) {
        const guid = pool.pool_guid ?? pool.guid;
        if (guid !== undefined)
            guids.set(pool.name, guid);
    }
    return guids;
}
