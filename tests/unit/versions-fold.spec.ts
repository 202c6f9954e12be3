import { foldVersions, labelledName, pathsToHash, type SnapshotCopy } from '../../src/shared/versions/fold.js';

const copy = (snapshot: string, creation: number, size: number, mtime: number): SnapshotCopy =>
    ({ snapshot, creation, path: `/snap/${snapshot}/report.txt`, size, mtimeUs: mtime * 1e6, mode: 0o644 });

describe('previous versions: folding snapshot copies', () => {
    const current = { size: 30, mtimeUs: 500e6 };

    it('folds copies with the current size and mtime away and groups equal size+mtime, newest first', () => {
        const copies = [copy('s1', 100, 10, 90), copy('s2', 200, 20, 190), copy('s3', 300, 20, 190), copy('s4', 400, 30, 500)];
        expect(pathsToHash(current, '/tank/report.txt', copies)).toEqual([]);
        const v = foldVersions(current, '/tank/report.txt', copies, new Map());
        expect(v.map(x => x.snapshots.map(s => s.name))).toEqual([['s3', 's2'], ['s1']]);
        expect(v[0]?.path).toBe('/snap/s3/report.txt');
        expect(v.map(x => x.sha256)).toEqual([null, null]);
    });

    it('hashes only where sizes collide, and folds by content: equal to the current one, or to each other', () => {
        // s1 and s2: same size as the current file, other mtimes; s1 has the
        // current content (touched), s2 does not. s3 and s4: same content, different mtimes.
        const copies = [copy('s1', 100, 30, 80), copy('s2', 200, 30, 180), copy('s3', 300, 12, 280), copy('s4', 400, 12, 380),
            copy('s5', 500, 99, 480)];
        const paths = pathsToHash(current, '/tank/report.txt', copies);
        expect([...paths].sort()).toEqual(['/snap/s1/report.txt', '/snap/s2/report.txt', '/snap/s3/report.txt',
            '/snap/s4/report.txt', '/tank/report.txt']);
        const hashes = new Map([['/tank/report.txt', 'C'], ['/snap/s1/report.txt', 'C'], ['/snap/s2/report.txt', 'B'],
            ['/snap/s3/report.txt', 'A'], ['/snap/s4/report.txt', 'A']]);
        const v = foldVersions(current, '/tank/report.txt', copies, hashes);
        expect(v.map(x => [x.snapshots.map(s => s.name), x.sha256])).toEqual([[['s5'], null], [['s4', 's3'], 'A'], [['s2'], 'B']]);
    });

    it('with no current file, every copy is a version', () => {
        expect(foldVersions(null, '/x', [copy('s1', 1, 5, 1)], new Map()).length).toBe(1);
    });
});

describe('previous versions: names of restored copies', () => {
    it('puts the label before the extension, numbers further copies, and keeps dot files whole', () => {
        expect(labelledName('report.odt', 'restored 2026-11-30 09:00')).toBe('report (restored 2026-11-30 09:00).odt');
        expect(labelledName('report.odt', 'restored 2026-11-30 09:00', 2)).toBe('report (restored 2026-11-30 09:00 2).odt');
        expect(labelledName('.bashrc', 'restored x')).toBe('.bashrc (restored x)');
        expect(labelledName('-rf my\nfile', 'restored x')).toBe('-rf my\nfile (restored x)');
        expect(labelledName('archive.tar.gz', 'r')).toBe('archive.tar (r).gz');
    });

    it('shortens the name to fit in 255 bytes', () => {
        const long = `${'ä'.repeat(127)}.txt`;
        const name = labelledName(long, 'restored 2026-11-30 09:00', 12);
        expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(255);
        expect(name.endsWith(' (restored 2026-11-30 09:00 12).txt')).toBeTrue();
    });
});
