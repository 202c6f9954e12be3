// "Previous Versions" of a file, read and restored in the caller's own
// process (SigmaVault Settings, sigmavaultctl): the daemon only says where
// the dataset's snapshots can be read (Dataset1.SnapshotDirectories), and
// every file is opened here, with the user's own uid, gid and groups. So
// the kernel decides what can be read, as in .zfs/snapshot, and a user
// cannot see or restore through SigmaVault anything they could not read
// themselves; a restored file is created by the user, in a directory they
// can write, owned by them.
//
// Restoring never loses a file: the version is copied to a temporary file
// in the target directory while its SHA-256 is computed, the copy is read
// back and compared, fsynced, given the version's mode and mtime, and only
// then hard-linked to a free name (link(2) never replaces an existing
// name, unlike rename(2)). Replacing the current file first links it to a
// free name of its own, so it stays recoverable.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, datasetPath, ErrorName, MANAGER_IFACE, MANAGER_PATH } from '../dbus-names.js';
import { callDataset } from '../dataset-info.js';
import { _, format } from '../i18n.js';
import { pathComponents } from '../mount-lookup.js';
import { z } from '../vendor/zod.js';
import { type FileState, type FileVersion, foldVersions, labelledName, nameTime, pathsToHash, type SnapshotCopy } from './fold.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');
Gio._promisify(Gio.File.prototype, 'query_info_async', 'query_info_finish');
Gio._promisify(Gio.File.prototype, 'read_async', 'read_finish');
Gio._promisify(Gio.File.prototype, 'create_async', 'create_finish');
Gio._promisify(Gio.File.prototype, 'delete_async', 'delete_finish');
Gio._promisify(Gio.File.prototype, 'set_attributes_async', 'set_attributes_finish');
Gio._promisify(Gio.File.prototype, 'enumerate_children_async', 'enumerate_children_finish');
Gio._promisify(Gio.FileEnumerator.prototype, 'next_files_async', 'next_files_finish');
Gio._promisify(Gio.InputStream.prototype, 'read_bytes_async', 'read_bytes_finish');
Gio._promisify(Gio.InputStream.prototype, 'close_async', 'close_finish');
Gio._promisify(Gio.OutputStream.prototype, 'write_bytes_async', 'write_bytes_finish');
Gio._promisify(Gio.OutputStream.prototype, 'close_async', 'close_finish');
Gio._promisify(Gio.Subprocess.prototype, 'communicate_utf8_async', 'communicate_utf8_finish');

export type { FileVersion } from './fold.js';

/** Something a person can act on went wrong; the message says what. */
export class VersionError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'VersionError';
    }
}

export interface VersionList {
    readonly path: string;
    readonly dataset: string;
    readonly current: FileState & { readonly mode: number };
    /** Distinct earlier versions, newest first. */
    readonly versions: FileVersion[];
    /** Snapshots looked at (the newest), and how many the dataset has. */
    readonly searched: number;
    readonly total: number;
}

const CHUNK = 1 << 20;
const ATTRIBUTES = 'standard::type,standard::size,time::modified,time::modified-usec,unix::mode,access::can-read';
const TEMP_PREFIX = '.sigmavault-restore-';
/** Temporaries older than this (by ctime) are left from an interrupted restore. */
const STALE_TEMP_S = 3600;

const DirectoriesSchema = z.tuple([z.string(), z.array(z.tuple([z.string(), z.union([z.number(), z.bigint()]), z.string()])),
    z.number()]);

function mtimeUs(info: Gio.FileInfo): number {
    return info.get_attribute_uint64('time::modified') * 1e6 + info.get_attribute_uint32('time::modified-usec');
}

async function stat(file: Gio.File, cancellable: Gio.Cancellable | null): Promise<Gio.FileInfo | null> {
    try {
        return await file.query_info_async(ATTRIBUTES, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, GLib.PRIORITY_DEFAULT, cancellable);
    } catch (e) {
        if (e instanceof GLib.Error && (e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND) ||
            e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_DIRECTORY) ||
            e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.PERMISSION_DENIED)))
            return null;
        throw e;
    }
}

/** Streams `file` through SHA-256 and, if given, into `out`; returns the hex digest. */
async function copyHashing(file: Gio.File, out: Gio.OutputStream | null, cancellable: Gio.Cancellable | null): Promise<string> {
    const checksum = new GLib.Checksum(GLib.ChecksumType.SHA256);
    const input = await file.read_async(GLib.PRIORITY_DEFAULT, cancellable);
    try {
        for (;;) {
            const bytes = await input.read_bytes_async(CHUNK, GLib.PRIORITY_DEFAULT, cancellable);
            const data = bytes.toArray();
            if (data.length === 0)
                break;
            checksum.update(data);
            if (out !== null) {
                let left = bytes;
                while (left.get_size() > 0) {
                    const n = await out.write_bytes_async(left, GLib.PRIORITY_DEFAULT, cancellable);
                    left = GLib.Bytes.new(left.toArray().subarray(n));
                }
            }
        }
    } finally {
        await input.close_async(GLib.PRIORITY_DEFAULT, null).catch(() => undefined);
    }
    return checksum.get_string() ?? '';
}

