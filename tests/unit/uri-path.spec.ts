// Local paths as exact bytes from file:// URIs (what the Files menu and the
// app send the daemon): every byte GIO escapes comes back, names that are
// not UTF-8 included, and anything that is not a local file is refused.
import Gio from 'gi://Gio';
import { displayBaseName, localPathBytes } from '../../src/shared/uri-path.js';

const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];

describe('local paths from file:// URIs', () => {
    it('undoes percent escapes, bytes that are not UTF-8 included', () => {
        expect([...localPathBytes('file:///home/you/caf%E9.txt') ?? []]).toEqual([...utf8('/home/you/caf'), 0xe9, ...utf8('.txt')]);
        expect([...localPathBytes('file:///a%20b/%0Anew%25line') ?? []]).toEqual(utf8('/a b/\nnew%line'));
        expect([...localPathBytes('file://localhost/srv/x') ?? []]).toEqual(utf8('/srv/x'));
        expect([...localPathBytes('FILE:///x%ff%FE') ?? []]).toEqual([...utf8('/x'), 0xff, 0xfe]);
    });

    it('gives back the bytes of any path GIO turns into a URI', () => {
        for (const path of ['/tmp/notes.txt', '/home/you/-n my\nphoto .jpg', '/srv/Фото 2024/家族の写真.png', "/a/#?%&;=+$,!'()*@:[]{}~",
            '/tmp/🐘.json']) {
            const uri = Gio.File.new_for_path(path).get_uri();
            expect([...localPathBytes(uri) ?? []]).withContext(uri).toEqual(utf8(path));
        }
    });

    it('refuses what is not a local path: other schemes, other hosts, relative, broken escapes, NUL', () => {
        for (const uri of ['sftp://example.com/tank/report.txt', 'trash:///report.txt', 'file://example.com/etc/passwd',
            'file:relative', 'file:///bad%zz', 'file:///cut%4', 'file:///nul%00byte', ''])
            expect(localPathBytes(uri)).withContext(uri).toBeNull();
    });

    it('names the last part readably, with � for bytes that are not UTF-8', () => {
        expect(displayBaseName(Uint8Array.from([...utf8('/home/you/caf'), 0xe9, ...utf8('.txt')]))).toBe('caf\ufffd.txt');
        expect(displayBaseName(Uint8Array.from(utf8('/srv/photos/')))).toBe('photos');
        expect(displayBaseName(Uint8Array.from(utf8('/x.tar.zst')))).toBe('x.tar.zst');
    });
});
