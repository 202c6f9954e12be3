// Daemon state under /var/lib/sigmavault, written atomically: a temporary
// file beside the target, fsync, rename. After a crash or power loss there
// is the old file or the new one, never half of one.
import GLib from 'gi://GLib';
import { LOCALSTATEDIR } from '../shared/config.js';

export function stateDir(): string {
    return GLib.getenv('SIGMAVAULT_STATE_DIR') ?? GLib.build_filenamev([LOCALSTATEDIR, 'lib', 'sigmavault']);
}

export function statePath(name: string): string {
    return GLib.build_filenamev([stateDir(), name]);
}

/** Writes `text` to `path` so that readers see either the old or the new contents. */
export function writeAtomically(path: string, text: string): void {
    GLib.mkdir_with_parents(GLib.path_get_dirname(path), 0o755);
    // CONSISTENT: temporary file + rename; DURABLE: fsync before the rename.
    GLib.file_set_contents_full(path, new TextEncoder().encode(text),
        GLib.FileSetContentsFlags.CONSISTENT | GLib.FileSetContentsFlags.DURABLE, 0o644);
}

/** The file's text, or null when it does not exist yet. */
export function readState(path: string): string | null {
    try {
        const [, bytes] = GLib.file_get_contents(path);
        return new TextDecoder().decode(bytes);
    } catch (e) {
        if (e instanceof GLib.Error && e.matches(GLib.file_error_quark(), GLib.FileError.NOENT))
            return null;
        throw e;
    }
}
