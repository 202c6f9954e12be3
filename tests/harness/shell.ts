// A real GNOME Shell 48 (--headless, Wayland, a virtual monitor) in a test
// session. Eval and Screenshot answer only in unsafe mode, which a helper
// extension written here switches on; extensions are enabled through
// GSettings' keyfile backend, a file in the session's XDG_CONFIG_HOME that
// the Shell reads at start-up.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { artifactsDir, type Service, sleep, waitFor, writeFile } from './process.js';
import type { TestSession } from './session.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export const SIGMAVAULT_EXTENSION = 'sigmavault@sigmavault.com';
const HELPER_UUID = 'sigmavault-test-unsafe-mode@sigmavault.com';

const HELPER_METADATA = JSON.stringify({
    uuid: HELPER_UUID,
    name: 'SigmaVault test: unsafe mode',
    description: 'Lets the SigmaVault tests use org.gnome.Shell.Eval and Screenshot. Test only.',
    'shell-version': ['48'],
}, null, 2);

const HELPER_SOURCE = `import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

export default class UnsafeModeForTests extends Extension {
    enable() {
        this._wasUnsafe = global.context.unsafe_mode;
        global.context.unsafe_mode = true;
    }

    disable() {
        global.context.unsafe_mode = this._wasUnsafe;
    }
}
`;

function settingsKeyfile(extensions: readonly string[]): string {
    return `[org/gnome/shell]
enabled-extensions=[${[...extensions, HELPER_UUID].map(e => `'${e}'`).join(', ')}]
welcome-dialog-last-shown-version='999'

[org/gnome/desktop/interface]
enable-animations=false
`;
}

export class TestShell {
    private constructor(private readonly session: TestSession, private readonly service: Service) {}

    /** The environment a Wayland client of this Shell needs. */
    static clientEnv(): Record<string, string> {
        return { WAYLAND_DISPLAY: 'wayland-0', GDK_BACKEND: 'wayland' };
    }

    static async start(session: TestSession, extensions: readonly string[] = [SIGMAVAULT_EXTENSION]): Promise<TestShell> {
        const env = session.envRecord();
        const helperDir = GLib.build_filenamev([env.XDG_DATA_HOME ?? '', 'gnome-shell', 'extensions', HELPER_UUID]);
        writeFile(GLib.build_filenamev([helperDir, 'metadata.json']), HELPER_METADATA);
        writeFile(GLib.build_filenamev([helperDir, 'extension.js']), HELPER_SOURCE);
        writeFile(GLib.build_filenamev([env.XDG_CONFIG_HOME ?? '', 'glib-2.0', 'settings', 'keyfile']),
            settingsKeyfile(extensions));
        const service = session.spawn('gnome-shell',
            ['gnome-shell', '--headless', '--wayland', '--no-x11', '--virtual-monitor', '1280x800'],
            {
                GSETTINGS_BACKEND: 'keyfile',
                // The suite's fatal-criticals is for our code, not the Shell's own start-up noise.
                G_DEBUG: '',
                XDG_SESSION_TYPE: 'wayland',
                XDG_CURRENT_DESKTOP: 'GNOME',
            });
        const shell = new TestShell(session, service);
        await waitFor('GNOME Shell to answer Eval (helper extension enabled)', async () => {
            if (service.proc.get_identifier() === null)
                throw new Error(`gnome-shell exited; see ${session.logPath('gnome-shell')}`);
            return await shell.eval('true') === true;
        }, 90000, 500);
        return shell;
    }

    /** Runs `code` inside the Shell (where Main is in scope) and returns its JSON result. */
    async eval(code: string): Promise<unknown> {
        const reply = await this.session.sessionBus.call('org.gnome.Shell', '/org/gnome/Shell', 'org.gnome.Shell', 'Eval',
            new GLib.Variant('(s)', [code]), new GLib.VariantType('(bs)'), Gio.DBusCallFlags.NONE, 10000, null);
        const [ok, json] = reply.deepUnpack<[boolean, string]>();
        if (!ok)
            throw new Error(`Shell Eval refused or failed: ${json === '' ? '(unsafe mode is off)' : json}`);
        return json === '' ? undefined : JSON.parse(json) as unknown;
    }

    /**
     * Saves the whole screen, and the area [x, y, w, h] if given, as
     * screenshots/<name>.png and <name>-area.png; returns the paths.
     */
    async screenshot(name: string, area?: readonly [number, number, number, number]): Promise<string[]> {
        const dir = GLib.build_filenamev([artifactsDir(), 'screenshots']);
        GLib.mkdir_with_parents(dir, 0o755);
        // Let the Shell lay out and paint what the caller just changed.
        await sleep(500);
        const full = GLib.build_filenamev([dir, `${name}.png`]);
        const calls: [string, GLib.Variant, string][] = [['Screenshot', new GLib.Variant('(bbs)', [false, false, full]), full]];
        if (area) {
            const part = GLib.build_filenamev([dir, `${name}-area.png`]);
            calls.push(['ScreenshotArea', new GLib.Variant('(iiiibs)', [...area, false, part]), part]);
        }
        for (const [method, args, file] of calls) {
            const reply = await this.session.sessionBus.call('org.gnome.Shell.Screenshot', '/org/gnome/Shell/Screenshot',
                'org.gnome.Shell.Screenshot', method, args,
                new GLib.VariantType('(bs)'), Gio.DBusCallFlags.NONE, 10000, null);
            const [ok] = reply.deepUnpack<[boolean, string]>();
            if (!ok)
                throw new Error(`${method} into ${file} failed`);
        }
        return calls.map(([, , file]) => file);
    }

    async stop(): Promise<void> {
        await this.service.stop();
    }
}
