// `zpool status [-v]` as people read it. Used where JSON is unavailable:
// zfs-fuse and OpenZFS before 2.3. The layout is the same everywhere:
// right-aligned "label:" lines, tab-indented continuations, and a config
// table whose indentation (two columns per level) gives the vdev tree.
import { asHealth, worstHealth, type Health } from '../../shared/health.js';
import { PoolStatusSchema, type PoolStatus, type Vdev, type VdevType } from './model.js';
import { ParseError, describeIssues, quote } from './parse-error.js';
import { indentWidth, type Line, paragraph, type Section, splitSections } from './zpool-sections.js';
import { parseScanText, repairedInConfig, type ScanInfo } from './scan.js';
import { parseCount } from './units.js';

const SOURCE = 'zpool status';

const KNOWN_LABELS = new Set([
    'pool', 'id', 'state', 'status', 'action', 'see', 'scan', 'scrub', 'remove',
    'checkpoint', 'expand', 'config', 'errors', 'comment', 'dedup',
]);
// Labels followed by free-form lines (the -v file list, the -D histogram),
// some unindented; only the first line is kept.
const FREE_FORM = new Set(['errors', 'dedup']);
// Messages printed instead of pool sections.
const NO_POOLS = new Set(['no pools available', 'all pools are healthy']);
const RULES = { source: SOURCE, noPools: (l: string): boolean => NO_POOLS.has(l), freeForm: FREE_FORM, knownLabels: KNOWN_LABELS };

const CLASS_HEADERS: Readonly<Record<string, VdevType>> = {
    logs: 'logs', cache: 'cache', spares: 'spares', special: 'special', dedup: 'dedup',
};
const COUNT = /^[0-9]+(?:\.[0-9]+)?[KMGTPEZ]?$/;

interface Draft {
    readonly name: string;
    readonly depth: number;
    /** Set for the root and class headers; derived from the name otherwise. */
    readonly fixedType: VdevType | null;
    readonly state: Health | null;
    readonly counters: readonly [number, number, number];
    readonly children: Draft[];
}

function rowState(word: string, line: Line): Health {
    if (!/^[A-Z_]+$/.test(word))
        throw new ParseError(SOURCE, `expected a state like ONLINE in config row ${quote(line.text)}`, line.number);
    // Hot spares report AVAIL or INUSE instead of a health; both mean reachable.
    if (word === 'AVAIL' || word === 'INUSE')
        return 'ONLINE';
    return asHealth(word);
}

/** Reads READ WRITE CKSUM; rows without counters (spares) count as zero. */
function rowCounters(tokens: readonly string[], line: Line): readonly [number, number, number] {
    const [read, write, cksum] = tokens;
    if (read === undefined || !COUNT.test(read))
        return [0, 0, 0];
    if (write === undefined || cksum === undefined || !COUNT.test(write) || !COUNT.test(cksum))
        throw new ParseError(SOURCE, `incomplete READ WRITE CKSUM counters in ${quote(line.text)}`, line.number);
    return [parseCount(read), parseCount(write), parseCount(cksum)];
}

function parseRow(line: Line, baseIndent: number, root: boolean): Draft {
    const depth = Math.floor((indentWidth(line.text) - baseIndent) / 2);
    if (depth < 0)
        throw new ParseError(SOURCE, `config row ${quote(line.text)} is left of the NAME column`, line.number);
    const tokens = line.text.trim().split(/\s+/);
    const [name, state, ...rest] = tokens;
    const classType = CLASS_HEADERS[name ?? ''];
    if (!root && depth === 0 && state === undefined && classType !== undefined)
        return { name: name ?? '', depth, fixedType: classType, state: null, counters: [0, 0, 0], children: [] };
    if (name === undefined || state === undefined)
        throw new ParseError(SOURCE, `config row ${quote(line.text)} has no state`, line.number);
    return {
        name,
        depth,
        fixedType: root ? 'root' : null,
        state: rowState(state, line),
        // Anything after the counters ("cannot open", "(resilvering)") is a note.
        counters: rowCounters(rest, line),
        children: [],
    };
}

