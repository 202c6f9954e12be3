// A small preview of a zstd file, decoded in-process by fzstd (spawning
// zstd for a glance is wasteful): at most PREVIEW_INPUT compressed bytes are
// read and PREVIEW_OUTPUT decoded bytes kept, then the first lines of text,
// the first members of a .tar.zst, or word that the content is binary.
// Pure: bytes in, a preview out.
import { concatBytes } from './bytes.js';
import { isFolderArchiveName } from './compressed-names.js';
import { _, format } from './i18n.js';
import { tarMembers, TarError } from './tar-members.js';
import { textPreview } from './text-preview.js';
import { Decompress, ZstdErrorCode } from './vendor/fzstd.js';
import type { FrameHeader } from './zstd-frame.js';

/** Decoded bytes a preview looks at. */
export const PREVIEW_OUTPUT = 64 * 1024;
/** Compressed bytes a preview reads at most, whatever the file's size. */
export const PREVIEW_INPUT = 1024 * 1024;
/** fzstd keeps a whole window in memory; the daemon writes at most 128 MiB ones (long-distance matching). */
export const PREVIEW_WINDOW = 128 * 1024 * 1024;
export const PREVIEW_LINES = 12;
export const PREVIEW_LINE_CHARS = 200;
export const PREVIEW_MEMBERS = 12;
/** Compressed bytes handed to fzstd at a time: its output is checked against the limit between blocks. */
const CHUNK = 16 * 1024;

export class PreviewError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'PreviewError';
    }
}

export interface DecodedPrefix {
    /** At most `limit` bytes of the content, from its start. */
    readonly bytes: Uint8Array;
    /** Whether these are all of the content (nothing was cut). */
    readonly whole: boolean;
}

/** Thrown from fzstd's data handler to stop it once the limit is passed. */
class Enough extends Error {}

function errorCode(e: unknown): number | null {
    if (e instanceof Error && 'code' in e && typeof e.code === 'number')
        return e.code;
    return null;
}

/**
 * The first `limit` decoded bytes of `compressed`. `inputWhole` says the
 * bytes are the entire file, so that one ending early is reported as cut
 * short; otherwise decoding stops quietly where the input does.
 */
export function decodePrefix(compressed: Uint8Array, inputWhole: boolean, limit = PREVIEW_OUTPUT): DecodedPrefix {
    const parts: Uint8Array[] = [];
    let length = 0;
    // One byte past the limit tells a cut content from one exactly `limit` long.
    const decoder = new Decompress((data: Uint8Array) => {
        const room = limit + 1 - length;
        parts.push(data.slice(0, room));
        length += Math.min(room, data.length);
        if (length > limit)
            throw new Enough();
    });
    try {
        for (let at = 0; at < compressed.length || at === 0; at += CHUNK) {
            const end = Math.min(compressed.length, at + CHUNK);
            decoder.push(compressed.subarray(at, end), inputWhole && end === compressed.length);
            if (end === compressed.length)
                break;
        }
    } catch (e) {
        if (e instanceof Enough)
            return { bytes: concatBytes(parts).subarray(0, limit), whole: false };
        const code = errorCode(e);
        if (code === ZstdErrorCode.UnexpectedEOF)
            throw new PreviewError(_('The file ends too early: it was cut short, or it is still being written.'));
        if (code === ZstdErrorCode.WindowSizeTooLarge)
            throw new PreviewError(_('The file needs more memory to decode than a preview may take.'));
        throw new PreviewError(_('The compressed data is damaged and cannot be decoded.'));
    }
    return { bytes: concatBytes(parts), whole: inputWhole };
}

export type Preview =
    | { readonly kind: 'text'; readonly lines: readonly string[]; readonly more: boolean }
    | { readonly kind: 'members'; readonly names: readonly string[]; readonly more: boolean }
    | { readonly kind: 'binary' }
    | { readonly kind: 'empty' }
    /** No preview, for a reason that is no fault of the file (a dictionary, a huge window). */
    | { readonly kind: 'unavailable'; readonly reason: string }
    /** The file is not what its header promises. */
    | { readonly kind: 'error'; readonly message: string };

/**
 * What the start of a zstd file named `name` holds, from `compressed` (its
 * first bytes, or all of it when `inputWhole`) and its frame header.
 */
export function previewOf(name: string, header: FrameHeader, compressed: Uint8Array, inputWhole: boolean): Preview {
    if (header.dictionaryId !== 0) {
        return { kind: 'unavailable', reason: format(_('The content can only be decoded with dictionary %d, and the built-in decoder cannot use dictionaries. Decompress the file to see what it holds.'),
            header.dictionaryId) };
    }
    if (header.windowSize > PREVIEW_WINDOW)
        return { kind: 'unavailable', reason: _('The file needs more memory to decode than a preview may take. Decompress it to see what it holds.') };
    let decoded: DecodedPrefix;
    try {
        decoded = decodePrefix(compressed, inputWhole);
    } catch (e) {
        if (e instanceof PreviewError)
            return { kind: 'error', message: e.message };
        throw e;
    }
    if (decoded.whole && decoded.bytes.length === 0)
        return { kind: 'empty' };
    if (isFolderArchiveName(name)) {
        try {
            const listing = tarMembers(decoded.bytes, PREVIEW_MEMBERS, decoded.whole);
            return { kind: 'members', names: listing.names, more: listing.more };
        } catch (e) {
            if (!(e instanceof TarError))
                throw e;
            // Named like an archive but holding something else: shown for what it is.
        }
    }
    const text = textPreview(decoded.bytes, !decoded.whole, PREVIEW_LINES, PREVIEW_LINE_CHARS);
    return text === null ? { kind: 'binary' } : { kind: 'text', lines: text.lines, more: text.more };
}
