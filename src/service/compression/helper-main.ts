// sigmavaultd's compression helper. It runs as the user who asked (setpriv
// --reuid --regid --init-groups), so the kernel decides what it may read and
// write; the daemon never touches a user's files as root. One JSON request
// on stdin (protocol.ts), events on stdout; an inspection is followed by
// "work" or "stop"; "cancel" on stdin or its end (the daemon went away)
// stops the work and removes what it wrote.
//
// File names are bytes. The daemon starts this with
// G_FILENAME_ENCODING=ISO-8859-1, so that GLib maps each byte of a name to
// one character and back: a JS string here holds any name exactly, and
// argv, Gio.File and the tools see the original bytes.
//
// Per file: sample and decide (strategy.ts); zstd (streaming, -T0) from the
// file into a temporary beside the target while the original's SHA-256 is
// taken; decode the temporary and compare SHA-256s; check the original did
// not change (size, mtime, ctime, inode); copy mode, times, group and
// extended attributes; fsync; hard-link the temporary to the final name
// (which fails rather than overwrite) and remove the temporary; only then,
// if asked, remove the original.
import Gio from 'gi://Gio';
// Loaded for the pipes of Gio.Subprocess, which are GioUnix streams.
import 'gi://GioUnix';
import GLib from 'gi://GLib';
import System from 'system';
import { concatBytes } from '../../shared/bytes.js';
import { _, format } from '../../shared/i18n.js';
import { FrameError, MAX_FRAME_HEADER, parseFrameHeader } from '../../shared/zstd-frame.js';
import { findTool } from '../tools.js';
import { dictionaryFolders, isFolderArchiveName } from '../../shared/compressed-names.js';
import { type HelperEvent, type HelperRequest, HelperRequestSchema, type Inspected, isTempOf, type Problem,
    tempName } from './protocol.js';
import {
    compressedName, decide, type Decision, decompressedName, detect, type Detection, dictionaryFileName, extensionOf, folderDecision,
    LONG_WINDOW_LOG, planDictionaries, SAMPLE_BLOCK, sampleOffsets, userSkip,
} from './strategy.js';

Gio._promisify(Gio.InputStream.prototype, 'read_bytes_async', 'read_bytes_finish');
Gio._promisify(Gio.OutputStream.prototype, 'write_bytes_async', 'write_bytes_finish');
Gio._promisify(Gio.OutputStream.prototype, 'close_async', 'close_finish');
Gio._promisify(Gio.Subprocess.prototype, 'wait_async', 'wait_finish');
Gio._promisify(Gio.Subprocess.prototype, 'communicate_utf8_async', 'communicate_utf8_finish');
Gio._promisify(Gio.Subprocess.prototype, 'communicate_async', 'communicate_finish');
Gio._promisify(Gio.DataInputStream.prototype, 'read_line_async', 'read_line_finish');

const CHUNK = 1024 * 1024;
const ATTRIBUTES = 'standard::type,standard::size,standard::name,unix::*,time::*,xattr::*,access::*';

/** GLib.fsync exists in GLib ≥ 2.64; the GIR types do not declare it. */
const fsync = (fd: number): number => (GLib as unknown as { fsync: (fd: number) => number }).fsync(fd);

class Cancelled extends Error {
    constructor() {
        super('cancelled');
        this.name = 'Cancelled';
    }
}

/** A failure of one file, with a message a person can act on. */
class FileFailure extends Error {
    constructor(message: string, readonly problem: Problem = 'io') {
        super(message);
        this.name = 'FileFailure';
    }
}

/** Who this helper acts for (setpriv made it that user; the daemon says which). */
const myUid = Number(GLib.getenv('SIGMAVAULT_UID') ?? '-1');
const cancellable = new Gio.Cancellable();
const running = new Set<Gio.Subprocess>();
const stdout = new Gio.DataOutputStream({ base_stream: new Gio.UnixOutputStream({ fd: 1, close_fd: false }) });

function emit(event: HelperEvent): void {
    stdout.put_string(`${JSON.stringify(event)}\n`, null);
    stdout.flush(null);
}

/** A byte string (one char per byte) from the daemon's byte array, and back. */
const fromBytes = (bytes: readonly number[]): string => String.fromCharCode(...bytes);
const toBytes = (s: string): Uint8Array => Uint8Array.from(s, c => c.charCodeAt(0));
/** A name as a person reads it: UTF-8, with bytes that are not shown as �. */
const display = (s: string): string => new TextDecoder('utf-8', { fatal: false }).decode(toBytes(s));

function checkCancelled(): void {
    if (cancellable.is_cancelled())
        throw new Cancelled();
}

interface Stat {
    readonly type: Gio.FileType;
    readonly size: number;
    readonly mode: number;
    readonly uid: number;
    readonly gid: number;
    readonly inode: number;
    readonly device: number;
    readonly mtime: number;
    readonly mtimeUsec: number;
    readonly ctime: number;
    readonly ctimeUsec: number;
    readonly atime: number;
    readonly atimeUsec: number;
    readonly nlink: number;
    readonly info: Gio.FileInfo;
}

function ioProblem(e: unknown): Problem {
    if (e instanceof GLib.Error) {
        if (e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND))
            return 'not-found';
        if (e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.PERMISSION_DENIED))
            return 'permission';
        if (e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.EXISTS))
            return 'exists';
        if (e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.READ_ONLY))
            return 'permission';
    }
    return 'io';
}

