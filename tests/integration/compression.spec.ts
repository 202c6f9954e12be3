// Compression end to end: the real daemon on a private system bus with
// polkitd, its helper running as the caller, the root's zstd, and real
// files copied from the Debian 13 root. fzstd (pure JS) decodes results as
// a check independent of the zstd that wrote them.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, ErrorName, JOB_IFACE, MANAGER_IFACE, MANAGER_PATH } from '../../src/shared/dbus-names.js';
import { decompress as fzstd } from '../../src/shared/vendor/fzstd.js';
import { parseFrameHeader } from '../../src/shared/zstd-frame.js';
import { callDaemon, type CallOutcome } from '../harness/dbus.js';
import { check, run, sleep, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const ROOT = '/var/tmp/sigmavault-compress';
const NO_INTERACTION = { 'auth.no_user_interaction': new GLib.Variant('b', true) };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
type Props = Record<string, unknown>;

/** A path of raw bytes as a byte string variant element. */
function bytesOf(path: string | Uint8Array): Uint8Array {
    return typeof path === 'string' ? enc(path) : path;
}

/** Reads a file by raw bytes path (the test's GLib works in UTF-8; a URI carries any byte). */
function fileOf(path: string | Uint8Array): Gio.File {
    if (typeof path === 'string')
        return Gio.File.new_for_path(path);
    return Gio.File.new_for_uri(`file://${Array.from(path, b => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) ||
        (b >= 0x61 && b <= 0x7a) || b === 0x2f || b === 0x2e || b === 0x2d || b === 0x5f ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`).join('')}`);
}

function contents(path: string | Uint8Array): Uint8Array {
    const [, bytes] = fileOf(path).load_contents(null);
    return bytes;
}

function childNames(path: string): string[] {
    const names: string[] = [];
    const e = Gio.File.new_for_path(path).enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    for (let i = e.next_file(null); i !== null; i = e.next_file(null))
        names.push(i.get_name());
    return names;
}

function exists(path: string | Uint8Array): boolean {
    return fileOf(path).query_exists(null);
}

function sizeOf(path: string | Uint8Array): number {
    return fileOf(path).query_info('standard::size', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null).get_size();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++) {
        if (a[i] !== b[i])
            return false;
    }
    return true;
}

function withSuffix(path: string | Uint8Array, suffix: string): string | Uint8Array {
    return typeof path === 'string' ? path + suffix : Uint8Array.from([...path, ...enc(suffix)]);
}

/** Names in a folder that look like SigmaVault temporaries. */
function leftovers(dir: string): string[] {
    const out: string[] = [];
    // Display names: a name that is not UTF-8 cannot come back as a JS string.
    const e = Gio.File.new_for_path(dir).enumerate_children('standard::display-name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    for (let info = e.next_file(null); info !== null; info = e.next_file(null)) {
        const name = info.get_display_name();
        if (name.includes('.sigmavault-tmp-'))
            out.push(name);
    }
    return out;
}

function stat(path: string): { mode: number; mtime: number; uid: number; gid: number; size: number } {
    const info = Gio.File.new_for_path(path).query_info('unix::*,time::*,standard::size', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    return { mode: info.get_attribute_uint32('unix::mode') & 0o7777, mtime: info.get_attribute_uint64('time::modified'),
        uid: info.get_attribute_uint32('unix::uid'), gid: info.get_attribute_uint32('unix::gid'), size: info.get_size() };
}

describe('compression', () => {
    let sys: TestSystem;
    const completed = new Map<string, { success: boolean; message: string }>();
    let subscription = 0;

    const call = (method: string, paths: (string | Uint8Array)[], options: Record<string, GLib.Variant> = {}): Promise<CallOutcome> =>
        callDaemon(sys.systemBus, MANAGER_PATH, MANAGER_IFACE, method,
            new GLib.Variant('(aaya{sv})', [paths.map(bytesOf), { ...NO_INTERACTION, ...options }]));

    async function jobProps(path: string): Promise<Props> {
        const reply = await sys.systemBus.call(BUS_NAME, path, 'org.freedesktop.DBus.Properties', 'GetAll',
            new GLib.Variant('(s)', [JOB_IFACE]), new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, 10000, null);
        const [props] = reply.recursiveUnpack() as [Props];
        return props;
    }

    function jobOf(r: CallOutcome): string {
        if (!r.ok)
            throw new Error(`call failed: ${r.error}: ${r.message}`);
        return String(r.value[0]);
    }

    /** Runs a method to the end of its job; returns the job's final properties. */
    async function runJob(method: string, paths: (string | Uint8Array)[], options: Record<string, GLib.Variant> = {},
        timeoutMs = 120000): Promise<Props & { success: boolean }> {
        const job = jobOf(await call(method, paths, options));
        const done = await waitFor(`the ${method} job ${job} to complete`, () => completed.get(job), timeoutMs, 50);
        return { ...await jobProps(job), success: done.success };
    }

    const asUser = (...argv: string[]): ReturnType<typeof run> =>
        run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--', ...argv]);

    const userCall = (method: string, paths: string[], options = '{}'): ReturnType<typeof run> =>
        asUser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', MANAGER_PATH,
            '--method', `${MANAGER_IFACE}.${method}`, `[${paths.map(p => `b'${p}'`).join(', ')}]`, options);

    /** Children of the daemon that run the compression helper. */
    async function helperPids(): Promise<number[]> {
        const daemon = await sys.ownerPid(BUS_NAME);
        const pids: number[] = [];
        const dir = Gio.File.new_for_path('/proc').enumerate_children('standard::name', Gio.FileQueryInfoFlags.NONE, null);
        for (let info = dir.next_file(null); info !== null; info = dir.next_file(null)) {
            const name = info.get_name();
            if (!/^\d+$/.test(name))
                continue;
            try {
                const status = new TextDecoder().decode(GLib.file_get_contents(`/proc/${name}/status`)[1]);
                const cmdline = new TextDecoder().decode(GLib.file_get_contents(`/proc/${name}/cmdline`)[1]);
                if (/PPid:\s+(\d+)/.exec(status)?.[1] === String(daemon) && cmdline.includes('helper-main.js'))
                    pids.push(Number(name));
            } catch {
                // gone meanwhile
            }
        }
        return pids;
    }

    /** A file's user.* extended attributes, name → value in hex (python3 reads them as bytes). */
    async function xattrs(path: string): Promise<Record<string, string>> {
        return JSON.parse(await check(['python3', '-c', 'import json, os, sys; print(json.dumps({n: os.getxattr(sys.argv[1], n).hex() ' +
            'for n in sorted(os.listxattr(sys.argv[1])) if n.startswith("user.")}))', path])) as Record<string, string>;
    }

    /** About 40 MB of real text: slow enough at level 19 to act on while it runs. */
    async function bigText(path: string): Promise<void> {
        await check(['bash', '-c', 'for i in $(seq 1 40); do cat /usr/share/doc/*/copyright; done | head -c 40000000 > "$1"', 'bash', path]);
    }

    beforeAll(async () => {
        sys = await TestSystem.start({ zfs: false });
        await run(['rm', '-rf', '--', ROOT]);
        GLib.mkdir_with_parents(ROOT, 0o755);
        subscription = sys.systemBus.signal_subscribe(null, JOB_IFACE, 'Completed', null, null,
            Gio.DBusSignalFlags.NONE, (_c, _sender, path, _iface, _signal, params) => {
                const [success, message] = params.deepUnpack<[boolean, string]>();
                completed.set(path, { success, message });
            });
    }, 120000);

    afterAll(async () => {
        if (subscription)
            sys.systemBus.signal_unsubscribe(subscription);
        await sys.stop();
        await run(['rm', '-rf', '--', ROOT]);
    });

    it('round-trips real files byte for byte: docs, a program, an image, a .gz, empty, sparse and hostile names', async () => {
        const dir = `${ROOT}/roundtrip`;
        const keep = `${ROOT}/pristine`;
        GLib.mkdir_with_parents(dir, 0o755);
        GLib.mkdir_with_parents(keep, 0o755);
        const nonUtf8 = Uint8Array.from([...enc(`${dir}/caf`), 0xe9, ...enc(' \xff'.replace('\xff', '')), 0xff, ...enc('.txt')]);
        const names: (string | Uint8Array)[] = [`${dir}/README.abs-guide`, `${dir}/zstd-binary`, `${dir}/test.jpg`, `${dir}/ls.1.gz`,
            `${dir}/empty`, `${dir}/sparse.img`, `${dir}/with space.txt`, `${dir}/new\nline.txt`, `${dir}/-leading-dash`, nonUtf8];
        await check(['cp', '--', '/usr/share/doc/bash/README.abs-guide', '/usr/bin/zstd', '/usr/share/doc/gjs/examples/test.jpg',
            '/usr/share/man/man1/ls.1.gz', dir]);
        await check(['mv', '--', `${dir}/zstd`, `${dir}/zstd-binary`]);
        await check(['touch', '--', `${dir}/empty`]);
        await check(['truncate', '-s', '20M', '--', `${dir}/sparse.img`]);
        await check(['dd', 'if=/usr/share/doc/bash/README.abs-guide', `of=${dir}/sparse.img`, 'bs=1k', 'seek=10000', 'conv=notrunc', 'status=none']);
        for (const n of [`${dir}/with space.txt`, `${dir}/new\nline.txt`, `${dir}/-leading-dash`])
            await check(['cp', '--', '/usr/share/doc/bash/copyright', n]);
        fileOf(nonUtf8).replace_contents(contents('/usr/share/doc/bash/copyright'), null, false, Gio.FileCreateFlags.NONE, null);
        await check(['chmod', '640', '--', `${dir}/README.abs-guide`]);
        // Extended attributes, one of them binary (a NUL, 0xff, a newline).
        await check(['python3', '-c', 'import os, sys; os.setxattr(sys.argv[1], "user.comment", "Familie Müller, 2024".encode()); ' +
            'os.setxattr(sys.argv[1], "user.tag", bytes([0, 255, 10, 65]))', `${dir}/README.abs-guide`]);
        const attributes = await xattrs(`${dir}/README.abs-guide`);
        expect(Object.keys(attributes)).toEqual(['user.comment', 'user.tag']);
        await check(['touch', '-d', '2020-02-03 04:05:06', '--', `${dir}/README.abs-guide`]);
        await check(['cp', '-a', '--', `${dir}/.`, keep]);
        const before = stat(`${dir}/README.abs-guide`);
        const originalsSize = names.reduce((sum, n) => sum + sizeOf(n), 0);

        // force: the .gz and the JPEG would be skipped otherwise (another spec checks that).
        const compressed = await runJob('Compress', names, { replace: new GLib.Variant('b', true), force: new GLib.Variant('b', true) });
        expect(compressed.State).withContext(String(compressed.Message)).toBe('succeeded');
        expect(compressed.Message).toMatch(/^Compressed 10 files — .+ → .+ \(\d+ % smaller\)\.$/);
        expect(compressed.Operation).toBe('file-compress');
        expect(compressed.StartedByUID).toBe(0);
        // The sizes as numbers (the app's history shows the ratio from them): all ten originals, and what replaced them.
        expect(compressed.SizeBefore).toBe(originalsSize);
        expect(compressed.SizeAfter).toBe(names.reduce((sum, n) => sum + sizeOf(withSuffix(n, '.zst')), 0));
        // What "Show in Files" selects and "Undo" decompresses back: each .zst, in the order given.
        expect((compressed.Outputs as Uint8Array[]).map(o => [...o])).toEqual(names.map(n => [...bytesOf(withSuffix(n, '.zst'))]));
        expect(compressed.UndoKind).toBe('restore-originals');
        for (const n of names) {
            const zst = withSuffix(n, '.zst');
            expect(exists(n)).withContext(`${String(n)} replaced`).toBeFalse();
            expect(exists(zst)).withContext(String(zst)).toBeTrue();
        }
        // Mode and mtime kept; the frame records the size, and fzstd decodes it to the original.
        const after = stat(`${dir}/README.abs-guide.zst`);
        expect(after.mode).toBe(0o640);
        expect(after.mtime).toBe(before.mtime);
        expect(await xattrs(`${dir}/README.abs-guide.zst`)).withContext('extended attributes kept').toEqual(attributes);
        const frame = contents(`${dir}/README.abs-guide.zst`);
        const original = contents(`${keep}/README.abs-guide`);
        expect(parseFrameHeader(frame).contentSize).toBe(original.length);
        expect(parseFrameHeader(frame).checksum).toBeTrue();
        expect(sameBytes(fzstd(frame), original)).withContext('fzstd decodes the result to the original').toBeTrue();
        expect(sameBytes(fzstd(contents(`${dir}/sparse.img.zst`)), contents(`${keep}/sparse.img`))).toBeTrue();
        expect(contents(`${dir}/empty.zst`).length).toBeGreaterThan(0);

        const decompressed = await runJob('Decompress', names.map(n => withSuffix(n, '.zst')), { replace: new GLib.Variant('b', true) });
        expect(decompressed.State).withContext(String(decompressed.Message)).toBe('succeeded');
        expect(decompressed.Message).toMatch(/^Decompressed 10 files — /);
        for (const n of names) {
            const name = typeof n === 'string' ? n.slice(dir.length + 1) : n.subarray(enc(dir).length + 1);
            const pristine = typeof name === 'string' ? `${keep}/${name}` : Uint8Array.from([...enc(`${keep}/`), ...name]);
            expect(sameBytes(contents(n), contents(pristine))).withContext(`${String(n)} byte-identical`).toBeTrue();
            expect(exists(withSuffix(n, '.zst'))).toBeFalse();
        }
        expect(stat(`${dir}/README.abs-guide`).mtime).toBe(before.mtime);
        expect(stat(`${dir}/README.abs-guide`).mode).toBe(0o640);
        expect(await xattrs(`${dir}/README.abs-guide`)).withContext('extended attributes back on the original').toEqual(attributes);
        expect(leftovers(dir)).toEqual([]);
    }, 180000);

    it('skips what will not shrink and says why, per file', async () => {
        const dir = `${ROOT}/skip`;
        GLib.mkdir_with_parents(dir, 0o755);
        await check(['cp', '--', '/usr/share/man/man1/ls.1.gz', '/usr/share/doc/node-glob/glob.png', '/usr/share/doc/bash/README.abs-guide', dir]);
        const job = await runJob('Compress', [`${dir}/ls.1.gz`, `${dir}/glob.png`, `${dir}/README.abs-guide`]);
        expect(job.State).toBe('succeeded');
        expect(job.Message).toMatch(/^Compressed 1 file — .+; 2 files skipped \(this is gzip-compressed data, which is compressed already/);
        const log = (job.Log as string[]).join('\n');
        expect(log).toContain('ls.1.gz: Skipped: this is gzip-compressed data');
        expect(log).toContain('glob.png: Skipped: this is a PNG image');
        expect(log).toContain('README.abs-guide: Text under 64 MiB: level 9');
        expect(exists(`${dir}/ls.1.gz.zst`)).toBeFalse();
        expect(exists(`${dir}/README.abs-guide.zst`)).toBeTrue();
        expect(exists(`${dir}/README.abs-guide`)).withContext('kept: replace was not asked').toBeTrue();
    }, 60000);

    it('never overwrites: an existing result name fails the request before anything is written', async () => {
        const dir = `${ROOT}/skip`;
        const r = await call('Compress', [`${dir}/README.abs-guide`]);
        expect(r.ok).toBeFalse();
        if (!r.ok) {
            expect(r.error).toBe(ErrorName.Failed);
            expect(r.message).toContain('README.abs-guide.zst already exists; nothing would be overwritten');
        }
    });

    it('verifies a .zst against the original beside it, and finds a damaged one', async () => {
        const dir = `${ROOT}/skip`;
        const ok = await runJob('Verify', [`${dir}/README.abs-guide.zst`]);
        expect(ok.State).toBe('succeeded');
        expect((ok.Log as string[]).join('\n')).toMatch(/README\.abs-guide\.zst is intact and decodes to exactly .*README\.abs-guide \(SHA-256 [0-9a-f]{64}\)/);
        const damaged = contents(`${dir}/README.abs-guide.zst`).slice();
        damaged[Math.floor(damaged.length / 2)] ^= 0xff;
        GLib.file_set_contents(`${dir}/damaged.zst`, damaged);
        const bad = await runJob('Verify', [`${dir}/damaged.zst`]);
        expect(bad.State).toBe('failed');
        expect(bad.Message).toMatch(/1 file failed: .*damaged\.zst is damaged: Decoding failed .*checksum\. Restore it from a backup or a snapshot/);
        expect(bad.Message).not.toContain('stdin');
    }, 60000);

    it('round-trips a sparse file of over 4 GiB, and it comes back sparse', async () => {
        const dir = `${ROOT}/sparse-5g`;
        GLib.mkdir_with_parents(dir, 0o755);
        const file = `${dir}/disk.img`;
        await check(['truncate', '-s', '5G', '--', file]);
        for (const seek of ['0', '4700']) // MiB: data at the start and past 4 GiB
            await check(['dd', 'if=/usr/share/doc/bash/README.abs-guide', `of=${file}`, 'bs=1M', `seek=${seek}`, 'conv=notrunc', 'status=none']);
        const sum = async (p: string): Promise<string> => (await check(['sha256sum', '-b', '--', p])).split(' ')[0] ?? '';
        const original = await sum(file);
        const packed = await runJob('Compress', [file], {}, 900000);
        expect(packed.State).withContext(String(packed.Message)).toBe('succeeded');
        expect(packed.SizeBefore).toBe(5 * 1024 ** 3);
        expect(sizeOf(`${file}.zst`)).toBeLessThan(64 * 1024 * 1024);
        await check(['mv', '-T', '--', file, `${dir}/disk.orig`]);
        const unpacked = await runJob('Decompress', [`${file}.zst`], {}, 900000);
        expect(unpacked.State).withContext(String(unpacked.Message)).toBe('succeeded');
        expect(sizeOf(file)).toBe(5 * 1024 ** 3);
        expect(await sum(file)).toBe(original);
        const blocks = Number((await check(['stat', '-c', '%b', '--', file])).trim());
        expect(blocks * 512).withContext('holes stay holes').toBeLessThan(256 * 1024 * 1024);
        await run(['rm', '-rf', '--', dir]);
    }, 1000000);

    it('archives a folder as a verified .tar.zst that tar extracts to the same tree', async () => {
        const dir = `${ROOT}/folder`;
        GLib.mkdir_with_parents(`${dir}/Docs/sub`, 0o755);
        await check(['cp', '-r', '--', '/usr/share/doc/bash', `${dir}/Docs/sub/`]);
        await check(['ln', '-s', '/etc/passwd', `${dir}/Docs/link-to-passwd`]);
        const job = await runJob('Compress', [`${dir}/Docs`]);
        expect(job.State).withContext(String(job.Message)).toBe('succeeded');
        expect(exists(`${dir}/Docs.tar.zst`)).toBeTrue();
        GLib.mkdir_with_parents(`${dir}/out`, 0o755);
        await check(['tar', '--zstd', '-xf', `${dir}/Docs.tar.zst`, '-C', `${dir}/out`]);
        await check(['diff', '-r', '--no-dereference', '--', `${dir}/Docs`, `${dir}/out/Docs`]);
        expect(GLib.file_test(`${dir}/out/Docs/link-to-passwd`, GLib.FileTest.IS_SYMLINK)).withContext('links stay links').toBeTrue();
    }, 60000);

    it('unpacks a .tar.zst back to its folder, never over an existing one, and leaves nothing when the archive is damaged', async () => {
        const dir = `${ROOT}/unpack`;
        GLib.mkdir_with_parents(`${dir}/Photos/2024`, 0o755);
        await check(['cp', '-r', '--', '/usr/share/doc/bash', `${dir}/Photos/2024/`]);
        await check(['ln', '-s', '2024/bash/copyright', `${dir}/Photos/latest`]);
        await check(['chmod', '750', '--', `${dir}/Photos/2024`]);
        const packed = await runJob('Compress', [`${dir}/Photos`]);
        expect(packed.State).withContext(String(packed.Message)).toBe('succeeded');
        // The folder is still there: unpacking would overwrite it, so it is refused before any job.
        const refused = await call('Decompress', [`${dir}/Photos.tar.zst`]);
        expect(refused.ok ? '' : refused.message).toContain('already exists; nothing would be overwritten');
        await check(['mv', '-T', '--', `${dir}/Photos`, `${dir}/Photos.orig`]);
        const job = await runJob('Decompress', [`${dir}/Photos.tar.zst`], { replace: new GLib.Variant('b', true) });
        expect(job.State).withContext(String(job.Message)).toBe('succeeded');
        expect((job.Log as string[]).join('\n')).withContext('compared with the archive').toContain('every file compared with it, byte for byte');
        await check(['diff', '-r', '--no-dereference', '--', `${dir}/Photos.orig`, `${dir}/Photos`]);
        expect(GLib.file_test(`${dir}/Photos/latest`, GLib.FileTest.IS_SYMLINK)).withContext('links stay links').toBeTrue();
        expect((await check(['stat', '-c', '%a', '--', `${dir}/Photos/2024`])).trim()).toBe('750');
        expect(exists(`${dir}/Photos.tar.zst`)).withContext('replace removed the archive').toBeFalse();
        expect((job.Outputs as Uint8Array[]).map(o => new TextDecoder().decode(o))).toEqual([`${dir}/Photos`]);
        expect(job.UndoKind).toBe('');

        // An archive someone else made, of two loose files: they land in a folder named after it.
        await check(['tar', '--zstd', '-cf', `${dir}/loose.tar.zst`, '-C', '/usr/share/doc/bash', '--', 'copyright', 'README.abs-guide']);
        const loose = await runJob('Decompress', [`${dir}/loose.tar.zst`]);
        expect(loose.State).withContext(String(loose.Message)).toBe('succeeded');
        expect(childNames(`${dir}/loose`).sort()).toEqual(['README.abs-guide', 'copyright']);
        expect(loose.UndoKind).withContext('the archive was kept: the folder can go to the Trash').toBe('remove-copies');

        // Damaged: zstd's checksum fails; no folder, no temporary left.
        const bytes = contents(`${dir}/loose.tar.zst`);
        bytes[Math.floor(bytes.length / 2)] ^= 0xff;
        GLib.file_set_contents(`${dir}/broken.tar.zst`, bytes);
        const broken = await runJob('Decompress', [`${dir}/broken.tar.zst`]);
        expect(broken.State).toBe('failed');
        expect(exists(`${dir}/broken`)).toBeFalse();
        expect(leftovers(dir)).toEqual([]);
    }, 120000);

    it('trains a dictionary for many small similar files, stores it beside them and finds it by ID to decompress', async () => {
        const dir = `${ROOT}/json`;
        GLib.mkdir_with_parents(dir, 0o755);
        const paths: string[] = [];
        for (let i = 0; i < 40; i++) {
            const p = `${dir}/record-${i}.json`;
            GLib.file_set_contents(p, JSON.stringify(Array.from({ length: 3 }, (_, j) => ({ id: i * 3 + j, user: `user${(i + j) % 7}`,
                event: ['login', 'logout', 'upload'][(i + j) % 3], path: `/home/user${i % 7}/Documents/report-${i}-${j}.odt`,
                bytes: (i + j) * 4096, ok: i % 5 !== 0, note: 'Small JSON records like these sit by the thousand in one folder.' })), null, 2));
            paths.push(p);
        }
        const job = await runJob('Compress', paths);
        expect(job.State).withContext(String(job.Message)).toBe('succeeded');
        const log = (job.Log as string[]).join('\n');
        const id = Number(/40 small files share the dictionary sigmavault-dictionary-(\d+)\.zdict, which must stay beside them/.exec(String(job.Message))?.[1]);
        expect(id).toBeGreaterThanOrEqual(32768);
        expect(exists(`${dir}/sigmavault-dictionary-${id}.zdict`)).toBeTrue();
        expect(log).toContain('One of 40 small similar files (.json)');
        expect(parseFrameHeader(contents(`${dir}/record-3.json.zst`)).dictionaryId).toBe(id);
        const original = contents(`${dir}/record-3.json`);
        await check(['rm', '--', `${dir}/record-3.json`]);
        const back = await runJob('Decompress', [`${dir}/record-3.json.zst`]);
        expect(back.State).withContext(String(back.Message)).toBe('succeeded');
        expect(sameBytes(contents(`${dir}/record-3.json`), original)).toBeTrue();
        // Without its dictionary, the reason says what is missing.
        // (It is looked for beside the file and one folder up.)
        await check(['mkdir', '--', `${ROOT}/json-moved`]);
        await check(['cp', '--', `${dir}/record-5.json.zst`, `${ROOT}/json-moved/`]);
        const lost = await runJob('Decompress', [`${ROOT}/json-moved/record-5.json.zst`]);
        expect(lost.State).toBe('failed');
        expect(lost.Message).toContain(`was compressed with the zstd dictionary ${id}, which is not beside it`);
    }, 120000);

    it('validates paths: relative, NUL, missing, symbolic links and special files', async () => {
        const relative = await call('Compress', ['notes.txt']);
        expect(relative.ok ? '' : relative.error).toBe(ErrorName.InvalidArgument);
        const nul = await call('Compress', [Uint8Array.from([0x2f, 0x61, 0x00, 0x62])]);
        expect(nul.ok ? '' : nul.error).toBe(ErrorName.InvalidArgument);
        const missing = await call('Compress', [`${ROOT}/does-not-exist`]);
        expect(missing.ok ? '' : missing.error).toBe(ErrorName.NotFound);
        await check(['ln', '-sf', '/etc/shadow', `${ROOT}/shadow-link`]);
        const link = await call('Compress', [`${ROOT}/shadow-link`]);
        expect(link.ok ? '' : link.error).toBe(ErrorName.InvalidArgument);
        expect(link.ok ? '' : link.message).toContain('is a symbolic link. SigmaVault does not follow links');
        await check(['mkfifo', '--', `${ROOT}/fifo`]);
        const fifo = await call('Compress', [`${ROOT}/fifo`]);
        expect(fifo.ok ? '' : fifo.message).toContain('is not a regular file or a folder');
        const level = await call('Compress', [`${ROOT}/fifo`], { level: new GLib.Variant('i', 30) });
        expect(level.ok ? '' : level.error).toBe(ErrorName.InvalidArgument);
        // The helpers that inspected the refused requests are told to stop.
        await waitFor('no helper left by the refused requests', async () => (await helperPids()).length === 0 || undefined, 10000, 100);
    });

    it('leaves a file that changes mid-job alone, even with replace, and fails saying so', async () => {
        const dir = `${ROOT}/changing`;
        GLib.mkdir_with_parents(dir, 0o755);
        await bigText(`${dir}/big.txt`);
        const job = jobOf(await call('Compress', [`${dir}/big.txt`], { level: new GLib.Variant('i', 19), replace: new GLib.Variant('b', true) }));
        await waitFor('the job to make progress', async () => ((await jobProps(job)).BytesDone as number) > 0, 30000, 50);
        await check(['bash', '-c', 'echo appended >> "$1"', 'bash', `${dir}/big.txt`]);
        const done = await waitFor('the job to end', () => completed.get(job), 120000, 100);
        expect(done.success).toBeFalse();
        expect(done.message).toContain('big.txt changed while it was being processed, so it was left as it is');
        expect(exists(`${dir}/big.txt`)).toBeTrue();
        expect(new TextDecoder().decode(contents(`${dir}/big.txt`)).endsWith('appended\n')).toBeTrue();
        expect(exists(`${dir}/big.txt.zst`)).toBeFalse();
        expect(leftovers(dir)).toEqual([]);
    }, 180000);

    it('cancels: no result and no temporary stay', async () => {
        const dir = `${ROOT}/cancel`;
        GLib.mkdir_with_parents(dir, 0o755);
        await bigText(`${dir}/big.txt`);
        const job = jobOf(await call('Compress', [`${dir}/big.txt`], { level: new GLib.Variant('i', 19) }));
        await waitFor('the job to make progress', async () => ((await jobProps(job)).BytesDone as number) > 0, 30000, 50);
        const r = await callDaemon(sys.systemBus, job, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [NO_INTERACTION]));
        expect(r.ok).toBeTrue();
        const done = await waitFor('the job to end', () => completed.get(job), 60000, 100);
        expect(done.success).toBeFalse();
        expect((await jobProps(job)).State).toBe('cancelled');
        expect(exists(`${dir}/big.txt.zst`)).toBeFalse();
        expect(leftovers(dir)).toEqual([]);
        expect(exists(`${dir}/big.txt`)).toBeTrue();
    }, 120000);

    it('cancelled after a first file: that verified result stays and the message says so; the file in progress is left as it was', async () => {
        const dir = `${ROOT}/cancel-later`;
        GLib.mkdir_with_parents(dir, 0o755);
        await check(['cp', '--', '/usr/share/doc/bash/copyright', `${dir}/first.txt`]);
        await bigText(`${dir}/big.txt`);
        const job = jobOf(await call('Compress', [`${dir}/first.txt`, `${dir}/big.txt`],
            { level: new GLib.Variant('i', 19), replace: new GLib.Variant('b', true) }));
        await waitFor('the first file to be done', async () => exists(`${dir}/first.txt.zst`) && !exists(`${dir}/first.txt`) &&
            ((await jobProps(job)).BytesDone as number) > 0, 30000, 50);
        await callDaemon(sys.systemBus, job, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [NO_INTERACTION]));
        const done = await waitFor('the job to end', () => completed.get(job), 60000, 100);
        expect(done.success).toBeFalse();
        const props = await jobProps(job);
        expect(props.State).toBe('cancelled');
        expect(done.message).toMatch(/^Cancelled\. Finished before that, and kept: Compressed 1 file — .* The file in progress was left as it was/);
        expect(done.message).not.toContain('originals are untouched');
        expect(sameBytes(fzstd(contents(`${dir}/first.txt.zst`)), contents('/usr/share/doc/bash/copyright'))).toBeTrue();
        expect((props.Outputs as Uint8Array[]).map(o => new TextDecoder().decode(o))).toEqual([`${dir}/first.txt.zst`]);
        expect(exists(`${dir}/big.txt`)).toBeTrue();
        expect(exists(`${dir}/big.txt.zst`)).toBeFalse();
        expect(leftovers(dir)).toEqual([]);
    }, 120000);

    it('kill -9 of the helper: the job fails, no partial file under a final name, the temporary is removed', async () => {
        const dir = `${ROOT}/killed`;
        GLib.mkdir_with_parents(dir, 0o755);
        await bigText(`${dir}/big.txt`);
        const job = jobOf(await call('Compress', [`${dir}/big.txt`], { level: new GLib.Variant('i', 19), replace: new GLib.Variant('b', true) }));
        await waitFor('the job to make progress', async () => ((await jobProps(job)).BytesDone as number) > 0, 30000, 50);
        expect(leftovers(dir).length).withContext('a temporary is being written').toBe(1);
        const pids = await helperPids();
        expect(pids.length).toBe(1);
        await check(['kill', '-KILL', String(pids[0])]);
        const done = await waitFor('the job to end', () => completed.get(job), 60000, 100);
        expect(done.success).toBeFalse();
        expect(done.message).toContain('The compression helper was killed (signal 9)');
        expect(exists(`${dir}/big.txt.zst`)).toBeFalse();
        expect(exists(`${dir}/big.txt`)).toBeTrue();
        await waitFor('the temporary to be removed', () => leftovers(dir).length === 0, 10000, 100);
    }, 120000);

    it('kill -9 of the daemon: leftovers are removed when it starts again, and the job is reported interrupted', async () => {
        const dir = `${ROOT}/daemon-killed`;
        GLib.mkdir_with_parents(dir, 0o755);
        await bigText(`${dir}/big.txt`);
        const job = jobOf(await call('Compress', [`${dir}/big.txt`], { level: new GLib.Variant('i', 19) }));
        await waitFor('the job to make progress', async () => ((await jobProps(job)).BytesDone as number) > 0, 30000, 50);
        const daemon = await sys.ownerPid(BUS_NAME);
        await check(['kill', '-KILL', String(daemon)]);
        await waitFor('the daemon to be gone', async () => !await sys.hasOwner(BUS_NAME), 10000, 100);
        await sleep(300);
        expect(leftovers(dir).length).withContext('the temporary is still there while no daemon runs').toBe(1);
        expect(exists(`${dir}/big.txt.zst`)).toBeFalse();
        // Any call starts the daemon again (D-Bus activation).
        const props = await waitFor('the job to be reported again', async () => {
            try {
                return await jobProps(job);
            } catch {
                return undefined;
            }
        }, 30000, 200);
        expect(props.State).toBe('interrupted');
        expect(leftovers(dir)).toEqual([]);
        expect(exists(`${dir}/big.txt.zst`)).toBeFalse();
        expect(exists(`${dir}/big.txt`)).toBeTrue();
    }, 120000);

    /**
     * Compresses `files` (all in `dir`) `runs` times, killing the helper or
     * the daemon (-9) at a random moment of the job each time; after each
     * run every file is there as its original or as a whole .zst (both when
     * not replacing), and no temporary is left. The seed is printed.
     */
    async function killAtRandom(what: string, dir: string, files: readonly string[], runs: number): Promise<void> {
        const originals = new Map(files.map(f => [f, contents(f)]));
        const sha = (b: Uint8Array): string => GLib.compute_checksum_for_data(GLib.ChecksumType.SHA256, b) ?? '';
        const seed = Number(GLib.getenv('SIGMAVAULT_FAULT_SEED') ?? GLib.random_int_range(1, 2 ** 31 - 1));
        const rand = GLib.Rand.new_with_seed(seed);
        print(`# random kills of ${what}: seed ${seed} (SIGMAVAULT_FAULT_SEED reproduces the run)`);
        // How long one job takes here, so that kills fall before, during and after each step.
        const t0 = GLib.get_monotonic_time();
        const calibration = await runJob('Compress', [...files]);
        const jobMs = (GLib.get_monotonic_time() - t0) / 1000;
        expect(calibration.State).toBe('succeeded');
        for (const f of files)
            GLib.unlink(`${f}.zst`);
        const outcomes = new Map<string, number>();
        for (let i = 0; i < runs; i++) {
            const replace = rand.int_range(0, 2) === 1;
            const target = rand.int_range(0, 2) === 1 ? 'helper' : 'daemon';
            const delayMs = rand.double_range(0, 1.2 * jobMs);
            const context = `run ${i} (seed ${seed}): kill the ${target} after ${Math.round(delayMs)} ms, replace ${String(replace)}`;
            const job = jobOf(await call('Compress', [...files], { replace: new GLib.Variant('b', replace) }));
            await sleep(delayMs);
            const pid = target === 'daemon' ? await sys.ownerPid(BUS_NAME) : (await helperPids())[0];
            if (pid !== undefined && pid !== null && pid > 0)
                await run(['kill', '-KILL', String(pid)]);
            // The job's end (helper killed, or ended first), or the daemon back with the job reported.
            const state = await waitFor(`the job to end, ${context}`, async () => {
                const done = completed.get(job);
                if (done)
                    return done.success ? 'succeeded' : 'failed';
                try {
                    const props = await jobProps(job); // activates a killed daemon again
                    return props.State === 'running' ? undefined : String(props.State);
                } catch {
                    return undefined;
                }
            }, 60000, 100);
            outcomes.set(state, (outcomes.get(state) ?? 0) + 1);
            await waitFor(`no temporaries, ${context}`, async () => {
                await jobProps(job).catch(() => undefined); // the daemon cleans up when it starts
                return leftovers(dir).length === 0;
            }, 30000, 100);
            for (const file of files) {
                const name = file.slice(dir.length + 1);
                const original = sha(originals.get(file) ?? new Uint8Array());
                const zst = exists(`${file}.zst`);
                if (zst) // decoded by fzstd, independent of the zstd that wrote it
                    expect(sha(fzstd(contents(`${file}.zst`)))).withContext(`${context}: ${name}.zst is whole`).toBe(original);
                if (exists(file))
                    expect(sha(contents(file))).withContext(`${context}: the original ${name}`).toBe(original);
                else
                    expect(zst).withContext(`${context}: with the original ${name} gone, its verified .zst is there`).toBeTrue();
                // Back to the original alone for the next run (its mode and times do not matter here).
                if (!exists(file))
                    fileOf(file).replace_contents(originals.get(file) ?? new Uint8Array(), null, false, Gio.FileCreateFlags.NONE, null);
                if (zst)
                    GLib.unlink(`${file}.zst`);
            }
        }
        print(`# random kills of ${what}: ${JSON.stringify(Object.fromEntries(outcomes))} (one job: ${Math.round(jobMs)} ms)`);
    }

    it('kill -9 of the helper or the daemon at random moments, 50 runs: the original or a verified .zst, never a partial file', async () => {
        const dir = `${ROOT}/random-kills`;
        GLib.mkdir_with_parents(dir, 0o755);
        const file = `${dir}/ledger.txt`;
        await check(['bash', '-c', 'for i in $(seq 1 4); do cat /usr/share/doc/*/copyright; done | head -c 12000000 > "$1"', 'bash', file]);
        await killAtRandom('one 12 MB file', dir, [file], 50);
    }, 900000);

    it('small files of a folder go through zstd together: each verified, kept alike, byte for byte; random kills leave them whole', async () => {
        const dir = `${ROOT}/batch`;
        GLib.mkdir_with_parents(dir, 0o755);
        // 300 small files (more than one run of 256), some with hostile names;
        // an extension each, so that they make no dictionary group (another spec has one).
        const docs = (await check(['bash', '-c', 'ls -1 /usr/share/doc/*/copyright | head -n 300'])).split('\n').filter(d => d !== '');
        const files = docs.map((_d, i) => `${dir}/${i % 50 === 7 ? '-dash ' : ''}${i % 50 === 9 ? 'new\nline ' : ''}copyright.${i}`);
        for (const [i, d] of docs.entries())
            await check(['cp', '--', d, files[i] ?? '']);
        await check(['chmod', '604', '--', files[3] ?? '']);
        await check(['touch', '-d', '2021-03-04 05:06:07', '--', files[3] ?? '']);
        const before = stat(files[3] ?? '');
        const job = await runJob('Compress', files, { replace: new GLib.Variant('b', true) });
        expect(job.State).withContext(String(job.Message)).toBe('succeeded');
        expect(job.Message).toMatch(/^Compressed 300 files — /);
        for (const [i, f] of files.entries()) {
            expect(exists(f)).withContext(`${f} replaced`).toBeFalse();
            const decoded = fzstd(contents(`${f}.zst`));
            expect(sameBytes(decoded, contents(docs[i] ?? ''))).withContext(`${f}.zst decodes to the original`).toBeTrue();
        }
        expect(stat(`${files[3] ?? ''}.zst`).mode).toBe(0o604);
        expect(stat(`${files[3] ?? ''}.zst`).mtime).toBe(before.mtime);
        expect(leftovers(dir)).toEqual([]);
        const back = await runJob('Decompress', files.map(f => `${f}.zst`), { replace: new GLib.Variant('b', true) });
        expect(back.State).withContext(String(back.Message)).toBe('succeeded');
        await killAtRandom('300 small files', dir, files, 20);
    }, 900000);

    it('gives an identical request the running job, shows bytes and rate, and queues beyond the number of cores', async () => {
        const dir = `${ROOT}/queue`;
        GLib.mkdir_with_parents(dir, 0o755);
        const cores = GLib.get_num_processors();
        const files: string[] = [];
        for (let i = 0; i <= cores; i++) {
            files.push(`${dir}/big-${i}.txt`);
            await bigText(files[i] ?? '');
        }
        const level = { level: new GLib.Variant('i', 19) };
        const jobs: string[] = [];
        for (const f of files)
            jobs.push(jobOf(await call('Compress', [f], level)));
        expect(jobOf(await call('Compress', [files[0] ?? ''], level))).withContext('the same request, the same job').toBe(jobs[0] ?? '');
        const overlap = await call('Compress', [files[0] ?? '', files[1] ?? '']);
        expect(overlap.ok ? '' : overlap.error).withContext('a file already in a job').toBe(ErrorName.Busy);
        const holding = await call('Compress', [dir]);
        expect(holding.ok ? '' : holding.error).withContext('the folder holding a file in a job').toBe(ErrorName.Busy);
        const both = await call('Compress', [`${dir}/elsewhere`, `${dir}/elsewhere/file.txt`]);
        expect(both.ok ? '' : both.error).withContext('a folder and a file in it, in one request').toBe(ErrorName.InvalidArgument);
        const first = await waitFor('bytes and a rate', async () => {
            const p = await jobProps(jobs[0] ?? '');
            return (p.Rate as number) > 0 && (p.BytesDone as number) > 0 ? p : undefined;
        }, 30000, 100);
        expect(first.Bytes).toBe(40000000);
        expect(first.ProgressValid).toBeTrue();
        // Log lines are published a moment after they are written.
        const last = await waitFor('the queued job to say it waits', async () => {
            const p = await jobProps(jobs[cores] ?? '');
            return (p.Log as string[]).join('\n').includes('Waiting for a free core') ? p : undefined;
        }, 5000, 50);
        expect(last.BytesDone).withContext('the queued job has not started').toBe(0);
        // A queued job keeps no idle helper: one runs per running job.
        await waitFor('one helper per running job', async () => (await helperPids()).length === cores || undefined, 10000, 100);
        for (const j of jobs)
            await callDaemon(sys.systemBus, j, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [NO_INTERACTION]));
        for (const j of jobs)
            await waitFor('the job to end', () => completed.get(j), 60000, 100);
        expect(completed.get(jobs[cores] ?? '')?.message).toBe('Cancelled before it started; nothing was touched.');
        expect(leftovers(dir)).toEqual([]);
    }, 240000);

    it('a full disk (a small tmpfs) and a read-only one: the original stays, nothing partial, and the reason', async () => {
        const full = `${ROOT}/full`;
        const ro = `${ROOT}/ro`;
        GLib.mkdir_with_parents(full, 0o755);
        GLib.mkdir_with_parents(ro, 0o755);
        await check(['mount', '-t', 'tmpfs', '-o', 'size=2M', 'tmpfs', full]);
        try {
            // 1.5 MB that will not shrink (forced), so the result cannot fit beside it.
            await check(['dd', 'if=/dev/urandom', `of=${full}/random.bin`, 'bs=1k', 'count=1500', 'status=none']);
            const job = await runJob('Compress', [`${full}/random.bin`], { force: new GLib.Variant('b', true), replace: new GLib.Variant('b', true) });
            expect(job.State).toBe('failed');
            expect(job.Message).toContain('the disk is full, so nothing was kept');
            expect(stat(`${full}/random.bin`).size).toBe(1500 * 1024);
            expect(exists(`${full}/random.bin.zst`)).toBeFalse();
            expect(leftovers(full)).toEqual([]);
        } finally {
            await run(['umount', full]);
        }
        await check(['cp', '--', '/usr/share/doc/bash/copyright', `${ro}/copyright`]);
        await check(['mount', '--bind', ro, ro]);
        try {
            await check(['mount', '-o', 'remount,ro,bind', ro]);
            const r = await call('Compress', [`${ro}/copyright`]);
            expect(r.ok).toBeFalse();
            expect(r.ok ? '' : r.message).toContain('You cannot create files in');
        } finally {
            await run(['umount', ro]);
        }
    }, 120000);

    it('skips the types the caller lists (skip_types), refusing what is not an extension', async () => {
        const dir = `${ROOT}/skip-types`;
        GLib.mkdir_with_parents(dir, 0o755);
        await check(['cp', '--', '/usr/share/doc/bash/copyright', `${dir}/server.LOG`]);
        await check(['cp', '--', '/usr/share/doc/bash/copyright', `${dir}/notes.txt`]);
        const job = await runJob('Compress', [`${dir}/server.LOG`, `${dir}/notes.txt`],
            { skip_types: new GLib.Variant('as', ['log', 'iso']) });
        expect(job.State).withContext(String(job.Message)).toBe('succeeded');
        expect(job.Message).toMatch(/^Compressed 1 file — .+; 1 file skipped \(\.log files are on your list of types not to compress\)\.$/);
        expect(exists(`${dir}/server.LOG.zst`)).toBeFalse();
        expect(exists(`${dir}/notes.txt.zst`)).toBeTrue();
        expect(job.SizeBefore).withContext('only what was compressed counts').toBe(sizeOf(`${dir}/notes.txt`));
        expect((job.Outputs as Uint8Array[]).map(o => new TextDecoder().decode(o))).toEqual([`${dir}/notes.txt.zst`]);
        expect(job.UndoKind).withContext('the originals were kept').toBe('remove-copies');
        const bad = await call('Compress', [`${dir}/server.LOG`], { skip_types: new GLib.Variant('as', ['../etc']) });
        expect(bad.ok).toBeFalse();
        expect(bad.ok ? '' : bad.error).toBe('com.sigmavault.Error.InvalidArgument');
        expect(bad.ok ? '' : bad.message).toContain('Types to skip are file-name extensions without the dot');
        const wrong = await call('Decompress', [`${dir}/notes.txt.zst`], { skip_types: new GLib.Variant('as', ['log']) });
        expect(wrong.ok ? '' : wrong.error).toBe('com.sigmavault.Error.InvalidArgument');
    });

    it('sigmavaultctl compress --wait --json and verify', async () => {
        const dir = `${ROOT}/cli`;
        GLib.mkdir_with_parents(dir, 0o755);
        await check(['cp', '--', '/usr/share/doc/bash/README.abs-guide', `${dir}/guide`]);
        const r = await run(['sigmavaultctl', 'compress', `${dir}/guide`, '--level', '5', '--wait', '--json']);
        expect(r.status).withContext(r.stderr).toBe(0);
        const job = JSON.parse(r.stdout) as { state: string; message: string; operation: string };
        expect(job.state).toBe('succeeded');
        expect(job.operation).toBe('file-compress');
        expect(job.message).toMatch(/^Compressed 1 file — /);
        const v = await run(['sigmavaultctl', 'verify', `${dir}/guide.zst`, '--wait']);
        expect(v.status).withContext(v.stderr).toBe(0);
        expect(v.stdout).toContain('Verified 1 file: intact.');
        const bad = await run(['sigmavaultctl', 'compress', `${dir}/guide`, '--level', '25']);
        expect(bad.status).toBe(64);

        // Names that are not UTF-8 ("café" and "résumé" in Latin-1), absolute and
        // relative: bash makes the bytes, as a shell does for a glob.
        const script = 'cp -- /usr/share/doc/bash/copyright "$1/$(printf \'caf\\351\')" && ' +
            'cp -- /usr/share/doc/bash/copyright "$1/$(printf \'r\\351sum\\351\')" && ' +
            'sigmavaultctl compress "$1/$(printf \'caf\\351\')" --wait && ' +
            'cd -- "$1" && sigmavaultctl compress "$(printf \'r\\351sum\\351\')" --wait && ' +
            'cmp -- /usr/share/doc/bash/copyright <(zstd -dc -- "$1/$(printf \'caf\\351.zst\')") && ' +
            'cmp -- /usr/share/doc/bash/copyright <(zstd -dc -- "$1/$(printf \'r\\351sum\\351.zst\')")';
        const latin = await run(['bash', '-c', script, 'bash', dir]);
        expect(latin.status).withContext(`${latin.stdout}\n${latin.stderr}`).toBe(0);
        expect(latin.stdout).toContain('Compressed 1 file');
    }, 60000);

    describe('as another user (svuser, uid 1500)', () => {
        const dir = `${ROOT}/svuser`;

        beforeAll(async () => {
            GLib.mkdir_with_parents(dir, 0o755);
            await check(['chown', 'svuser:svuser', '--', dir]);
            await check(['cp', '--', '/usr/share/doc/bash/README.abs-guide', `${dir}/mine.txt`]);
            await check(['chown', 'svuser:svuser', '--', `${dir}/mine.txt`]);
            await check(['cp', '--', '/usr/share/doc/bash/copyright', `${dir}/roots-secret.txt`]);
            await check(['chmod', '600', '--', `${dir}/roots-secret.txt`]);
            GLib.mkdir_with_parents(`${ROOT}/root-only`, 0o755);
            await check(['cp', '--', '/usr/share/doc/bash/copyright', `${ROOT}/root-only/readable.txt`]);
        });

        it('compresses its own file as itself: the result belongs to svuser', async () => {
            const r = await userCall('Compress', [`${dir}/mine.txt`], "{'auth.no_user_interaction': <true>}");
            expect(r.status).withContext(r.stderr).toBe(0);
            const job = /'(\/com\/sigmavault\/Daemon\/jobs\/\d+)'/.exec(r.stdout)?.[1] ?? '';
            const done = await waitFor('the job to end', () => completed.get(job), 60000, 100);
            expect(done.success).withContext(done.message).toBeTrue();
            expect((await jobProps(job)).StartedByUID).toBe(1500);
            expect(stat(`${dir}/mine.txt.zst`).uid).toBe(1500);
        }, 60000);

        it('root compressing a file of svuser keeps svuser as the owner', async () => {
            await check(['cp', '--', '/usr/share/doc/bash/copyright', `${dir}/owned.txt`]);
            await check(['chown', 'svuser:svuser', '--', `${dir}/owned.txt`]);
            const job = await runJob('Compress', [`${dir}/owned.txt`], { replace: new GLib.Variant('b', true) });
            expect(job.State).withContext(String(job.Message)).toBe('succeeded');
            expect(stat(`${dir}/owned.txt.zst`).uid).toBe(1500);
            expect(stat(`${dir}/owned.txt.zst`).gid).toBe(1500);
        }, 60000);

        it('is refused for a file it cannot read', async () => {
            const r = await userCall('Compress', [`${dir}/roots-secret.txt`]);
            expect(r.status).not.toBe(0);
            expect(r.stderr).toContain(ErrorName.NotAuthorized);
            expect(r.stderr).toContain('You are not allowed to read');
            expect(exists(`${dir}/roots-secret.txt.zst`)).toBeFalse();
        });

        it('is refused where it cannot write the folder (a read-only target), with the reason', async () => {
            const r = await userCall('Compress', [`${ROOT}/root-only/readable.txt`]);
            expect(r.status).not.toBe(0);
            expect(r.stderr).toContain(ErrorName.NotAuthorized);
            expect(r.stderr).toContain('You cannot create files in');
        });

        it('cannot cancel a job another user started', async () => {
            const big = `${ROOT}/root-only/big.txt`;
            await bigText(big);
            const job = jobOf(await call('Compress', [big], { level: new GLib.Variant('i', 19) }));
            // The same request from another user is not handed this job.
            const same = await userCall('Compress', [big], "{'level': <19>, 'auth.no_user_interaction': <true>}");
            expect(same.status).withContext(same.stdout).not.toBe(0);
            expect(same.stderr).toContain(ErrorName.Busy);
            const r = await asUser('gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', job,
                '--method', `${JOB_IFACE}.Cancel`, "{'auth.no_user_interaction': <true>}");
            expect(r.status).not.toBe(0);
            expect(r.stderr).toContain(ErrorName.NotAuthorized);
            expect((await jobProps(job)).State).toBe('running');
            await callDaemon(sys.systemBus, job, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [NO_INTERACTION]));
            await waitFor('the job to end', () => completed.get(job), 60000, 100);
        }, 120000);
    });
});
