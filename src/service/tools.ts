// Runs external tools (zpool, zfs, smartctl, …) as argv arrays through
// Gio.Subprocess, never through a shell. Tools are looked up in a search
// path that tests may set (SIGMAVAULT_TOOL_PATH), so recorded output can
// stand in for a tool that cannot run on the test machine.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

Gio._promisify(Gio.Subprocess.prototype, 'communicate_utf8_async', 'communicate_utf8_finish');

const DEFAULT_PATH = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export interface ToolResult {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

export class ToolMissingError extends Error {
    constructor(readonly tool: string) {
        super(`${tool} is not installed`);
        this.name = 'ToolMissingError';
    }
}

export class ToolFailedError extends Error {
    constructor(readonly argv: readonly string[], readonly result: ToolResult) {
        super(`${argv.join(' ')} failed (exit ${result.status}): ${firstLine(result.stderr || result.stdout)}`);
        this.name = 'ToolFailedError';
    }
}

function firstLine(text: string): string {
    return text.trim().split('\n')[0] ?? '';
}

export function searchPath(): string[] {
    const override = GLib.getenv('SIGMAVAULT_TOOL_PATH');
    const dirs = override ? override.split(':').filter(d => d !== '') : [];
    return [...dirs, ...DEFAULT_PATH];
}

/** Absolute path of a tool, or null when it is not installed. */
export function findTool(name: string): string | null {
    for (const dir of searchPath()) {
        const candidate = GLib.build_filenamev([dir, name]);
        if (GLib.file_test(candidate, GLib.FileTest.IS_EXECUTABLE) &&
            !GLib.file_test(candidate, GLib.FileTest.IS_DIR))
            return candidate;
    }
    return null;
}

/**
 * Runs `tool args…` and returns its output whatever the exit status; the
 * caller decides what a failure means. Output is read as UTF-8 text; the
 * environment is C locale so that parsers see untranslated text.
 */
export async function run(tool: string, args: readonly string[],
    cancellable: Gio.Cancellable | null = null): Promise<ToolResult> {
    const path = findTool(tool);
    if (path === null)
        throw new ToolMissingError(tool);
    const launcher = new Gio.SubprocessLauncher({
        flags: Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE |
            Gio.SubprocessFlags.STDIN_INHERIT,
    });
    launcher.setenv('LC_ALL', 'C', true);
    launcher.setenv('LANG', 'C', true);
    const proc = launcher.spawnv([path, ...args]);
    const [stdout, stderr] = await proc.communicate_utf8_async(null, cancellable);
    return {
        status: proc.get_if_exited() ? proc.get_exit_status() : 128 + proc.get_term_sig(),
        stdout: stdout ?? '',
        stderr: stderr ?? '',
    };
}

/** Like run(), but a non-zero exit status is an error. */
export async function runChecked(tool: string, args: readonly string[],
    cancellable: Gio.Cancellable | null = null): Promise<string> {
    const result = await run(tool, args, cancellable);
    if (result.status !== 0)
        throw new ToolFailedError([tool, ...args], result);
    return result.stdout;
}
