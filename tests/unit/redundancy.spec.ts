// The redundancy rule AddVdev enforces and the device operand checks, on
// vdev trees as zpool status reports them (zfs-fuse text).
import {
    canAttachTo, canDetach, checkDeviceName, checkNewDevicePath, findLeaf, leaves,
} from '../../src/service/zfs/devices.js';
import type { Vdev } from '../../src/service/zfs/model.js';
import { layoutWords, poolTolerance, weakeningWarning } from '../../src/service/zfs/redundancy.js';
import { NameError } from '../../src/service/zfs/zfs-names.js';
import { parseZpoolStatusText } from '../../src/service/zfs/zpool-status-text.js';

function tree(config: string): Vdev {
    const [status] = parseZpoolStatusText(`  pool: tank\n state: ONLINE\n scrub: none requested\nconfig:\n\n` +
        `\tNAME        STATE     READ WRITE CKSUM\n${config}\nerrors: No known data errors\n`);
    if (status === undefined)
        throw new Error('no pool');
    return status.root;
}

const MIRROR = tree([
    '\ttank        ONLINE       0     0     0',
    '\t  mirror-0  ONLINE       0     0     0',
    '\t    /d/a    ONLINE       0     0     0',
    '\t    /d/b    ONLINE       0     0     0',
    '\tspares',
    '\t  /d/s      AVAIL',
].join('\n'));
const RAIDZ2 = tree([
    '\ttank        ONLINE       0     0     0',
    '\t  raidz2-0  ONLINE       0     0     0',
    '\t    /d/a    ONLINE       0     0     0',
    '\t    /d/b    ONLINE       0     0     0',
    '\t    /d/c    ONLINE       0     0     0',
    '\t    /d/d    ONLINE       0     0     0',
].join('\n'));
const SINGLE = tree('\ttank        ONLINE       0     0     0\n\t  /d/a      ONLINE       0     0     0');

describe('redundancy', () => {
    it('counts the failures the weakest data vdev survives', () => {
        expect(poolTolerance(MIRROR)?.failures).toBe(1);
        expect(poolTolerance(RAIDZ2)?.failures).toBe(2);
        expect(poolTolerance(SINGLE)?.failures).toBe(0);
    });

    it('warns, in words, when the new vdev survives fewer failures than the pool', () => {
        const w = weakeningWarning('tank', MIRROR, 'disk', 1);
        expect(w).toContain('Pool tank keeps its data on a mirror of 2 devices, which survives the loss of 1 device.');
        expect(w).toContain('The new vdev would be a single device, which survives no device failure.');
        expect(w).toContain('if the new one fails, the whole pool and all its data are lost');
        expect(w).toContain('Add a mirror of 2 devices instead.');
        expect(weakeningWarning('tank', RAIDZ2, 'mirror', 2)).toContain('a RAID-Z2 of 4 devices, which survives the loss of 2 devices');
        expect(weakeningWarning('tank', RAIDZ2, 'raidz1', 3)).toContain('survives at least the loss of 2 devices');
    });

    it('does not warn when the pool keeps its redundancy, nor for spares and caches', () => {
        expect(weakeningWarning('tank', MIRROR, 'mirror', 2)).toBeNull();
        expect(weakeningWarning('tank', MIRROR, 'mirror', 3)).toBeNull();
        expect(weakeningWarning('tank', MIRROR, 'raidz2', 4)).toBeNull();
        expect(weakeningWarning('tank', SINGLE, 'disk', 1)).toBeNull();
        expect(weakeningWarning('tank', MIRROR, 'spare', 1)).toBeNull();
        expect(weakeningWarning('tank', MIRROR, 'cache', 1)).toBeNull();
        expect(weakeningWarning('tank', MIRROR, 'log', 1)).toBeNull();
    });

    it('spells the zpool add operands per layout', () => {
        expect(layoutWords('disk', 1)).toEqual([]);
        expect(layoutWords('raidz2', 4)).toEqual(['raidz2']);
        expect(layoutWords('log', 1)).toEqual(['log']);
        expect(layoutWords('log', 2)).toEqual(['log', 'mirror']);
    });
});

describe('device operands', () => {
    it('finds leaves by name or path and knows what each can do', () => {
        expect(leaves(MIRROR).map(m => m.leaf.name)).toEqual(['/d/a', '/d/b', '/d/s']);
        const a = findLeaf(MIRROR, '/d/a');
        expect(a?.parent.type).toBe('mirror');
        expect(a && canDetach(a)).toBeTrue();
        expect(a && canAttachTo(a)).toBeTrue();
        const z = findLeaf(RAIDZ2, '/d/c');
        expect(z && canDetach(z)).toBeFalse();
        expect(z && canAttachTo(z)).toBeFalse();
        const single = findLeaf(SINGLE, '/d/a');
        expect(single && canDetach(single)).toBeFalse();
        expect(single && canAttachTo(single)).toBeTrue();
        expect(findLeaf(MIRROR, '/d/x')).toBeNull();
        expect(findLeaf(MIRROR, 'mirror-0')).withContext('a group is no device').toBeNull();
    });

    it('refuses operands that could read as options or are not plain absolute paths', () => {
        for (const bad of ['', '-f', '--', 'a\nb'])
            expect(() => checkDeviceName(bad)).withContext(JSON.stringify(bad)).toThrowError(NameError);
        for (const bad of ['', '-f', 'sdb', './x', '/dev/../etc/passwd', '/a//b', '/a/', '/a/./b', '/a\tb'])
            expect(() => checkNewDevicePath(bad)).withContext(JSON.stringify(bad)).toThrowError(NameError);
        expect(checkNewDevicePath('/dev/disk/by-id/ata-X_1')).toBe('/dev/disk/by-id/ata-X_1');
        expect(checkDeviceName('sdb')).toBe('sdb');
    });
});
