import type { Vdev } from '../../src/service/zfs/model.js';
import { ParseError } from '../../src/service/zfs/parse-error.js';
import { parseZpoolStatusText } from '../../src/service/zfs/zpool-status-text.js';
import { readFixture } from './fixtures.js';

function only<T>(items: readonly T[]): T {
    expect(items.length).toBe(1);
    const [item] = items;
    if (item === undefined)
        throw new Error('no item');
    return item;
}

function child(vdev: Vdev, name: string): Vdev {
    const found = vdev.children.find(c => c.name === name);
    if (found === undefined)
        throw new Error(`${vdev.name} has no child ${name}; it has ${vdev.children.map(c => c.name).join(', ')}`);
    return found;
}

/** Name, type and state of every vdev, depth-first, for compact tree checks. */
function shape(vdev: Vdev, depth = 0): string[] {
    return [`${'  '.repeat(depth)}${vdev.name} ${vdev.type} ${vdev.state}`, ...vdev.children.flatMap(c => shape(c, depth + 1))];
}

// zfs-fuse 0.7 output for a mirror of two files (its `zpool list` shows the
// same pool as "tank\t5380443855235335121\tONLINE\t250M\t444K\t250M").
const ZFS_FUSE = [
    '  pool: tank',
    ' state: ONLINE',
    ' scrub: none requested',
    'config:',
    '',
    '\tNAME              STATE     READ WRITE CKSUM',
    '\ttank              ONLINE       0     0     0',
    '\t  mirror-0        ONLINE       0     0     0',
    '\t    /var/tmp/p/a  ONLINE       0     0     0',
    '\t    /var/tmp/p/b  ONLINE       0     0     0',
    '',
    'errors: No known data errors',
    '',
].join('\n');