function lstat(path: string): Stat {
    const info = Gio.File.new_for_path(path).query_info(ATTRIBUTES, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    const n = (a: string): number => info.get_attribute_uint64(a);
    const u = (a: string): number => info.get_attribute_uint32(a);
    return {
        type: info.get_file_type(), size: info.get_size(), mode: u('unix::mode'), uid: u('unix::uid'), gid: u('unix::gid'),
        inode: n('unix::inode'), device: u('unix::device'), nlink: u('unix::nlink'),
        mtime: n('time::modified'), mtimeUsec: u('time::modified-usec'),
        ctime: n('time::changed'), ctimeUsec: u('time::changed-usec'),
        atime: n('time::access'), atimeUsec: u('time::access-usec'), info,
    };
}

/** Whether the file is still the one that was read: same inode, size and times. */
function unchanged(a: Stat, b: Stat): boolean {
    return a.inode === b.inode && a.device === b.device && a.size === b.size && a.mtime === b.mtime &&
        a.mtimeUsec === b.mtimeUsec && a.ctime === b.ctime && a.ctimeUsec === b.ctimeUsec;
}

function exists(path: string): boolean {
    return Gio.File.new_for_path(path).query_exists(null) ||
        GLib.file_test(path, GLib.FileTest.IS_SYMLINK);
}

const tool = (name: string): string => {
    const path = findTool(name);
    if (path === null)
        throw new FileFailure(format(_('%s is not installed.'), name), 'unsupported');
    return path;
};

interface SpawnOptions {
    /** A file descriptor the child gets as its stdin (this process keeps none). */
    readonly stdinFd?: number;
    readonly stdinPath?: string;
    readonly stdoutPath?: string;
    readonly stdinPipe?: boolean;
    readonly stdoutPipe?: boolean;
}

/** Spawns a tool (argv, no shell); it dies with this helper (setpriv --pdeathsig). */
function spawn(argv: string[], o: SpawnOptions = {}): Gio.Subprocess {
    checkCancelled();
    let flags = Gio.SubprocessFlags.STDERR_PIPE;
    if (o.stdinPipe)
        flags |= Gio.SubprocessFlags.STDIN_PIPE;
    if (o.stdoutPipe)
        flags |= Gio.SubprocessFlags.STDOUT_PIPE;
    const launcher = new Gio.SubprocessLauncher({ flags });
    // Tools answer in C: their words are matched here (a full disk, a read-only one).
    launcher.setenv('LC_ALL', 'C.UTF-8', true);
    if (o.stdinFd !== undefined)
        launcher.take_stdin_fd(o.stdinFd);
    if (o.stdinPath !== undefined)
        launcher.set_stdin_file_path(o.stdinPath);
    if (o.stdoutPath !== undefined)
        launcher.set_stdout_file_path(o.stdoutPath);
    const setpriv = findTool('setpriv');
    const proc = launcher.spawnv(setpriv === null ? argv : [setpriv, '--pdeathsig', 'KILL', '--', ...argv]);
    // The child has its copies now; a taken stdin fd is closed here at once.
    launcher.close();
    running.add(proc);
    return proc;
}

/** Waits for a tool; a non-zero exit is a FileFailure naming `what`, with the tool's own words. */
async function finish(proc: Gio.Subprocess, what: string): Promise<void> {
    const errText = readAll(proc.get_stderr_pipe());
    await proc.wait_async(null);
    running.delete(proc);
    const stderr = (await errText).trim();
    checkCancelled();
    if (!proc.get_if_exited() || proc.get_exit_status() !== 0) {
        if (/No space left on device/i.test(stderr))
            throw new FileFailure(format(_('%s: the disk is full, so nothing was kept. Free some space, then try again.'), what), 'io');
        if (/Read-only file system/i.test(stderr))
            throw new FileFailure(format(_('%s: the disk is read-only, so nothing could be written.'), what), 'permission');
        const status = proc.get_if_exited() ? format(_('exit status %d'), proc.get_exit_status())
            : format(_('killed by signal %d'), proc.get_term_sig());
        throw new FileFailure(format(_('%s failed (%s): %s'), what, status, display(stderr.split('\n').slice(-3).join(' ')) || _('no message')));
    }
}

async function readAll(stream: Gio.InputStream | null): Promise<string> {
    if (stream === null)
        return '';
    const parts: Uint8Array[] = [];
    for (;;) {
        const bytes = await stream.read_bytes_async(65536, GLib.PRIORITY_DEFAULT, null);
        if (bytes.get_size() === 0)
            break;
        parts.push(bytes.toArray());
    }
    let text = '';
    for (const p of parts)
        text += String.fromCharCode(...p);
    return text;
}

let total = 0;
let done = 0;
let lastReport = 0;
function advance(n: number): void {
    done += n;
    const now = GLib.get_monotonic_time();
    if (now - lastReport > 200000) {
        lastReport = now;
        emit({ type: 'progress', done });
    }
}

/**
 * SHA-256s are taken by coreutils' sha256sum (SHA-NI where the CPU has it)
 * reading files and pipes itself: far faster than hashing in JS, where
 * every chunk is copied into the engine. Progress is read from the
 * position of the reading process in its input (/proc/PID/fdinfo/0).
 */
interface Hash {
    readonly digest: string;
    readonly bytes: number;
}

async function digestOf(proc: Gio.Subprocess, what: string): Promise<string> {
    const out = readAll(proc.get_stdout_pipe());
    await finish(proc, what);
    const digest = /^([0-9a-f]{64})\b/.exec(await out)?.[1];
    if (digest === undefined)
        throw new FileFailure(format(_('%s gave no SHA-256.'), 'sha256sum'));
    return digest;
}

/** Where a running tool is in its stdin (a file): bytes read so far, or null. */
function inputPosition(proc: Gio.Subprocess): number | null {
    const pid = proc.get_identifier();
    if (pid === null)
        return null;
    try {
        const text = new TextDecoder().decode(GLib.file_get_contents(`/proc/${pid}/fdinfo/0`)[1]);
        const pos = /^pos:\s+(\d+)/m.exec(text)?.[1];
        return pos === undefined ? null : Number(pos);
    } catch {
        return null;
    }
}

/** Reports `proc`'s progress through its input, scaled to `weight` bytes of `size`, until `until` settles. */
async function following<T>(proc: Gio.Subprocess, size: number, weight: number, until: Promise<T>): Promise<T> {
    const base = done;
    const id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 250, () => {
        const pos = inputPosition(proc);
        if (pos !== null && size > 0) {
            done = base + Math.min(1, pos / size) * weight;
            emit({ type: 'progress', done });
        }
        return GLib.SOURCE_CONTINUE;
    });
    try {
        return await until;
    } finally {
        GLib.source_remove(id);
        done = base + weight;
        emit({ type: 'progress', done });
    }
}

/** Up to this size, content is hashed in this process (GBytes, never copied into JS): fewer processes per small file. */
const IN_PROCESS = 1024 * 1024;

const sha256Bytes = (bytes: GLib.Bytes): string => GLib.compute_checksum_for_bytes(GLib.ChecksumType.SHA256, bytes) ?? '';

async function sha256OfFile(path: string, size: number): Promise<Hash> {
    if (size <= IN_PROCESS) {
        const [bytes] = Gio.File.new_for_path(path).load_bytes(cancellable);
        if (bytes.get_size() <= IN_PROCESS)
            return { digest: sha256Bytes(bytes), bytes: bytes.get_size() };
    }
    const proc = spawn([tool('sha256sum'), '-b'], { stdinPath: path, stdoutPipe: true });
    return { digest: await digestOf(proc, _('Hashing')), bytes: size };
}

/**
 * Decodes `path` with zstd straight into sha256sum (zstd's stdout becomes
 * sha256sum's stdin). Progress: zstd's way through `path` (`size` bytes),
 * counted as `weight` bytes of the job.
 */
async function sha256OfDecoded(path: string, dictionary: string | null, size: number, weight: number): Promise<Hash> {
    const frame = frameOf(path);
    if (frame.contentSize !== null && frame.contentSize <= IN_PROCESS) {
        const small = spawn([tool('zstd'), '-q', '-d', '-c', '--no-progress', ...(dictionary ? ['-D', dictionary] : [])],
            { stdinPath: path, stdoutPipe: true });
        // communicate reads stdout and stderr both.
        const [out, err] = await small.communicate_async(null, cancellable);
        running.delete(small);
        checkCancelled();
        if (!small.get_if_exited() || small.get_exit_status() !== 0 || out === null) {
            const words = err === null ? '' : String.fromCharCode(...err.toArray()).trim();
            throw new FileFailure(format(_('%s failed (%s): %s'), _('Decoding'), format(_('exit status %d'), small.get_exit_status()),
                display(words) || _('no message')));
        }
        done += weight;
        return { digest: sha256Bytes(out), bytes: out.get_size() };
    }
    const zstd = spawn([tool('zstd'), '-q', '-d', '-c', '--no-progress', `--long=${LONG_WINDOW_LOG}`,
        ...(dictionary ? ['-D', dictionary] : [])], { stdinPath: path, stdoutPipe: true });
    const counter = spawn([tool('sha256sum'), '-b'], { stdinFd: takeStdout(zstd), stdoutPipe: true });
    const [digest] = await following(zstd, size, weight,
        Promise.all([digestOf(counter, _('Hashing')), finish(zstd, _('Decoding'))]));
    return { digest, bytes: -1 };
}

/** The read end of `proc`'s stdout pipe, for another child's stdin (zstd straight into it); this process keeps none. */
function takeStdout(proc: Gio.Subprocess): number {
    // A GioUnix.InputStream; its get_fd() is shadowed in gjs 1.82, its fd property is not.
    const pipe = proc.get_stdout_pipe() as (Gio.InputStream & { readonly fd: number }) | null;
    if (pipe === null)
        throw new FileFailure('no output pipe');
    const fds = new Gio.UnixFDList();
    fds.append(pipe.fd);
    pipe.close(null);
    const [fd] = fds.steal_fds();
    if (fd === undefined)
        throw new FileFailure('could not pass the pipe on');
    return fd;
}

