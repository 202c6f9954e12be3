// `zfs list -H [-p] -o <columns>` (datasets) and `zfs list -H [-p] -t
// snapshot -o <columns>` (snapshots): one per line, fields separated by
// tabs. OpenZFS adds -p for exact numbers and dates as seconds; zfs-fuse has
// no -p and prints "112K" and "Sun Nov 22  2:27 2026", so sizes go through
// parseSize and dates through parseZfsDate. zfs-fuse knows the short column
// names (usedsnap, usedchild, usedds) and OpenZFS accepts them too; neither
// name works on the other for encryption and keystatus (OpenZFS only).
import { DatasetSchema, type Dataset, SnapshotSchema, type Snapshot } from './dataset-model.js';
import { ParseError, describeIssues, quote } from './parse-error.js';
import { parseSize } from './units.js';

export const DATASET_COLUMNS = ['name', 'type', 'used', 'avail', 'refer', 'usedsnap', 'usedchild', 'usedds',
    'mountpoint', 'origin', 'encryption', 'keystatus'] as const;
export type DatasetColumn = (typeof DATASET_COLUMNS)[number];
/** What every ZFS can list; encryption and keystatus are OpenZFS only. */
export const BASE_DATASET_COLUMNS: readonly DatasetColumn[] = DATASET_COLUMNS.slice(0, 10);

export const SNAPSHOT_COLUMNS = ['name', 'createtxg', 'creation', 'used', 'refer', 'userrefs'] as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A creation date: seconds ("1795314439", with -p) or ZFS's ctime-like local
 * time "Sun Nov 22  2:27 2026" (minute precision). Returns seconds since the epoch.
 */
export function parseZfsDate(text: string): number {
    const t = text.trim();
    if (/^[0-9]+$/.test(t))
        return Number(t);
    const m = /^[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(\d{4})$/.exec(t);
    const month = MONTHS.indexOf(m?.[1] ?? '');
    if (m === null || month < 0)
        throw new ParseError('zfs list', `expected a date like "Sun Nov 22  2:27 2026", got ${quote(text)}`);
    const d = new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0));
    return Math.floor(d.getTime() / 1000);
}

function size(text: string, column: string, source: string, line: number): number {
    try {
        return parseSize(text) ?? 0;
    } catch {
        throw new ParseError(source, `column ${column}: expected a size, got ${quote(text)}`, line);
    }
}

function lines(text: string): { raw: string; line: number }[] {
    return text.replace(/\r/g, '').split('\n')
        .map((raw, i) => ({ raw, line: i + 1 }))
        .filter(({ raw }) => raw !== '' && !/^no datasets available$/.test(raw.trim()));
}

function fieldsOf(raw: string, columns: readonly string[], source: string, line: number): (c: string) => string {
    if (/^NAME\s/.test(raw))
        throw new ParseError(source, 'found a header line; run zfs list with -H', line);
    // Names may contain spaces, so only tabs separate fields.
    const fields = raw.split('\t');
    if (fields.length !== columns.length) {
        throw new ParseError(source,
            `expected ${columns.length} fields (${columns.join(', ')}) but found ${fields.length} in ${quote(raw)}`, line);
    }
    return (c: string): string => {
        const i = columns.indexOf(c);
        return i < 0 ? '' : fields[i] ?? '';
    };
}

/** Parses `zfs list -H [-p] -t filesystem,volume -o <columns>`; columns must include BASE_DATASET_COLUMNS. */
export function parseZfsList(text: string, columns: readonly DatasetColumn[]): Dataset[] {
    const source = 'zfs list';
    const missing = BASE_DATASET_COLUMNS.filter(c => !columns.includes(c));
    if (missing.length > 0)
        throw new ParseError(source, `the column list lacks ${missing.join(', ')}; ask zfs for them with -o`);
    return lines(text).map(({ raw, line }) => {
        const f = fieldsOf(raw, columns, source, line);
        const dash = (v: string): string => (v === '-' ? '' : v);
        const name = f('name');
        const candidate = {
            name,
            pool: name.split('/')[0] ?? '',
            type: f('type'),
            used: size(f('used'), 'used', source, line),
            available: size(f('avail'), 'avail', source, line),
            referenced: size(f('refer'), 'refer', source, line),
            usedBySnapshots: size(f('usedsnap'), 'usedsnap', source, line),
            usedByChildren: size(f('usedchild'), 'usedchild', source, line),
            usedByDataset: size(f('usedds'), 'usedds', source, line),
            mountpoint: dash(f('mountpoint')),
            origin: dash(f('origin')),
            encryption: dash(f('encryption')),
            keyStatus: dash(f('keystatus')),
        };
        const result = DatasetSchema.safeParse(candidate);
        if (!result.success)
            throw new ParseError(source, `${describeIssues(result.error.issues)} in ${quote(raw)}`, line);
        return result.data;
    });
}

