// The compression strategy on real files of the Debian 13 root (docs, man
// pages, programs, images, sounds) and on made-up content where the root
// has none (random bytes).
import GLib from 'gi://GLib';
import {
    compressedName, decide, decompressedName, detect, DICTIONARY_MIN_FILES, dictionaryFileName, entropy,
    extensionOf, isPrivateDictionaryId, LONG_FROM, planDictionaries, repeatShare, SAMPLE_BLOCK, TINY, sampleOffsets, userSkip,
} from '../../src/service/compression/strategy.js';
import { parseSkipTypes } from '../../src/shared/skip-types.js';
import { ancestorKeys, checkPath, OverlapIndex, parsePasswdLine, pathKey, PathError } from '../../src/service/compression/paths.js';
import { parseCompressionArgs } from '../../src/cli/compression.js';

function read(path: string): Uint8Array {
    return GLib.file_get_contents(path)[1];
}

/** The blocks the helper samples (start, middle, end), joined. */
function sampleOf(path: string): { sample: Uint8Array; size: number } {
    const all = read(path);
    const parts = sampleOffsets(all.length).map(o => all.subarray(o, o + SAMPLE_BLOCK));
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
        out.set(p, at);
        at += p.length;
    }
    return { sample: out, size: all.length };
}

const decideFor = (path: string, level: number | null = null): ReturnType<typeof decide> => {
    const { sample, size } = sampleOf(path);
    return decide({ size, detection: detect(sample, size) }, level);
};

