import GLib from 'gi://GLib';
import { ParseError } from '../../src/service/zfs/parse-error.js';
import { parseZpoolImport } from '../../src/service/zfs/zpool-import.js';

/** Output recorded in this repository (tests/fixtures/, see the README.md files there). */
function ownFixture(relPath: string): string {
    const root = GLib.getenv('SIGMAVAULT_SOURCE_ROOT') ?? '.';
    const [, bytes] = GLib.file_get_contents(GLib.build_filenamev([root, 'tests', 'fixtures', relPath]));
    return new TextDecoder().decode(bytes);
}

describe('zpool import parser', () => {
    it('reads nothing, or "no pools available", as no pools', () => {
        expect(parseZpoolImport('')).toEqual([]);
        expect(parseZpoolImport('no pools available to import\n')).toEqual([]);
    });

    it('reads two exported zfs-fuse pools with their guids as strings and their device trees', () => {
        const pools = parseZpoolImport(ownFixture('zfs-fuse/zpool-import-two.out'));
        // zfs-fuse lists them in the order it finds them.
        expect(pools.map(p => p.name)).toEqual(['vault', 'tank']);
        const [vault, tank] = pools;
        expect(tank?.guid).toMatch(/^[0-9]{15,20}$/);
        // A 64-bit guid survives exactly: no JS number in between.
        expect(ownFixture('zfs-fuse/zpool-import-two.out')).toContain(`id: ${tank?.guid ?? 'x'}\n`);
        expect(tank).toEqual(jasmine.objectContaining({
            state: 'ONLINE', destroyed: false, importable: true, needsForce: false, status: '',
            action: 'The pool can be imported using its name or numeric identifier.',
        }));
        expect(tank?.devices).toEqual([
            { depth: 0, name: 'tank', state: 'ONLINE', note: '' },
            { depth: 1, name: 'mirror-0', state: 'ONLINE', note: '' },
            { depth: 2, name: '/var/tmp/p/a', state: 'ONLINE', note: '' },
            { depth: 2, name: '/var/tmp/p/b', state: 'ONLINE', note: '' },
        ]);
        expect(vault?.devices.map(d => [d.depth, d.name])).toEqual([[0, 'vault'], [1, 'raidz2-0'],
            [2, '/var/tmp/p/c'], [2, '/var/tmp/p/d'], [2, '/var/tmp/p/e']]);
    });

    it('reads degraded pools with missing devices, their notes and the two-line action', () => {
        const [tank, vault] = parseZpoolImport(ownFixture('zfs-fuse/zpool-import-degraded.out'));
        expect(tank?.state).toBe('DEGRADED');
        expect(tank?.status).toBe('One or more devices are missing from the system.');
        expect(tank?.action).toBe('The pool can be imported despite missing or damaged devices.  The ' +
            'fault tolerance of the pool may be compromised if imported.');
        expect(tank?.see).toBe('http://www.sun.com/msg/ZFS-8000-2Q');
        expect(tank?.importable).toBeTrue();
        expect(tank?.devices[3]).toEqual({ depth: 2, name: '/var/tmp/p/b', state: 'UNAVAIL', note: 'cannot open' });
        expect(vault?.devices.filter(d => d.state === 'UNAVAIL').map(d => d.name)).toEqual(['/var/tmp/p/d']);
    });

    it('reads OpenZFS output, including a pool that needs -f', () => {
        const [data, tank] = parseZpoolImport(ownFixture('openzfs/zpool-import.out'));
        expect(data?.guid).toBe('17502164096278276766');
        expect(data?.needsForce).toBeTrue();
        expect(data?.action).toBe("The pool can be imported using its name or numeric identifier and the '-f' flag.");
        expect(data?.devices.length).toBe(6);
        expect(data?.devices[2]).toEqual({ depth: 2, name: 'ata-WDC_WD1003FBYX-01Y7B0_WD-WCAW33240308', state: 'ONLINE', note: '' });
        expect(tank).toEqual(jasmine.objectContaining({ name: 'tank', guid: '877838307015933496', needsForce: false }));
        expect(tank?.devices.map(d => d.name)).toEqual(['tank', 'sdb']);
    });

    it('knows destroyed pools, pools that cannot be imported, log groups and prose under the config', () => {
        const text = [
            '   pool: old', '     id: 42', '  state: UNAVAIL (DESTROYED)',
            ' status: One or more devices are missing from the system.',
            ' action: The pool cannot be imported. Attach the missing', '\tdevices and try again.',
            ' config:', '', '\told         UNAVAIL  insufficient replicas', '\t  sda        ONLINE',
            '\t  sdb        UNAVAIL', '\tlogs', '\t  sdc        ONLINE', '',
            '\tAdditional devices are known to be part of this pool, though their', '\texact configuration cannot be determined.', '',
        ].join('\n');
        const [old] = parseZpoolImport(text);
        expect(old).toEqual(jasmine.objectContaining({ state: 'UNAVAIL', destroyed: true, importable: false }));
        expect(old?.devices.map(d => [d.depth, d.name, d.state, d.note])).toEqual([
            [0, 'old', 'UNAVAIL', 'insufficient replicas'], [1, 'sda', 'ONLINE', ''], [1, 'sdb', 'UNAVAIL', ''],
            [0, 'logs', '', ''], [1, 'sdc', 'ONLINE', '']]);
        expect(old?.notes.length).toBe(2);
    });

    it('refuses what it cannot place rather than returning part of it', () => {
        expect(() => parseZpoolImport('cannot discover pools: permission denied\n')).toThrowError(ParseError);
        expect(() => parseZpoolImport('  pool: a\n    id: 12x\n state: ONLINE\nconfig:\n\n\ta  ONLINE\n')).toThrowError(ParseError);
        expect(() => parseZpoolImport('  pool: a\n    id: 12\n state: fine\nconfig:\n\n\ta  ONLINE\n')).toThrowError(ParseError);
        expect(() => parseZpoolImport('  pool: a\n    id: 12\n state: ONLINE\nconfig:\n\n\tb  ONLINE\n')).toThrowError(ParseError);
        expect(() => parseZpoolImport('  pool: a\n    id: 12\n state: ONLINE\nconfig:\nstray\n')).toThrowError(ParseError);
    });
});
