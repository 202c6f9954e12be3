// Whether decoded bytes are text to show, and their first lines. The bytes
// are often a prefix cut at a limit, so a character split by the cut is not
// taken for binary data. Pure.

/** How many bytes a UTF-8 sequence starting with `lead` has; 0 for a byte no sequence starts with. */
function sequenceLength(lead: number): number {
    if (lead < 0x80)
        return 1;
    if (lead >= 0xc2 && lead <= 0xdf)
        return 2;
    if (lead >= 0xe0 && lead <= 0xef)
        return 3;
    if (lead >= 0xf0 && lead <= 0xf4)
        return 4;
    return 0;
}

/** The allowed range of the second byte (RFC 3629 §4: no overlongs, surrogates or code points past U+10FFFF). */
function secondRange(lead: number): readonly [number, number] {
    if (lead === 0xe0)
        return [0xa0, 0xbf];
    if (lead === 0xed)
        return [0x80, 0x9f];
    if (lead === 0xf0)
        return [0x90, 0xbf];
    if (lead === 0xf4)
        return [0x80, 0x8f];
    return [0x80, 0xbf];
}

/**
 * How many bytes at the start of `bytes` are whole UTF-8 text without NUL;
 * -1 when they are not text. With `cut`, an unfinished character at the very
 * end is left out instead of counting as binary.
 */
export function textLength(bytes: Uint8Array, cut: boolean): number {
    let i = 0;
    while (i < bytes.length) {
        const lead = bytes[i] ?? 0;
        if (lead === 0)
            return -1;
        const n = sequenceLength(lead);
        if (n === 0)
            return -1;
        for (let k = 1; k < n; k++) {
            if (i + k >= bytes.length)
                return cut ? i : -1;
            const b = bytes[i + k] ?? 0;
            const [low, high] = k === 1 ? secondRange(lead) : [0x80, 0xbf];
            if (b < low || b > high)
                return -1;
        }
        i += n;
    }
    return i;
}

export interface TextPreview {
    readonly lines: readonly string[];
    /** Whether the text goes on past the lines shown. */
    readonly more: boolean;
}

/**
 * The first `maxLines` lines of `bytes` (each at most `maxChars` long), or
 * null when the bytes are not text. `cut` says the bytes are a prefix of
 * the content.
 */
export function textPreview(bytes: Uint8Array, cut: boolean, maxLines: number, maxChars: number): TextPreview | null {
    const length = textLength(bytes, cut);
    if (length < 0)
        return null;
    const all = new TextDecoder('utf-8').decode(bytes.subarray(0, length)).split('\n');
    // A final newline ends the last line; it does not start another.
    if (all.at(-1) === '')
        all.pop();
    const lines = all.slice(0, maxLines).map(l => {
        const line = l.replace(/\r$/, '');
        const chars = Array.from(line);
        return chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}…` : line;
    });
    return { lines, more: cut || all.length > maxLines };
}
