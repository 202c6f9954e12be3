// The compression strategy (the TENSOR agent's core): what each file is,
// from a sample of its content, and what to do with it — skip what will not
// shrink, choose a level from size and type, long-distance matching for
// large files, a .tar.zst for a folder, a trained dictionary for many small
// similar files. Every decision carries its reason in words.
//
// Pure code without gettext imports, so unit tests run it directly: the
// helper passes its `_` in; the default returns the English text.
import { dictionaryFileName } from '../../shared/compressed-names.js';

export type Translate = (text: string) => string;
const identity: Translate = text => text;

function fill(template: string, ...args: (string | number)[]): string {
    let i = 0;
    return template.replace(/%[sd%]/g, m => (m === '%%' ? '%' : String(args[i++] ?? '')));
}

/** What a sample says a file is. `compressed` kinds do not shrink further. */
export type ContentKind =
    | 'empty' | 'text' | 'executable' | 'document' | 'data' | 'random'
    | 'zstd' | 'gzip' | 'bzip2' | 'xz' | 'lz4' | 'zip' | '7z' | 'rar'
    | 'jpeg' | 'png' | 'gif' | 'webp' | 'mp4' | 'matroska' | 'mp3' | 'ogg' | 'flac'
    | 'luks' | 'age' | 'openpgp';

interface Magic {
    readonly kind: ContentKind;
    readonly offset: number;
    readonly bytes: readonly number[];
}

const ascii = (s: string): number[] => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));

