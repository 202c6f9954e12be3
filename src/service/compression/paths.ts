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

/**
 * Whether two checked paths (as pathKey) are the same or one holds the
 * other: a job on a folder reads everything in it, so a file inside may not
 * be changed by another job meanwhile, nor the folder archived while a file
 * in it is half replaced. Keys are byte-aligned hex of normalized paths.
 */
export function pathsOverlap(a: string, b: string): boolean {
    return a === b || b.startsWith(a + SLASH_KEY) || a.startsWith(b + SLASH_KEY);
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