describe('compression strategy', () => {
    it('reads text from /usr/share/doc as text and picks level 9 for it', () => {
        const { sample, size } = sampleOf('/usr/share/doc/bash/README.abs-guide');
        expect(detect(sample, size).kind).toBe('text');
        const d = decideFor('/usr/share/doc/bash/README.abs-guide');
        expect(d.action).toBe('compress');
        expect(d.level).toBe(9);
        expect(d.long).toBeFalse();
        expect(d.reason).toContain('Text under 64 MiB');
    });

    it('skips man pages compressed with gzip, saying so', () => {
        const { sample, size } = sampleOf('/usr/share/man/man1/ls.1.gz');
        expect(detect(sample, size).kind).toBe('gzip');
        const d = decideFor('/usr/share/man/man1/ls.1.gz');
        expect(d.action).toBe('skip');
        expect(d.reason).toBe('Skipped: this is gzip-compressed data, which is compressed already; zstd would not make it smaller.');
    });

    it('compresses programs (ELF) at level 6', () => {
        const { sample, size } = sampleOf('/usr/bin/zstd');
        expect(detect(sample, size).kind).toBe('executable');
        expect(decideFor('/usr/bin/zstd').level).toBe(6);
    });

    it('skips JPEG and PNG images and Ogg sounds of the root', () => {
        for (const [path, kind] of [['/usr/share/doc/gjs/examples/test.jpg', 'jpeg'], ['/usr/share/doc/node-glob/glob.png', 'png'],
            ['/usr/share/sounds/gnome/default/alerts/hum.ogg', 'ogg']] as const) {
            const { sample, size } = sampleOf(path);
            expect(detect(sample, size).kind).withContext(path).toBe(kind);
            expect(decideFor(path).action).withContext(path).toBe('skip');
        }
    });

    it('skips random bytes as random or encrypted, by entropy and the lack of repeats', () => {
        const random = new Uint8Array(3 * SAMPLE_BLOCK);
        for (let i = 0; i < random.length; i++)
            random[i] = GLib.random_int_range(0, 256);
        const detection = detect(random, random.length);
        expect(detection.kind).toBe('random');
        expect(detection.entropy).toBeGreaterThan(7.9);
        expect(repeatShare(random)).toBeLessThan(0.02);
        const d = decide({ size: random.length, detection }, null);
        expect(d.action).toBe('skip');
        expect(d.reason).toMatch(/^Skipped: the content looks random or encrypted \([78]\.\d\d bits of entropy per byte/);
        // force compresses anyway, at level 1.
        const forced = decide({ size: random.length, detection }, null, undefined, true);
        expect(forced.action).toBe('compress');
        expect(forced.level).toBe(1);
    });

    it('measures entropy: 0 for one repeated byte, 8 for all byte values equally', () => {
        expect(entropy(new Uint8Array(1000).fill(65))).toBe(0);
        expect(entropy(Uint8Array.from({ length: 256 * 4 }, (_, i) => i % 256))).toBeCloseTo(8, 6);
    });

    it('uses long-distance matching from 256 MiB and keeps huge files at the default level', () => {
        const text = detect(new TextEncoder().encode('log line\n'.repeat(1000)), LONG_FROM);
        const d = decide({ size: 2 * 1024 ** 3, detection: text }, null);
        expect(d.long).toBeTrue();
        expect(d.level).toBe(3);
        expect(d.reason).toContain('Long-distance matching is on');
        expect(decide({ size: LONG_FROM - 1, detection: text }, null).long).toBeFalse();
    });

    it('keeps the level the user chose', () => {
        const d = decideFor('/usr/share/doc/bash/README.abs-guide', 17);
        expect(d.level).toBe(17);
        expect(d.reason).toBe('Compressed at level 17, as you asked.');
    });

    it('skips the types the user listed, by extension, unless forced', () => {
        const d = userSkip('Disk Image.ISO', ['iso', 'vmdk']);
        expect(d?.action).toBe('skip');
        expect(d?.reason).toBe('Skipped: .iso files are on your list of types not to compress.');
        expect(userSkip('notes.txt', ['iso'])).toBeNull();
        expect(userSkip('iso', ['iso'])).withContext('a name without an extension').toBeNull();
        expect(userSkip('.iso', ['iso'])).withContext('a hidden file named .iso has no extension').toBeNull();
        expect(userSkip('a.iso', ['iso'], undefined, true)).withContext('force').toBeNull();
    });

    it('reads types to skip as typed: commas or spaces, dots and stars dropped, lower case, once each', () => {
        expect(parseSkipTypes('iso, .VMDK *.img  iso')).toEqual(['iso', 'vmdk', 'img']);
        expect(parseSkipTypes('')).toEqual([]);
        expect(parseSkipTypes('tar-gz;c++')).toEqual(['tar-gz', 'c++']);
        expect(parseSkipTypes('iso, ../etc')).toBeNull();
        expect(parseSkipTypes('-rf')).toBeNull();
        expect(parseSkipTypes('averyveryverylongextension')).toBeNull();
    });

    it('skips files too small to shrink, empty ones too, unless forced', () => {
        const tiny = new TextEncoder().encode('a short note\n');
        const d = decide({ size: tiny.length, detection: detect(tiny, tiny.length) }, 9);
        expect(d.action).toBe('skip');
        expect(d.reason).toBe('Skipped: at 13 bytes it is too small to shrink (a .zst file adds at least 13 bytes of its own).');
        expect(decide({ size: 0, detection: detect(new Uint8Array(), 0) }, null).action).toBe('skip');
        // Forced, an empty file becomes a valid empty frame.
        expect(decide({ size: 0, detection: detect(new Uint8Array(), 0) }, null, undefined, true).action).toBe('compress');
        const enough = new Uint8Array(TINY).fill(0x61);
        expect(decide({ size: enough.length, detection: detect(enough, enough.length) }, null).action).toBe('compress');
    });

    it('samples the start, middle and end of large files', () => {
        expect(sampleOffsets(100)).toEqual([0]);
        expect(sampleOffsets(10 * SAMPLE_BLOCK)).toEqual([0, 4.5 * SAMPLE_BLOCK, 9 * SAMPLE_BLOCK]);
    });

    it('plans a dictionary for many small similar files in one folder, not for few or large ones', () => {
        const json = (dir: string, n: number, size = 2000): { dir: string; extension: string; size: number; kind: 'text' }[] =>
            Array.from({ length: n }, () => ({ dir, extension: '.json', size, kind: 'text' as const }));
        const groups = planDictionaries([...json('/a', DICTIONARY_MIN_FILES + 4), ...json('/b', 3), ...json('/c', 40, 1024 * 1024)]);
        expect(groups.length).toBe(1);
        expect(groups[0]?.members.length).toBe(DICTIONARY_MIN_FILES + 4);
        expect(groups[0]?.reason).toContain('One of 20 small similar files (.json)');
        expect(planDictionaries(json('/a', DICTIONARY_MIN_FILES - 1))).toEqual([]);
    });

    it('names results and dictionaries', () => {
        expect(compressedName('notes.txt', false)).toBe('notes.txt.zst');
        expect(compressedName('Photos', true)).toBe('Photos.tar.zst');
        expect(decompressedName('notes.txt.zst')).toBe('notes.txt');
        expect(decompressedName('Photos.tar.zst')).toBe('Photos');
        expect(decompressedName('.zst')).toBeNull();
        expect(decompressedName('notes.txt')).toBeNull();
        expect(extensionOf('a.JSON')).toBe('.json');
        expect(extensionOf('.bashrc')).toBe('');
        expect(dictionaryFileName(40000)).toBe('sigmavault-dictionary-40000.zdict');
        expect(isPrivateDictionaryId(32767)).toBeFalse();
        expect(isPrivateDictionaryId(32768)).toBeTrue();
        expect(isPrivateDictionaryId(2 ** 31)).toBeFalse();
    });
});

describe('compression paths', () => {
    const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
    const text = (b: Uint8Array): string => new TextDecoder().decode(b);

    it('takes absolute paths, drops repeated and trailing slashes and one trailing NUL', () => {
        expect(text(checkPath(bytes('/home//you/notes.txt/')))).toBe('/home/you/notes.txt');
        expect(text(checkPath(Uint8Array.from([...bytes('/a b'), 0])))).toBe('/a b');
        expect([...checkPath(Uint8Array.from([0x2f, 0xff, 0x0a]))]).toEqual([0x2f, 0xff, 0x0a]);
        expect(text(checkPath(bytes('/tmp/-rf')))).toBe('/tmp/-rf');
    });

    it('refuses relative paths, NUL bytes, "." and ".." and "/" itself, with reasons', () => {
        expect(() => checkPath(bytes('notes.txt'))).toThrowError(PathError, /not an absolute path/);
        expect(() => checkPath(Uint8Array.from([0x2f, 0x61, 0, 0x62]))).toThrowError(PathError, /NUL/);
        expect(() => checkPath(bytes('/home/../etc/shadow'))).toThrowError(PathError, /“\.” or “\.\.”/);
        expect(() => checkPath(bytes('/home/./x'))).toThrowError(PathError, /“\.” or “\.\.”/);
        expect(() => checkPath(bytes('/'))).toThrowError(PathError, /“\/” itself/);
        expect(() => checkPath(new Uint8Array())).toThrowError(PathError, /empty/);
    });

    /** The rule, written plainly: the same path, or one of them starts with the other and a "/". */
    const plainOverlap = (a: string, b: string): boolean => a === b || b.startsWith(`${a}2f`) || a.startsWith(`${b}2f`);
    /** Whether an index holding only `held` finds `other` overlapping it. */
    const pathsOverlap = (held: string, other: string): boolean => {
        const one = new OverlapIndex<string>();
        one.set(held, held);
        return one.overlapping(other) !== undefined;
    };

    it('keys paths by their exact bytes', () => {
        expect(pathKey(Uint8Array.from([0x2f, 0xff]))).toBe('2fff');
    });

    it('sees a folder and what is in it as overlapping, and nothing else', () => {
        const key = (p: string): string => pathKey(checkPath(bytes(p)));
        expect(pathsOverlap(key('/home/you/photos'), key('/home/you/photos'))).toBeTrue();
        expect(pathsOverlap(key('/home/you/photos'), key('/home/you/photos/2026/a.jpg'))).toBeTrue();
        expect(pathsOverlap(key('/home/you/photos/2026/a.jpg'), key('/home/you/photos'))).toBeTrue();
        // A shared prefix of bytes is not a folder holding a file.
        expect(pathsOverlap(key('/home/you/photos'), key('/home/you/photos-old/a.jpg'))).toBeFalse();
        expect(pathsOverlap(key('/home/you/a'), key('/home/you/b'))).toBeFalse();
        // The same for names that are not UTF-8: the byte after the folder's name must be a slash.
        expect(pathsOverlap(pathKey(Uint8Array.from([0x2f, 0x12])), pathKey(Uint8Array.from([0x2f, 0x12, 0xf2, 0x2f])))).toBeFalse();
    });

    it('indexes held paths: the same one, a folder holding it or a file inside it is found, until it is let go', () => {
        const key = (p: string): string => pathKey(checkPath(bytes(p)));
        expect(ancestorKeys(key('/home/you/photos/a.jpg'))).toEqual([key('/home'), key('/home/you'), key('/home/you/photos')]);
        expect(ancestorKeys(key('/x'))).toEqual([]);
        const held = new OverlapIndex<string>();
        held.set(key('/home/you/photos'), 'job 1');
        held.set(key('/home/you/notes.txt'), 'job 1');
        held.set(key('/home/you/music/b.ogg'), 'job 2');
        expect(held.overlapping(key('/home/you/photos'))).toBe('job 1');
        expect(held.overlapping(key('/home/you/photos/2026/a.jpg'))).toBe('job 1');
        expect(held.overlapping(key('/home/you/music'))).withContext('a folder holding a held file').toBe('job 2');
        expect(held.overlapping(key('/home/you/photos-old'))).toBeUndefined();
        expect(held.overlapping(key('/home/you/music/c.ogg'))).toBeUndefined();
        expect(held.overlapping(key('/home/you'))).not.toBeUndefined();
        held.deleteValue('job 1');
        expect(held.size).toBe(1);
        expect(held.overlapping(key('/home/you/photos/2026/a.jpg'))).toBeUndefined();
        expect(held.overlapping(key('/home/you'))).toBe('job 2');
        held.delete(key('/home/you/music/b.ogg'));
        expect(held.overlapping(key('/home'))).withContext('nothing is left under /home').toBeUndefined();
        // The index agrees with the plain rule on every pair.
        const paths = ['/a', '/a/b', '/a/b/c', '/a/bc', '/ab', '/b/a', '/a/b/d/e'];
        for (const p of paths) {
            for (const q of paths)
                expect(pathsOverlap(key(p), key(q))).withContext(`${p} and ${q}`).toBe(plainOverlap(key(p), key(q)));
        }
    });

    it('reads getent passwd lines', () => {
        expect(parsePasswdLine('svuser:x:1500:1500::/home/svuser:/bin/bash\n')).toEqual({ name: 'svuser', uid: 1500, gid: 1500 });
        expect(parsePasswdLine('broken')).toBeNull();
    });
});

describe('sigmavaultctl compress arguments', () => {
    it('reads paths, --level, --replace and --wait', () => {
        expect(parseCompressionArgs(['compress', 'a', '--level', '7', '--replace', '--wait', '--', '--b'])).toEqual({
            method: 'Compress', paths: ['a', '--b'], level: 7, replace: true, wait: true });
        expect(parseCompressionArgs(['verify', '/x']).method).toBe('Verify');
    });

    it('refuses a bad level, level for decompress, replace for verify, and no paths', () => {
        expect(() => parseCompressionArgs(['compress', 'a', '--level', '20'])).toThrowError(/1 \(fastest\) to 19/);
        expect(() => parseCompressionArgs(['decompress', 'a', '--level=3'])).toThrowError(/Unknown option --level=3/);
        expect(() => parseCompressionArgs(['verify', 'a', '--replace'])).toThrowError(/Unknown option --replace/);
        expect(() => parseCompressionArgs(['compress'])).toThrowError(/at least one/);
    });
});
