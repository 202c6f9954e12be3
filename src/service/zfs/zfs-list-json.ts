// `zfs list -j [--json-int] [-o …]` (OpenZFS 2.3+): a document with
// `datasets` keyed by name, each with its type, pool and the properties
// asked for, every property with its value and source. Without
// --json-int values are strings ("290K", "30.5G", "-"); with it, numbers.
import { z } from '../../shared/vendor/zod.js';
import { DatasetSchema, type Dataset, type Property, type PropertySource, SnapshotSchema, type Snapshot } from './dataset-model.js';
import { ParseError, describeIssues, quote } from './parse-error.js';
import { parseSize } from './units.js';
import { parseZfsDate } from './zfs-list.js';
import { quoteGuids } from './zpool-status-json.js';

const SOURCE = 'zfs list -j';

const RawValue = z.union([z.string(), z.number(), z.boolean()]);
const RawPropertySchema = z.object({
    value: RawValue,
    source: z.object({ type: z.string(), data: z.string().optional() }).passthrough(),
}).passthrough();

const RawDatasetSchema = z.object({
    name: z.string().min(1),
    type: z.enum(['FILESYSTEM', 'VOLUME', 'SNAPSHOT', 'BOOKMARK']),
    pool: z.string().min(1),
    dataset: z.string().optional(),
    snapshot_name: z.string().optional(),
    properties: z.record(RawPropertySchema).default({}),
}).passthrough();

const RawListSchema = z.object({
    output_version: z.object({ command: z.literal('zfs list') }).passthrough(),
    datasets: z.record(RawDatasetSchema).default({}),
}).passthrough();

export interface JsonEntry {
    readonly name: string;
    readonly type: 'filesystem' | 'volume' | 'snapshot' | 'bookmark';
    readonly pool: string;
    readonly properties: ReadonlyMap<string, Property>;
}

function sourceOf(type: string, data: string | undefined): { source: PropertySource; inheritedFrom: string } {
    switch (type.toUpperCase()) {
    case 'LOCAL': return { source: 'local', inheritedFrom: '' };
    case 'DEFAULT': return { source: 'default', inheritedFrom: '' };
    case 'INHERITED': return { source: 'inherited', inheritedFrom: data ?? '' };
    case 'TEMPORARY': return { source: 'temporary', inheritedFrom: '' };
    case 'RECEIVED': return { source: 'received', inheritedFrom: '' };
    case 'NONE': return { source: 'none', inheritedFrom: '' };
    default:
        throw new ParseError(SOURCE, `unknown property source type ${quote(type)}`);
    }
}

export function parseZfsListJson(text: string): JsonEntry[] {
    let json: unknown;
    try {
        json = JSON.parse(quoteGuids(text));
    } catch (e) {
        throw new ParseError(SOURCE, `not valid JSON (${e instanceof Error ? e.message : String(e)}) in ${quote(text.trim())}`);
    }
    const result = RawListSchema.safeParse(json);
    if (!result.success)
        throw new ParseError(SOURCE, `unexpected document: ${describeIssues(result.error.issues)}`);
    return Object.values(result.data.datasets).map(raw => {
        const properties = new Map<string, Property>();
        for (const [property, p] of Object.entries(raw.properties)) {
            properties.set(property, {
                name: raw.name, property, value: String(p.value), ...sourceOf(p.source.type, p.source.data),
            });
        }
        const type = raw.type.toLowerCase() as JsonEntry['type'];
        return { name: raw.name, type, pool: raw.pool, properties };
    });
}

function sizeOf(entry: JsonEntry, ...names: string[]): number {
    for (const n of names) {
        const p = entry.properties.get(n);
        if (p !== undefined) {
            try {
                return parseSize(p.value) ?? 0;
            } catch {
                throw new ParseError(SOURCE, `${entry.name} ${n}: expected a size, got ${quote(p.value)}`);
            }
        }
    }
    return 0;
}

function textOf(entry: JsonEntry, name: string): string {
    const v = entry.properties.get(name)?.value ?? '';
    return v === '-' ? '' : v;
}

/** The filesystems and volumes of a parsed document, as the model has them. */
export function datasetsFromJson(entries: readonly JsonEntry[]): Dataset[] {
    return entries.filter(e => e.type === 'filesystem' || e.type === 'volume').map(e => {
        const candidate = {
            name: e.name, pool: e.pool, type: e.type,
            used: sizeOf(e, 'used'), available: sizeOf(e, 'available', 'avail'),
            referenced: sizeOf(e, 'referenced', 'refer'),
            usedBySnapshots: sizeOf(e, 'usedbysnapshots', 'usedsnap'),
            usedByChildren: sizeOf(e, 'usedbychildren', 'usedchild'),
            usedByDataset: sizeOf(e, 'usedbydataset', 'usedds'),
            mountpoint: textOf(e, 'mountpoint'), origin: textOf(e, 'origin'),
            encryption: textOf(e, 'encryption'), keyStatus: textOf(e, 'keystatus'),
        };
        const r = DatasetSchema.safeParse(candidate);
        if (!r.success)
            throw new ParseError(SOURCE, `${e.name}: ${describeIssues(r.error.issues)}`);
        return r.data;
    });
}

/** The snapshots of a parsed document; createtxg, creation and userrefs are 0 when not asked for. */
export function snapshotsFromJson(entries: readonly JsonEntry[]): Snapshot[] {
    return entries.filter(e => e.type === 'snapshot').map(e => {
        const at = e.name.indexOf('@');
        const num = (n: string): number => {
            const v = textOf(e, n);
            return /^[0-9]+$/.test(v) ? Number(v) : 0;
        };
        const creation = textOf(e, 'creation');
        const candidate = {
            name: e.name, dataset: e.name.slice(0, at), snapshot: e.name.slice(at + 1),
            createtxg: num('createtxg'), creation: creation === '' ? 0 : parseZfsDate(creation),
            used: sizeOf(e, 'used'), referenced: sizeOf(e, 'referenced', 'refer'), userrefs: num('userrefs'),
        };
        const r = SnapshotSchema.safeParse(candidate);
        if (!r.success)
            throw new ParseError(SOURCE, `${e.name}: ${describeIssues(r.error.issues)}`);
        return r.data;
    });
}
