import { ParseError } from '../../src/service/zfs/parse-error.js';
import { parsePropertySource, parseZfsGet } from '../../src/service/zfs/zfs-get.js';
import {
    BASE_DATASET_COLUMNS, DATASET_COLUMNS, parseSnapshotProperties, parseZfsDate, parseZfsList, parseZfsSnapshotList,
} from '../../src/service/zfs/zfs-list.js';
import { datasetsFromJson, parseZfsListJson, snapshotsFromJson } from '../../src/service/zfs/zfs-list-json.js';
import { readFixture } from './fixtures.js';

const K = 1024;
const M = 1024 * 1024;

describe('zfs list parser (text)', () => {
    it('reads zfs-fuse output: human sizes, "0" and "-" origins', () => {
        // Recorded from zfs-fuse 0.7 in the Debian 13 root:
        // zfs list -H -o name,type,used,avail,refer,usedsnap,usedchild,usedds,mountpoint,origin
        const text = [
            'tp\tfilesystem\t668K\t217M\t120K\t0\t548K\t120K\t/tp\t-',
            'tp/a\tfilesystem\t224K\t217M\t112K\t0\t112K\t112K\t/tp/a\t-',
            'tp/c\tfilesystem\t0\t217M\t112K\t0\t0\t0\t/tp/c\ttp/a@s1',
            '',
        ].join('\n');
        const ds = parseZfsList(text, BASE_DATASET_COLUMNS);
        expect(ds.map(d => d.name)).toEqual(['tp', 'tp/a', 'tp/c']);
        expect(ds[0]).toEqual({
            name: 'tp', pool: 'tp', type: 'filesystem', used: 668 * K, available: 217 * M, referenced: 120 * K,
            usedBySnapshots: 0, usedByChildren: 548 * K, usedByDataset: 120 * K, mountpoint: '/tp', origin: '',
            encryption: '', keyStatus: '',
        });
        expect(ds[2]?.origin).toBe('tp/a@s1');
    });

    it('reads exact OpenZFS -p numbers with encryption columns, and names with spaces', () => {
        const text = 'rpool/my data\tfilesystem\t1234567\t9876543210\t1000\t200\t0\t1034567\t/rpool/my data\t-\taes-256-gcm\tavailable\n' +
            'rpool/vol\tvolume\t4096\t100\t4096\t0\t0\t4096\t-\t-\toff\t-\n';
        const ds = parseZfsList(text, DATASET_COLUMNS);
        expect(ds[0]).toEqual(jasmine.objectContaining({
            name: 'rpool/my data', pool: 'rpool', used: 1234567, available: 9876543210, usedBySnapshots: 200,
            encryption: 'aes-256-gcm', keyStatus: 'available', mountpoint: '/rpool/my data',
        }));
        expect(ds[1]).toEqual(jasmine.objectContaining({ type: 'volume', mountpoint: '', encryption: 'off', keyStatus: '' }));
    });

    it('refuses headers, wrong field counts, bad sizes and unknown types', () => {
        const bad = (text: string) => (): unknown => parseZfsList(text, BASE_DATASET_COLUMNS);
        expect(bad('NAME\tTYPE')).toThrowError(ParseError);
        expect(bad('tp\tfilesystem\t1K')).toThrowMatching(e => e instanceof ParseError && /line 1.*expected 10 fields/.test(e.message));
        expect(bad('tp\tfilesystem\tlots\t1\t1\t0\t0\t0\t/tp\t-')).toThrowMatching(e => e instanceof ParseError && e.message.includes('"lots"'));
        expect(bad('tp\tbookmark\t1\t1\t1\t0\t0\t0\t/tp\t-')).toThrowError(ParseError);
        expect(() => parseZfsList('', ['name'])).toThrowMatching(e => e instanceof ParseError && e.message.includes('lacks'));
    });
});