/** Sets on `path` the mode, times, group and extended attributes of `from`. */
function copyAttributes(path: string, from: Stat, log: (m: string) => void): void {
    const file = Gio.File.new_for_path(path);
    const info = new Gio.FileInfo();
    info.set_attribute_uint32('unix::mode', from.mode & 0o7777);
    info.set_attribute_uint64('time::modified', from.mtime);
    info.set_attribute_uint32('time::modified-usec', from.mtimeUsec);
    info.set_attribute_uint64('time::access', from.atime);
    info.set_attribute_uint32('time::access-usec', from.atimeUsec);
    file.set_attributes_from_info(info, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    const now = lstat(path);
    if (now.uid !== from.uid && myUid === 0) {
        // Only root may give a file away: the result keeps the original's owner.
        file.set_attribute_uint32('unix::uid', from.uid, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    } else if (now.uid !== from.uid) {
        log(format(_('%s belongs to you: only the owner of the original (uid %d) or an administrator could keep its owner.'), display(path), from.uid));
    }
    if (now.gid !== from.gid) {
        try {
            file.set_attribute_uint32('unix::gid', from.gid, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
            // chown may clear set-id bits; set the mode again.
            file.set_attribute_uint32('unix::mode', from.mode & 0o7777, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        } catch {
            log(format(_('%s: could not keep its group (gid %d): you are not a member of it.'), display(path), from.gid));
        }
    }
    for (const name of from.info.list_attributes('xattr') ?? []) {
        try {
            const value = from.info.get_attribute_string(name);
            if (value !== null)
                file.set_attribute_string(name, value, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        } catch {
            log(format(_('%s: could not copy the extended attribute %s.'), display(path), name));
        }
    }
    // Times last: setting attributes changes nothing but ctime, and the mode
    // is set already; the times stay as the original's.
    file.set_attributes_from_info(info, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
}

function fsyncFile(path: string): void {
    const stream = Gio.File.new_for_path(path).open_readwrite(null);
    try {
        const out = stream.get_output_stream() as unknown as Gio.FileDescriptorBased;
        if (fsync(out.get_fd()) !== 0)
            throw new FileFailure(format(_('Could not write %s to the disk (fsync failed).'), display(path)));
    } finally {
        stream.close(null);
    }
}

/**
 * Writes a file's data to the disk (coreutils sync --data) in a process of
 * its own, so that it runs while the file is decoded to be checked; the
 * fsync after setting its attributes then has little left to do.
 */
function flushData(path: string): Promise<void> {
    return finish(spawn([tool('sync'), '--data', '--', path]), _('Writing to the disk'));
}

/** Puts `temp` under `final` without ever replacing a file there (a hard link fails if `final` exists). */
async function publish(temp: string, final: string): Promise<void> {
    if (exists(final))
        throw existsFailure(final);
    const proc = spawn([tool('ln'), '-T', '--', temp, final]);
    try {
        await finish(proc, format(_('Creating %s'), display(final)));
    } catch (e) {
        if (exists(final) && e instanceof FileFailure)
            throw existsFailure(final);
        throw e;
    }
    removeQuietly(temp);
}

/** fsyncs directories (coreutils sync opens and fsyncs each). */
async function syncDirs(dirs: Iterable<string>): Promise<void> {
    const list = [...new Set(dirs)];
    if (list.length > 0)
        await finish(spawn([tool('sync'), '--', ...list]), _('Writing to the disk'));
}

function removeQuietly(path: string): void {
    try {
        Gio.File.new_for_path(path).delete(null);
    } catch {
        // already gone
    }
}

/** A few blocks of the file: its start, middle and end. */
function sample(path: string, size: number): Uint8Array {
    const stream = Gio.File.new_for_path(path).read(null);
    try {
        const parts: Uint8Array[] = [];
        for (const offset of sampleOffsets(size)) {
            stream.seek(offset, GLib.SeekType.SET, null);
            parts.push(stream.read_bytes(SAMPLE_BLOCK, null).toArray());
        }
        return concatBytes(parts);
    } finally {
        stream.close(null);
    }
}

function readHead(path: string, n: number): Uint8Array {
    const stream = Gio.File.new_for_path(path).read(null);
    try {
        return stream.read_bytes(n, null).toArray();
    } finally {
        stream.close(null);
    }
}

/** Can this user write the folder (to create the result and, for replace, remove the original)? */
function canWriteDir(dir: string): boolean {
    try {
        const info = Gio.File.new_for_path(dir).query_info('access::can-write', Gio.FileQueryInfoFlags.NONE, null);
        return info.get_attribute_boolean('access::can-write');
    } catch {
        return false;
    }
}

interface Target {
    readonly path: string;
    readonly stat: Stat;
    readonly folder: boolean;
}

/** Checks one path for `request.purpose`; a problem is a FileFailure. */
function inspectOne(path: string, request: HelperRequest): Target {
    let stat: Stat;
    try {
        stat = lstat(path);
    } catch (e) {
        const problem = ioProblem(e);
        throw new FileFailure(problem === 'not-found' ? format(_('%s does not exist.'), display(path))
            : problem === 'permission' ? format(_('You are not allowed to open %s (a folder on the way cannot be searched).'), display(path))
                : format(_('Could not look at %s.'), display(path)), problem);
    }
    if (stat.type === Gio.FileType.SYMBOLIC_LINK) {
        throw new FileFailure(format(_('%s is a symbolic link. SigmaVault does not follow links; choose the file it points to.'), display(path)), 'symlink');
    }
    const folder = stat.type === Gio.FileType.DIRECTORY;
    if (!folder && stat.type !== Gio.FileType.REGULAR)
        throw new FileFailure(format(_('%s is not a regular file or a folder (a device, socket or pipe), so it cannot be compressed.'), display(path)), 'special');
    if (folder && request.purpose !== 'compress')
        throw new FileFailure(format(_('%s is a folder; choose a .zst or .tar.zst file to %s.'), display(path),
            request.purpose === 'verify' ? _('verify') : _('decompress')), 'unsupported');
    if (!stat.info.get_attribute_boolean('access::can-read'))
        throw new FileFailure(format(_('You are not allowed to read %s.'), display(path)), 'permission');
    const dir = GLib.path_get_dirname(path);
    const name = GLib.path_get_basename(path);
    if (request.purpose !== 'verify' && !canWriteDir(dir))
        throw new FileFailure(format(_('You cannot create files in %s, so the result cannot be written there.'), display(dir)), 'permission');
    if (request.purpose === 'decompress') {
        const out = decompressedName(name);
        if (out === null)
            throw new FileFailure(format(_('%s does not end in .zst or .tar.zst, so SigmaVault does not know what to call the result.'), display(path)), 'unsupported');
        if (exists(GLib.build_filenamev([dir, out])))
            throw new FileFailure(format(_('%s already exists; nothing would be overwritten. Move or rename it first.'), display(GLib.build_filenamev([dir, out]))), 'exists');
    }
    if (request.purpose === 'compress') {
        if (exists(GLib.build_filenamev([dir, compressedName(name, folder)])))
            throw new FileFailure(format(_('%s already exists; nothing would be overwritten. Move or rename it first.'), display(GLib.build_filenamev([dir, compressedName(name, folder)]))), 'exists');
        if (request.replace && myUid > 0 && stat.uid !== myUid)
            throw new FileFailure(format(_('%s belongs to another user: its compressed copy would belong to you, so the original cannot be replaced. Compress without replacing instead.'), display(path)), 'permission');
    }
    return { path, stat, folder };
}

/** What inspect found, for the work that follows at once in the same helper. */
const inspected = new Map<string, Target | FileFailure>();

function inspect(request: HelperRequest): Inspected[] {
    return request.paths.map(bytes => {
        const path = fromBytes(bytes);
        try {
            const t = inspectOne(path, request);
            inspected.set(path, t);
            return { path: display(path), ok: true, problem: null, message: '', folder: t.folder, size: t.stat.size };
        } catch (e) {
            const f = e instanceof FileFailure ? e : new FileFailure(e instanceof Error ? e.message : String(e));
            inspected.set(path, f);
            return { path: display(path), ok: false, problem: f.problem, message: f.message, folder: false, size: 0 };
        }
    });
}

interface Result {
    readonly outcome: 'done' | 'skipped';
    readonly message: string;
    readonly before: number;
    readonly after: number;
    /** The file written, as bytes (outcome done). */
    readonly output?: number[];
    /** The original was removed after its copy was verified. */
    readonly replaced?: boolean;
    readonly folder?: boolean;
    /** Skipped: why, as a clause. */
    readonly why?: string;
}

function changedFailure(path: string): FileFailure {
    return new FileFailure(format(_('%s changed while it was being processed, so it was left as it is and nothing was written. Try again when no program is writing to it.'), display(path)));
}

function existsFailure(final: string): FileFailure {
    return new FileFailure(format(_('%s already exists; nothing was overwritten. Move or rename it, then try again.'), display(final)), 'exists');
}

/** Compress: the result does not decode to the original. */
function notTheOriginalFailure(path: string): FileFailure {
    return new FileFailure(format(_('Verification failed for %s: the compressed data does not decode to the original (SHA-256 differs). The original was left as it is.'),
        display(path)));
}

/** Decompress: what was written is not what the file decodes to. */
function notTheDecodedFailure(path: string): FileFailure {
    return new FileFailure(format(_('Verification failed for %s: what was written differs from the decoded data (SHA-256). Nothing was kept.'), display(path)));
}

function headerSizeFailure(path: string, decoded: number, said: number): FileFailure {
    return new FileFailure(format(_('%s decoded to %d bytes, but its header says %d. Nothing was kept.'), display(path), decoded, said));
}

/** Compresses one regular file as described at the top. */
async function compressFile(t: Target, decision: Decision, dictionary: string | null, request: HelperRequest,
    log: (m: string) => void): Promise<Result> {
    const dir = GLib.path_get_dirname(t.path);
    const name = GLib.path_get_basename(t.path);
    const final = GLib.build_filenamev([dir, compressedName(name, false)]);
    const temp = GLib.build_filenamev([dir, tempName(compressedName(name, false), request.token)]);
    // The temporary is created here, exclusively and private, before zstd writes it.
    Gio.File.new_for_path(temp).create(Gio.FileCreateFlags.PRIVATE, null).close(null);
    try {
        const zstd = spawn([tool('zstd'), '-q', '-c', '--no-progress', '-T0', `-${decision.level}`, '--check',
            `--stream-size=${t.stat.size}`, ...(decision.long ? [`--long=${LONG_WINDOW_LOG}`] : []),
            ...(dictionary ? ['-D', dictionary] : [])], { stdinPath: t.path, stdoutPath: temp });
        const stillSame = (): boolean => unchanged(t.stat, lstat(t.path));
        let original: { digest: string; bytes: number };
        let decoded: { digest: string; bytes: number };
        try {
            [original] = await following(zstd, t.stat.size, t.stat.size,
                Promise.all([sha256OfFile(t.path, t.stat.size), finish(zstd, _('zstd'))]));
            if (!stillSame())
                throw changedFailure(t.path);
            [decoded] = await Promise.all([sha256OfDecoded(temp, dictionary, lstat(temp).size, t.stat.size), flushData(temp)]);
        } catch (e) {
            // A file that grew or shrank under zstd makes it fail; say why.
            if (!(e instanceof Cancelled) && !stillSame())
                throw changedFailure(t.path);
            throw e;
        }
        if (!stillSame())
            throw changedFailure(t.path);
        if (decoded.digest !== original.digest) {
            throw notTheOriginalFailure(t.path);
        }
        copyAttributes(temp, t.stat, log);
        fsyncFile(temp);
        const after = lstat(temp).size;
        await publish(temp, final);
        log(format(_('%s: verified (SHA-256 %s).'), display(final), original.digest));
        if (request.replace)
            await replaceOriginal(t, final);
        return { outcome: 'done', before: t.stat.size, after, output: [...toBytes(final)], replaced: request.replace,
            message: format(_('%s → %s'), display(t.path), display(final)) };
    } finally {
        removeQuietly(temp);
    }
}

/** Removes the original once its verified replacement is on the disk, if it still is the file that was read. */
async function replaceOriginal(t: Target, final: string): Promise<void> {
    await syncDirs([GLib.path_get_dirname(final)]);
    removeOriginal(t, final);
}

/** The original goes, if it still is the file that was read; its folder must be synced with `final` in it already. */
function removeOriginal(t: Target, final: string): void {
    if (!unchanged(t.stat, lstat(t.path)))
        throw new FileFailure(format(_('%s changed after it was compressed; it was kept, and the verified %s is there too.'), display(t.path), display(final)));
    Gio.File.new_for_path(t.path).delete(null);
}

/** Small files of one folder go through zstd together, at most this many at once and this many bytes. */
const BATCH_FILES = 256;
const BATCH_BYTES = 32 * 1024 * 1024;

/** Whether `t` may go in a compress batch: a small regular file to compress (folders and big files go on their own). */
const batchable = (t: Target, d: Decision | undefined): boolean =>
    !t.folder && d?.action === 'compress' && !d.long && t.stat.size <= IN_PROCESS;

/** How a batch is made: compressing (level) or decompressing; either way with one dictionary or none. */
type BatchKind = { readonly op: 'compress'; readonly level: number } | { readonly op: 'decompress' };

/**
 * Small files of one folder, all compressed (or decompressed) alike, with
 * the same safety as one at a time but a handful of processes for all of
 * them instead of several per file: one zstd writes every result into a
 * private temporary folder beside them; one zstd decodes all the
 * compressed sides to a pipe, whose parts are hashed here against the
 * plain sides (the originals, or the decompressed results); one `sync`
 * flushes the verified results and one `ln` links them to their final
 * names, which it never overwrites. A file that fails a check fails
 * alone. Null when zstd itself failed (a full disk, say): then each file
 * goes on its own, which says what went wrong for it.
 */
async function runBatch(kind: BatchKind, files: readonly Target[], dictionary: string | null, request: HelperRequest,
    log: (m: string) => void): Promise<Map<Target, Result | FileFailure> | null> {
    const results = new Map<Target, Result | FileFailure>();
    const dir = GLib.path_get_dirname(files[0]?.path ?? '/');
    const temp = GLib.build_filenamev([dir, tempName(`batch-${GLib.path_get_basename(files[0]?.path ?? '')}`, request.token)]);
    const resultName = (t: Target): string => {
        const name = GLib.path_get_basename(t.path);
        return kind.op === 'compress' ? compressedName(name, false) : decompressedName(name) ?? `${name}.out`;
    };
    const outOf = (t: Target): string => GLib.build_filenamev([temp, resultName(t)]);
    Gio.File.new_for_path(temp).make_directory(null);
    try {
        Gio.File.new_for_path(temp).set_attribute_uint32('unix::mode', 0o700, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        const dictArgs = dictionary ? ['-D', dictionary] : [];
        const how = kind.op === 'compress' ? ['-T0', `-${kind.level}`, '--check'] : ['-d', '--sparse'];
        const wrote = await finish(spawn([tool('zstd'), '-q', ...how, ...dictArgs, '--output-dir-flat', temp, '--',
            ...files.map(t => t.path)]), _('zstd')).then(() => true, (e: unknown) => {
            if (e instanceof Cancelled)
                throw e;
            return false;
        });
        if (!wrote)
            return null;
        // The plain side of each file (what the compressed side must decode to), hashed here.
        const plain = new Map<Target, { digest: string; size: number }>();
        let written: Target[] = [];
        for (const t of files) {
            checkCancelled();
            try {
                const [bytes] = Gio.File.new_for_path(kind.op === 'compress' ? t.path : outOf(t)).load_bytes(cancellable);
                if (!unchanged(t.stat, lstat(t.path)) || (kind.op === 'compress' && bytes.get_size() !== t.stat.size))
                    throw changedFailure(t.path);
                const frame = kind.op === 'decompress' ? frameOf(t.path) : null;
                if (frame?.contentSize !== null && frame?.contentSize !== undefined && frame.contentSize !== bytes.get_size())
                    throw headerSizeFailure(t.path, bytes.get_size(), frame.contentSize);
                plain.set(t, { digest: sha256Bytes(bytes), size: bytes.get_size() });
                written.push(t);
            } catch (e) {
                results.set(t, e instanceof FileFailure ? e : new FileFailure(format(_('%s: %s'), display(t.path), e instanceof GLib.Error ? ioWords(e) : String(e))));
            }
        }
        const compressedSide = (t: Target): string => (kind.op === 'compress' ? outOf(t) : t.path);
        // One decode of all the compressed sides, in order: the plain sides' sizes cut it into files.
        const decoder = spawn([tool('zstd'), '-q', '-d', '-c', ...dictArgs, '--', ...written.map(compressedSide)], { stdoutPipe: true });
        const [decoded] = await decoder.communicate_async(null, cancellable);
        running.delete(decoder);
        checkCancelled();
        const whole = decoder.get_if_exited() && decoder.get_exit_status() === 0 && decoded !== null &&
            decoded.get_size() === written.reduce((sum, t) => sum + (plain.get(t)?.size ?? 0), 0);
        let at = 0;
        for (const t of written) {
            const size = plain.get(t)?.size ?? 0;
            // Had the decode of all of them failed, each is decoded alone to find which.
            const digest = whole && decoded !== null ? sha256Bytes(decoded.new_from_bytes(at, size))
                : await sha256OfDecoded(compressedSide(t), dictionary, 0, 0).then(h => h.digest, (e: unknown) => {
                    if (e instanceof Cancelled)
                        throw e;
                    return null;
                });
            at += size;
            if (digest === null || digest !== plain.get(t)?.digest)
                results.set(t, kind.op === 'compress' ? notTheOriginalFailure(t.path) : notTheDecodedFailure(t.path));
        }
        written = written.filter(t => !results.has(t));
        for (const t of written)
            copyAttributes(outOf(t), t.stat, log);
        if (written.length > 0) // coreutils sync with file names fsyncs each of them
            await finish(spawn([tool('sync'), '--', ...written.map(outOf)]), _('Writing to the disk'));
        // ln -t links each under its own name in `dir` and never replaces a file there.
        const linkFailure = written.length === 0 ? null
            : await finish(spawn([tool('ln'), '-t', dir, '--', ...written.map(outOf)]), _('Creating the results')).then(() => null, (e: unknown) => {
                if (e instanceof FileFailure)
                    return e;
                throw e;
            });
        const published: Target[] = [];
        for (const t of written) {
            const final = GLib.build_filenamev([dir, resultName(t)]);
            const mine = lstat(outOf(t));
            let there: Stat | null = null;
            try {
                there = lstat(final);
            } catch {
                there = null;
            }
            if (there === null) {
                results.set(t, linkFailure ?? new FileFailure(format(_('Could not create %s.'), display(final))));
                continue;
            }
            if (there.inode !== mine.inode || there.device !== mine.device) {
                results.set(t, existsFailure(final));
                continue;
            }
            log(format(_('%s: verified (SHA-256 %s).'), display(final), plain.get(t)?.digest ?? ''));
            published.push(t);
            results.set(t, { outcome: 'done', before: t.stat.size, after: mine.size, output: [...toBytes(final)], replaced: false,
                message: format(_('%s → %s'), display(t.path), display(final)) });
        }
        if (request.replace && published.length > 0) {
            await syncDirs([dir]);
            for (const t of published) {
                try {
                    removeOriginal(t, GLib.build_filenamev([dir, resultName(t)]));
                } catch (e) {
                    if (e instanceof FileFailure) {
                        results.set(t, e);
                        continue;
                    }
                    throw e;
                }
                const r = results.get(t);
                if (r !== undefined && !(r instanceof FileFailure))
                    results.set(t, { ...r, replaced: true });
            }
        }
        return results;
    } finally {
        await removeTree(temp);
    }
}

/** A folder as one verified .tar.zst: tar's stream is hashed as it goes into zstd, then decoded and hashed again. */
async function compressFolder(t: Target, decision: Decision, request: HelperRequest, log: (m: string) => void): Promise<Result> {
    const dir = GLib.path_get_dirname(t.path);
    const name = GLib.path_get_basename(t.path);
    const final = GLib.build_filenamev([dir, compressedName(name, true)]);
    const temp = GLib.build_filenamev([dir, tempName(compressedName(name, true), request.token)]);
    Gio.File.new_for_path(temp).create(Gio.FileCreateFlags.PRIVATE, null).close(null);
    try {
        const tar = spawn([tool('tar'), '--create', '--file=-', '--format=posix', '--xattrs', '--one-file-system',
            '--directory', dir, '--', name], { stdoutPipe: true });
        const zstd = spawn([tool('zstd'), '-q', '-c', '--no-progress', '-T0', `-${decision.level}`, '--check'],
            { stdinPipe: true, stdoutPath: temp });
        const from = tar.get_stdout_pipe();
        const to = zstd.get_stdin_pipe();
        if (from === null || to === null)
            throw new FileFailure('no pipes');
        // tar's stream goes to zstd and to sha256sum alike; JS only hands the chunks on.
        const hasher = spawn([tool('sha256sum'), '-b'], { stdinPipe: true, stdoutPipe: true });
        const hashIn = hasher.get_stdin_pipe();
        if (hashIn === null)
            throw new FileFailure('no pipes');
        const tee = async (): Promise<number> => {
            let bytes = 0;
            for (;;) {
                const chunk = await from.read_bytes_async(CHUNK, GLib.PRIORITY_DEFAULT, cancellable);
                if (chunk.get_size() === 0)
                    break;
                bytes += chunk.get_size();
                await Promise.all([to.write_bytes_async(chunk, GLib.PRIORITY_DEFAULT, cancellable),
                    hashIn.write_bytes_async(chunk, GLib.PRIORITY_DEFAULT, cancellable)]);
            }
            await Promise.all([to.close_async(GLib.PRIORITY_DEFAULT, cancellable), hashIn.close_async(GLib.PRIORITY_DEFAULT, cancellable)]);
            return bytes;
        };
        const [bytes, digest] = await Promise.all([tee(), digestOf(hasher, _('Hashing')), finish(tar, _('tar')), finish(zstd, _('zstd'))]);
        const stream = { digest, bytes };
        const [decoded] = await Promise.all([sha256OfDecoded(temp, null, lstat(temp).size, 0), flushData(temp)]);
        if (decoded.digest !== stream.digest)
            throw new FileFailure(format(_('Verification failed for %s: the archive does not decode to what tar wrote (SHA-256 differs). Nothing was kept.'), display(t.path)));
        if (!unchanged(t.stat, lstat(t.path)))
            throw changedFailure(t.path);
        // The archive is a file: the folder's read and write bits, no execute bits.
        copyAttributes(temp, { ...t.stat, mode: t.stat.mode & 0o666 }, log);
        fsyncFile(temp);
        const after = lstat(temp).size;
        await publish(temp, final);
        log(format(_('%s: verified (SHA-256 of the tar stream %s).'), display(final), stream.digest));
        if (request.replace)
            log(format(_('%s: folders are not removed after compressing; delete it yourself once you have checked the archive.'), display(t.path)));
        return { outcome: 'done', before: stream.bytes, after, output: [...toBytes(final)], replaced: false, folder: true,
            message: format(_('%s → %s'), display(t.path), display(final)) };
    } finally {
        removeQuietly(temp);
    }
}

/** Trains a dictionary on a group of files and stores it beside them; returns its path. */
async function trainDictionary(dir: string, files: readonly Target[], request: HelperRequest, log: (m: string) => void): Promise<string> {
    const bytes = files.reduce((s, f) => s + f.stat.size, 0);
    // zstd's guidance: a dictionary about a hundredth of the samples, at most its default 110 KiB.
    const maxdict = Math.max(4096, Math.min(112640, Math.floor(bytes / 20)));
    const id = 32768 + GLib.random_int_range(0, 2 ** 31 - 32768 - 1);
    const final = GLib.build_filenamev([dir, dictionaryFileName(id)]);
    const temp = GLib.build_filenamev([dir, tempName(dictionaryFileName(id), request.token)]);
    try {
        // At most 2000 samples: enough to learn from, and the argv stays short.
        await finish(spawn([tool('zstd'), '--train', '-q', `--maxdict=${maxdict}`, `--dictID=${id}`, '-o', temp, '--',
            ...files.slice(0, 2000).map(f => f.path)]), _('Training the dictionary'));
        fsyncFile(temp);
        await publish(temp, final);
    } finally {
        removeQuietly(temp);
    }
    log(format(_('Trained a dictionary (ID %d, %s bytes) on %d files and stored it as %s; it is needed to decompress them.'),
        id, String(lstat(final).size), files.length, display(final)));
    return final;
}

/** The dictionary a frame needs, looked up by its ID beside the file (or one folder up). */
function findDictionary(path: string, id: number): string {
    for (const d of dictionaryFolders(GLib.path_get_dirname(path))) {
        const candidate = GLib.build_filenamev([d, dictionaryFileName(id)]);
        if (GLib.file_test(candidate, GLib.FileTest.IS_REGULAR))
            return candidate;
    }
    throw new FileFailure(format(_('%s was compressed with the zstd dictionary %d, which is not beside it (%s). Put the dictionary back next to it, then try again.'),
        display(path), id, dictionaryFileName(id)), 'not-found');
}

function frameOf(path: string): ReturnType<typeof parseFrameHeader> {
    try {
        return parseFrameHeader(readHead(path, 4096 + MAX_FRAME_HEADER));
    } catch (e) {
        throw new FileFailure(format(_('%s is not zstd-compressed data: %s'), display(path), e instanceof FrameError ? e.message : String(e)), 'unsupported');
    }
}

/** Where decompressing `t` writes: its folder, the final path, and this job's temporary beside it. */
function decompressTargets(t: Target, request: HelperRequest): { dir: string; final: string; temp: string } {
    const dir = GLib.path_get_dirname(t.path);
    const name = GLib.path_get_basename(t.path);
    const out = decompressedName(name) ?? `${name}.out`;
    return { dir, final: GLib.build_filenamev([dir, out]), temp: GLib.build_filenamev([dir, tempName(out, request.token)]) };
}

async function decompressFile(t: Target, request: HelperRequest, log: (m: string) => void): Promise<Result> {
    const { final, temp } = decompressTargets(t, request);
    const frame = frameOf(t.path);
    const dictionary = frame.dictionaryId !== 0 ? findDictionary(t.path, frame.dictionaryId) : null;
    Gio.File.new_for_path(temp).create(Gio.FileCreateFlags.PRIVATE, null).close(null);
    try {
        // --sparse: runs of zeros become holes again (zstd keeps them only when told, writing to stdout).
        const zstd = spawn([tool('zstd'), '-q', '-d', '-c', '--no-progress', '--sparse', `--long=${LONG_WINDOW_LOG}`,
            ...(dictionary ? ['-D', dictionary] : [])], { stdinPath: t.path, stdoutPath: temp });
        await following(zstd, t.stat.size, t.stat.size, finish(zstd, _('zstd')));
        const writtenSize = lstat(temp).size;
        const [written, decoded] = await Promise.all([sha256OfFile(temp, writtenSize),
            sha256OfDecoded(t.path, dictionary, t.stat.size, t.stat.size), flushData(temp)]);
        if (written.digest !== decoded.digest)
            throw notTheDecodedFailure(t.path);
        if (frame.contentSize !== null && frame.contentSize !== written.bytes && frame.contentSize !== 0)
            throw headerSizeFailure(t.path, written.bytes, frame.contentSize);
        if (!unchanged(t.stat, lstat(t.path)))
            throw changedFailure(t.path);
        copyAttributes(temp, t.stat, log);
        fsyncFile(temp);
        await publish(temp, final);
        log(format(_('%s: verified (SHA-256 %s).'), display(final), written.digest));
        if (request.replace)
            await replaceOriginal(t, final);
        return { outcome: 'done', before: t.stat.size, after: written.bytes, output: [...toBytes(final)], replaced: request.replace,
            message: format(_('%s → %s'), display(t.path), display(final)) };
    } finally {
        removeQuietly(temp);
    }
}

/**
 * A .tar.zst unpacked into a private temporary folder beside it (zstd's
 * checksum checks the data, tar each member), flushed, then renamed to its
 * final name, which is never replaced. An archive of one folder, as
 * SigmaVault makes them, becomes that folder; any other archive becomes a
 * folder named after it holding its members.
 */
async function unpackArchive(t: Target, request: HelperRequest, log: (m: string) => void): Promise<Result> {
    const { dir, final, temp } = decompressTargets(t, request);
    const tempDir = Gio.File.new_for_path(temp);
    tempDir.make_directory(null);
    try {
        // Private while it fills: nobody works in a half-unpacked folder.
        tempDir.set_attribute_uint32('unix::mode', 0o700, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        const zstd = spawn([tool('zstd'), '-q', '-d', '-c', '--no-progress', `--long=${LONG_WINDOW_LOG}`],
            { stdinPath: t.path, stdoutPipe: true });
        // GNU tar keeps members inside the folder: it drops a leading "/" and refuses "..".
        const tar = spawn([tool('tar'), '--extract', '--file=-', '--xattrs', '--keep-old-files', '--delay-directory-restore',
            '--directory', temp], { stdinFd: takeStdout(zstd) });
        // Both ended before anything is removed: tar must not write into a folder being deleted.
        const ended = await following(zstd, t.stat.size, 2 * t.stat.size,
            Promise.allSettled([finish(zstd, _('Decoding')), finish(tar, _('tar'))]));
        for (const r of ended) {
            if (r.status === 'rejected')
                throw r.reason;
        }
        if (!unchanged(t.stat, lstat(t.path)))
            throw changedFailure(t.path);
        await compareUnpacked(t, temp);
        const members = childNames(temp);
        if (members.length === 0)
            throw new FileFailure(format(_('%s holds no files; nothing was unpacked.'), display(t.path)));
        const only = members.length === 1 ? GLib.build_filenamev([temp, members[0] ?? '']) : null;
        const source = only !== null && lstat(only).type === Gio.FileType.DIRECTORY ? only : temp;
        if (source === temp) { // the folder made for the members: the archive's read and write bits, x where r
            const rw = t.stat.mode & 0o666;
            tempDir.set_attribute_uint32('unix::mode', rw | (rw & 0o444) >> 2, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        }
        await finish(spawn([tool('sync'), '--file-system', '--', source]), _('Writing to the disk'));
        const after = await treeSize(source);
        if (exists(final))
            throw existsFailure(final);
        // rename(2): onto nothing, or at worst onto an empty folder made meanwhile; never onto files.
        Gio.File.new_for_path(source).move(Gio.File.new_for_path(final),
            Gio.FileCopyFlags.NOFOLLOW_SYMLINKS | Gio.FileCopyFlags.NO_FALLBACK_FOR_MOVE, null, null);
        await syncDirs([dir]);
        log(format(_('%s: unpacked and verified: the archive was decoded again and every file compared with it, byte for byte (tar --compare).'), display(final)));
        if (request.replace)
            await replaceOriginal(t, final);
        return { outcome: 'done', before: t.stat.size, after, output: [...toBytes(final)], replaced: request.replace, folder: true,
            message: format(_('%s → %s'), display(t.path), display(final)) };
    } finally {
        if (exists(temp))
            await removeTree(temp);
    }
}

/**
 * Decodes the archive a second time and has tar compare each member with
 * what was unpacked: contents byte for byte, link targets, file types, and
 * nothing missing. Owner, mode and times may differ (a user unpacks as
 * themselves, under their umask): those are not failures.
 */
async function compareUnpacked(t: Target, temp: string): Promise<void> {
    const zstd = spawn([tool('zstd'), '-q', '-d', '-c', '--no-progress', `--long=${LONG_WINDOW_LOG}`], { stdinPath: t.path, stdoutPipe: true });
    const tar = spawn([tool('tar'), '--compare', '--file=-', '--directory', temp], { stdinFd: takeStdout(zstd), stdoutPipe: true });
    const report = readAll(tar.get_stdout_pipe());
    const warnings = readAll(tar.get_stderr_pipe());
    await Promise.all([finish(zstd, _('Decoding')), tar.wait_async(null)]);
    running.delete(tar);
    checkCancelled();
    const status = tar.get_if_exited() ? tar.get_exit_status() : -1;
    if (status === 0)
        return;
    const lines = `${await report}\n${await warnings}`.split('\n').map(l => l.replace(/^tar: /, '').trim()).filter(l => l !== '');
    const real = lines.filter(l => !/: (Mode|Uid|Gid|Mod time) differs$/.test(l));
    if (status === 1 && real.length === 0 && lines.length > 0)
        return;
    throw new FileFailure(format(_('Verification failed for %s: what was unpacked differs from the archive (%s). Nothing was kept.'),
        display(t.path), display(real[0] ?? format(_('tar exit status %d'), status))));
}

/** Names in a folder, without following links. */
function childNames(path: string): string[] {
    const names: string[] = [];
    const children = Gio.File.new_for_path(path).enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    for (let info = children.next_file(null); info !== null; info = children.next_file(null))
        names.push(info.get_name());
    children.close(null);
    return names;
}

/** Bytes of the files under `path` (du, apparent sizes). */
async function treeSize(path: string): Promise<number> {
    const du = spawn([tool('du'), '--summarize', '--bytes', '--', path], { stdoutPipe: true });
    const [text] = await Promise.all([readAll(du.get_stdout_pipe()), finish(du, _('Measuring'))]);
    const bytes = Number(/^(\d+)\t/.exec(text)?.[1] ?? NaN);
    return Number.isFinite(bytes) ? bytes : 0;
}

/** Removes a temporary folder of this job and what it holds (as this user). */
async function removeTree(path: string): Promise<void> {
    await finish(spawn([tool('rm'), '-rf', '--', path]), _('Removing the temporary folder')).catch(() => undefined);
}

async function verifyFile(t: Target, log: (m: string) => void): Promise<Result> {
    const frame = frameOf(t.path);
    const dictionary = frame.dictionaryId !== 0 ? findDictionary(t.path, frame.dictionaryId) : null;
    // zstd checks the frame checksum while decoding.
    const decoded = await sha256OfDecoded(t.path, dictionary, t.stat.size, t.stat.size).catch((e: unknown) => {
        if (!(e instanceof FileFailure))
            throw e;
        // zstd read it on its stdin: its words name "/*stdin*\", not the file.
        throw new FileFailure(format(_('%s is damaged: %s. Restore it from a backup or a snapshot; an original beside it, if any, is untouched.'),
            display(t.path), e.message.replace(/\/\*stdin\*\\ ?: ?/g, '').replace(/\.$/, '')));
    });
    const name = GLib.path_get_basename(t.path);
    const originalName = decompressedName(name);
    const original = originalName === null ? null : GLib.build_filenamev([GLib.path_get_dirname(t.path), originalName]);
    if (original !== null && GLib.file_test(original, GLib.FileTest.IS_REGULAR) && !GLib.file_test(original, GLib.FileTest.IS_SYMLINK)) {
        const theirs = await sha256OfFile(original, 0);
        if (theirs.digest !== decoded.digest) {
            throw new FileFailure(format(_('%s decodes without errors, but not to %s beside it (SHA-256 differs): one of them was changed after compressing.'),
                display(t.path), display(original)));
        }
        return { outcome: 'done', before: t.stat.size, after: t.stat.size,
            message: format(_('%s is intact and decodes to exactly %s (SHA-256 %s).'), display(t.path), display(original), decoded.digest) };
    }
    log(format(_('%s: no original beside it to compare with.'), display(t.path)));
    return { outcome: 'done', before: t.stat.size, after: t.stat.size,
        message: format(_('%s is intact: it decodes without errors and its checksum matches (SHA-256 of the content %s).'), display(t.path), decoded.digest) };
}

/** Removes this job's temporaries from the folders of its paths (after a crash or kill). */
function clean(request: HelperRequest): void {
    const dirs = new Set(request.paths.map(b => GLib.path_get_dirname(fromBytes(b))));
    for (const dir of dirs) {
        try {
            const children = Gio.File.new_for_path(dir).enumerate_children('standard::name,standard::type', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
            for (;;) {
                const info = children.next_file(null);
                if (info === null)
                    break;
                const type = info.get_file_type();
                if (isTempOf(info.get_name(), request.token) && (type === Gio.FileType.REGULAR || type === Gio.FileType.DIRECTORY)) {
                    if (type === Gio.FileType.DIRECTORY) // a half-unpacked archive
                        Gio.Subprocess.new([tool('rm'), '-rf', '--', GLib.build_filenamev([dir, info.get_name()])], Gio.SubprocessFlags.NONE).wait(null);
                    else
                        removeQuietly(GLib.build_filenamev([dir, info.get_name()]));
                    emit({ type: 'log', message: format(_('Removed the leftover %s.'), display(GLib.build_filenamev([dir, info.get_name()]))) });
                }
            }
            children.close(null);
        } catch {
            // the folder is gone or closed to this user: nothing of ours can be in it
        }
    }
}

/**
 * Which files go through zstd together: those `keyOf` gives the same key
 * (null: none), in runs of BATCH_FILES and BATCH_BYTES. A file alone in
 * its run goes on its own.
 */
function planBatches(files: readonly Target[], keyOf: (t: Target) => string | null): Map<Target, Target[]> {
    const alike = new Map<string, Target[]>();
    for (const t of files) {
        const key = keyOf(t);
        if (key !== null)
            alike.set(key, [...alike.get(key) ?? [], t]);
    }
    const batchOf = new Map<Target, Target[]>();
    for (const members of alike.values()) {
        let run: Target[] = [];
        let bytes = 0;
        const close = (): void => {
            if (run.length > 1)
                for (const m of run)
                    batchOf.set(m, run);
            run = [];
            bytes = 0;
        };
        for (const m of members) {
            if (run.length >= BATCH_FILES || (run.length > 0 && bytes + m.stat.size > BATCH_BYTES))
                close();
            run.push(m);
            bytes += m.stat.size;
        }
        close();
    }
    return batchOf;
}

/** The dictionary a small .zst needs ("" for none), or null when it cannot go in a batch (big content, an archive, no header). */
function decompressBatchKey(t: Target): string | null {
    if (t.folder || t.stat.size > IN_PROCESS || isFolderArchiveName(GLib.path_get_basename(t.path)))
        return null;
    try {
        const frame = frameOf(t.path);
        if (frame.contentSize === null || frame.contentSize > IN_PROCESS)
            return null;
        return frame.dictionaryId === 0 ? '' : findDictionary(t.path, frame.dictionaryId);
    } catch {
        return null; // on its own, it says what is wrong
    }
}

async function work(request: HelperRequest): Promise<void> {
    const log = (message: string): void => {
        emit({ type: 'log', message });
    };
    const targets: (Target | FileFailure)[] = request.paths.map(b => {
        try {
            // A helper told to work right after inspecting has its findings (a
            // file changing meanwhile is still caught: each step compares its stat).
            return inspected.get(fromBytes(b)) ?? inspectOne(fromBytes(b), request);
        } catch (e) {
            return e instanceof FileFailure ? e : new FileFailure(String(e));
        }
    });
    const ok = targets.filter((t): t is Target => !(t instanceof FileFailure));
    // Compress reads each file twice (zstd, SHA-256 at once) and decodes once.
    total = ok.reduce((s, t) => s + (t.folder ? 0 : t.stat.size), 0) * (request.op === 'verify' ? 1 : 2);
    emit({ type: 'total', bytes: total });
    for (const t of targets) {
        if (t instanceof FileFailure)
            emit({ type: 'result', path: '', outcome: 'failed', message: t.message, before: 0, after: 0 });
    }
    // What to do with each file, and which small similar files share a dictionary.
    const decisions = new Map<Target, Decision>();
    const dictionaryOf = new Map<Target, Target[]>();
    if (request.op === 'compress') {
        // Sampled once: the decision and the dictionary plan both read what the content is.
        const detections = new Map<Target, Detection>();
        const detectionOf = (t: Target): Detection => {
            let d = detections.get(t);
            if (d === undefined) {
                d = detect(t.stat.size > 0 ? sample(t.path, t.stat.size) : new Uint8Array(), t.stat.size);
                detections.set(t, d);
            }
            return d;
        };
        for (const t of ok) {
            const decision = t.folder ? folderDecision(request.level, _)
                : userSkip(GLib.path_get_basename(t.path), request.skip ?? [], _, request.force) ??
                    decide({ size: t.stat.size, detection: detectionOf(t) }, request.level, _, request.force);
            decisions.set(t, decision);
        }
        const files = ok.filter(t => !t.folder && decisions.get(t)?.action === 'compress');
        const groups = planDictionaries(files.map(t => ({ dir: GLib.path_get_dirname(t.path),
            extension: extensionOf(GLib.path_get_basename(t.path)), size: t.stat.size, kind: detectionOf(t).kind })), _);
        for (const g of groups) {
            const members = g.members.map(i => files[i]).filter((t): t is Target => t !== undefined);
            for (const m of members) {
                dictionaryOf.set(m, members);
                const d = decisions.get(m);
                if (d)
                    decisions.set(m, { ...d, reason: `${g.reason} ${d.reason}` });
            }
        }
    }
    // Compress: small files of a folder with the same level and dictionary; decompress: those needing the same dictionary.
    const dictionaryToDecode = new Map<Target, string>();
    const batchOf = planBatches(ok, t => {
        let key: string | null = null;
        if (request.op === 'compress') {
            const d = decisions.get(t);
            const group = dictionaryOf.get(t);
            key = batchable(t, d) ? [d?.level ?? 0, group ? ok.indexOf(group[0] ?? t) : -1].join(' ') : null;
        } else if (request.op === 'decompress') {
            key = decompressBatchKey(t);
            if (key !== null)
                dictionaryToDecode.set(t, key);
        }
        return key === null ? null : `${GLib.path_get_dirname(t.path)}\0${key}`;
    });
    const batched = new Map<Target, Result | FileFailure>();
    const tried = new Set<Target[]>();
    /** `t`'s result from its batch, the batch run first if it has not; undefined when `t` goes on its own. */
    const throughBatch = async (t: Target, kind: BatchKind, dictionary: string | null): Promise<Result | undefined> => {
        const batch = batchOf.get(t);
        if (batch !== undefined && !tried.has(batch)) {
            tried.add(batch);
            for (const [member, r] of await runBatch(kind, batch, dictionary, request, log) ?? [])
                batched.set(member, r);
        }
        const r = batched.get(t);
        if (r !== undefined)
            advance(2 * t.stat.size);
        if (r instanceof FileFailure)
            throw r;
        return r;
    };
    const trained = new Map<Target[], string>();
    for (const t of ok) {
        checkCancelled();
        try {
            let result: Result;
            if (request.op === 'compress') {
                const decision = decisions.get(t) ?? decide({ size: 0, detection: detect(new Uint8Array(), 0) }, null, _);
                log(`${display(t.path)}: ${decision.reason}`);
                if (decision.action === 'skip') {
                    advance(2 * t.stat.size);
                    result = { outcome: 'skipped', before: t.stat.size, after: t.stat.size, message: `${display(t.path)}: ${decision.reason}`,
                        ...decision.why !== undefined ? { why: decision.why } : {} };
                } else if (t.folder) {
                    result = await compressFolder(t, decision, request, log);
                } else {
                    const group = dictionaryOf.get(t);
                    let dictionary: string | null = null;
                    if (group) {
                        dictionary = trained.get(group) ?? null;
                        if (dictionary === null) {
                            dictionary = await trainDictionary(GLib.path_get_dirname(t.path), group, request, log);
                            trained.set(group, dictionary);
                            emit({ type: 'dictionary', path: display(dictionary), files: group.length, output: [...toBytes(dictionary)] });
                        }
                    }
                    result = await throughBatch(t, { op: 'compress', level: decision.level }, dictionary) ??
                        await compressFile(t, decision, dictionary, request, log);
                }
            } else if (request.op === 'decompress') {
                result = await throughBatch(t, { op: 'decompress' }, dictionaryToDecode.get(t) || null) ??
                    (isFolderArchiveName(GLib.path_get_basename(t.path)) ? await unpackArchive(t, request, log)
                        : await decompressFile(t, request, log));
            } else {
                result = await verifyFile(t, log);
            }
            emit({ type: 'result', path: display(t.path), ...result });
        } catch (e) {
            if (e instanceof Cancelled || cancellable.is_cancelled())
                throw new Cancelled();
            const message = e instanceof FileFailure ? e.message
                : e instanceof GLib.Error ? format(_('%s: %s'), display(t.path), ioWords(e)) : String(e);
            emit({ type: 'result', path: display(t.path), outcome: 'failed', message, before: t.stat.size, after: 0 });
        }
    }
    if (request.op !== 'verify')
        await syncDirs(ok.map(t => GLib.path_get_dirname(t.path)));
    emit({ type: 'progress', done });
}

function ioWords(e: GLib.Error): string {
    if (e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NO_SPACE))
        return _('the disk is full; nothing was kept. Free some space, then try again.');
    if (e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.PERMISSION_DENIED) || e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.READ_ONLY))
        return _('permission denied (the folder or the disk is read-only for you).');
    return e.message;
}

/** "cancel" on stdin, or stdin's end (the daemon is gone), stops the work. */
function watchStdin(input: Gio.DataInputStream): void {
    input.read_line_async(GLib.PRIORITY_DEFAULT, null).then(([line]) => {
        if (line === null || new TextDecoder().decode(line).trim() === 'cancel') {
            cancellable.cancel();
            for (const p of running)
                p.force_exit();
            return;
        }
        watchStdin(input);
    }).catch(() => {
        cancellable.cancel();
    });
}

async function main(): Promise<number> {
    const input = new Gio.DataInputStream({ base_stream: new Gio.UnixInputStream({ fd: 0, close_fd: false }) });
    const [line] = await input.read_line_async(GLib.PRIORITY_DEFAULT, null);
    if (line === null)
        return 2;
    const parsed = HelperRequestSchema.safeParse(JSON.parse(new TextDecoder().decode(line)));
    if (!parsed.success) {
        printerr(`sigmavault compression helper: bad request: ${parsed.error.message}`);
        return 2;
    }
    let request = parsed.data;
    if (request.op === 'inspect') {
        emit({ type: 'inspected', items: inspect(request) });
        // The daemon says "work" when the job may start now, else "stop".
        const [word] = await input.read_line_async(GLib.PRIORITY_DEFAULT, null);
        if (word === null || new TextDecoder().decode(word).trim() !== 'work')
            return 0;
        request = { ...request, op: request.purpose };
    }
    if (request.op === 'clean') {
        clean(request);
        return 0;
    }
    watchStdin(input);
    try {
        await work(request);
        return 0;
    } catch (e) {
        if (e instanceof Cancelled || cancellable.is_cancelled()) {
            for (const p of running)
                p.force_exit();
            clean(request);
            emit({ type: 'result', path: '', outcome: 'cancelled', message: _('Cancelled; nothing was left behind.'), before: 0, after: 0 });
            return 0;
        }
        throw e;
    }
}

const loop = new GLib.MainLoop(null, false);
let code = 1;
main().then(c => {
    code = c;
}).catch((e: unknown) => {
    printerr(`sigmavault compression helper: ${e instanceof Error ? e.message : String(e)}`);
    code = 1;
}).finally(() => {
    loop.quit();
});
loop.run();
System.exit(code);
