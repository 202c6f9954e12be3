// sigmavaultctl file versions|restore: "Previous Versions" from the command
// line. Like the app, it reads the snapshot copies itself, as whoever runs
// it (src/shared/versions/file-versions.ts), so it shows and restores only
// what that user could read in the snapshots.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { formatSize } from '../shared/format.js';
import { _, format } from '../shared/i18n.js';
import { findVersions, restoreVersion } from '../shared/versions/file-versions.js';
import { table } from './table.js';

export const FILE_USAGE = _(`  sigmavaultctl file versions [--limit=N] [--] FILE [--json]  Earlier versions of FILE kept in snapshots
  sigmavaultctl file restore [--replace] [--] FILE SNAPSHOT  Restore the version in SNAPSHOT beside FILE
                                                            (--replace: as FILE, keeping the current one)`);

export class FileUsageError extends Error {}

function when(seconds: number): string {
    return GLib.DateTime.new_from_unix_local(Math.floor(seconds)).format('%Y-%m-%d %H:%M:%S') ?? '';
}

/** Splits words into flags and operands; after `--` everything is an operand (names may start with '-'). */
function split(words: readonly string[]): { flags: string[]; operands: string[] } {
    const end = words.indexOf('--');
    const before = end < 0 ? words : words.slice(0, end);
    return {
        flags: before.filter(w => w.startsWith('-')),
        operands: [...before.filter(w => !w.startsWith('-')), ...(end < 0 ? [] : words.slice(end + 1))],
    };
}

const absolute = (path: string): string => Gio.File.new_for_commandline_arg(path).get_path() ?? path;

/** Runs `file versions|restore`; words are what follows "file", without --json. */
export async function runFileCommand(bus: Gio.DBusConnection, words: string[], json: boolean): Promise<void> {
    const [verb, ...rest] = words;
    const { flags, operands } = split(rest);
    const known = verb === 'versions' ? /^--limit=\d+$/ : /^--replace$/;
    const unknown = flags.find(f => !known.test(f));
    if (unknown !== undefined)
        throw new FileUsageError(format(_('Unknown option: %s'), unknown));
    if (verb === 'versions') {
        if (operands.length !== 1)
            throw new FileUsageError(_('Name one file'));
        const limit = flags.find(f => f.startsWith('--limit='));
        const list = await findVersions(bus, absolute(operands[0] ?? ''), limit ? { limit: Number(limit.slice(8)) } : {});
        if (json) {
            print(JSON.stringify({
                path: list.path, dataset: list.dataset, searched: list.searched, total: list.total,
                current: { size: list.current.size, mtime_us: list.current.mtimeUs },
                versions: list.versions.map(v => ({
                    size: v.size, mtime_us: v.mtimeUs, mode: v.mode, sha256: v.sha256, path: v.path,
                    snapshots: v.snapshots.map(s => ({ name: s.name, creation: s.creation })),
                })),
            }, null, 2));
            return;
        }
        if (list.versions.length === 0) {
            print(format(_('No earlier versions of %s in the %d newest snapshots of %s.'), list.path, list.searched, list.dataset));
            return;
        }
        print(table([[_('MODIFIED'), _('SIZE'), _('SNAPSHOTS')],
            ...list.versions.map(v => [when(v.mtimeUs / 1e6), formatSize(v.size), v.snapshots.map(s => s.name).join(', ')])]));
        return;
    }
    if (verb === 'restore') {
        if (operands.length !== 2)
            throw new FileUsageError(_('Name a file and the snapshot that holds the version to restore'));
        const path = absolute(operands[0] ?? '');
        const snapshot = operands[1] ?? '';
        const list = await findVersions(bus, path, { limit: 1000 });
        const version = list.versions.find(v => v.snapshots.some(s => s.name === snapshot));
        if (version === undefined)
            throw new Error(format(_('Snapshot %s holds no version of %s other than the current one.'), snapshot, path));
        const result = await restoreVersion(path, version, { replace: flags.includes('--replace') });
        if (json)
            print(JSON.stringify({ restored: result.restored, kept: result.kept }, null, 2));
        else if (result.kept !== null)
            print(format(_('Restored %s; the file it replaced is kept as %s'), result.restored, result.kept));
        else
            print(format(_('Restored as %s'), result.restored));
        return;
    }
    throw new FileUsageError(format(_('Unknown command: file %s'), verb ?? ''));
}