describe('zfs list -t snapshot parser', () => {
    it('reads zfs-fuse dates and sizes, in order', () => {
        // zfs list -H -t snapshot -o name,createtxg,creation,used,refer,userrefs (zfs-fuse)
        const text = 'tp/a@s1\t16\tSun Nov 22  2:27 2026\t0\t120K\t1\ntp/a@manual 2\t29\tMon Jan  5 14:03 2026\t4.5K\t120K\t0\n';
        const snaps = parseZfsSnapshotList(text);
        expect(snaps.map(s => [s.dataset, s.snapshot, s.createtxg, s.userrefs])).toEqual([['tp/a', 's1', 16, 1], ['tp/a', 'manual 2', 29, 0]]);
        expect(snaps[0]?.creation).toBe(new Date(2026, 10, 22, 2, 27).getTime() / 1000);
        expect(snaps[1]?.used).toBe(4608);
    });

    it('reads OpenZFS -p epochs', () => {
        const snaps = parseZfsSnapshotList('tank/home@daily\t123456\t1795314439\t8192\t1048576\t0\n');
        expect(snaps[0]).toEqual({
            name: 'tank/home@daily', dataset: 'tank/home', snapshot: 'daily', createtxg: 123456,
            creation: 1795314439, used: 8192, referenced: M, userrefs: 0,
        });
    });

    it('refuses a dataset name, a bad date and a non-numeric txg', () => {
        expect(() => parseZfsSnapshotList('tank\t1\t1\t0\t0\t0')).toThrowError(ParseError);
        expect(() => parseZfsSnapshotList('tank@a\t1\tyesterday\t0\t0\t0')).toThrowMatching(e => e instanceof ParseError && e.message.includes('date'));
        expect(() => parseZfsSnapshotList('tank@a\tx\t1\t0\t0\t0')).toThrowMatching(e => e instanceof ParseError && e.message.includes('createtxg'));
        expect(() => parseZfsDate('Sun Foo 22  2:27 2026')).toThrowError(ParseError);
    });
});

describe('snapshots through zfs get -p (zfs-fuse)', () => {
    // Recorded from zfs-fuse: zfs get -H -p -o name,property,value -r -d 1
    // createtxg,creation,used,referenced,userrefs tp/a (a child, two snapshots, one held).
    const text = [
        'tp/a\tused\t237568', 'tp/a\treferenced\t122880', 'tp/a\tuserrefs\t-',
        'tp/a@s2\tcreatetxg\t1021', 'tp/a@s2\tcreation\t1795316062', 'tp/a@s2\tused\t0', 'tp/a@s2\treferenced\t122880', 'tp/a@s2\tuserrefs\t1',
        'tp/a@s1\tcreatetxg\t16', 'tp/a@s1\tcreation\t1795316062', 'tp/a@s1\tused\t0', 'tp/a@s1\treferenced\t122880', 'tp/a@s1\tuserrefs\t0',
        'tp/a/b\tcreatetxg\t8', 'tp/a/b\tuserrefs\t-',
    ].join('\n');

    it('keeps only the dataset\'s snapshots, exact, oldest first', () => {
        const snaps = parseSnapshotProperties(text, 'tp/a');
        expect(snaps.map(s => [s.snapshot, s.createtxg, s.userrefs])).toEqual([['s1', 16, 0], ['s2', 1021, 1]]);
        expect(snaps[1]).toEqual({
            name: 'tp/a@s2', dataset: 'tp/a', snapshot: 's2', createtxg: 1021, creation: 1795316062, used: 0, referenced: 122880, userrefs: 1,
        });
        expect(parseSnapshotProperties(text, 'tp/a/b')).toEqual([]);
    });

    it('refuses abbreviated or missing values', () => {
        expect(() => parseSnapshotProperties('tp/a@s\tcreatetxg\t1K', 'tp/a')).toThrowError(ParseError);
        expect(() => parseSnapshotProperties('tp/a@s\tcreatetxg', 'tp/a')).toThrowError(ParseError);
    });
});