/** Builds the tree from the config rows; the first row is the pool itself. */
function parseConfig(section: Section): Draft {
    const [header, first, ...rows] = section.config;
    if (header === undefined || !/^NAME\s+STATE\b/.test(header.text.trim()))
        throw new ParseError(SOURCE, `pool ${section.name} has no "NAME STATE READ WRITE CKSUM" config table`, section.line);
    if (first === undefined)
        throw new ParseError(SOURCE, `pool ${section.name} has an empty config table`, header.number);
    const baseIndent = indentWidth(header.text);
    const root = parseRow(first, baseIndent, true);
    if (root.name !== section.name || root.depth !== 0) {
        throw new ParseError(SOURCE,
            `the config table of pool ${section.name} starts with ${quote(first.text)} instead of the pool`, first.number);
    }
    // Levels in the tree: class groups ("logs", "spares") are printed at the
    // pool's indentation but are children of the pool, so every row after a
    // class header sits one level deeper than its indentation says.
    const stack: { draft: Draft; level: number }[] = [{ draft: root, level: 0 }];
    let inClass = false;
    for (const line of rows) {
        const row = parseRow(line, baseIndent, false);
        const isClass = row.fixedType !== null;
        if (row.depth === 0 && !isClass)
            throw new ParseError(SOURCE, `config row ${quote(line.text)} is a second top-level vdev`, line.number);
        inClass ||= isClass;
        const level = isClass ? 1 : row.depth + (inClass ? 1 : 0);
        while (stack.length > 1 && (stack[stack.length - 1]?.level ?? 0) >= level)
            stack.pop();
        const parent = stack[stack.length - 1]?.draft ?? root;
        parent.children.push(row);
        stack.push({ draft: row, level });
    }
    return root;
}

/** The kind of a vdev from its name, as zpool prints it ("mirror-0", "raidz2-1"). */
function typeFromName(name: string, hasChildren: boolean): VdevType {
    if (/^mirror(-[0-9]+)?$/.test(name))
        return 'mirror';
    const raidz = /^raidz([123])?(-[0-9]+)?$/.exec(name);
    if (raidz !== null) {
        // Plain "raidz" is the single-parity layout, as in "zpool create raidz".
        const parity = raidz[1] ?? '1';
        return parity === '3' ? 'raidz3' : parity === '2' ? 'raidz2' : 'raidz1';
    }
    if (/^draid[0-9]?(:|-|$)/.test(name))
        return 'draid';
    if (/^replacing(-[0-9]+)?$/.test(name))
        return 'replacing';
    if (/^spare(-[0-9]+)?$/.test(name))
        return 'spare';
    if (hasChildren)
        return 'unknown';
    // Pools of plain files (zfs-fuse test pools, images) name leaves by path.
    return name.startsWith('/') && !name.startsWith('/dev/') ? 'file' : 'disk';
}

function toVdev(draft: Draft): Vdev {
    const children = draft.children.map(toVdev);
    const type = draft.fixedType ?? typeFromName(draft.name, children.length > 0);
    return {
        name: draft.name,
        type,
        // Class headers have no state column; they are as healthy as their members.
        state: draft.state ?? worstHealth(children.map(c => c.state)),
        path: type !== 'root' && draft.fixedType === null && draft.name.startsWith('/') ? draft.name : null,
        readErrors: draft.counters[0],
        writeErrors: draft.counters[1],
        checksumErrors: draft.counters[2],
        children,
    };
}

/**
 * The scan as numbers. zfs-fuse and Solaris note repairs only beside each
 * device ("792M repaired"); a finished scan with no such note repaired nothing.
 */
function scanInfo(section: Section, scan: string): ScanInfo {
    const info = parseScanText(scan);
    if (info.kind === 'none' || info.repaired !== null)
        return info;
    const noted = repairedInConfig(section.config.map(l => l.text).join('\n'));
    return { ...info, repaired: noted ?? (info.state === 'finished' && /after [0-9]+h[0-9]+m/.test(scan) ? 0 : null) };
}

function toPoolStatus(section: Section): PoolStatus {
    const state = section.fields.get('state')?.[0];
    if (state === undefined || !/^[A-Z_]+$/.test(state))
        throw new ParseError(SOURCE, `pool ${section.name} has no "state:" line with a state like ONLINE`, section.line);
    const candidate = {
        name: section.name,
        state: asHealth(state),
        status: paragraph(section, 'status'),
        action: paragraph(section, 'action'),
        // Old releases (Solaris, zfs-fuse) say "scrub:" where OpenZFS says "scan:".
        scan: paragraph(section, 'scan', 'scrub'),
        scanInfo: scanInfo(section, paragraph(section, 'scan', 'scrub')),
        errors: section.fields.get('errors')?.[0] ?? '',
        root: toVdev(parseConfig(section)),
    };
    const result = PoolStatusSchema.safeParse(candidate);
    if (!result.success)
        throw new ParseError(SOURCE, `pool ${section.name}: ${describeIssues(result.error.issues)}`, section.line);
    return result.data;
}

/**
 * Parses the text of `zpool status [-v] [pool…]` (OpenZFS, Solaris, zfs-fuse)
 * into one PoolStatus per pool. Throws ParseError on anything it cannot place;
 * it never returns some pools and drops others.
 */
export function parseZpoolStatusText(text: string): PoolStatus[] {
    return splitSections(text, RULES).map(toPoolStatus);
}
