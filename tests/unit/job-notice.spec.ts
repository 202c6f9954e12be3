// The words and buttons of a compression job's notification, and the file:
// URIs "Show in Files" passes on (exact for names that are not UTF-8).
import { savingsByType, typeLabel } from '../../src/app/compression-savings.js';
import { fileUri, jobNotice } from '../../src/app/job-notice.js';
import { savingsType, undoKind, type Summary } from '../../src/service/compression/compression.js';
import { savedPercent } from '../../src/shared/job-format.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const base = {
    operation: 'file-compress', state: 'succeeded' as const, message: 'Compressed 3 files …', lock: 'file:/tank/a and 2 more',
    sizeBefore: 1_200_000_000, sizeAfter: 410_000_000,
    outputs: [enc('/tank/a.zst'), enc('/tank/b.zst'), enc('/tank/c.zst')], undoKind: 'remove-copies' as const,
};

describe('jobNotice', () => {
    it('says how many files and how much smaller, with Show in Files and Undo', () => {
        expect(jobNotice(base)).toEqual({
            title: 'Compressed 3 files', body: '1.2\u00a0GB → 410.0\u00a0MB (66 % smaller)',
            buttons: ['show-in-files', 'undo'], failed: false,
        });
    });

    it('does not count a shared dictionary as a compressed file', () => {
        const n = jobNotice({ ...base, outputs: [enc('/d/x.json.zst'), enc('/d/sigmavault-dictionary-40000.zdict')] });
        expect(n?.title).toBe('Compressed 1 file');
    });

    it('offers no Undo where the original cannot be restored', () => {
        expect(jobNotice({ ...base, undoKind: '' })?.buttons).toEqual(['show-in-files']);
    });

    it('says when nothing was compressed, in the daemon\'s words, with Show Details', () => {
        const n = jobNotice({ ...base, outputs: [], sizeBefore: 0, sizeAfter: 0, undoKind: '',
            message: '1 file skipped (already compressed).' });
        expect(n).toEqual({ title: 'Nothing Was Compressed', body: '1 file skipped (already compressed).',
            buttons: ['show-details'], failed: false });
    });

    it('gives the reason of a failure with Show Details', () => {
        const n = jobNotice({ ...base, state: 'failed', lock: 'file:/tank/report.txt', outputs: [], undoKind: '',
            message: '/tank/report.txt changed while it was being processed …' });
        expect(n).toEqual({ title: 'Could not compress report.txt', body: '/tank/report.txt changed while it was being processed …',
            buttons: ['show-details'], failed: true });
    });

    it('announces decompression with sizes, and nothing for cancelled or running jobs or other kinds of job', () => {
        expect(jobNotice({ ...base, operation: 'file-decompress', sizeBefore: 410_000_000, sizeAfter: 1_200_000_000 }))
            .toEqual(jasmine.objectContaining({ title: 'Decompressed 3 files', body: '410.0\u00a0MB → 1.2\u00a0GB' }));
        expect(jobNotice({ ...base, state: 'cancelled' })).toBeNull();
        expect(jobNotice({ ...base, state: 'running' })).toBeNull();
        expect(jobNotice({ ...base, operation: 'pool-scrub' })).toBeNull();
    });
});

describe('savedPercent', () => {
    it('never says 100 % smaller while bytes are left', () => {
        expect(savedPercent(260_000, 98)).toBe(99);
        expect(savedPercent(100, 34)).toBe(66);
        expect(savedPercent(100, 120)).toBe(-20);
        expect(savedPercent(0, 0)).toBe(0);
    });
});

describe('fileUri', () => {
    it('escapes spaces, newlines and bytes that are not UTF-8, and keeps the rest', () => {
        expect(fileUri(enc('/tank/photos/a b\n.jpg.zst'))).toBe('file:///tank/photos/a%20b%0A.jpg.zst');
        expect(fileUri(Uint8Array.of(0x2f, 0x74, 0xff, 0x2d))).toBe('file:///t%FF-');
        expect(fileUri(enc('/tank/été'))).toBe('file:///tank/%C3%A9t%C3%A9');
    });
});

describe('undoKind', () => {
    const summary = (s: Partial<Summary>): Summary => ({ done: 2, skipped: 0, failed: [], before: 10, after: 5, skippedReasons: [],
        dictionaries: [], outputs: [enc('/t/a.zst'), enc('/t/b.zst')], replaced: 0, folders: 0, byType: {}, ...s });

    it('moves copies to the Trash when the originals were kept', () => {
        expect(undoKind('compress', summary({}))).toBe('remove-copies');
        expect(undoKind('decompress', summary({}))).toBe('remove-copies');
    });

    it('decompresses back files whose originals were replaced', () => {
        expect(undoKind('compress', summary({ replaced: 2 }))).toBe('restore-originals');
    });

    it('offers nothing for verification, partial or failed jobs, dictionaries with replace, or replaced .zst files', () => {
        expect(undoKind('verify', summary({}))).toBeUndefined();
        expect(undoKind('compress', summary({ failed: ['x'] }))).toBeUndefined();
        expect(undoKind('compress', summary({ replaced: 1 }))).toBeUndefined();
        expect(undoKind('compress', summary({ replaced: 2, dictionaries: [{ path: '/t/d', files: 2 }] }))).toBeUndefined();
        expect(undoKind('decompress', summary({ replaced: 2 }))).toBeUndefined();
        expect(undoKind('compress', summary({ done: 0, outputs: [] }))).toBeUndefined();
    });
});

describe('savingsType', () => {
    it('counts a file under its extension in lower case, a folder archive as "folder"', () => {
        expect(savingsType('/tank/Photos/IMG_0001.JPG', false)).toBe('jpg');
        expect(savingsType('/tank/notes', false)).toBe('');
        expect(savingsType('/tank/.bashrc', false)).toBe('');
        expect(savingsType('/tank/archive.tar', false)).toBe('tar');
        expect(savingsType('/tank/Photos', true)).toBe('folder');
    });
});

describe('savingsByType', () => {
    it('sums compress jobs per type, the largest saving first, and ignores other jobs', () => {
        const job = (operation: string, savingsByType: Record<string, [number, number]>): { operation: string; savingsByType: Record<string, [number, number]> } =>
            ({ operation, savingsByType });
        expect(savingsByType([
            job('file-compress', { txt: [1000, 300], jpg: [5000, 4990] }),
            job('file-compress', { txt: [500, 100], folder: [8000, 2000], '': [0, 0] }),
            job('file-decompress', { txt: [100, 1000] }),
        ])).toEqual([
            { type: 'folder', before: 8000, after: 2000 },
            { type: 'txt', before: 1500, after: 400 },
            { type: 'jpg', before: 5000, after: 4990 },
        ]);
        expect(typeLabel('txt')).toBe('.txt files');
        expect(typeLabel('folder')).toBe('Folders');
        expect(typeLabel('')).toBe('Files without an extension');
    });
});