describe('zfs get parser', () => {
    it('reads values with their sources (zfs-fuse, -p)', () => {
        const text = [
            'tp/a/b\tused\t114688\t-',
            'tp/a/b\tquota\t52428800\tlocal',
            'tp/a/b\treservation\t0\tdefault',
            'tp/a/b\tcompression\tgzip\tinherited from tp/a',
            'tp/a/b\tmountpoint\t/srv/my files\tinherited from tp',
        ].join('\n');
        expect(parseZfsGet(text).map(p => [p.property, p.value, p.source, p.inheritedFrom])).toEqual([
            ['used', '114688', 'none', ''],
            ['quota', '52428800', 'local', ''],
            ['reservation', '0', 'default', ''],
            ['compression', 'gzip', 'inherited', 'tp/a'],
            ['mountpoint', '/srv/my files', 'inherited', 'tp'],
        ]);
    });

    it('knows every source ZFS prints, and refuses others', () => {
        expect(parsePropertySource('temporary').source).toBe('temporary');
        expect(parsePropertySource('received').source).toBe('received');
        expect(() => parsePropertySource('magic')).toThrowError(ParseError);
        expect(() => parseZfsGet('tp\tused\t1')).toThrowMatching(e => e instanceof ParseError && e.message.includes('4 fields'));
        expect(() => parseZfsGet('NAME\tPROPERTY\tVALUE\tSOURCE')).toThrowError(ParseError);
    });
});

describe('zfs list -j parser', () => {
    const FIXTURE = 'zfs-json/zfs-list.json';

    it('reads the OpenZFS man page example: filesystems with sources, and a snapshot', () => {
        const entries = parseZfsListJson(readFixture(FIXTURE));
        expect(entries.map(e => `${e.name} ${e.type}`)).toEqual([
            'pool filesystem', 'pool/home filesystem', 'pool/home/bob filesystem', 'pool/home/bob@v1 snapshot',
        ]);
        const bob = entries[2];
        expect(bob?.properties.get('mountpoint')).toEqual({
            name: 'pool/home/bob', property: 'mountpoint', value: '/mnt/home/bob', source: 'inherited', inheritedFrom: 'pool/home',
        });
        expect(entries[1]?.properties.get('mountpoint')?.source).toBe('local');
        expect(entries[0]?.properties.get('mountpoint')?.source).toBe('default');
        expect(entries[0]?.properties.get('used')?.source).toBe('none');
    });

    it('turns it into datasets and snapshots', () => {
        const entries = parseZfsListJson(readFixture(FIXTURE));
        const ds = datasetsFromJson(entries);
        expect(ds.map(d => d.name)).toEqual(['pool', 'pool/home', 'pool/home/bob']);
        expect(ds[0]).toEqual(jasmine.objectContaining({
            pool: 'pool', type: 'filesystem', used: 290 * K, available: Math.round(30.5 * 1024 * M), referenced: 24 * K, mountpoint: '/pool',
        }));
        const snaps = snapshotsFromJson(entries);
        expect(snaps).toEqual([{
            name: 'pool/home/bob@v1', dataset: 'pool/home/bob', snapshot: 'v1', createtxg: 0, creation: 0,
            used: 0, referenced: 24 * K, userrefs: 0,
        }]);
    });

    it('reads --json-int numbers', () => {
        const text = readFixture(FIXTURE).replace(/"value": "290K"/, '"value": 296960');
        expect(datasetsFromJson(parseZfsListJson(text))[0]?.used).toBe(296960);
    });

    it('refuses documents of another command, broken JSON and unknown sources', () => {
        expect(() => parseZfsListJson('{"output_version":{"command":"zpool status"},"datasets":{}}')).toThrowError(ParseError);
        expect(() => parseZfsListJson('{')).toThrowMatching(e => e instanceof ParseError && e.message.includes('not valid JSON'));
        const weird = readFixture(FIXTURE).replace('"type": "LOCAL"', '"type": "MAGIC"');
        expect(() => parseZfsListJson(weird)).toThrowMatching(e => e instanceof ParseError && e.message.includes('MAGIC'));
    });
});
