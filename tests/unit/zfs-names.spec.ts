import {
    checkDatasetName, checkFullSnapshotName, checkHoldTag, checkPoolName, checkProperties, checkRelativeName, checkSnapshotName,
    expandTemplate, NameError, OPENZFS_FEATURES, UnsupportedError, ZFS_FUSE_FEATURES,
} from '../../src/service/zfs/zfs-names.js';

describe('ZFS names', () => {
    it('accepts what ZFS accepts', () => {
        for (const n of ['tank', 'tank/photos', 'tank/my photos/2024', 'tank/a_b-c.d:e'])
            expect(checkDatasetName(n)).toBe(n);
        expect(checkSnapshotName('manual-2026-01-01-1200')).toBe('manual-2026-01-01-1200');
        expect(checkFullSnapshotName('tank/a', 's1')).toBe('tank/a@s1');
        expect(checkRelativeName('photos/2024')).toBe('photos/2024');
        expect(checkHoldTag('keep')).toBe('keep');
    });

    it('refuses anything that could read as an option or escape the rules', () => {
        const bad = [
            '', '-tank', 'tank/-rf', 'tank//a', 'tank/', '/tank', 'tank/..', 'tank/.', 'tank@s', 'tank#b', 'tank/a%b',
            'tank/a\nb', 'tank/ a', '9tank', 'tank/ä', `tank/${'x'.repeat(260)}`,
        ];
        for (const n of bad)
            expect(() => checkDatasetName(n)).withContext(JSON.stringify(n)).toThrowError(NameError);
        for (const s of ['', '-r', 'a/b', 'a@b', 'a b ', '..', 'x%y'])
            expect(() => checkSnapshotName(s)).withContext(JSON.stringify(s)).toThrowError(NameError);
        expect(() => checkFullSnapshotName(`tank/${'a'.repeat(200)}`, 'b'.repeat(60))).toThrowError(NameError);
        expect(() => checkRelativeName('-x')).toThrowError(NameError);
        expect(() => checkHoldTag('-x')).toThrowError(NameError);
        expect(() => checkHoldTag('a\tb')).toThrowError(NameError);
    });

    it('expands name templates', () => {
        const when = new Date(2026, 0, 5, 9, 7, 3);
        expect(expandTemplate('manual-%Y-%m-%d-%H%M', when)).toBe('manual-2026-01-05-0907');
        expect(expandTemplate('s%S%%', when)).toBe('s03%');
        expect(() => expandTemplate('x-%q', when)).toThrowError(NameError);
        expect(() => expandTemplate('x-%', when)).toThrowError(NameError);
    });
});

describe('ZFS property checks', () => {
    it('accepts whitelisted properties with valid values, sorted', () => {
        expect(checkProperties({ quota: '10G', compression: 'gzip-9', atime: 'off', recordsize: '64K', mountpoint: '/srv/x' },
            ZFS_FUSE_FEATURES, false)).toEqual([
            ['atime', 'off'], ['compression', 'gzip-9'], ['mountpoint', '/srv/x'], ['quota', '10G'], ['recordsize', '64K'],
        ]);
        expect(checkProperties({ compression: 'zstd-3', encryption: 'aes-256-gcm', keyformat: 'passphrase' }, OPENZFS_FEATURES, true))
            .toEqual([['compression', 'zstd-3'], ['encryption', 'aes-256-gcm'], ['keyformat', 'passphrase']]);
    });

    it('refuses unknown properties and bad values with a message', () => {
        expect(() => checkProperties({ sharenfs: 'on' }, OPENZFS_FEATURES, false)).toThrowMatching(e => e instanceof NameError && e.message.includes('sharenfs'));
        for (const [k, v] of [['quota', '-1'], ['quota', '10 G'], ['recordsize', '100K'], ['recordsize', '2M'], ['atime', 'yes'],
            ['mountpoint', 'relative'], ['mountpoint', '/a/../etc'], ['compression', 'brotli'], ['copies', '4']] as const) {
            expect(() => checkProperties({ [k]: v }, OPENZFS_FEATURES, false)).withContext(`${k}=${v}`).toThrowError(NameError);
        }
        expect(() => checkProperties({ encryption: 'on' }, OPENZFS_FEATURES, false)).toThrowError(NameError);
    });

    it('says what this ZFS cannot do rather than fake it', () => {
        expect(() => checkProperties({ encryption: 'aes-256-gcm' }, ZFS_FUSE_FEATURES, true)).toThrowError(UnsupportedError);
        expect(() => checkProperties({ compression: 'zstd' }, ZFS_FUSE_FEATURES, false)).toThrowError(UnsupportedError);
        expect(() => checkProperties({ relatime: 'on' }, ZFS_FUSE_FEATURES, false)).toThrowError(UnsupportedError);
        expect(checkProperties({ encryption: 'off' }, ZFS_FUSE_FEATURES, true)).toEqual([['encryption', 'off']]);
    });
    it('checks pool names as zpool create does, and more strictly', () => {
        for (const n of ['tank', 'Vault2', 'my-pool_1.a:b', 'logs', 'mirrors2'.slice(1)])
            expect(checkPoolName(n)).toBe(n);
        for (const n of ['', '-f', '9tank', 'my pool', 'tank/a', 'mirror', 'mirror1', 'raidz2x', 'draid', 'spare-a', 'log', 'c0t0d0',
            'tank@x', 'tank%', `t${'x'.repeat(255)}`, 'tänk'])
            expect(() => checkPoolName(n)).withContext(JSON.stringify(n)).toThrowError(NameError);
    });
});
