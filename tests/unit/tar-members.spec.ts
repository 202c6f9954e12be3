// Member names from the start of tar streams that the root's GNU tar
// writes in each of its formats (ustar with a name prefix, pax, GNU long
// names), whole and cut short as a preview's decoded prefix is.
import GLib from 'gi://GLib';
import { tarMembers, TarError } from '../../src/shared/tar-members.js';
import { check } from '../harness/process.js';

const dir = GLib.dir_make_tmp('sigmavault-tar-XXXXXX');
const path = (name: string): string => GLib.build_filenamev([dir, name]);
const read = (p: string): Uint8Array => GLib.file_get_contents(p)[1];
/** Over 100 bytes, the ustar name field, yet split in a 155-byte prefix and a name. */
const deep = `${'a-rather-long-folder-name/'.repeat(5)}report.txt`;
const longName = `${'x'.repeat(150)}.txt`;

describe('tar member listing', () => {
    beforeAll(async () => {
        GLib.mkdir_with_parents(path(`tree/${deep.slice(0, deep.lastIndexOf('/'))}`), 0o755);
        GLib.file_set_contents(path(`tree/${deep}`), 'quarterly numbers\n');
        GLib.file_set_contents(path('tree/notes.txt'), 'x'.repeat(3000));
        GLib.file_set_contents(path(`tree/${longName}`), 'long');
        for (const format of ['ustar', 'pax', 'gnu']) {
            const members = format === 'ustar' ? [deep, 'notes.txt'] : [deep, 'notes.txt', longName];
            await check(['tar', `--format=${format}`, '-cf', path(`${format}.tar`), '-C', path('tree'), '--', ...members]);
        }
    });

    it('reads a ustar archive, joining the name prefix to the name', () => {
        expect(tarMembers(read(path('ustar.tar')), 10, true)).toEqual({ names: [deep, 'notes.txt'], more: false });
    });

    it('takes pax path records and GNU long names over the truncated name field', () => {
        for (const format of ['pax', 'gnu'])
            expect(tarMembers(read(path(`${format}.tar`)), 10, true)).withContext(format).toEqual({ names: [deep, 'notes.txt', longName], more: false });
    });

    it('lists folders with a slash', async () => {
        await check(['tar', '-cf', path('dirs.tar'), '-C', path('tree'), '--', 'a-rather-long-folder-name']);
        const names = tarMembers(read(path('dirs.tar')), 3, true).names;
        expect(names[0]).toBe('a-rather-long-folder-name/');
        expect(names[1]).toBe('a-rather-long-folder-name/a-rather-long-folder-name/');
    });

    it('says more follows when the listing stops at its limit or the bytes are a prefix', () => {
        const archive = read(path('pax.tar'));
        expect(tarMembers(archive, 1, true)).toEqual({ names: [deep], more: true });
        // Cut inside notes.txt's 3000 bytes: its header was read, the rest is not there.
        const cut = tarMembers(archive.subarray(0, 4096), 10, false);
        expect(cut.names).toContain('notes.txt');
        expect(cut.more).toBeTrue();
        expect(tarMembers(archive.subarray(0, 100), 10, false)).toEqual({ names: [], more: true });
    });

    it('refuses bytes that are no tar archive', () => {
        expect(() => tarMembers(new TextEncoder().encode('hello\n'.repeat(200)), 10, true)).toThrowError(TarError, /not a tar archive/);
        const damaged = read(path('ustar.tar')).slice();
        damaged[1024 + 10] ^= 0xff;
        expect(() => tarMembers(damaged, 10, true)).toThrowError(TarError, /damaged/);
    });

    afterAll(async () => {
        await check(['rm', '-rf', '--', dir]);
    });
});
