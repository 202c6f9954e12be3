// `zpool list -H -o <columns>`: one pool per line, fields separated by tabs.
// OpenZFS adds -p for exact numbers; zfs-fuse has no -p and prints "250M",
// so sizes go through parseSize, which reads both.
import { asHealth } from '../../shared/health.js';
import { PoolSummarySchema, type PoolSummary } from './model.js';
import { ParseError, describeIssues, quote } from './parse-error.js';
import { parseSize } from './units.js';

export const ZPOOL_LIST_COLUMNS = ['name', 'guid', 'health', 'size', 'allocated', 'free', 'fragmentation'] as const;
export type ZpoolListColumn = (typeof ZPOOL_LIST_COLUMNS)[number];

const REQUIRED: readonly ZpoolListColumn[] = ['name', 'guid', 'health', 'size', 'allocated', 'free'];
const SOURCE = 'zpool list';

/** "12%" (human) or "12" (-p) → 12; "-" or an empty field (no such property) → null. */
function parseFragmentation(text: string, line: number): number | null {
    const trimmed = text.trim();
    if (trimmed === '-' || trimmed === '')
        return null;
    const match = /^([0-9]+)%?$/.exec(trimmed);
    if (match === null)
        throw new ParseError(SOURCE, `fragmentation should look like "12%", got ${quote(text)}`, line);
    return Number(match[1]);
}

// An unavailable pool prints "-" for its sizes; the model needs a number, and
// a size of 0 already means "unknown capacity" to capacityFraction().
function parseBytes(text: string, column: string, line: number): number {
    try {
        return parseSize(text) ?? 0;
    } catch (e) {
        if (e instanceof ParseError)
            throw new ParseError(SOURCE, `column ${column}: expected a size, got ${quote(text)}`, line);
        throw e;
    }
}

function splitFields(text: string, expected: number): string[] {
    const fields = text.split('\t');
    // Pool names never contain blanks, so a space-separated line is still unambiguous.
    if (fields.length === 1 && expected > 1)
        return text.trim().split(/\s+/);
    return fields;
}

function parseLine(text: string, columns: readonly ZpoolListColumn[], line: number): PoolSummary {
    const fields = splitFields(text, columns.length);
    if (fields.length !== columns.length) {
        throw new ParseError(SOURCE,
            `expected ${columns.length} fields (${columns.join(', ')}) but found ${fields.length} in ${quote(text)}`, line);
    }
    const value = (column: ZpoolListColumn): string => fields[columns.indexOf(column)] ?? '';
    const health = value('health').trim();
    if (!/^[A-Za-z]+$/.test(health))
        throw new ParseError(SOURCE, `health should be a word like ONLINE, got ${quote(health)}`, line);
    const candidate = {
        name: value('name').trim(),
        guid: value('guid').trim(),
        health: asHealth(health),
        size: parseBytes(value('size'), 'size', line),
        allocated: parseBytes(value('allocated'), 'allocated', line),
        free: parseBytes(value('free'), 'free', line),
        fragmentation: columns.includes('fragmentation')
            ? parseFragmentation(value('fragmentation'), line) : null,
    };
    const result = PoolSummarySchema.safeParse(candidate);
    if (!result.success)
        throw new ParseError(SOURCE, `${describeIssues(result.error.issues)} in ${quote(text)}`, line);
    return result.data;
}

/**
 * Parses `zpool list -H [-p] -o <columns>` output. `columns` must be the list
 * passed to -o, in the same order, and include every column but fragmentation.
 */
export function parseZpoolList(text: string, columns: readonly ZpoolListColumn[]): PoolSummary[] {
    const missing = REQUIRED.filter(c => !columns.includes(c));
    if (missing.length > 0)
        throw new ParseError(SOURCE, `the column list lacks ${missing.join(', ')}; ask zpool for them with -o`);
    const pools: PoolSummary[] = [];
    const lines = text.replace(/\r/g, '').split('\n');
    lines.forEach((raw, index) => {
        // Some versions print "no pools available" on stdout instead of stderr.
        if (raw.trim() === '' || raw.trim() === 'no pools available')
            return;
        // Without -H, zpool prints a header; refuse it rather than read "NAME" as a pool.
        if (/^NAME\s/.test(raw))
            throw new ParseError(SOURCE, 'found a header line; run zpool list with -H', index + 1);
        pools.push(parseLine(raw, columns, index + 1));
    });
    return pools;
}