/** Parses `zfs list -H [-p] -t snapshot -o name,createtxg,creation,used,refer,userrefs`. */
export function parseZfsSnapshotList(text: string): Snapshot[] {
    const source = 'zfs list -t snapshot';
    return lines(text).map(({ raw, line }) => {
        const f = fieldsOf(raw, SNAPSHOT_COLUMNS, source, line);
        const name = f('name');
        const at = name.indexOf('@');
        if (at < 1)
            throw new ParseError(source, `${quote(name)} is not a snapshot name (dataset@snapshot)`, line);
        let creation: number;
        try {
            creation = parseZfsDate(f('creation'));
        } catch (e) {
            throw new ParseError(source, e instanceof Error ? e.message : String(e), line);
        }
        const count = (c: string): number => {
            const v = f(c);
            if (!/^[0-9]+$/.test(v))
                throw new ParseError(source, `column ${c}: expected a whole number, got ${quote(v)}`, line);
            return Number(v);
        };
        const candidate = {
            name,
            dataset: name.slice(0, at),
            snapshot: name.slice(at + 1),
            createtxg: count('createtxg'),
            creation,
            used: size(f('used'), 'used', source, line),
            referenced: size(f('refer'), 'refer', source, line),
            userrefs: count('userrefs'),
        };
        const result = SnapshotSchema.safeParse(candidate);
        if (!result.success)
            throw new ParseError(source, `${describeIssues(result.error.issues)} in ${quote(raw)}`, line);
        return result.data;
    });
}

export const SNAPSHOT_PROPERTIES = ['createtxg', 'creation', 'used', 'referenced', 'userrefs'] as const;

/**
 * zfs-fuse's `zfs list` has no -p and abbreviates even createtxg ("1K"),
 * but its `zfs get` has -p: `zfs get -H -p -o name,property,value -r -d 1
 * createtxg,creation,used,referenced,userrefs DATASET` gives exact values,
 * one property per line, for the dataset, its children and its snapshots.
 * Returns the snapshots of `dataset`, oldest (lowest createtxg) first.
 */
export function parseSnapshotProperties(text: string, dataset: string): Snapshot[] {
    const source = 'zfs get (snapshots)';
    const byName = new Map<string, Map<string, string>>();
    lines(text).forEach(({ raw, line }) => {
        const fields = raw.split('\t');
        if (fields.length !== 3)
            throw new ParseError(source, `expected 3 fields (name, property, value) but found ${fields.length} in ${quote(raw)}`, line);
        const [name, property, value] = fields as [string, string, string];
        if (!name.startsWith(`${dataset}@`))
            return;
        let props = byName.get(name);
        if (props === undefined) {
            props = new Map();
            byName.set(name, props);
        }
        props.set(property, value);
    });
    const snapshots = [...byName].map(([name, props]) => {
        const num = (p: string): number => {
            const v = props.get(p) ?? '';
            if (!/^[0-9]+$/.test(v))
                throw new ParseError(source, `${name} ${p}: expected a whole number, got ${quote(v)}`);
            return Number(v);
        };
        const candidate = {
            name, dataset, snapshot: name.slice(dataset.length + 1),
            createtxg: num('createtxg'), creation: num('creation'), used: num('used'), referenced: num('referenced'),
            userrefs: num('userrefs'),
        };
        const result = SnapshotSchema.safeParse(candidate);
        if (!result.success)
            throw new ParseError(source, `${name}: ${describeIssues(result.error.issues)}`);
        return result.data;
    });
    // Array.prototype.sort is stable: snapshots of one txg keep zfs's order.
    return snapshots.sort((a, b) => a.createtxg - b.createtxg);
}