describe('zpool status text parser', () => {
    it('reads a degraded Solaris-era mirror with the old scrub: label (v2)', () => {
        const pool = only(parseZpoolStatusText(readFixture('zpool-text/zpool-status-v2.out')));
        expect(pool.name).toBe('tank');
        expect(pool.state).toBe('DEGRADED');
        expect(pool.status).toBe('One or more devices could not be opened.  Sufficient replicas exist for ' +
            'the pool to continue functioning in a degraded state.');
        expect(pool.action).toBe("Attach the missing device and online it using 'zpool online'.");
        expect(pool.scan).toBe('none requested');
        expect(pool.errors).toBe('No known data errors');
        expect(shape(pool.root)).toEqual([
            'tank root DEGRADED',
            '  mirror-0 mirror DEGRADED',
            '    c1t0d0 disk ONLINE',
            '    c1t1d0 disk UNAVAIL',
        ]);
        // "cannot open" after the counters is a note, not a counter.
        const bad = child(child(pool.root, 'mirror-0'), 'c1t1d0');
        expect([bad.readErrors, bad.writeErrors, bad.checksumErrors]).toEqual([0, 0, 0]);
        expect(bad.path).toBeNull();
    });

    it('reads error counters and the permanent-errors summary (v3)', () => {
        const pool = only(parseZpoolStatusText(readFixture('zpool-text/zpool-status-v3.out')));
        expect(pool.state).toBe('UNAVAIL');
        expect(pool.root.state).toBe('UNAVAIL');
        expect(pool.scan).toBe('scrub completed after 0h0m with 0 errors on Tue Feb  2 13:08:42 2010');
        expect(pool.errors).toBe('Permanent errors have been detected in the following files:');
        expect(pool.root.children.map(c => `${c.name} ${c.type}`)).toEqual(['c1t0d0 disk', 'c1t1d0 disk']);
        const failed = child(pool.root, 'c1t1d0');
        expect(failed.state).toBe('UNAVAIL');
        expect(failed.readErrors).toBe(4);
        expect(failed.writeErrors).toBe(1);
        expect(failed.checksumErrors).toBe(0);
    });

    it('reads tab-indented OpenZFS output with multi-line status and action (v4)', () => {
        const pool = only(parseZpoolStatusText(readFixture('zpool-text/zpool-status-v4.out')));
        expect(pool.name).toBe('pool1');
        expect(pool.state).toBe('ONLINE');
        expect(pool.status).toBe('Some supported and requested features are not enabled on the pool. ' +
            'The pool can still be used, but some features are unavailable.');
        expect(pool.action).toBe("Enable all features using 'zpool upgrade'. Once this is done, " +
            'the pool may no longer be accessible by software that does not support ' +
            'the features. See zpool-features(7) for details.');
        expect(pool.scan).toBe('scrub repaired 0B in 11:16:03 with 0 errors on Sun Feb 12 11:40:04 2023');
        expect(shape(pool.root)).toEqual([
            'pool1 root ONLINE',
            '  mirror-0 mirror ONLINE',
            '    wwn-0x5000c500c65ac66f disk ONLINE',
            '    wwn-0x5000c500c5eee542 disk ONLINE',
            '  mirror-1 mirror ONLINE',
            '    wwn-0x5000c500e39e8af6 disk ONLINE',
            '    wwn-0x5000c500e3b3a41e disk ONLINE',
        ]);
    });

    it('puts the spares section under the pool with sdf available', () => {
        const pool = only(parseZpoolStatusText(readFixture('zpool-text/zpool-status-spares.out')));
        expect(pool.scan).toBe('scrub repaired 0B in <snip>');
        expect(pool.root.children.map(c => `${c.name} ${c.type}`)).toEqual([
            'mirror-0 mirror', 'mirror-1 mirror', 'mirror-2 mirror', 'mirror-3 mirror', 'spares spares',
        ]);
        expect(child(pool.root, 'mirror-3').children.map(c => c.name)).toEqual(['sdg', 'sdi']);
        const spares = child(pool.root, 'spares');
        expect(spares.state).toBe('ONLINE');
        expect(spares.children).toEqual([{
            name: 'sdf', type: 'disk', state: 'ONLINE', path: null,
            readErrors: 0, writeErrors: 0, checksumErrors: 0, children: [],
        }]);
    });

    it('reads several pools without blank lines between sections', () => {
        const pools = parseZpoolStatusText(readFixture('zpool-text/zpool-status-v.out'));
        expect(pools.map(p => p.name)).toEqual(['zhgstera6', 'zint500', 'zsam53']);
        expect(pools.every(p => p.state === 'ONLINE' && p.errors === 'No known data errors')).toBeTrue();
        expect(pools[0]?.scan).toBe('scrub canceled on Fri Aug 19 15:33:19 2022');
        // Leaf names may contain ':'; they must not be taken for labels.
        expect(pools[0]?.root.children.map(c => `${c.name} ${c.type}`)).toEqual(['726060ALE614-K8JAPRGN:10 disk']);
        expect(pools[2]?.root.children[0]?.name).toBe('Portable_SSD_T5-S49WNP0N120517B:8');
    });

    it('reads zfs-fuse output with file vdevs', () => {
        const pool = only(parseZpoolStatusText(ZFS_FUSE));
        expect(pool.scan).toBe('none requested');
        expect(pool.status).toBe('');
        const leaf = child(child(pool.root, 'mirror-0'), '/var/tmp/p/a');
        expect(leaf.type).toBe('file');
        expect(leaf.path).toBe('/var/tmp/p/a');
    });

    it('builds class groups, raidz levels, resilvering and abbreviated counters', () => {
        const text = [
            '  pool: big',
            ' state: DEGRADED',
            'status: One or more devices is currently being resilvered.',
            '  scan: resilver in progress since Sun Mar  2 10:00:00 2025',
            '\t1.23T scanned at 1.2G/s, 600G issued at 600M/s, 3T total',
            'config:',
            '',
            '\tNAME                 STATE     READ WRITE CKSUM',
            '\tbig                  DEGRADED     0     0     0',
            '\t  raidz2-0           DEGRADED     0     0     0',
            '\t    sda              ONLINE       0     0     0',
            '\t    replacing-1      DEGRADED     0     0     0',
            '\t      old            FAULTED   1.2K     0    12  too many errors',
            '\t      /dev/sdx       ONLINE       0     0     0  (resilvering)',
            '\t    sdc              ONLINE       0     0     0',
            '\t  raidz-1            ONLINE       0     0     0',
            '\t    /dev/sdd         ONLINE       0     0     0',
            '\t  draid2:4d:8c:1s-2  ONLINE       0     0     0',
            '\t    sde              ONLINE       0     0     0',
            '\tspecial\t',
            '\t  mirror-3           ONLINE       0     0     0',
            '\t    nvme0n1          ONLINE       0     0     0',
            '\t    nvme1n1          ONLINE       0     0     0',
            '\tlogs',
            '\t  sdl                ONLINE       0     0     0',
            '\tcache',
            '\t  sdm                ONLINE       0     0     0',
            '\tspares',
            '\t  sdn                INUSE     currently in use',
            '\t  sdo                AVAIL',
            '',
            'errors: No known data errors',
        ].join('\n');
        const pool = only(parseZpoolStatusText(text));
        expect(pool.scan).toBe('resilver in progress since Sun Mar  2 10:00:00 2025 ' +
            '1.23T scanned at 1.2G/s, 600G issued at 600M/s, 3T total');
        expect(shape(pool.root)).toEqual([
            'big root DEGRADED',
            '  raidz2-0 raidz2 DEGRADED',
            '    sda disk ONLINE',
            '    replacing-1 replacing DEGRADED',
            '      old disk FAULTED',
            '      /dev/sdx disk ONLINE',
            '    sdc disk ONLINE',
            '  raidz-1 raidz1 ONLINE',
            '    /dev/sdd disk ONLINE',
            '  draid2:4d:8c:1s-2 draid ONLINE',
            '    sde disk ONLINE',
            '  special special ONLINE',
            '    mirror-3 mirror ONLINE',
            '      nvme0n1 disk ONLINE',
            '      nvme1n1 disk ONLINE',
            '  logs logs ONLINE',
            '    sdl disk ONLINE',
            '  cache cache ONLINE',
            '    sdm disk ONLINE',
            '  spares spares ONLINE',
            '    sdn disk ONLINE',
            '    sdo disk ONLINE',
        ]);
        const old = child(child(child(pool.root, 'raidz2-0'), 'replacing-1'), 'old');
        expect([old.readErrors, old.writeErrors, old.checksumErrors]).toEqual([1229, 0, 12]);
        expect(child(child(child(pool.root, 'raidz2-0'), 'replacing-1'), '/dev/sdx').path).toBe('/dev/sdx');
    });

    it('skips the -D dedup table, whose lines are not indented', () => {
        const text = ZFS_FUSE.replace('errors:', [
            ' dedup: DDT entries 2, size 512B on disk, 256B in core',
            '',
            'bucket              allocated                       referenced',
            'refcnt   blocks   LSIZE   PSIZE   DSIZE   blocks   LSIZE   PSIZE   DSIZE',
            '------   ------   -----   -----   -----   ------   -----   -----   -----',
            '     1        2      1K      1K      1K        2      1K      1K      1K',
            '',
            'errors:',
        ].join('\n'));
        const pool = only(parseZpoolStatusText(text));
        expect(pool.errors).toBe('No known data errors');
        expect(pool.root.children.length).toBe(1);
    });

    it('returns no pools when there are none', () => {
        expect(parseZpoolStatusText('')).toEqual([]);
        expect(parseZpoolStatusText('no pools available\n')).toEqual([]);
    });

    it('rejects malformed output with a ParseError, never partial data', () => {
        const good = readFixture('zpool-text/zpool-status-v4.out');
        const cases: [string, RegExp][] = [
            ['hello world\n', /expected "pool: NAME"/],
            ['  pool: tank\nconfig:\n\tNAME STATE READ WRITE CKSUM\n\ttank ONLINE 0 0 0\n', /no "state:" line/],
            ['  pool: tank\n state: ONLINE\n', /config table/],
            ['  pool: tank\n state: ONLINE\nconfig:\n\tNAME STATE READ WRITE CKSUM\n', /empty config table/],
            ['  pool: tank\n state: ONLINE\nconfig:\n\tNAME STATE READ WRITE CKSUM\n\ttank\n', /line 5.*has no state/],
            ['  pool: tank\n state: ONLINE\nconfig:\n\tNAME STATE READ WRITE CKSUM\n\ttank ONLINE 0 x\n', /counters/],
            ['  pool: tank\n state: ONLINE\nconfig:\n\tNAME STATE READ WRITE CKSUM\n\tother ONLINE 0 0 0\n', /instead of the pool/],
            ['  pool: tank\n state: ONLINE\nconfig:\n\tNAME STATE READ WRITE CKSUM\n\ttank ONLINE 0 0 0\n\tsdb ONLINE 0 0 0\n', /second top-level/],
            ['  pool: tank\n state: ONLINE\nconfig:\n\tNAME STATE READ WRITE CKSUM\n\ttank ONLINE 0 0 0\n\t  sdb online 0 0 0\n', /state like ONLINE/],
            ['  pool: tank\n state: ONLINE\nconfig:\n\tNAME STATE READ WRITE CKSUM\n\ttank ONLINE 0 0 0\ngarbage here\n', /unindented line "garbage here"/],
            // A good pool followed by a broken one: nothing is returned.
            [`${good}  pool: second\n state: ONLINE\n`, /pool second/],
        ];
        for (const [text, message] of cases) {
            expect(() => parseZpoolStatusText(text))
                .withContext(JSON.stringify(text))
                .toThrowMatching(e => e instanceof ParseError && message.test(e.message));
        }
    });
});