export function sha256(file: Gio.File, cancellable: Gio.Cancellable | null = null): Promise<string> {
    return copyHashing(file, null, cancellable);
}

/** Runs a small tool (ln, sync) with an argv array; returns its stderr on failure, null on success. */
async function tool(argv: string[]): Promise<string | null> {
    const launcher = new Gio.SubprocessLauncher({ flags: Gio.SubprocessFlags.STDOUT_SILENCE | Gio.SubprocessFlags.STDERR_PIPE });
    launcher.setenv('LC_ALL', 'C', true);
    const proc = launcher.spawnv(argv);
    const [, stderr] = await proc.communicate_utf8_async(null, null);
    return proc.get_successful() ? null : (stderr ?? '').trim() || `${argv[0] ?? ''} failed`;
}

/** The dataset holding `path`, asked of the daemon (LocatePath). */
async function datasetOf(bus: Gio.DBusConnection, path: string): Promise<string> {
    const reply = await bus.call(BUS_NAME, MANAGER_PATH, MANAGER_IFACE, 'LocatePath',
        new GLib.Variant('(aya{sv})', [new TextEncoder().encode(path), {}]), new GLib.VariantType('(oss)'),
        Gio.DBusCallFlags.NONE, 30000, null);
    return reply.deepUnpack<[string, string, string]>()[2];
}

/**
 * The earlier versions of the regular file at `path` (absolute) kept in the
 * newest `limit` snapshots of its dataset.
 */
export async function findVersions(bus: Gio.DBusConnection, path: string, options: { limit?: number } = {},
    cancellable: Gio.Cancellable | null = null): Promise<VersionList> {
    if (!path.startsWith('/'))
        throw new VersionError(format(_('“%s” is not an absolute path.'), path));
    const file = Gio.File.new_for_path(path);
    const info = await stat(file, cancellable);
    if (info === null || info.get_file_type() !== Gio.FileType.REGULAR)
        throw new VersionError(format(_('%s is not a file you can open; only files have previous versions.'), path));
    // Nothing is shown of a file its user could not read now: the
    // daemon is not asked, no snapshot is looked at.
    if (!info.get_attribute_boolean('access::can-read'))
        throw new VersionError(format(_('You cannot read %s, so its previous versions cannot be shown to you.'), path));
    let dataset: string;
    try {
        dataset = await datasetOf(bus, path);
    } catch (e) {
        if (e instanceof GLib.Error && Gio.DBusError.get_remote_error(e) === ErrorName.NotFound)
            throw new VersionError(format(_('%s is not in a storage pool, so no snapshot holds earlier versions of it.'), path));
        throw e;
    }
    const reply = await callDataset(bus, datasetPath(dataset), 'SnapshotDirectories',
        new GLib.Variant('(a{sv})', [options.limit !== undefined ? { limit: new GLib.Variant('u', options.limit) } : {}]),
        10 * 60 * 1000);
    const [mountpoint, rows, total] = DirectoriesSchema.parse(reply.recursiveUnpack());
    const mp = pathComponents(mountpoint);
    const parts = pathComponents(path);
    if (!mp.every((c, i) => c === parts[i]))
        throw new VersionError(format(_('%s is not below the mountpoint of %s (%s).'), path, dataset, mountpoint));
    const relative = parts.slice(mp.length);
    const current = { size: info.get_size(), mtimeUs: mtimeUs(info), mode: info.get_attribute_uint32('unix::mode') & 0o7777 };

    const copies: SnapshotCopy[] = [];
    for (const [snapshot, creation, directory] of rows) {
        const copy = Gio.File.new_for_path(GLib.build_filenamev([directory, ...relative]));
        const ci = await stat(copy, cancellable);
        // Unreadable copies are left out: the kernel said this user may not read them.
        if (ci === null || ci.get_file_type() !== Gio.FileType.REGULAR || !ci.get_attribute_boolean('access::can-read'))
            continue;
        copies.push({ snapshot, creation: Number(creation), path: copy.get_path() ?? '', size: ci.get_size(), mtimeUs: mtimeUs(ci),
            mode: ci.get_attribute_uint32('unix::mode') & 0o7777 });
    }
    const hashes = new Map<string, string>();
    for (const p of pathsToHash(current, path, copies))
        hashes.set(p, await sha256(Gio.File.new_for_path(p), cancellable));
    return { path, dataset, current, versions: foldVersions(current, path, copies, hashes), searched: rows.length, total };
}

/** Removes what an interrupted restore by this user left in `dir`. */
async function removeStaleTemporaries(dir: Gio.File): Promise<void> {
    try {
        const e = await dir.enumerate_children_async('standard::name,time::changed,owner::user', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS,
            GLib.PRIORITY_LOW, null);
        const now = GLib.get_real_time() / 1e6;
        for (;;) {
            const infos = await e.next_files_async(100, GLib.PRIORITY_LOW, null);
            if (infos.length === 0)
                break;
            for (const i of infos) {
                if (i.get_name().startsWith(TEMP_PREFIX) && i.get_name().endsWith('.tmp') &&
                    now - i.get_attribute_uint64('time::changed') > STALE_TEMP_S)
                    await dir.get_child(i.get_name()).delete_async(GLib.PRIORITY_LOW, null).catch(() => undefined);
            }
        }
    } catch {
        // Listing the directory is not needed for the restore itself.
    }
}

