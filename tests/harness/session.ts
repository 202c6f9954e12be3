// The "user session" side of a test: a private session bus and, for UI
// tests, an Xvfb display. Programs started with env() talk to these only.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { artifactsDir, closeQuietly, connectToBus, type Service, spawnService, stopAll, waitFor } from './process.js';

export interface SessionOptions {
    /** Start Xvfb and set DISPLAY. */
    readonly display?: boolean;
    readonly screen?: string;
    /**
     * For specs whose own process draws with GTK: GDK ends a process whose
     * X server goes away, so the server (-terminate) ends instead when its
     * last client, this process, exits; stop() leaves it alone.
     */
    readonly displayEndsWithClients?: boolean;
}

let displayCounter = 90;

export class TestSession {
    private readonly services: Service[] = [];
    readonly runtimeDir: string;
    readonly home: string;
    busAddress = '';
    display = '';
    private bus: Gio.DBusConnection | null = null;

    private constructor(readonly name: string) {
        const base = GLib.build_filenamev([GLib.get_tmp_dir(), `sigmavault-session-${name}-${GLib.uuid_string_random().slice(0, 8)}`]);
        this.runtimeDir = GLib.build_filenamev([base, 'runtime']);
        this.home = GLib.build_filenamev([base, 'home']);
        GLib.mkdir_with_parents(this.runtimeDir, 0o700);
        GLib.mkdir_with_parents(this.home, 0o755);
    }

    static async start(name: string, options: SessionOptions = {}): Promise<TestSession> {
        const s = new TestSession(name);
        try {
            await s.startBus();
            if (options.display)
                await s.startDisplay(options.screen ?? '1280x800x24', options.displayEndsWithClients ?? false);
        } catch (e) {
            await s.stop();
            throw e;
        }
        return s;
    }

    private log(what: string): string {
        const dir = GLib.build_filenamev([artifactsDir(), 'logs']);
        GLib.mkdir_with_parents(dir, 0o755);
        return GLib.build_filenamev([dir, `${this.name}-${what}.log`]);
    }

    private async startBus(): Promise<void> {
        const socket = GLib.build_filenamev([this.runtimeDir, 'bus']);
        this.busAddress = `unix:path=${socket}`;
        this.services.push(spawnService('session-bus',
            ['dbus-daemon', '--session', '--nofork', '--nopidfile', `--address=${this.busAddress}`],
            { logFile: this.log('session-bus'), env: this.envRecord() }));
        this.bus = await connectToBus(socket);
    }

    private async startDisplay(screen: string, endsWithClients: boolean): Promise<void> {
        for (let attempt = 0; attempt < 20; attempt++) {
            const n = displayCounter++;
            if (GLib.file_test(`/tmp/.X11-unix/X${n}`, GLib.FileTest.EXISTS))
                continue;
            const xvfb = spawnService('Xvfb', ['Xvfb', `:${n}`, '-screen', '0', screen, '-nolisten', 'tcp',
                endsWithClients ? '-terminate' : '-noreset'], { logFile: this.log('xvfb') });
            // Another root on this machine may hold the number through X's
            // abstract socket, which no file here shows: Xvfb then exits,
            // and the next number is tried.
            const started = await waitFor('Xvfb', () => {
                if (xvfb.proc.get_identifier() === null)
                    return 'exited';
                return GLib.file_test(`/tmp/.X11-unix/X${n}`, GLib.FileTest.EXISTS) ? 'ready' : undefined;
            }, 5000).catch(() => 'timeout');
            if (started !== 'ready') {
                await xvfb.stop();
                continue;
            }
            if (!endsWithClients)
                this.services.push(xvfb);
            this.display = `:${n}`;
            return;
        }
        throw new Error('no free X display number');
    }

    get sessionBus(): Gio.DBusConnection {
        if (this.bus === null)
            throw new Error('the session bus is not running');
        return this.bus;
    }

    /** Environment for programs of this session. */
    envRecord(): Record<string, string> {
        const env: Record<string, string> = {
            XDG_RUNTIME_DIR: this.runtimeDir,
            HOME: this.home,
            XDG_CONFIG_HOME: GLib.build_filenamev([this.home, '.config']),
            XDG_DATA_HOME: GLib.build_filenamev([this.home, '.local', 'share']),
            XDG_CACHE_HOME: GLib.build_filenamev([this.home, '.cache']),
            GSETTINGS_BACKEND: 'memory',
            NO_AT_BRIDGE: '1',
            GTK_A11Y: 'none',
            LANG: 'C.UTF-8',
        };
        if (this.busAddress)
            env.DBUS_SESSION_BUS_ADDRESS = this.busAddress;
        if (this.display)
            env.DISPLAY = this.display;
        return env;
    }

    spawn(name: string, argv: readonly string[], extraEnv: Record<string, string> = {}): Service {
        const s = spawnService(name, argv, { env: { ...this.envRecord(), ...extraEnv }, logFile: this.log(name) });
        this.services.push(s);
        return s;
    }

    logPath(name: string): string {
        return this.log(name);
    }

    async stop(): Promise<void> {
        closeQuietly(this.bus);
        this.bus = null;
        // As for the system bus (system.ts): no new connection while it stops.
        GLib.unlink(GLib.build_filenamev([this.runtimeDir, 'bus']));
        await stopAll(this.services);
    }
}
