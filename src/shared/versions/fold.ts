// "Previous Versions": which snapshot copies of a file are versions worth
// showing, and the names restored copies get. Pure logic; the reading is
// in file-versions.ts.

/** A file's copy in one snapshot, as stat shows it. */
export interface SnapshotCopy {
    /** Snapshot name (after '@'). */
    readonly snapshot: string;
    /** Snapshot creation, seconds since the epoch. */
    readonly creation: number;
    /** Where the copy can be read. */
    readonly path: string;
    readonly size: number;
    /** Modification time in microseconds since the epoch. */
    readonly mtimeUs: number;
    /** Permission bits. */
    readonly mode: number;
}

export interface FileState {
    readonly size: number;
    readonly mtimeUs: number;
}

/** One distinct version, with every snapshot that holds it (newest first). */
export interface FileVersion {
    /** The copy in the newest snapshot holding it: what Open and Restore read. */
    readonly path: string;
    readonly size: number;
    readonly mtimeUs: number;
    readonly mode: number;
    /** SHA-256 when it had to be computed to tell versions apart, else null. */
    readonly sha256: string | null;
    readonly snapshots: readonly { readonly name: string; readonly creation: number }[];
}

const key = (c: FileState): string => `${c.size}:${c.mtimeUs}`;

/** Copies that are not the current file by size and modification time, grouped by them. */
function groups(current: FileState | null, copies: readonly SnapshotCopy[]): SnapshotCopy[][] {
    const byKey = new Map<string, SnapshotCopy[]>();
    for (const c of [...copies].sort((a, b) => b.creation - a.creation)) {
        if (current !== null && key(c) === key(current))
            continue;
        const list = byKey.get(key(c));
        if (list)
            list.push(c);
        else
            byKey.set(key(c), [c]);
    }
    return [...byKey.values()];
}

/**
 * The copies whose content must be hashed to fold versions correctly: one
 * per (size, mtime) group, and only where another group or the current
 * file has the same size (different sizes are different contents), plus
 * `current` when a group has its size. Returns paths; `currentPath` stands
 * for the current file.
 */
export function pathsToHash(current: FileState | null, currentPath: string, copies: readonly SnapshotCopy[]): string[] {
    const gs = groups(current, copies);
    const sizes = new Map<number, number>();
    for (const g of gs) {
        const size = g[0]?.size ?? -1;
        sizes.set(size, (sizes.get(size) ?? 0) + 1);
    }
    const out: string[] = [];
    for (const g of gs) {
        const first = g[0];
        if (first && ((sizes.get(first.size) ?? 0) > 1 || first.size === current?.size))
            out.push(first.path);
    }
    if (current !== null && gs.some(g => g[0]?.size === current.size))
        out.push(currentPath);
    return out;
}

/**
 * The versions to show, newest first: copies with the current file's size
 * and mtime, or its content, are folded away; copies with the same size
 * and mtime, or the same content, are one version held by several
 * snapshots. `hashes` has the SHA-256 of what pathsToHash named.
 */
export function foldVersions(current: FileState | null, currentPath: string, copies: readonly SnapshotCopy[],
    hashes: ReadonlyMap<string, string>): FileVersion[] {
    const currentHash = hashes.get(currentPath) ?? null;
    const out: { version: FileVersion; snapshots: { name: string; creation: number }[] }[] = [];
    for (const g of groups(current, copies)) {
        const first = g[0];
        if (!first)
            continue;
        const sha256 = hashes.get(first.path) ?? null;
        if (sha256 !== null && sha256 === currentHash)
            continue;
        const snapshots = g.map(c => ({ name: c.snapshot, creation: c.creation }));
        const same = sha256 === null ? undefined : out.find(o => o.version.sha256 === sha256);
        if (same) {
            same.snapshots.push(...snapshots);
            same.snapshots.sort((a, b) => b.creation - a.creation);
            continue;
        }
        out.push({
            version: { path: first.path, size: first.size, mtimeUs: first.mtimeUs, mode: first.mode, sha256, snapshots },
            snapshots,
        });
    }
    return out.map(o => o.version);
}

const MAX_NAME_BYTES = 255;

/**
 * "report.odt" with label "restored 2026-11-30 09:00" and n 1 →
 * "report (restored 2026-11-30 09:00).odt"; n 2 → "… 09:00 2).odt". A
 * leading dot is not an extension (".bashrc"). Shortens the stem so that
 * the name fits in 255 bytes.
 */
export function labelledName(basename: string, label: string, n = 1): string {
    const dot = basename.lastIndexOf('.');
    let stem = dot > 0 ? basename.slice(0, dot) : basename;
    let ext = dot > 0 ? basename.slice(dot) : '';
    const suffix = ` (${label}${n > 1 ? ` ${n}` : ''})`;
    const bytes = (s: string): number => new TextEncoder().encode(s).length;
    if (bytes(ext) > 32)
        [stem, ext] = [basename, ''];
    // Shortened by whole characters as a person sees them (grapheme clusters).
    const graphemes = [...new Intl.Segmenter().segment(stem)].map(g => g.segment);
    while (graphemes.length > 1 && bytes(graphemes.join('') + suffix + ext) > MAX_NAME_BYTES)
        graphemes.pop();
    stem = graphemes.join('');
    return `${stem}${suffix}${ext}`;
}

/** Local time as in restored file names: "2026-11-30 09:00". */
export function nameTime(seconds: number): string {
    const d = new Date(seconds * 1000);
    const p = (v: number): string => String(v).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