/**
 * Gives `source` the name `dir/labelledName(basename, label, n)` for the
 * first n that is free, with link(2), which never replaces a file. Returns
 * the new path.
 */
async function linkToFreeName(source: string, dir: string, basename: string, label: string): Promise<string> {
    for (let n = 1; n <= 1000; n++) {
        const target = GLib.build_filenamev([dir, labelledName(basename, label, n)]);
        const err = await tool(['ln', '-T', '--', source, target]);
        if (err === null)
            return target;
        if (!GLib.file_test(target, GLib.FileTest.EXISTS) && !/File exists/.test(err))
            throw new VersionError(format(_('Could not create %s: %s'), target, err));
    }
    throw new VersionError(format(_('There are too many restored copies of %s in %s already.'), basename, dir));
}

export interface RestoreResult {
    /** Where the restored version is now. */
    readonly restored: string;
    /** Replace only: where the file that was current is kept. */
    readonly kept: string | null;
}

/**
 * Restores `version` of the file at `path`: beside it under a free name
 * ("report (restored 2026-11-30 09:00).odt"), or, with `replace`, under its
 * own name after the current file was given a free name of its own.
 */
export async function restoreVersion(path: string, version: FileVersion, options: { replace: boolean },
    cancellable: Gio.Cancellable | null = null): Promise<RestoreResult> {
    const dirPath = GLib.path_get_dirname(path);
    const basename = GLib.path_get_basename(path);
    const dir = Gio.File.new_for_path(dirPath);
    await removeStaleTemporaries(dir);
    const random = GLib.uuid_string_random().replace(/-/g, '').slice(0, 12);
    const temp = dir.get_child(`${TEMP_PREFIX}${random}.tmp`);
    const tempPath = temp.get_path() ?? '';
    const snapshotTime = version.snapshots[0]?.creation ?? 0;
    let out: Gio.FileOutputStream;
    try {
        // PRIVATE: 0600 until the copy is verified and gets the version's mode.
        out = await temp.create_async(Gio.FileCreateFlags.PRIVATE, GLib.PRIORITY_DEFAULT, cancellable);
    } catch (e) {
        throw new VersionError(format(_('Could not write in %s: %s'), dirPath, e instanceof Error ? e.message : String(e)));
    }
    let linked = false;
    try {
        let written: string;
        try {
            written = await copyHashing(Gio.File.new_for_path(version.path), out, cancellable);
        } finally {
            await out.close_async(GLib.PRIORITY_DEFAULT, null);
        }
        const readBack = await sha256(temp, cancellable);
        if (readBack !== written || (version.sha256 !== null && version.sha256 !== written))
            throw new VersionError(format(_('The copy of %s did not read back as written; nothing was restored.'), basename));
        const attrs = new Gio.FileInfo();
        // No set-user-ID, set-group-ID or sticky bits on a file restored by a user.
        attrs.set_attribute_uint32('unix::mode', version.mode & 0o777);
        attrs.set_attribute_uint64('time::modified', Math.floor(version.mtimeUs / 1e6));
        attrs.set_attribute_uint32('time::modified-usec', version.mtimeUs % 1e6);
        await temp.set_attributes_async(attrs, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, GLib.PRIORITY_DEFAULT, cancellable);
        const synced = await tool(['sync', '--', tempPath]);
        if (synced !== null)
            throw new VersionError(format(_('Could not write %s to disk: %s'), basename, synced));

        let result: RestoreResult;
        if (options.replace) {
            // Translators: part of a file name, "report (replaced 2026-12-01 10:15).odt".
            const kept = await linkToFreeName(path, dirPath, basename, format(_('replaced %s'), nameTime(GLib.get_real_time() / 1e6)));
            await Gio.File.new_for_path(path).delete_async(GLib.PRIORITY_DEFAULT, null);
            const err = await tool(['ln', '-T', '--', tempPath, path]);
            if (err === null) {
                result = { restored: path, kept };
            } else {
                // Someone made a new file under that name meanwhile: it stays.
                result = { restored: await linkToFreeName(tempPath, dirPath, basename, format(_('restored %s'), nameTime(snapshotTime))), kept };
            }
        } else {
            // Translators: part of a file name, "report (restored 2026-11-30 09:00).odt"; the time is the snapshot's.
            result = { restored: await linkToFreeName(tempPath, dirPath, basename, format(_('restored %s'), nameTime(snapshotTime))), kept: null };
        }
        linked = true;
        await temp.delete_async(GLib.PRIORITY_DEFAULT, null);
        await tool(['sync', '--', dirPath]);
        return result;
    } finally {
        if (!linked)
            await temp.delete_async(GLib.PRIORITY_DEFAULT, null).catch(() => undefined);
    }
}
