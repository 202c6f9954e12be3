import { checkProperties, OPENZFS_FEATURES, UnsupportedError, ZFS_FUSE_FEATURES } from '../../src/service/zfs/zfs-names.js';
import { choicesFor, parseSizeInput, recordSizeText, SIZE_PROPERTIES, zfsSizeText } from '../../src/shared/zfs-values.js';

const OPENZFS = ['encryption', 'compression-lz4', 'compression-zstd', 'relatime'];
const SETTABLE_CHOICES = ['compression', 'recordsize', 'atime', 'relatime', 'readonly', 'exec', 'setuid', 'devices', 'canmount',
    'snapdir', 'copies', 'xattr'];

describe('property values as typed and shown', () => {
    it('writes sizes as zfs get does', () => {
        expect(zfsSizeText(0)).toBe('0');
        expect(zfsSizeText(512)).toBe('512');
        expect(zfsSizeText(104857600)).toBe('100M');
        expect(zfsSizeText(1610612736)).toBe('1.5G');
        expect(zfsSizeText(1024 ** 4 * 3)).toBe('3T');
        expect(recordSizeText('131072')).toBe('128K');
        expect(recordSizeText('128K')).toBe('128K');
    });

    it('reads sizes as people type them', () => {
        expect(parseSizeInput('10G')).toBe('10G');
        expect(parseSizeInput(' 10 gb ')).toBe('10G');
        expect(parseSizeInput('10 GiB')).toBe('10G');
        expect(parseSizeInput('1.5t')).toBe('1.5T');
        expect(parseSizeInput('500')).toBe('500');
        for (const none of ['', 'none', 'None', '0', '0G'])
            expect(parseSizeInput(none)).toBe('none');
        for (const bad of ['lots', '10 apples', '-1G', '1e3', '10GG', '1,5G'])
            expect(parseSizeInput(bad)).withContext(bad).toBeNull();
    });

    it('offers only values the daemon accepts, on OpenZFS and on zfs-fuse', () => {
        for (const [features, daemonFeatures] of [[OPENZFS, OPENZFS_FEATURES], [[], ZFS_FUSE_FEATURES]] as const) {
            for (const p of SETTABLE_CHOICES) {
                const c = choicesFor(p, features);
                expect(c).withContext(p).not.toBeNull();
                for (const v of c?.values ?? [])
                    expect(checkProperties({ [p]: v }, daemonFeatures, false)).withContext(`${p}=${v}`).toEqual([[p, v]]);
                // What is named as unsupported is what the daemon refuses as unsupported.
                for (const v of c?.unsupported ?? [])
                    expect(() => checkProperties({ [p]: v }, daemonFeatures, false)).withContext(`${p}=${v}`).toThrowError(UnsupportedError);
            }
            for (const p of SIZE_PROPERTIES) {
                for (const typed of ['10 GiB', '1.5T', 'none', '500M'])
                    expect(checkProperties({ [p]: parseSizeInput(typed) ?? '' }, daemonFeatures, false).length).toBe(1);
            }
        }
        expect(choicesFor('compression', [])?.unsupported).toContain('zstd');
        expect(choicesFor('compression', OPENZFS)?.unsupported).toEqual([]);
        expect(choicesFor('mountpoint', OPENZFS)).toBeNull();
    });
});