// Signatures of formats that are compressed or encrypted already, and of a
// few that are not (ELF, PDF), from their specifications.
const MAGICS: readonly Magic[] = [
    { kind: 'zstd', offset: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd] },
    { kind: 'gzip', offset: 0, bytes: [0x1f, 0x8b] },
    { kind: 'bzip2', offset: 0, bytes: ascii('BZh') },
    { kind: 'xz', offset: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
    { kind: 'lz4', offset: 0, bytes: [0x04, 0x22, 0x4d, 0x18] },
    { kind: 'zip', offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
    { kind: '7z', offset: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
    { kind: 'rar', offset: 0, bytes: ascii('Rar!\x1a\x07') },
    { kind: 'jpeg', offset: 0, bytes: [0xff, 0xd8, 0xff] },
    { kind: 'png', offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
    { kind: 'gif', offset: 0, bytes: ascii('GIF8') },
    { kind: 'webp', offset: 8, bytes: ascii('WEBP') },
    { kind: 'mp4', offset: 4, bytes: ascii('ftyp') },
    { kind: 'matroska', offset: 0, bytes: [0x1a, 0x45, 0xdf, 0xa3] },
    { kind: 'mp3', offset: 0, bytes: ascii('ID3') },
    { kind: 'ogg', offset: 0, bytes: ascii('OggS') },
    { kind: 'flac', offset: 0, bytes: ascii('fLaC') },
    { kind: 'luks', offset: 0, bytes: [...ascii('LUKS'), 0xba, 0xbe] },
    { kind: 'age', offset: 0, bytes: ascii('age-encryption.org/') },
    { kind: 'executable', offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46] },
    { kind: 'document', offset: 0, bytes: ascii('%PDF-') },
];

const COMPRESSED: ReadonlySet<ContentKind> = new Set<ContentKind>(['zstd', 'gzip', 'bzip2', 'xz', 'lz4', 'zip', '7z', 'rar',
    'jpeg', 'png', 'gif', 'webp', 'mp4', 'matroska', 'mp3', 'ogg', 'flac', 'luks', 'age', 'openpgp', 'random']);

export function isIncompressible(kind: ContentKind): boolean {
    return COMPRESSED.has(kind);
}

/** A human name for a kind, for reasons. */
export function kindLabel(kind: ContentKind, _: Translate = identity): string {
    switch (kind) {
    case 'empty': return _('an empty file');
    case 'text': return _('text');
    case 'executable': return _('a program (ELF)');
    case 'document': return _('a PDF document');
    case 'data': return _('binary data');
    case 'random': return _('random-looking data');
    case 'zstd': return _('zstd-compressed data');
    case 'gzip': return _('gzip-compressed data');
    case 'bzip2': return _('bzip2-compressed data');
    case 'xz': return _('xz-compressed data');
    case 'lz4': return _('lz4-compressed data');
    case 'zip': return _('a ZIP archive (or a document stored as one)');
    case '7z': return _('a 7-Zip archive');
    case 'rar': return _('a RAR archive');
    case 'jpeg': return _('a JPEG image');
    case 'png': return _('a PNG image');
    case 'gif': return _('a GIF image');
    case 'webp': return _('a WebP image');
    case 'mp4': return _('an MP4/QuickTime video or audio file');
    case 'matroska': return _('a Matroska/WebM video');
    case 'mp3': return _('an MP3 audio file');
    case 'ogg': return _('an Ogg audio or video file');
    case 'flac': return _('a FLAC audio file');
    case 'luks': return _('a LUKS encrypted volume');
    case 'age': return _('an age-encrypted file');
    case 'openpgp': return _('an OpenPGP-encrypted file');
    }
}

function matches(sample: Uint8Array, m: Magic): boolean {
    if (sample.length < m.offset + m.bytes.length)
        return false;
    return m.bytes.every((b, i) => sample[m.offset + i] === b);
}

/** Shannon entropy of the bytes, in bits per byte (0…8). */
export function entropy(sample: Uint8Array): number {
    if (sample.length === 0)
        return 0;
    const counts = new Uint32Array(256);
    for (const b of sample)
        counts[b] = (counts[b] ?? 0) + 1;
    let h = 0;
    for (const c of counts) {
        if (c > 0) {
            const p = c / sample.length;
            h -= p * Math.log2(p);
        }
    }
    return h;
}

/**
 * A quick stand-in for a trial compression: the share of 4-byte sequences
 * that occurred earlier in the sample (what an LZ matcher would find).
 */
export function repeatShare(sample: Uint8Array): number {
    if (sample.length < 8)
        return 0;
    // A hash table of the sequences seen, compared exactly (a slot keeps the
    // latest sequence hashed to it), so a full table cannot fake repeats.
    const bits = 18;
    const values = new Uint32Array(1 << bits);
    const used = new Uint8Array(1 << bits);
    let repeats = 0;
    const n = sample.length - 3;
    for (let i = 0; i < n; i++) {
        const v = ((sample[i] ?? 0) | ((sample[i + 1] ?? 0) << 8) | ((sample[i + 2] ?? 0) << 16) | ((sample[i + 3] ?? 0) << 24)) >>> 0;
        const h = Math.imul(v, 2654435761) >>> (32 - bits);
        if (used[h] && values[h] === v)
            repeats++;
        used[h] = 1;
        values[h] = v;
    }
    return repeats / n;
}

/** Whether the sample reads as text: no NUL and almost only printable bytes (UTF-8 included). */
function looksLikeText(sample: Uint8Array): boolean {
    if (sample.length === 0)
        return false;
    let odd = 0;
    for (const b of sample) {
        if (b === 0)
            return false;
        if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f)
            odd++;
    }
    return odd / sample.length < 0.01;
}

/** Above this entropy, with almost no repeats, data is random or encrypted. */
export const RANDOM_ENTROPY = 7.9;
export const RANDOM_REPEATS = 0.02;

export interface Detection {
    readonly kind: ContentKind;
    readonly entropy: number;
    readonly repeats: number;
}

/**
 * What a file is from a sample of its content (a few blocks: its start,
 * middle and end). `size` is the whole file's.
 */
export function detect(sample: Uint8Array, size: number): Detection {
    if (size === 0)
        return { kind: 'empty', entropy: 0, repeats: 0 };
    const h = entropy(sample);
    const r = repeatShare(sample);
    const magic = MAGICS.find(m => matches(sample, m));
    if (magic)
        return { kind: magic.kind, entropy: h, repeats: r };
    // OpenPGP binary messages start with a public-key or symmetric-key session
    // packet (tags 1 and 3, old or new format) and are high-entropy after it.
    const tag = sample[0] ?? 0;
    if ([0x84, 0x85, 0x8c, 0xc1, 0xc3].includes(tag) && h > RANDOM_ENTROPY)
        return { kind: 'openpgp', entropy: h, repeats: r };
    if (looksLikeText(sample))
        return { kind: 'text', entropy: h, repeats: r };
    if (h > RANDOM_ENTROPY && r < RANDOM_REPEATS)
        return { kind: 'random', entropy: h, repeats: r };
    return { kind: 'data', entropy: h, repeats: r };
}

/** Which blocks of a file to sample: offsets (and a block length) for the start, middle and end. */
export const SAMPLE_BLOCK = 64 * 1024;
export function sampleOffsets(size: number): number[] {
    if (size <= 3 * SAMPLE_BLOCK)
        return [0];
    return [0, Math.floor(size / 2 - SAMPLE_BLOCK / 2), size - SAMPLE_BLOCK];
}

export const DEFAULT_LEVEL = 3;
export const MIN_LEVEL = 1;
export const MAX_LEVEL = 19;
const MiB = 1024 * 1024;
/** From this size on, long-distance matching (a 128 MiB window, which every zstd decodes without extra flags). */
export const LONG_FROM = 256 * MiB;
export const LONG_WINDOW_LOG = 27;
/** Small text is worth a higher level: the time is short either way. */
const SMALL = 64 * MiB;
/** Below this a .zst is larger than the file: a frame alone takes 13 bytes or more. */
export const TINY = 64;
/** Above this, stay at the default level so that big files stay fast. */
const HUGE = 1024 * MiB;

export interface FileFacts {
    readonly size: number;
    readonly detection: Detection;
}

export interface Decision {
    readonly action: 'compress' | 'skip';
    readonly level: number;
    readonly long: boolean;
    /** Why, in words a person can follow. */
    readonly reason: string;
    /** A skip's reason as a clause ("it is compressed already"), for a summary over many files. */
    readonly why?: string;
}

/** A skip: the reason is "Skipped: " and why. */
function skipping(why: string, _: Translate): Decision {
    return { action: 'skip', level: 0, long: false, reason: fill(_('Skipped: %s.'), why), why };
}

/**
 * What to do with one file. `level` is the user's level, when they chose
 * one; it is kept as it is (the reason says so). `force` compresses even
 * what will not shrink (at level 1 unless a level is given).
 */
export function decide(facts: FileFacts, level: number | null, _: Translate = identity, force = false): Decision {
    const { kind } = facts.detection;
    const long = facts.size >= LONG_FROM;
    const longWords = long ? ` ${_('Long-distance matching is on, to find repeats far apart in a large file.')}` : '';
    if (isIncompressible(kind) && force) {
        return { action: 'compress', level: level ?? 1, long,
            reason: fill(_('This is %s, which will hardly shrink; compressed anyway at level %d, as you asked.'), kindLabel(kind, _), level ?? 1) + longWords };
    }
    if (isIncompressible(kind)) {
        return skipping(kind === 'random'
            ? fill(_('the content looks random or encrypted (%s bits of entropy per byte, almost no repeats), so zstd would not make it smaller'),
                facts.detection.entropy.toFixed(2))
            : fill(_('this is %s, which is compressed already; zstd would not make it smaller'), kindLabel(kind, _)), _);
    }
    if (facts.size < TINY && !force) {
        return skipping(fill(_('at %d bytes it is too small to shrink (a .zst file adds at least 13 bytes of its own)'), facts.size), _);
    }
    if (level !== null) {
        return { action: 'compress', level, long,
            reason: fill(_('Compressed at level %d, as you asked.'), level) + longWords };
    }
    if (kind === 'empty') // only when forced: see TINY
        return { action: 'compress', level: DEFAULT_LEVEL, long: false, reason: _('An empty file: compressed as it is, at the default level.') };
    if ((kind === 'text' || kind === 'executable') && facts.size < SMALL) {
        const chosen = kind === 'text' ? 9 : 6;
        return { action: 'compress', level: chosen, long,
            reason: fill(_('%s under 64 MiB: level %d shrinks it more and still takes little time.'),
                kind === 'text' ? _('Text') : _('A program'), chosen) + longWords };
    }
    if (facts.size >= HUGE) {
        return { action: 'compress', level: DEFAULT_LEVEL, long,
            reason: fill(_('A large file (over 1 GiB): the default level %d keeps it fast.'), DEFAULT_LEVEL) + longWords };
    }
    return { action: 'compress', level: DEFAULT_LEVEL, long,
        reason: fill(_('%s: the default level %d balances speed and size.'), capitalize(kindLabel(kind, _)), DEFAULT_LEVEL) + longWords };
}

function capitalize(s: string): string {
    return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A file whose extension the user listed among the types to skip (unless forced); null otherwise. */
export function userSkip(name: string, skip: readonly string[], _: Translate = identity, force = false): Decision | null {
    const extension = extensionOf(name).slice(1);
    if (force || extension === '' || !skip.includes(extension))
        return null;
    return skipping(fill(_('.%s files are on your list of types not to compress'), extension), _);
}

/** Folders are archived with tar and compressed as one stream. */
export function folderDecision(level: number | null, _: Translate = identity): Decision {
    const chosen = level ?? DEFAULT_LEVEL;
    return { action: 'compress', level: chosen, long: false,
        reason: fill(_('A folder: archived with tar (names, modes, times, links) and compressed as one .tar.zst at level %d.'), chosen) };
}

/** Files at most this size count as small for a shared dictionary (zstd's own guidance: below ~100 KB). */
export const DICTIONARY_MAX_FILE = 128 * 1024;
/** At least this many small files of one type in one folder. */
export const DICTIONARY_MIN_FILES = 16;
/** Samples zstd --train needs in total to learn something (and not fail). */
export const DICTIONARY_MIN_BYTES = 16 * 1024;

export interface Candidate {
    /** The file's folder and its extension (lower case, "" for none): what makes files similar. */
    readonly dir: string;
    readonly extension: string;
    readonly size: number;
    readonly kind: ContentKind;
}

export interface DictionaryGroup {
    /** Indexes into the candidates. */
    readonly members: number[];
    readonly reason: string;
}

/** A file's extension for grouping: ".json", ".log"; "" when it has none. */
export function extensionOf(name: string): string {
    const dot = name.lastIndexOf('.');
    return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/**
 * Sets of many small similar files (same folder, same extension, same kind
 * of content) that a trained dictionary shrinks far more than one file at a
 * time can: zstd has little history to draw on in a small file.
 */
export function planDictionaries(candidates: readonly Candidate[], _: Translate = identity): DictionaryGroup[] {
    const groups = new Map<string, number[]>();
    candidates.forEach((c, i) => {
        if (c.size === 0 || c.size > DICTIONARY_MAX_FILE || isIncompressible(c.kind))
            return;
        const key = `${c.dir}\0${c.extension}\0${c.kind}`;
        groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const out: DictionaryGroup[] = [];
    for (const members of groups.values()) {
        const bytes = members.reduce((s, i) => s + (candidates[i]?.size ?? 0), 0);
        if (members.length < DICTIONARY_MIN_FILES || bytes < DICTIONARY_MIN_BYTES)
            continue;
        const ext = candidates[members[0] ?? 0]?.extension ?? '';
        out.push({ members, reason: fill(
            _('One of %d small similar files (%s): compressed with a dictionary trained on them and stored beside them, which shrinks small files far more than compressing each alone.'),
            members.length, ext === '' ? _('no extension') : ext) });
    }
    return out;
}

export { dictionaryFileName };

/** Dictionary IDs SigmaVault picks: RFC 8878 reserves 0…32767 and 2^31 and up. */
export function isPrivateDictionaryId(id: number): boolean {
    return Number.isInteger(id) && id >= 32768 && id < 2 ** 31;
}

/** The name a compressed result gets, and back. */
export function compressedName(name: string, folder: boolean): string {
    return folder ? `${name}.tar.zst` : `${name}.zst`;
}

export function decompressedName(name: string): string | null {
    if (name.endsWith('.tar.zst') && name.length > '.tar.zst'.length)
        return name.slice(0, -'.tar.zst'.length);
    if (name.endsWith('.zst') && name.length > '.zst'.length)
        return name.slice(0, -'.zst'.length);
    if (name.endsWith('.tzst') && name.length > '.tzst'.length)
        return name.slice(0, -'.tzst'.length);
    return null;
}

/** "1.2 GB → 410 MB (66 % smaller)" is made by the caller; this is the share saved. */
export function savedShare(before: number, after: number): number {
    return before > 0 ? 1 - after / before : 0;
}
