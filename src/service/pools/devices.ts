// Which paths may become pool devices. A pool device is written to by root
// (labels at both ends, then data), so a path is accepted only when it is
// an existing block device, or, for tests and demos, a regular file under
// a directory an administrator listed in /etc/sigmavault/file-vdev-roots.conf.
// Paths are checked as text before anything touches the file system, so a
// caller cannot even learn whether some other file exists.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { SYSCONFDIR } from '../../shared/config.js';
import { invalidArgument, notFound } from '../errors.js';
import { runChecked } from '../tools.js';
import type { Pool, Vdev } from '../zfs/model.js';
import { MIN_DEVICE_SIZE } from './layout.js';

Gio._promisify(Gio.File.prototype, 'query_info_async', 'query_info_finish');
Gio._promisify(Gio.File.prototype, 'enumerate_children_async', 'enumerate_children_finish');
Gio._promisify(Gio.FileEnumerator.prototype, 'next_files_async', 'next_files_finish');

const S_IFMT = 0o170000;
const S_IFBLK = 0o060000;
const MAX_DEVICES = 64;
const LIST_DEPTH = 2;

export interface CheckedDevice {
    /** As the caller gave it (a /dev/disk/by-id name stays one: ZFS records it). */
    readonly path: string;
    /** With symbolic links resolved. */
    readonly real: string;
    readonly kind: 'disk' | 'file';
    readonly size: number;
}

export function rootsFile(): string {
    return GLib.build_filenamev([SYSCONFDIR, 'sigmavault', 'file-vdev-roots.conf']);
}

/** Absolute, without "." or ".." parts, NUL or control characters. */
export function isPlainAbsolute(path: string): boolean {
    // eslint-disable-next-line no-control-regex
    return path.startsWith('/') && !/[\x00-\x1f\x7f]/.test(path) && !path.split('/').some(p => p === '.' || p === '..') &&
        path.length < 4096;
}

