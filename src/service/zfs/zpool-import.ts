// `zpool import` (no pool named): the pools ZFS finds on the devices that
// it could import, as text (no ZFS prints this as JSON). One section per
// pool, right-aligned "label:" lines as in zpool status, and a config table
// without a header or error counters: NAME STATE [note], indented two
// columns per level. Pure: text in, validated data out, or ParseError.
import { z } from '../../shared/vendor/zod.js';
import { HEALTH_STATES } from '../../shared/health.js';
import { describeIssues, ParseError, quote } from './parse-error.js';
import { indentWidth, paragraph, type Section, splitSections } from './zpool-sections.js';

const SOURCE = 'zpool import';
const CLASS_HEADERS = new Set(['logs', 'cache', 'spares', 'special', 'dedup']);
/** What ZFS prints instead of pool sections when it finds none. */
const NO_POOLS = /^no pools available( to import)?$/;

export const ImportableDeviceSchema = z.object({
    depth: z.number().int().nonnegative(),
    name: z.string().min(1),
    /** ONLINE, UNAVAIL, …; '' for the "logs"/"spares" group headers. */
    state: z.string().regex(/^([A-Z_]+)?$/),
    /** What follows the state: "cannot open", "corrupted data", … */
    note: z.string(),
}).readonly();
export type ImportableDevice = z.infer<typeof ImportableDeviceSchema>;

export const ImportablePoolSchema = z.object({
    name: z.string().min(1),
    // 64-bit: a decimal string, never a JS number.
    guid: z.string().regex(/^[0-9]+$/),
    state: z.enum(HEALTH_STATES),
    /** "ONLINE (DESTROYED)": listed by `zpool import -D`. */
    destroyed: z.boolean(),
    status: z.string(),
    action: z.string(),
    see: z.string(),
    /** Whether ZFS says it can be imported at all. */
    importable: z.boolean(),
    /** Whether importing needs -f (last used by another system and not exported). */
    needsForce: z.boolean(),
    devices: z.array(ImportableDeviceSchema).readonly(),
    /** Prose ZFS adds under the config, such as "Additional devices are known…". */
    notes: z.array(z.string()).readonly(),
}).readonly();
export type ImportablePool = z.infer<typeof ImportablePoolSchema>;

function toPool(section: Section): ImportablePool {
    const { name } = section;
    const guid = section.fields.get('id')?.[0] ?? '';
    const stateText = section.fields.get('state')?.[0] ?? '';
    const state = /^([A-Z_]+)( \(DESTROYED\))?$/.exec(stateText);
    if (state === null)
        throw new ParseError(SOURCE, `pool ${name} has no "state:" line with a state like ONLINE (found ${quote(stateText)})`, section.line);
    const devices: ImportableDevice[] = [];
    const notes: string[] = [];
    const base = section.config[0] === undefined ? 0 : indentWidth(section.config[0].text);
    for (const row of section.config) {
        const tokens = row.text.trim().split(/\s+/);
        const [dev, devState, ...rest] = tokens;
        const depth = Math.floor((indentWidth(row.text) - base) / 2);
        const isHeader = devState === undefined && CLASS_HEADERS.has(dev ?? '');
        if (!isHeader && (devState === undefined || !/^[A-Z_]+$/.test(devState))) {
            // Prose, not a row: "Additional devices are known to be part of this pool, …"
            notes.push(row.text.trim());
            continue;
        }
        if (depth < 0)
            throw new ParseError(SOURCE, `config row ${quote(row.text)} is left of the pool's name`, row.number);
        devices.push({ depth, name: dev ?? '', state: devState ?? '', note: rest.join(' ') });
    }
    if (devices[0]?.name !== name || devices[0].depth !== 0)
        throw new ParseError(SOURCE, `the config of pool ${name} does not start with the pool itself`, section.line);
    const action = paragraph(section, 'action');
    const status = paragraph(section, 'status');
    const candidate = {
        name, guid,
        state: (HEALTH_STATES as readonly string[]).includes(state[1] ?? '') ? state[1] : 'UNKNOWN',
        destroyed: state[2] !== undefined,
        status, action,
        see: paragraph(section, 'see'),
        importable: !/cannot be imported/i.test(action),
        needsForce: /'-f'/.test(action) || /last accessed by another system/i.test(status),
        devices, notes,
    };
    const result = ImportablePoolSchema.safeParse(candidate);
    if (!result.success)
        throw new ParseError(SOURCE, `pool ${name || '?'}: ${describeIssues(result.error.issues)}`, section.line);
    return result.data;
}

/** Parses what `zpool import [-d DIR]…` prints; no output (zfs-fuse, none found) is no pools. */
export function parseZpoolImport(text: string): ImportablePool[] {
    return splitSections(text, { source: SOURCE, noPools: l => NO_POOLS.test(l) }).map(toPool);
}
