// What a zstd frame header tells a person about the file, in words: the
// content size (when recorded), the ratio, the checksum, the dictionary and
// the window the decoder needs. Pure: a parsed header in, strings out.
import GLib from 'gi://GLib';
import { dictionaryFileName } from './compressed-names.js';
import { _, format } from './i18n.js';
import { savedPercent } from './job-format.js';
import type { FrameHeader } from './zstd-frame.js';

/** zstd decodes windows up to 2^27 bytes without being told; larger ones need --long or --memory. */
const DEFAULT_WINDOW_LIMIT = 2 ** 27;

/** Where the dictionary a frame needs stands: none needed, or what was found beside the file. */
export type DictionaryState = 'found' | 'missing' | 'mismatch';

export interface FrameSummary {
    readonly contentSize: string;
    /** How much smaller the file is than its content; null when the content size is not recorded. */
    readonly ratio: string | null;
    readonly checksum: string;
    readonly window: string;
}

function longSize(bytes: number): string {
    return GLib.format_size_full(bytes, GLib.FormatSizeFlags.LONG_FORMAT);
}

/** "3.2 to 1, 69 % smaller" for a content of `content` bytes in a file of `compressed`; null when unknown. */
export function ratioText(content: number | null, compressed: number): string | null {
    if (content === null || content <= 0 || compressed <= 0)
        return null;
    const ratio = (content / compressed).toLocaleString(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const saved = savedPercent(content, compressed);
    // Translators: a compression ratio and the space saved, e.g. "3.2 to 1, 69 % smaller".
    return saved >= 0 ? format(_('%s to 1, %d %% smaller'), ratio, saved) : format(_('%s to 1, %d %% larger'), ratio, -saved);
}

/** The header's facts in words, for a file of `compressedSize` bytes. */
export function frameSummary(header: FrameHeader, compressedSize: number): FrameSummary {
    const window = header.windowSize > DEFAULT_WINDOW_LIMIT
        // Translators: %s is a size, %d the window log that zstd's --long option takes.
        ? format(_('%s; decompressing needs zstd --long=%d'), GLib.format_size(header.windowSize), Math.ceil(Math.log2(header.windowSize)))
        : GLib.format_size(header.windowSize);
    return {
        contentSize: header.contentSize === null ? _('Not recorded in the file') : longSize(header.contentSize),
        ratio: ratioText(header.contentSize, compressedSize),
        checksum: header.checksum
            ? _('Included: the content is checked when it is decompressed')
            : _('Not included: damage to the content may go unnoticed'),
        window,
    };
}

/** The dictionary row's words: which dictionary the file needs and whether it is beside the file. */
export function dictionaryText(id: number, state: DictionaryState | null): string {
    if (id === 0)
        return _('None needed');
    const name = dictionaryFileName(id);
    switch (state) {
    case 'found':
        return format(_('ID %d, found beside the file (%s)'), id, name);
    case 'mismatch':
        return format(_('ID %d; %s beside the file is a different dictionary, so the file cannot be decompressed'), id, name);
    case 'missing':
    case null:
        return format(_('ID %d; %s is not beside the file, and the file cannot be decompressed without it'), id, name);
    }
}

/** The compressed size in words, exact bytes included. */
export function compressedSizeText(bytes: number): string {
    return longSize(bytes);
}
