// The names compression gives files, shared by the daemon's helper and the
// Files menu (which offers each action only where it makes sense). Pure.
import GLib from 'gi://GLib';

/** Temporary files carry the job's token: ".NAME.sigmavault-tmp-TOKEN". */
export const TEMP_MARK = '.sigmavault-tmp-';

/** The name of a dictionary file beside the files it serves, found again by its ID. */
export function dictionaryFileName(id: number): string {
    return `sigmavault-dictionary-${id}.zdict`;
}

/** Where the dictionary a file in folder `dir` needs is looked for, in order: beside it, then one folder up. */
export function dictionaryFolders(dir: string): string[] {
    return [dir, GLib.path_get_dirname(dir)];
}

/** A job's temporary file: never something to act on. */
export function isTempName(name: string): boolean {
    return name.startsWith('.') && name.includes(TEMP_MARK);
}

/** A trained dictionary: .zst files beside it need it to decode, so it is left alone. */
export function isDictionaryName(name: string): boolean {
    return /^sigmavault-dictionary-\d+\.zdict$/.test(name);
}

/** A folder archive (NAME.tar.zst, NAME.tzst). */
export function isFolderArchiveName(name: string): boolean {
    return name.endsWith('.tar.zst') && name.length > '.tar.zst'.length ||
        name.endsWith('.tzst') && name.length > '.tzst'.length;
}

/** A zstd file compression made or can read (NAME.zst, NAME.tar.zst, NAME.tzst). */
export function isZstdName(name: string): boolean {
    return name.endsWith('.zst') && name.length > '.zst'.length || isFolderArchiveName(name);
}
