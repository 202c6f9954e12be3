// A local file's path as its exact bytes, from its URI. GJS hands paths
// (Gio.File.get_path, Nautilus.FileInfo names) over as UTF-8 strings, and
// a name that is not valid UTF-8 cannot be one; GIO's file:// URIs escape
// every such byte as %XX, so the URI carries the name exactly.

const PERCENT = 0x25;

function hexValue(c: number): number {
    if (c >= 0x30 && c <= 0x39)
        return c - 0x30;
    if (c >= 0x41 && c <= 0x46)
        return c - 0x41 + 10;
    if (c >= 0x61 && c <= 0x66)
        return c - 0x61 + 10;
    return -1;
}

/** The bytes of a local file:// URI's path (percent escapes undone); null for other URIs or a malformed escape. */
export function localPathBytes(uri: string): Uint8Array | null {
    const match = /^file:\/\/(?:localhost)?(\/[^?#]*)$/i.exec(uri);
    if (match === null)
        return null;
    // Unescaped characters are taken as UTF-8 (GIO escapes everything outside ASCII, others may not).
    const raw = new TextEncoder().encode(match[1] ?? '');
    const out: number[] = [];
    for (let i = 0; i < raw.length; i++) {
        const c = raw[i] ?? 0;
        if (c !== PERCENT) {
            out.push(c);
            continue;
        }
        const hi = hexValue(raw[i + 1] ?? 0);
        const lo = hexValue(raw[i + 2] ?? 0);
        if (hi < 0 || lo < 0)
            return null;
        out.push(hi * 16 + lo);
        i += 2;
    }
    // A NUL cannot be in a path: such a URI names nothing on the disk.
    return out.includes(0) ? null : Uint8Array.from(out);
}

/** The last part of a path's bytes, readable: bytes that are not UTF-8 shown as �. */
export function displayBaseName(path: Uint8Array): string {
    const end = path.length > 1 && path[path.length - 1] === 0x2f ? path.length - 1 : path.length;
    const start = path.lastIndexOf(0x2f, end - 1) + 1;
    return new TextDecoder('utf-8', { fatal: false }).decode(path.subarray(start, end));
}
