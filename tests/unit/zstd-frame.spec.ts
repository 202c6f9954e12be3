// zstd frame headers read in-process, checked against frames the real zstd
// CLI of the root writes, and fzstd (a second, independent decoder) decoding
// them back to the original bytes.
import GLib from 'gi://GLib';
import { decompress } from '../../src/shared/vendor/fzstd.js';
import { dictionaryIdOf, FrameError, isZstd, parseFrameHeader } from '../../src/shared/zstd-frame.js';
import { check } from '../harness/process.js';

const dir = GLib.dir_make_tmp('sigmavault-frame-XXXXXX');
const path = (name: string): string => GLib.build_filenamev([dir, name]);
const read = (p: string): Uint8Array => GLib.file_get_contents(p)[1];

describe('zstd frame headers', () => {
    const source = '/usr/share/doc/bash/README.abs-guide';

    it('reads the content size and checksum flag of a file compressed by zstd, and fzstd decodes it', async () => {
        await check(['zstd', '-q', '-19', '-o', path('a.zst'), '--', source]);
        const frame = read(path('a.zst'));
        const original = read(source);
        expect(isZstd(frame)).toBeTrue();
        const h = parseFrameHeader(frame);
        expect(h.contentSize).toBe(original.length);
        expect(h.checksum).toBeTrue();
        expect(h.dictionaryId).toBe(0);
        expect(h.windowSize).toBeGreaterThanOrEqual(original.length > 0 ? 1 : 0);
        expect(decompress(frame)).toEqual(original);
    });

    it('sees no checksum with --no-check and no size from a stream, and a window from the descriptor', async () => {
        await check(['bash', '-c', `zstd -q -c --no-check < ${source} > ${path('b.zst')}`]);
        const h = parseFrameHeader(read(path('b.zst')));
        expect(h.checksum).toBeFalse();
        expect(h.contentSize).toBeNull();
        expect(h.singleSegment).toBeFalse();
        expect(h.windowSize).toBeGreaterThan(0);
        expect(decompress(read(path('b.zst')))).toEqual(read(source));
    });

    it('reads the dictionary ID of a frame made with a trained dictionary, as in the dictionary file', async () => {
        const samples: string[] = [];
        for (let i = 0; i < 60; i++) {
            samples.push(path(`s${i}.json`));
            GLib.file_set_contents(path(`s${i}.json`), JSON.stringify({ id: i, name: `item ${i}`, tags: ['alpha', 'beta', String(i * 7)],
                description: 'A small JSON document of the kind that sits by the thousand in a folder.', size: i * 1024 }));
        }
        await check(['zstd', '--train', '-q', '--maxdict=4096', '--dictID=40001', '-o', path('dict'), '--', ...samples]);
        expect(dictionaryIdOf(read(path('dict')))).toBe(40001);
        await check(['zstd', '-q', '-D', path('dict'), '-o', path('s0.json.zst'), '--', path('s0.json')]);
        expect(parseFrameHeader(read(path('s0.json.zst'))).dictionaryId).toBe(40001);
        expect(dictionaryIdOf(read(source))).toBeNull();
    });

    it('decodes window descriptors and 2-byte content sizes as RFC 8878 says', () => {
        // Descriptor 0x40: 2-byte size (+256), window byte 0x58 = 2^(10+11) + 0.
        const h = parseFrameHeader(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x40, 0x58, 0x00, 0x01]));
        expect(h.contentSize).toBe(256 + 256);
        expect(h.windowSize).toBe(2 ** 21);
        expect(h.headerSize).toBe(8);
        // Single segment, 1-byte size: the window is the content size.
        const s = parseFrameHeader(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05]));
        expect(s.contentSize).toBe(5);
        expect(s.windowSize).toBe(5);
    });

    it('skips skippable frames and refuses what is not zstd or is cut short', () => {
        const skippable = [0x50, 0x2a, 0x4d, 0x18, 0x02, 0, 0, 0, 0xaa, 0xbb];
        expect(parseFrameHeader(Uint8Array.from([...skippable, 0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x07])).contentSize).toBe(7);
        expect(() => parseFrameHeader(new TextEncoder().encode('hello world'))).toThrowError(FrameError, /magic number/);
        expect(() => parseFrameHeader(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x58]))).toThrowError(FrameError, /needs 14 bytes/);
        expect(() => parseFrameHeader(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x58]))).toThrowError(FrameError, /reserved bit/);
    });

    afterAll(async () => {
        await check(['rm', '-rf', '--', dir]);
    });
});
