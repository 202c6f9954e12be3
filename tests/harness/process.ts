// Processes started by the test harness: spawned as argv arrays, tracked by
// pid and stopped by pid, never by name.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

Gio._promisify(Gio.Subprocess.prototype, 'wait_async', 'wait_finish');
Gio._promisify(Gio.Subprocess.prototype, 'communicate_utf8_async', 'communicate_utf8_finish');

export interface SpawnOptions {
    /** Extra environment, NAME=value. */
    readonly env?: Readonly<Record<string, string>>;
    /** Capture stdout/stderr into this file instead of inheriting. */
    readonly logFile?: string;
    readonly cwd?: string;
}

export function launcher(options: SpawnOptions = {}, flags = Gio.SubprocessFlags.NONE): Gio.SubprocessLauncher {
    const l = new Gio.SubprocessLauncher({ flags });
    for (const [k, v] of Object.entries(options.env ?? {}))
        l.setenv(k, v, true);
    if (options.cwd)
        l.set_cwd(options.cwd);
    if (options.logFile) {
        // One file per run, with stderr interleaved in order.
        GLib.unlink(options.logFile);
        l.set_flags(flags | Gio.SubprocessFlags.STDERR_MERGE);
        l.set_stdout_file_path(options.logFile);
    }
    return l;
}

/** A long-running process the test owns. */
export class Service {
    constructor(readonly name: string, readonly proc: Gio.Subprocess) {}

    get pid(): number {
        return Number(this.proc.get_identifier());
    }

    async stop(timeoutMs = 5000): Promise<void> {
        if (this.proc.get_identifier() === null)
            return;
        this.proc.send_signal(15);
        // Once fired, the source is gone: removing it again is a critical,
        // which G_DEBUG=fatal-criticals turns into a crash of the spec.
        let killer: number | null = GLib.timeout_add(GLib.PRIORITY_DEFAULT, timeoutMs, () => {
            killer = null;
            this.proc.force_exit();
            return GLib.SOURCE_REMOVE;
        });
        try {
            await this.proc.wait_async(null);
        } finally {
            if (killer !== null)
                GLib.source_remove(killer);
        }
    }
}

export function spawnService(name: string, argv: readonly string[], options: SpawnOptions = {}): Service {
    return new Service(name, launcher(options).spawnv([...argv]));
}

export interface RunResult {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a command to completion and returns its output. */
export async function run(argv: readonly string[], options: SpawnOptions = {}): Promise<RunResult> {
    const l = launcher(options, Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE);
    const proc = l.spawnv([...argv]);
    const [stdout, stderr] = await proc.communicate_utf8_async(null, null);
    return {
        status: proc.get_if_exited() ? proc.get_exit_status() : 128 + proc.get_term_sig(),
        stdout: stdout ?? '',
        stderr: stderr ?? '',
    };
}

/** Like run(), but fails the test with the command's output when it exits non-zero. */
export async function check(argv: readonly string[], options: SpawnOptions = {}): Promise<string> {
    const r = await run(argv, options);
    if (r.status !== 0)
        throw new Error(`${argv.join(' ')} exited ${r.status}:\n${r.stderr}${r.stdout}`);
    return r.stdout;
}

export function sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}

/**
 * Waits until `probe` returns a value other than undefined/false, checking
 * every `intervalMs`; throws with `what` after `timeoutMs`.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs = 10000, intervalMs = 100): Promise<T> {
    const deadline = GLib.get_monotonic_time() + timeoutMs * 1000;
    let lastError: unknown = null;
    for (;;) {
        try {
            const v = await probe();
            if (v !== undefined && v !== false)
                return v;
        } catch (e) {
            lastError = e;
        }
        if (GLib.get_monotonic_time() > deadline) {
            const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
        }
        await sleep(intervalMs);
    }
}

export function artifactsDir(): string {
    const dir = GLib.getenv('SIGMAVAULT_ARTIFACTS') ?? '/tmp/sigmavault-artifacts';
    GLib.mkdir_with_parents(dir, 0o755);
    return dir;
}

export function writeFile(path: string, contents: string): void {
    GLib.mkdir_with_parents(GLib.path_get_dirname(path), 0o755);
    GLib.file_set_contents(path, contents);
}

/** Closes a bus connection the other side may already have closed. */
export function closeQuietly(bus: Gio.DBusConnection | null): void {
    try {
        bus?.close_sync(null);
    } catch {
        // Already closed by the other side.
    }
}

/** Stops services in the reverse order of their start; one failing does not stop the rest. */
export async function stopAll(services: Service[]): Promise<void> {
    for (const s of services.reverse())
        await s.stop().catch(() => undefined);
    services.length = 0;
}

/** A connection to the bus listening on `socket`, once it accepts (the file appears a moment before). */
export function connectToBus(socket: string): Promise<Gio.DBusConnection> {
    return waitFor(`the bus at ${socket}`, () => {
        if (!GLib.file_test(socket, GLib.FileTest.EXISTS))
            return undefined;
        return Gio.DBusConnection.new_for_address_sync(`unix:path=${socket}`,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            null, null);
    });
}

/** Runs a command as svuser, the test root's unprivileged user (polkit's test rules refuse it everything). */
export function asSvuser(...argv: string[]): Promise<RunResult> {
    return run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--', ...argv]);
}
