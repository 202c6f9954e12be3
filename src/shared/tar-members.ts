// The member names at the start of a tar stream (POSIX ustar and pax, with
// GNU long names), for the preview of a .tar.zst: the decoded prefix of an
// archive is usually cut mid-member, so this reads what is there and says
// whether more follows. Pure: bytes in, names out.

const BLOCK = 512;

export interface TarListing {
    /** Member paths in archive order; folders end with "/". */
    readonly names: readonly string[];
    /** Whether the archive has members past the ones listed. */
    readonly more: boolean;
}

export class TarError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'TarError';
    }
}

const utf8 = new TextDecoder('utf-8');

function field(block: Uint8Array, at: number, length: number): Uint8Array {
    const raw = block.subarray(at, at + length);
    const nul = raw.indexOf(0);
    return nul < 0 ? raw : raw.subarray(0, nul);
}

function text(block: Uint8Array, at: number, length: number): string {
    return utf8.decode(field(block, at, length));
}

/** A numeric field: octal digits, or GNU base-256 when the high bit of the first byte is set. */
function number(block: Uint8Array, at: number, length: number): number {
    const first = block[at] ?? 0;
    if (first & 0x80) {
        let v = first & 0x7f;
        for (let i = 1; i < length; i++)
            v = v * 256 + (block[at + i] ?? 0);
        return v;
    }
    const digits = text(block, at, length).trim();
    if (!/^[0-7]*$/.test(digits))
        throw new TarError('A tar header has a number that is not octal.');
    return digits === '' ? 0 : parseInt(digits, 8);
}

/** The header checksum: every byte summed with the checksum field counted as spaces. */
function checksumOk(block: Uint8Array): boolean {
    let sum = 0;
    for (let i = 0; i < BLOCK; i++)
        sum += i >= 148 && i < 156 ? 0x20 : block[i] ?? 0;
    try {
        return number(block, 148, 8) === sum;
    } catch {
        return false;
    }
}

/** The "path" record of pax extended header data ("LEN key=value\n"…), if any. */
function paxPath(data: Uint8Array): string | null {
    let at = 0;
    let path: string | null = null;
    while (at < data.length) {
        const space = data.indexOf(0x20, at);
        if (space < 0)
            break;
        const length = parseInt(utf8.decode(data.subarray(at, space)), 10);
        if (!Number.isInteger(length) || length <= 0)
            break;
        const record = utf8.decode(data.subarray(space + 1, at + length)).replace(/\n$/, '');
        const eq = record.indexOf('=');
        if (eq > 0 && record.slice(0, eq) === 'path')
            path = record.slice(eq + 1);
        at += length;
    }
    return path;
}

/**
 * Up to `max` member names from the start of a tar stream. `whole` says
 * `bytes` is the entire archive (so running out of bytes means no more
 * members); otherwise they are a prefix and the listing may go on.
 * Throws TarError when the first header is not a tar header.
 */
export function tarMembers(bytes: Uint8Array, max: number, whole: boolean): TarListing {
    const names: string[] = [];
    let at = 0;
    let nextName: string | null = null;
    while (at + BLOCK <= bytes.length) {
        const block = bytes.subarray(at, at + BLOCK);
        if (block.every(b => b === 0))
            return { names, more: false };
        if (!checksumOk(block)) {
            if (at === 0)
                throw new TarError('This is not a tar archive (its first header does not check out).');
            throw new TarError('The archive is damaged: a tar header does not check out.');
        }
        const size = number(block, 124, 12);
        const type = String.fromCharCode(block[156] ?? 0);
        const dataEnd = at + BLOCK + size;
        at = at + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
        if (type === 'x' || type === 'L') {
            // Both name the member whose header follows; their data must be all there to be read.
            if (dataEnd > bytes.length)
                break;
            const data = bytes.subarray(dataEnd - size, dataEnd);
            nextName = type === 'x' ? paxPath(data) ?? nextName : utf8.decode(field(data, 0, data.length));
            continue;
        }
        if (type === 'g')
            continue;
        if (names.length === max)
            return { names, more: true };
        let name = text(block, 0, 100);
        if (text(block, 257, 5) === 'ustar') {
            const prefix = text(block, 345, 155);
            if (prefix !== '')
                name = `${prefix}/${name}`;
        }
        name = nextName ?? name;
        nextName = null;
        if (type === '5' && !name.endsWith('/'))
            name += '/';
        names.push(name);
    }
    return { names, more: !whole || at < bytes.length };
}
