import { interpretZpoolVersion, supportsJson } from '../../src/service/zfs/detect.js';
import { versionFrom } from '../../src/service/tool-versions.js';

describe('ZFS detection', () => {
    it('recognizes OpenZFS and whether it prints JSON', () => {
        expect(interpretZpoolVersion(0, 'zfs-2.3.1-1\nzfs-kmod-2.3.1-1\n', ''))
            .toEqual({ kind: 'openzfs', version: '2.3.1', json: true });
        expect(interpretZpoolVersion(0, 'zfs-2.1.11-1\nzfs-kmod-2.1.11-1\n', ''))
            .toEqual({ kind: 'openzfs', version: '2.1.11', json: false });
        expect(supportsJson('3.0')).toBeTrue();
        expect(supportsJson('2.2.9')).toBeFalse();
    });

    it('recognizes zfs-fuse by its missing version command', () => {
        // What zfs-fuse 0.7 prints (recorded in the Debian 13 root).
        expect(interpretZpoolVersion(2, '', "unrecognized command 'version'\nusage: zpool command args ...\n"))
            .toEqual({ kind: 'zfs-fuse' });
    });

    it('says how to fix a ZFS that is installed but not running', () => {
        const fuseDown = interpretZpoolVersion(1, '',
            'connect: No such file or directory\nPlease make sure that the zfs-fuse daemon is running.\ninternal error: failed to initialize ZFS library\n');
        expect(fuseDown.kind).toBe('down');
        expect(fuseDown.kind === 'down' && fuseDown.reason).toContain('systemctl start zfs-fuse');
        const moduleDown = interpretZpoolVersion(1, '', 'The ZFS modules are not loaded.\nTry running \'/sbin/modprobe zfs\' as root to load them.\n/dev/zfs and /proc/self/mounts are required.\n');
        expect(moduleDown.kind === 'down' && moduleDown.reason).toContain('modprobe zfs');
    });

    it('does not guess at output it does not know', () => {
        expect(interpretZpoolVersion(0, 'something else', '').kind).toBe('unknown');
        expect(interpretZpoolVersion(3, '', 'weird failure').kind).toBe('unknown');
    });

    it('reads tool versions from their banners', () => {
        expect(versionFrom('smartctl', 'smartctl 7.4 2023-08-01 r5530 [x86_64-linux-6.12.0] (local build)')).toBe('7.4');
        expect(versionFrom('zstd', '*** Zstandard CLI (64-bit) v1.5.7, by Yann Collet ***')).toBe('1.5.7');
        expect(versionFrom('lsblk', 'lsblk from util-linux 2.41')).toBe('2.41');
        expect(versionFrom('zpool', "unrecognized command 'version'")).toBe('');
    });
});
