// Paths as the Compress, Decompress and Verify methods take them (aay):
// bytes, checked before anything else sees them. Pure (but for the
// translation of its messages).
import { _, format } from '../../shared/i18n.js';

export class PathError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'PathError';
    }
}

export const MAX_PATH = 4096;
export const MAX_PATHS = 100000;

const SLASH = 0x2f;

/** A name as a person reads it (UTF-8, other bytes as �). */
export function displayPath(bytes: Uint8Array): string {
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/**
 * One path: absolute, no NUL inside (one at the end is GLib's bytestring
 * convention), no "." or ".." components, at most 4096 bytes. Repeated and
 * trailing slashes are dropped. Returns the normalized bytes.
 */
export function checkPath(raw: Uint8Array): Uint8Array {
    const bytes = raw.at(-1) === 0 ? raw.subarray(0, -1) : raw;
    if (bytes.length === 0)
        throw new PathError(_('A path is empty. Pass absolute paths such as /home/you/notes.txt.'));
    if (bytes.includes(0))
        throw new PathError(_('A path contains a NUL byte.'));
    const shown = displayPath(bytes);
    if (bytes[0] !== SLASH)
        throw new PathError(format(_('%s is not an absolute path (it must start with “/”).'), shown));
    if (bytes.length > MAX_PATH)
        throw new PathError(format(_('A path is longer than %d bytes.'), MAX_PATH));
    const parts: Uint8Array[] = [];
    let start = 1;
    for (let i = 1; i <= bytes.length; i++) {
        if (i === bytes.length || bytes[i] === SLASH) {
            const part = bytes.subarray(start, i);
            if (part.length === 1 && part[0] === 0x2e || part.length === 2 && part[0] === 0x2e && part[1] === 0x2e)
                throw new PathError(format(_('%s contains “.” or “..”; pass the path without them.'), shown));
            if (part.length > 0)
                parts.push(part);
            start = i + 1;
        }
    }
    if (parts.length === 0)
        throw new PathError(_('“/” itself cannot be compressed; choose files or folders in it.'));
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length + 1, 0));
    let at = 0;
    for (const p of parts) {
        out[at++] = SLASH;
        out.set(p, at);
        at += p.length;
    }
    return out;
}

/** A key that identifies a path exactly (for locks): its bytes in hex. */
export function pathKey(bytes: Uint8Array): string {
    return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** "/" as pathKey writes it. */
const SLASH_KEY = '2f';

/** The keys of the folders holding a checked path (as pathKey), "/" left out: "/a/b/c" → "/a", "/a/b". */
export function ancestorKeys(key: string): string[] {
    const out: string[] = [];
    for (let i = 2; i < key.length; i += 2) {
        if (key.startsWith(SLASH_KEY, i))
            out.push(key.slice(0, i));
    }
    return out;
}

/**
 * Paths (as pathKey), each with a value, that answers which of them
 * overlaps a path in time proportional to that path's depth, not to how
 * many are held: a request may name 100,000 files. Two paths overlap when
 * they are the same or one holds the other: a job on a folder reads
 * everything in it, so a file inside may not be changed by another job
 * meanwhile, nor the folder archived while a file in it is half replaced.
 */
export class OverlapIndex<T> {
    private readonly exact = new Map<string, T>();
    /** For each folder holding a key: the values of the keys under it, and how many each. */
    private readonly under = new Map<string, Map<T, number>>();

    get size(): number {
        return this.exact.size;
    }

    get(key: string): T | undefined {
        return this.exact.get(key);
    }

    values(): IterableIterator<T> {
        return this.exact.values();
    }

    set(key: string, value: T): void {
        this.delete(key);
        this.exact.set(key, value);
        for (const a of ancestorKeys(key)) {
            const counts = this.under.get(a) ?? new Map<T, number>();
            counts.set(value, (counts.get(value) ?? 0) + 1);
            this.under.set(a, counts);
        }
    }

    delete(key: string): void {
        const value = this.exact.get(key);
        if (value === undefined)
            return;
        this.exact.delete(key);
        for (const a of ancestorKeys(key)) {
            const counts = this.under.get(a);
            const n = (counts?.get(value) ?? 0) - 1;
            if (n > 0)
                counts?.set(value, n);
            else
                counts?.delete(value);
            if (counts?.size === 0)
                this.under.delete(a);
        }
    }

    /** Removes every key held with `value`. */
    deleteValue(value: T): void {
        for (const [k, v] of [...this.exact]) {
            if (v === value)
                this.delete(k);
        }
    }

    /** The value of a key that is `key`, holds it or is inside it; undefined when none overlaps. */
    overlapping(key: string): T | undefined {
        const same = this.exact.get(key);
        if (same !== undefined)
            return same;
        for (const a of ancestorKeys(key)) {
            const holder = this.exact.get(a);
            if (holder !== undefined)
                return holder;
        }
        const inside = this.under.get(key);
        return inside === undefined ? undefined : inside.keys().next().value;
    }
}

export interface PasswdEntry {
    readonly name: string;
    readonly uid: number;
    readonly gid: number;
}

/** One line of `getent passwd UID`. */
export function parsePasswdLine(line: string): PasswdEntry | null {
    const f = line.trim().split(':');
    if (f.length < 7)
        return null;
    const [name, , uid, gid] = f;
    if (!name || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? ''))
        return null;
    return { name, uid: Number(uid), gid: Number(gid) };
}
