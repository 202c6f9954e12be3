// Previews decoded in-process by fzstd from files the root's zstd writes:
// text, binary, .tar.zst archives, empty files, dictionaries, damaged and
// cut-short files, and the limits on what is read and kept.
import GLib from 'gi://GLib';
import { tarMembers } from '../../src/shared/tar-members.js';
import { parseFrameHeader } from '../../src/shared/zstd-frame.js';
import { decodePrefix, PREVIEW_LINES, PREVIEW_OUTPUT, PreviewError, previewOf } from '../../src/shared/zstd-preview.js';
import { check } from '../harness/process.js';

const dir = GLib.dir_make_tmp('sigmavault-preview-XXXXXX');
const path = (name: string): string => GLib.build_filenamev([dir, name]);
const read = (p: string): Uint8Array => GLib.file_get_contents(p)[1];
const source = '/usr/share/doc/bash/README.abs-guide';
const preview = (name: string, bytes = read(path(name)), whole = true): ReturnType<typeof previewOf> =>
    previewOf(name, parseFrameHeader(bytes), bytes, whole);

describe('zstd previews', () => {
    beforeAll(async () => {
        await check(['zstd', '-q', '-19', '-o', path('guide.txt.zst'), '--', source]);
        // Varied text, so that its blocks come one after another in the compressed bytes.
        await check(['bash', '-c', `cat /usr/share/doc/*/copyright | head -c 2000000 > ${path('big.txt')}`]);
        await check(['zstd', '-q', '-o', path('big.txt.zst'), '--', path('big.txt')]);
        await check(['bash', '-c', `head -c 100000000 /dev/zero | zstd -q -c > ${path('zeros.zst')}`]);
        await check(['bash', '-c', `zstd -q -c < /usr/bin/gjs > ${path('gjs.zst')}`]);
        await check(['bash', '-c', `: > ${path('empty')} && zstd -q -o ${path('empty.zst')} -- ${path('empty')}`]);
        GLib.mkdir_with_parents(path('folder/docs'), 0o755);
        GLib.file_set_contents(path('folder/docs/a.txt'), 'alpha\n');
        GLib.file_set_contents(path('folder/b.txt'), 'beta\n');
        await check(['bash', '-c', `tar -C ${dir} -cf - folder | zstd -q -c > ${path('folder.tar.zst')}`]);
    });

    it('shows the first lines of a text file, decoded exactly as the original starts', () => {
        const text = new TextDecoder().decode(read(source));
        const p = preview('guide.txt.zst');
        expect(p.kind).toBe('text');
        if (p.kind === 'text') {
            expect(p.lines).toEqual(text.split('\n').slice(0, PREVIEW_LINES).map(l => l.replace(/\r$/, '')));
            expect(p.more).toBe(text.split('\n').length > PREVIEW_LINES + 1);
        }
    });

    it('keeps at most the output limit, even of 100 MB of zeros that fit in a few kilobytes', () => {
        const zeros = read(path('zeros.zst'));
        expect(zeros.length).toBeLessThan(64 * 1024);
        const started = GLib.get_monotonic_time();
        const d = decodePrefix(zeros, true);
        expect(d.bytes.length).toBe(PREVIEW_OUTPUT);
        expect(d.whole).toBeFalse();
        expect(d.bytes.every(b => b === 0)).toBeTrue();
        expect(GLib.get_monotonic_time() - started).withContext('stopped at the limit, not after 100 MB').toBeLessThan(2_000_000);
        expect(preview('zeros.zst').kind).withContext('NULs are binary').toBe('binary');
    });

    it('decodes the start of a file from its first bytes alone, and knows a whole small file is all there', () => {
        const original = read(source);
        const big = read(path('big.txt.zst'));
        const part = decodePrefix(big.subarray(0, 40000), false);
        expect(part.whole).toBeFalse();
        expect(part.bytes.length).toBeGreaterThan(0);
        expect(part.bytes).toEqual(read(path('big.txt')).subarray(0, part.bytes.length));
        const all = decodePrefix(read(path('guide.txt.zst')), true, original.length);
        expect(all.whole).toBeTrue();
        expect(all.bytes).toEqual(original);
    });

    it('says a program is binary, an empty file empty, and lists a .tar.zst', () => {
        expect(preview('gjs.zst').kind).toBe('binary');
        expect(preview('empty.zst').kind).toBe('empty');
        const p = preview('folder.tar.zst');
        expect(p.kind).toBe('members');
        if (p.kind === 'members') {
            expect([...p.names].sort()).toEqual(['folder/', 'folder/b.txt', 'folder/docs/', 'folder/docs/a.txt']);
            expect(p.more).toBeFalse();
        }
        // The same bytes under a plain name: the tar stream is binary (its headers have NULs).
        expect(preview('folder.zst', read(path('folder.tar.zst'))).kind).toBe('binary');
        expect(tarMembers(decodePrefix(read(path('folder.tar.zst')), true).bytes, 1, true).more).toBeTrue();
    });

    it('says a file made with a dictionary needs it, which fzstd cannot use', async () => {
        const samples: string[] = [];
        for (let i = 0; i < 40; i++) {
            samples.push(path(`s${i}.json`));
            GLib.file_set_contents(path(`s${i}.json`), JSON.stringify({ id: i, name: `item ${i}`, note: 'small and similar' }));
        }
        await check(['zstd', '--train', '-q', '--maxdict=2048', '--dictID=40002', '-o', path('dict'), '--', ...samples]);
        await check(['zstd', '-q', '-D', path('dict'), '-o', path('s0.json.zst'), '--', path('s0.json')]);
        const p = preview('s0.json.zst');
        expect(p.kind).toBe('unavailable');
        if (p.kind === 'unavailable')
            expect(p.reason).toContain('dictionary 40002');
    });

    it('says a cut-short file ends too early and a damaged one cannot be decoded, never throwing', () => {
        const whole = read(path('big.txt.zst'));
        const cut = whole.subarray(0, 300);
        expect(() => decodePrefix(cut, true)).toThrowError(PreviewError, /ends too early/);
        expect(preview('big.txt.zst', cut, true)).toEqual({ kind: 'error',
            message: 'The file ends too early: it was cut short, or it is still being written.' });
        // The first block's type set to the reserved value 3.
        const damaged = whole.slice();
        damaged[parseFrameHeader(whole).headerSize] |= 0x06;
        expect(preview('big.txt.zst', damaged, true)).toEqual({ kind: 'error',
            message: 'The compressed data is damaged and cannot be decoded.' });
    });

    afterAll(async () => {
        await check(['rm', '-rf', '--', dir]);
    });
});
