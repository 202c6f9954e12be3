// The top-bar indicator in a real GNOME Shell 48 (--headless, Wayland, a
// virtual monitor) on a private session bus, with sigmavaultd D-Bus activated
// on the test system bus and a zfs-fuse mirror pool. The test reads what the
// indicator shows through org.gnome.Shell.Eval and saves screenshots.
//
// Eval and Screenshot answer only in unsafe mode, which a helper extension
// written here switches on. Both extensions are enabled through GSettings'
// keyfile backend: a file in the session's XDG_CONFIG_HOME that the Shell
// reads at start-up (the harness's memory backend would not reach it).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { artifactsDir, type Service, waitFor, writeFile } from '../harness/process.js';
import { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';

const UUID = 'sigmavault@sigmavault.com';
const HELPER_UUID = 'sigmavault-test-unsafe-mode@sigmavault.com';
const ICON_HEALTHY = 'drive-multidisk-symbolic';
const ICON_DEGRADED = 'dialog-warning-symbolic';

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

/** GSettings keyfile: both extensions on, no animations, no welcome tour. */
const SETTINGS_KEYFILE = `[org/gnome/shell]
enabled-extensions=['${UUID}', '${HELPER_UUID}']
welcome-dialog-last-shown-version='999'

[org/gnome/desktop/interface]
enable-animations=false
`;

/** What the indicator shows, as read inside the Shell. */
interface IndicatorView {
    readonly extensionState: number;
    readonly extensionError: string;
    readonly present: boolean;
    readonly iconName: string;
    readonly iconOpacity: number;
    readonly accessibleName: string;
    /** Every labelled menu row, in order: [label, icon name or ''] */
    readonly rows: readonly (readonly [string, string])[];
}

// Runs inside the Shell (shellDBus.js's module scope, where Main is imported).
const READ_INDICATOR = `(() => {
    const ext = Main.extensionManager.lookup('${UUID}');
    const view = {
        extensionState: ext ? ext.state : -1,
        extensionError: ext && ext.error ? String(ext.error) : '',
        present: false, iconName: '', iconOpacity: 0, accessibleName: '', rows: [],
    };
    const indicator = Main.panel.statusArea['${UUID}'];
    if (!indicator)
        return view;
    view.present = indicator.get_parent() !== null && indicator.visible;
    const icon = indicator.get_children().find(c => 'icon_name' in c);
    view.iconName = icon ? icon.icon_name : '';
    view.iconOpacity = icon ? icon.opacity : 0;
    view.accessibleName = indicator.accessible_name;
    const walk = actor => {
        if (!actor.visible)
            return;
        if (actor.label_actor && 'text' in actor.label_actor && actor.label_actor.text !== '') {
            const rowIcon = actor.get_children().find(c => 'icon_name' in c && c.visible);
            view.rows.push([actor.label_actor.text, rowIcon ? rowIcon.icon_name : '']);
            return;
        }
        for (const child of actor.get_children())
            walk(child);
    };
    walk(indicator.menu.box);
    return view;
})()`;

describe('the SigmaVault top-bar indicator in GNOME Shell', () => {
    let system: TestSystem | null = null;
    let session: TestSession | null = null;
    let shell: Service | null = null;
    let devices: string[] = [];

    async function shellEval(code: string): Promise<unknown> {
        if (session === null)
            throw new Error('no session');
        const reply = await session.sessionBus.call('org.gnome.Shell', '/org/gnome/Shell', 'org.gnome.Shell', 'Eval',
            new GLib.Variant('(s)', [code]), new GLib.VariantType('(bs)'), Gio.DBusCallFlags.NONE, 10000, null);
        const [ok, json] = reply.deepUnpack<[boolean, string]>();
        if (!ok)
            throw new Error(`Shell Eval refused or failed: ${json === '' ? '(unsafe mode is off)' : json}`);
        return json === '' ? undefined : JSON.parse(json) as unknown;
    }

    async function readIndicator(): Promise<IndicatorView> {
        return await shellEval(READ_INDICATOR) as IndicatorView;
    }

    /** Waits until the indicator matches `want`; on timeout, says what it showed. */
    async function waitForIndicator(what: string, want: (v: IndicatorView) => boolean, timeoutMs = 10000): Promise<IndicatorView> {
        let last: IndicatorView | null = null;
        try {
            return await waitFor(what, async () => {
                last = await readIndicator();
                return want(last) ? last : undefined;
            }, timeoutMs, 200);
        } catch (e) {
            throw new Error(`${e instanceof Error ? e.message : String(e)}; the indicator showed ${JSON.stringify(last)}`);
        }
    }

    /** Opens the menu, saves a screenshot of the whole screen and one of the top-right corner, closes the menu. */
    async function screenshot(name: string): Promise<string> {
        if (session === null)
            throw new Error('no session');
        const dir = GLib.build_filenamev([artifactsDir(), 'screenshots']);
        GLib.mkdir_with_parents(dir, 0o755);
        // No overview, and no banner (the Shell announces unsafe mode) over the top bar.
        await shellEval(`Main.overview.hide();
            for (const source of Main.messageTray.getSources())
                source.destroy();
            Main.panel.statusArea['${UUID}'].menu.open(0);
            true`);
        // Let the Shell lay out and paint the open menu.
        await waitFor('the menu to be painted', async () =>
            await shellEval(`Main.panel.statusArea['${UUID}'].menu.actor.is_mapped()`) === true, 5000);
        await new Promise<void>(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, 500, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        }));
        const full = GLib.build_filenamev([dir, `shell-indicator-${name}.png`]);
        const corner = GLib.build_filenamev([dir, `shell-indicator-${name}-menu.png`]);
        const calls: [string, GLib.Variant, string][] = [
            ['Screenshot', new GLib.Variant('(bbs)', [false, false, full]), full],
            ['ScreenshotArea', new GLib.Variant('(iiiibs)', [1280 - 520, 0, 520, 360, false, corner]), corner],
        ];
        for (const [method, args, file] of calls) {
            const reply = await session.sessionBus.call('org.gnome.Shell.Screenshot', '/org/gnome/Shell/Screenshot',
                'org.gnome.Shell.Screenshot', method, args,
                new GLib.VariantType('(bs)'), Gio.DBusCallFlags.NONE, 10000, null);
            const [ok] = reply.deepUnpack<[boolean, string]>();
            expect(ok).withContext(`${method} into ${file}`).toBeTrue();
        }
        await shellEval(`Main.panel.statusArea['${UUID}'].menu.close(0); true`);
        return full;
    }

    beforeAll(async () => {
        system = await TestSystem.start();
        devices = await system.createPool('tank', 'mirror', 2);
        session = await TestSession.start('shell-indicator');

        const env = session.envRecord();
        const helperDir = GLib.build_filenamev([env.XDG_DATA_HOME, 'gnome-shell', 'extensions', HELPER_UUID]);
        writeFile(GLib.build_filenamev([helperDir, 'metadata.json']), HELPER_METADATA);
        writeFile(GLib.build_filenamev([helperDir, 'extension.js']), HELPER_SOURCE);
        writeFile(GLib.build_filenamev([env.XDG_CONFIG_HOME, 'glib-2.0', 'settings', 'keyfile']), SETTINGS_KEYFILE);

        shell = session.spawn('gnome-shell',
            ['gnome-shell', '--headless', '--wayland', '--no-x11', '--virtual-monitor', '1280x800'],
            {
                GSETTINGS_BACKEND: 'keyfile',
                // The suite's fatal-criticals is for our code, not the Shell's own start-up noise.
                G_DEBUG: '',
                XDG_SESSION_TYPE: 'wayland',
                XDG_CURRENT_DESKTOP: 'GNOME',
            });
        await waitFor('GNOME Shell to answer Eval (helper extension enabled)', async () => {
            if (shell?.proc.get_identifier() === null)
                throw new Error(`gnome-shell exited; see ${session?.logPath('gnome-shell')}`);
            return await shellEval('true') === true;
        }, 90000, 500);
        const view = await waitForIndicator('the SigmaVault extension to be enabled', v => v.present, 20000);
        expect(view.extensionError).toBe('');
    }, 180000);

    afterAll(async () => {
        await session?.stop();
        await system?.stop();
    }, 60000);

    const isHealthy = (v: IndicatorView): boolean =>
        v.iconName === ICON_HEALTHY && v.iconOpacity === 255 && v.rows.some(([label]) => label.startsWith('tank — Online'));
    const isDegraded = (v: IndicatorView): boolean =>
        v.iconName === ICON_DEGRADED && v.rows.some(([label]) => label.startsWith('tank — Degraded'));

    // Jasmine runs specs in random order: each one brings the mirror into the
    // state it starts from (zpool online/offline of a device already in that
    // state succeeds and changes nothing).

    it('shows a healthy icon and lists tank as Online', async () => {
        await system?.zpool('online', 'tank', devices[0]);
        const view = await waitForIndicator('tank to be listed as Online', isHealthy, 30000);
        expect(view.extensionError).toBe('');
        expect(view.accessibleName).toBe('SigmaVault: all pools online');
        const [label, icon] = view.rows[0];
        expect(label).toMatch(/^tank — Online — \d+ % full$/);
        expect(icon).toBe(ICON_HEALTHY);
        expect(view.rows.map(([l]) => l)).toEqual([label, 'Open SigmaVault Settings']);
        await screenshot('healthy');
    }, 60000);

    it('shows the degraded state within 10 s of zpool offline', async () => {
        await system?.zpool('online', 'tank', devices[0]);
        await waitForIndicator('tank to be listed as Online', isHealthy, 30000);
        await system?.zpool('offline', 'tank', devices[0]);
        const view = await waitForIndicator('the degraded icon', isDegraded, 10000);
        expect(view.iconOpacity).toBe(255);
        expect(view.accessibleName).toBe('SigmaVault: 1 pool needs attention');
        const [label, icon] = view.rows[0];
        expect(label).toMatch(/^tank — Degraded — \d+ % full$/);
        expect(icon).toBe(ICON_DEGRADED);
        await screenshot('degraded');
    }, 60000);

    it('returns to healthy within 10 s of zpool online', async () => {
        await system?.zpool('offline', 'tank', devices[0]);
        await waitForIndicator('the degraded icon', isDegraded, 30000);
        await system?.zpool('online', 'tank', devices[0]);
        const view = await waitForIndicator('the healthy icon again', isHealthy, 10000);
        expect(view.rows[0][0]).toMatch(/^tank — Online — \d+ % full$/);
        expect(view.accessibleName).toBe('SigmaVault: all pools online');
    }, 60000);

    it('takes itself out of the top bar when disabled and comes back when enabled', async () => {
        const disabled = await shellEval(`Main.extensionManager.disableExtension('${UUID}')`);
        expect(disabled).withContext('disableExtension').toBeTrue();
        await waitForIndicator('the indicator to leave the top bar', v => !v.present && v.extensionState !== 1, 10000);
        const enabled = await shellEval(`Main.extensionManager.enableExtension('${UUID}')`);
        expect(enabled).withContext('enableExtension').toBeTrue();
        const view = await waitForIndicator('the indicator to show tank again',
            v => v.present && v.rows.some(([label]) => label.startsWith('tank — ')), 10000);
        expect(view.extensionError).toBe('');
    }, 60000);
});
