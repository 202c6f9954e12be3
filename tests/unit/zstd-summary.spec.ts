// The Compressed File dialog's words for frame headers the root's zstd
// writes: recorded or unrecorded content sizes, the ratio, the checksum,
// windows that need --long, and the dictionary beside the file or not.
import GLib from 'gi://GLib';
import { parseFrameHeader } from '../../src/shared/zstd-frame.js';
import { dictionaryText, frameSummary, ratioText } from '../../src/shared/zstd-summary.js';
import { check } from '../harness/process.js';

const dir = GLib.dir_make_tmp('sigmavault-summary-XXXXXX');
const path = (name: string): string => GLib.build_filenamev([dir, name]);
const read = (p: string): Uint8Array => GLib.file_get_contents(p)[1];
const source = '/usr/share/doc/bash/README.abs-guide';

describe('zstd header summary', () => {
    it('gives the content size and ratio of a file zstd compressed, and its checksum', async () => {
        await check(['zstd', '-q', '-19', '-o', path('a.zst'), '--', source]);
        const frame = read(path('a.zst'));
        const size = read(source).length;
        const s = frameSummary(parseFrameHeader(frame), frame.length);
        expect(s.contentSize).toBe(GLib.format_size_full(size, GLib.FormatSizeFlags.LONG_FORMAT));
        expect(s.contentSize).toContain(GLib.format_size(size));
        expect(s.ratio).toMatch(/^\d+\.\d to 1, \d+ % smaller$/);
        expect(s.ratio).toContain(`${Math.round((1 - frame.length / size) * 100)} % smaller`);
        expect(s.checksum).toMatch(/^Included/);
        expect(s.window).toBe(GLib.format_size(size));
    });

    it('says when the size is not recorded (a stream), and when the window needs zstd --long', async () => {
        await check(['bash', '-c', `zstd -q -c --no-check --long=30 < ${source} > ${path('b.zst')}`]);
        const s = frameSummary(parseFrameHeader(read(path('b.zst'))), 1000);
        expect(s.contentSize).toBe('Not recorded in the file');
        expect(s.ratio).toBeNull();
        expect(s.checksum).toMatch(/^Not included/);
        expect(s.window).toBe(`${GLib.format_size(2 ** 30)}; decompressing needs zstd --long=30`);
    });

    it('puts a file that grew as larger, and knows no ratio without both sizes', () => {
        expect(ratioText(100, 120)).toBe('0.8 to 1, 20 % larger');
        expect(ratioText(1000, 250)).toBe('4.0 to 1, 75 % smaller');
        expect(ratioText(0, 13)).toBeNull();
        expect(ratioText(null, 13)).toBeNull();
    });

    it('names the dictionary a file needs and whether it is beside it', () => {
        expect(dictionaryText(0, null)).toBe('None needed');
        expect(dictionaryText(40001, 'found')).toBe('ID 40001, found beside the file (sigmavault-dictionary-40001.zdict)');
        expect(dictionaryText(40001, 'missing')).toContain('sigmavault-dictionary-40001.zdict is not beside the file');
        expect(dictionaryText(40001, 'mismatch')).toContain('is a different dictionary');
    });

    afterAll(async () => {
        await check(['rm', '-rf', '--', dir]);
    });
});
