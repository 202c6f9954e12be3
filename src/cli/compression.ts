// sigmavaultctl compress|decompress|verify PATH… [--level N] [--replace] [--wait] [--json]
// Relative paths are taken from the current folder. The daemon does the
// work as the calling user; --wait follows the job to its end and exits 1
// when it failed. Compress takes the level and the types to skip set in
// SigmaVault Settings unless --level says otherwise; originals are removed
// only with --replace, whatever the Settings say.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { appSettingsOrNull, compressDefaultsOf, compressOptions } from '../shared/compression-defaults.js';
import { BUS_NAME, MANAGER_IFACE, MANAGER_PATH } from '../shared/dbus-names.js';
import { _, format } from '../shared/i18n.js';
import { absolutePath, argBytes } from './argv.js';
import { printJob, readJob, waitForJob } from './jobs.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export const COMPRESSION_USAGE = _(`  sigmavaultctl compress PATH… [--level N] [--replace] [--wait] [--json]
                                     Compress files (NAME.zst) and folders (NAME.tar.zst), verified;
                                     without --level, the level set in SigmaVault Settings
  sigmavaultctl decompress PATH… [--replace] [--wait] [--json]
                                     Decompress NAME.zst files, verified
  sigmavaultctl verify PATH… [--wait] [--json]
                                     Check .zst files decode intact (and match their originals)`);

export class CompressionUsageError extends Error {}

const METHODS: Readonly<Record<string, string>> = { compress: 'Compress', decompress: 'Decompress', verify: 'Verify' };

export interface CompressionArgs {
    readonly method: string;
    readonly paths: string[];
    readonly level: number | null;
    readonly replace: boolean;
    readonly wait: boolean;
}

/** The command line (without --json) as a request; a mistake is a CompressionUsageError. */
export function parseCompressionArgs(words: readonly string[]): CompressionArgs {
    const [command = '', ...rest] = words;
    const method = METHODS[command];
    if (method === undefined)
        throw new CompressionUsageError(COMPRESSION_USAGE);
    const paths: string[] = [];
    let level: number | null = null;
    let replace = false;
    let wait = false;
    let operandsOnly = false;
    for (let i = 0; i < rest.length; i++) {
        const w = rest[i] ?? '';
        if (operandsOnly || !w.startsWith('--')) {
            paths.push(w);
        } else if (w === '--') {
            operandsOnly = true;
        } else if (w === '--replace' && command !== 'verify') {
            replace = true;
        } else if (w === '--wait') {
            wait = true;
        } else if ((w === '--level' || w.startsWith('--level=')) && command === 'compress') {
            const value = w === '--level' ? rest[++i] : w.slice('--level='.length);
            if (value === undefined || !/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 19)
                throw new CompressionUsageError(_('--level takes a number from 1 (fastest) to 19 (smallest).'));
            level = Number(value);
        } else {
            throw new CompressionUsageError(format(_('Unknown option %s.\n%s'), w, COMPRESSION_USAGE));
        }
    }
    if (paths.length === 0)
        throw new CompressionUsageError(format(_('Name at least one file or folder.\n%s'), COMPRESSION_USAGE));
    return { method, paths, level, replace, wait };
}

export async function runCompressionCommand(bus: Gio.DBusConnection, words: readonly string[], json: boolean): Promise<number> {
    const args = parseCompressionArgs(words);
    let options: Record<string, GLib.Variant> = {};
    if (args.method === 'Compress') {
        const defaults = compressDefaultsOf(appSettingsOrNull());
        options = compressOptions({ ...defaults, level: args.level ?? defaults.level, replace: args.replace });
    } else if (args.replace) {
        options.replace = new GLib.Variant('b', true);
    }
    // Exact bytes: a name that is not UTF-8 reaches the daemon as it is on the disk.
    const paths = args.paths.map(p => argBytes(absolutePath(p, GLib.get_current_dir())));
    const reply = await bus.call(BUS_NAME, MANAGER_PATH, MANAGER_IFACE, args.method,
        new GLib.Variant('(aaya{sv})', [paths, options]), new GLib.VariantType('(o)'),
        Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, 5 * 60 * 1000, null);
    const [path] = reply.deepUnpack<[string]>();
    const job = args.wait ? await waitForJob(bus, path) : await readJob(bus, path);
    printJob(job, json);
    if (args.wait && !json) {
        for (const line of job.log)
            print(`  ${line}`);
    }
    return job.state === 'failed' || job.state === 'interrupted' || job.state === 'cancelled' ? 1 : 0;
}