/** The directories of the roots file: one absolute path a line, # comments. Pure. */
export function parseRoots(text: string): string[] {
    return text.split('\n').map(l => l.replace(/#.*/, '').trim())
        .filter(l => l !== '' && isPlainAbsolute(l) && l !== '/')
        .map(l => l.replace(/\/+$/, ''));
}

export function fileRoots(): string[] {
    try {
        const [, bytes] = GLib.file_get_contents(rootsFile());
        return parseRoots(new TextDecoder().decode(bytes));
    } catch {
        return [];
    }
}

export function under(root: string, path: string): boolean {
    return path.startsWith(`${root}/`);
}

async function realPath(path: string): Promise<string> {
    try {
        return (await runChecked('realpath', ['-e', '--', path])).trim();
    } catch {
        throw notFound(`${path} does not exist.`);
    }
}

async function info(path: string): Promise<Gio.FileInfo> {
    try {
        return await Gio.File.new_for_path(path).query_info_async('standard::type,standard::size,unix::mode',
            Gio.FileQueryInfoFlags.NONE, GLib.PRIORITY_DEFAULT, null);
    } catch {
        throw notFound(`${path} does not exist.`);
    }
}

function blockDeviceSize(real: string): number {
    const name = GLib.path_get_basename(real);
    try {
        const [, bytes] = GLib.file_get_contents(`/sys/class/block/${name}/size`);
        // The kernel counts 512-byte sectors whatever the device's own sector size.
        return Number(new TextDecoder().decode(bytes).trim()) * 512;
    } catch {
        return 0;
    }
}

function leaves(v: Vdev): Vdev[] {
    return v.children.length === 0 ? [v] : v.children.flatMap(leaves);
}

/** The pool that uses `path` (either as given or resolved), if any. */
export function poolUsing(pools: readonly Pool[], ...paths: string[]): string | null {
    for (const pool of pools) {
        if (pool.status === null)
            continue;
        for (const leaf of leaves(pool.status.root)) {
            const p = leaf.path ?? leaf.name;
            if (paths.some(x => x === p || (p.startsWith(x) && /^(p?[0-9]+|-part[0-9]+)$/.test(p.slice(x.length)))))
                return pool.name;
        }
    }
    return null;
}

function mountedFrom(real: string): string | null {
    try {
        const [, bytes] = GLib.file_get_contents('/proc/self/mounts');
        for (const line of new TextDecoder().decode(bytes).split('\n')) {
            const [source, target] = line.split(' ');
            if (source !== undefined && (source === real || (source.startsWith(real) && /^p?[0-9]+$/.test(source.slice(real.length)))))
                return target ?? '';
        }
    } catch {
        // No mount table: nothing to compare with.
    }
    return null;
}

/**
 * Checks one device path; throws InvalidArgument or NotFound with words a
 * person can act on. `pools` are the imported pools, whose devices are refused.
 */
export async function checkDevice(path: string, roots: readonly string[], pools: readonly Pool[]): Promise<CheckedDevice> {
    if (!isPlainAbsolute(path))
        throw invalidArgument(`“${path}” is not a plain absolute path such as /dev/disk/by-id/ata-….`);
    const isDev = path.startsWith('/dev/');
    if (!isDev && !roots.some(r => under(r, path))) {
        throw invalidArgument(roots.length === 0
            ? `${path} is not a device. Only disks (/dev/…) can hold a pool; files are allowed only under directories listed in ${rootsFile()}.`
            : `${path} is not a device, nor a file under ${roots.join(', ')} (see ${rootsFile()}).`);
    }
    const real = await realPath(path);
    const fi = await info(real);
    const mode = fi.get_attribute_uint32('unix::mode');
    let kind: CheckedDevice['kind'];
    let size: number;
    if ((mode & S_IFMT) === S_IFBLK) {
        kind = 'disk';
        size = blockDeviceSize(real);
        const mount = mountedFrom(real);
        if (mount !== null)
            throw invalidArgument(`${path} (or a partition on it) is mounted at ${mount}. Unmount it first.`);
    } else if (fi.get_file_type() === Gio.FileType.REGULAR && roots.some(r => under(r, real))) {
        kind = 'file';
        size = fi.get_size();
    } else {
        throw invalidArgument(isDev ? `${path} is not a block device.` : `${path} is not a regular file under ${roots.join(', ')}.`);
    }
    const pool = poolUsing(pools, path, real);
    if (pool !== null)
        throw invalidArgument(`${path} belongs to pool ${pool}.`);
    return { path, real, kind, size };
}

/** Checks a device list: not empty, not too long, no device twice (by its real path). */
export async function checkDevices(paths: readonly string[], pools: readonly Pool[]): Promise<CheckedDevice[]> {
    if (paths.length === 0)
        throw invalidArgument('Choose at least one device.');
    if (paths.length > MAX_DEVICES)
        throw invalidArgument(`At most ${MAX_DEVICES} devices at once.`);
    const roots = fileRoots();
    const checked: CheckedDevice[] = [];
    for (const p of paths)
        checked.push(await checkDevice(p, roots, pools));
    const seen = new Map<string, string>();
    for (const d of checked) {
        const other = seen.get(d.real);
        if (other !== undefined)
            throw invalidArgument(other === d.path ? `${d.path} is listed twice.` : `${d.path} and ${other} are the same device.`);
        seen.set(d.real, d.path);
    }
    return checked;
}

/** Regular files of at least ZFS's minimum size under the roots (two levels down) that no imported pool uses. */
export async function listFileDevices(pools: readonly Pool[]): Promise<{ path: string; size: number }[]> {
    const out: { path: string; size: number }[] = [];
    const walk = async (dir: Gio.File, depth: number): Promise<void> => {
        let children: Gio.FileEnumerator;
        try {
            children = await dir.enumerate_children_async('standard::name,standard::type,standard::size',
                Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, GLib.PRIORITY_DEFAULT, null);
        } catch {
            return;
        }
        for (;;) {
            const batch = await children.next_files_async(100, GLib.PRIORITY_DEFAULT, null);
            if (batch.length === 0)
                break;
            for (const fi of batch) {
                const child = dir.get_child(fi.get_name());
                if (fi.get_file_type() === Gio.FileType.DIRECTORY && depth < LIST_DEPTH)
                    await walk(child, depth + 1);
                else if (fi.get_file_type() === Gio.FileType.REGULAR && fi.get_size() >= MIN_DEVICE_SIZE)
                    out.push({ path: child.get_path() ?? '', size: fi.get_size() });
            }
        }
        children.close(null);
    };
    for (const root of fileRoots())
        await walk(Gio.File.new_for_path(root), 1);
    return out.filter(f => f.path !== '' && poolUsing(pools, f.path) === null).sort((a, b) => a.path.localeCompare(b.path));
}
