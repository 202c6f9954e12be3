// A device about to join a pool, checked on the file system: it must
// exist, and be a block device under /dev or a regular file that holds no
// data yet. zpool writes labels over whatever it is given; these checks
// make sure that is never a file someone still needs.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { invalidArgument, notFound } from '../errors.js';

/** SPA_MINDEVSIZE: zpool refuses smaller devices. */
export const MIN_DEVICE_BYTES = 64 * 1024 * 1024;
const S_IFMT = 0o170000;
const S_IFBLK = 0o060000;

const ATTRIBUTES = 'standard::type,standard::size,unix::mode,unix::blocks';

/** Throws NotFound or InvalidArgument unless `path` may become a pool device. */
export function checkNewDeviceOnDisk(path: string): void {
    let info: Gio.FileInfo;
    try {
        // Symlinks are followed: /dev/disk/by-id names are links to the device.
        info = Gio.File.new_for_path(path).query_info(ATTRIBUTES, Gio.FileQueryInfoFlags.NONE, null);
    } catch (e) {
        if (e instanceof GLib.Error && e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND))
            throw notFound(`There is no device or file ${path}. Check the path; disks are listed under /dev/disk/by-id.`);
        throw invalidArgument(`Cannot look at ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const mode = info.get_attribute_uint32('unix::mode');
    if ((mode & S_IFMT) === S_IFBLK) {
        if (!path.startsWith('/dev/'))
            throw invalidArgument(`${path} is a block device outside /dev; give its name under /dev instead.`);
        return;
    }
    if (info.get_file_type() !== Gio.FileType.REGULAR)
        throw invalidArgument(`${path} is neither a disk (a block device under /dev) nor a regular file.`);
    if (info.get_size() < MIN_DEVICE_BYTES)
        throw invalidArgument(`${path} is smaller than 64 MiB, the least ZFS accepts for a device.`);
    if (info.get_attribute_uint64('unix::blocks') > 0) {
        throw invalidArgument(`${path} is a file that already holds data. SigmaVault uses a file as a device only ` +
            'while it is empty (a new sparse file, e.g. from “truncate -s 1G FILE”), so that no file is ever overwritten.');
    }
}
