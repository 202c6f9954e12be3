// zstd frame headers and dictionary headers (RFC 8878 §3.1.1 and §5), read
// in-process: the content size, whether a content checksum follows, the
// window and the dictionary a frame needs. Pure: bytes in, validated data out.

export const ZSTD_MAGIC = 0xfd2fb528;
export const DICTIONARY_MAGIC = 0xec30a437;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** The longest frame header: magic 4 + descriptor 1 + window 1 + dictionary 4 + content size 8. */
export const MAX_FRAME_HEADER = 18;

export interface FrameHeader {
    /** Bytes of the header itself (magic included). */
    readonly headerSize: number;
    /** Decoded size, when the frame records it. */
    readonly contentSize: number | null;
    /** The dictionary ID the frame needs; 0 when none. */
    readonly dictionaryId: number;
    readonly checksum: boolean;
    readonly singleSegment: boolean;
    /** Bytes of history the decoder must keep. */
    readonly windowSize: number;
}

export class FrameError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'FrameError';
    }
}

function u32(b: Uint8Array, at: number): number {
    return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

function uint(b: Uint8Array, at: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--)
        v = v * 256 + (b[at + i] ?? 0);
    return v;
}

/** Whether `bytes` start like a zstd frame (the magic number). */
export function isZstd(bytes: Uint8Array): boolean {
    return bytes.length >= 4 && u32(bytes, 0) === ZSTD_MAGIC;
}

/**
 * The header of the first zstd frame in `bytes`, skipping skippable frames
 * (which would need more bytes than a header's worth: then FrameError).
 */
export function parseFrameHeader(bytes: Uint8Array): FrameHeader {
    let at = 0;
    while (bytes.length - at >= 8 && ((u32(bytes, at) & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC)
        at += 8 + u32(bytes, at + 4);
    if (bytes.length - at < 5)
        throw new FrameError('Too short for a zstd frame header.');
    if (u32(bytes, at) !== ZSTD_MAGIC)
        throw new FrameError('Not a zstd frame (the magic number is missing).');
    const fhd = bytes[at + 4] ?? 0;
    if (fhd & 0x08)
        throw new FrameError('The frame header sets a reserved bit.');
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd & 0x20) !== 0;
    const checksum = (fhd & 0x04) !== 0;
    const dictFlag = fhd & 0x03;
    const dictSize = [0, 1, 2, 4][dictFlag] ?? 0;
    const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][fcsFlag] ?? 0;
    let p = at + 5;
    const headerSize = 5 + (singleSegment ? 0 : 1) + dictSize + fcsSize;
    if (bytes.length - at < headerSize)
        throw new FrameError(`The frame header needs ${headerSize} bytes; only ${bytes.length - at} are there.`);
    let windowSize = 0;
    if (!singleSegment) {
        const wd = bytes[p++] ?? 0;
        const exponent = wd >> 3;
        const base = 2 ** (10 + exponent);
        windowSize = base + (base / 8) * (wd & 7);
    }
    const dictionaryId = uint(bytes, p, dictSize);
    p += dictSize;
    let contentSize: number | null = null;
    if (fcsSize > 0) {
        contentSize = uint(bytes, p, fcsSize) + (fcsSize === 2 ? 256 : 0);
        if (!Number.isSafeInteger(contentSize))
            throw new FrameError('The content size is beyond what this reader handles (2^53 bytes).');
    }
    if (singleSegment)
        windowSize = contentSize ?? 0;
    return { headerSize: at + headerSize, contentSize, dictionaryId, checksum, singleSegment, windowSize };
}

/** The ID of a zstd dictionary file (as `zstd --train` writes it), or null for raw content dictionaries. */
export function dictionaryIdOf(bytes: Uint8Array): number | null {
    if (bytes.length < 8 || u32(bytes, 0) !== DICTIONARY_MAGIC)
        return null;
    return u32(bytes, 4);
}
