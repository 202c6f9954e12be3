import { locate, parseMounts, pathComponents } from '../../src/service/zfs/mounts.js';

// Lines as /proc/self/mounts has them: zfs-fuse (fuse.zfs) and OpenZFS (zfs),
// an escaped space, a snapshot mount and unrelated filesystems.
const MOUNTS = [
    'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
    'tank /tank fuse.zfs rw,relatime,user_id=0,group_id=0,default_permissions,allow_other 0 0',
    'tank/photos /tank/photos fuse.zfs rw,relatime 0 0',
    'big/family\\040pics /srv/family\\040pics zfs rw,xattr,posixacl 0 0',
    'big/family\\040pics@monday /srv/family\\040pics/.zfs/snapshot/monday zfs ro 0 0',
    '/dev/vda1 / ext4 rw,relatime 0 0',
    '',
].join('\n');

describe('mounted datasets', () => {
    const mounts = parseMounts(MOUNTS);

    it('lists ZFS datasets with their pool, unescaping names, skipping snapshots', () => {
        expect(mounts).toEqual([
            { dataset: 'tank', mountpoint: '/tank', pool: 'tank' },
            { dataset: 'tank/photos', mountpoint: '/tank/photos', pool: 'tank' },
            { dataset: 'big/family pics', mountpoint: '/srv/family pics', pool: 'big' },
        ]);
    });

    it('finds the innermost dataset holding a path', () => {
        expect(locate(mounts, '/tank/photos/2024/beach.jpg')?.dataset).toBe('tank/photos');
        expect(locate(mounts, '/tank/docs/a.txt')?.dataset).toBe('tank');
        expect(locate(mounts, '/srv/family pics/x')?.dataset).toBe('big/family pics');
    });

    it('matches whole path components, not string prefixes', () => {
        expect(locate(mounts, '/tankette/file')).toBeNull();
        expect(locate(mounts, '/tank/photosynthesis.txt')?.dataset).toBe('tank');
        expect(locate(mounts, '/etc/hostname')).toBeNull();
    });

    it('resolves . and .. before matching', () => {
        expect(pathComponents('/a/./b/../c/')).toEqual(['a', 'c']);
        expect(locate(mounts, '/tank/photos/../x')?.dataset).toBe('tank');
        expect(locate(mounts, '/tank/../etc/passwd')).toBeNull();
    });
});
