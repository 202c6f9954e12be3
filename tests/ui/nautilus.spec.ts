// The Files context menu in the real Nautilus 48, under Xvfb (GTK on X11),
// with the module installed by `meson install` into /usr: sigmavaultd is
// D-Bus activated on the test system bus and /tank is a zfs-fuse mirror.
// First this test stands in for SigmaVault Settings on the session bus, to
// see exactly which action the menu item activates; then it lets the real
// SigmaVault Settings be D-Bus activated by the same item. The menu is
// driven with xdotool (XTEST, no window manager) and photographed with
// ImageMagick's import into $SIGMAVAULT_ARTIFACTS/screenshots/.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME } from '../../src/shared/dbus-names.js';
import { artifactsDir, check, type Service, sleep, waitFor, writeFile } from '../harness/process.js';
import { TestSession } from '../harness/session.js';
import { SettingsStandIn } from '../harness/settings-stand-in.js';
import { TestSystem } from '../harness/system.js';

const MODULE = '/nautilus/extensions-4/libsigmavault-nautilus.so';
const REGISTERED = 'SigmaVault: Files menu provider SigmaVaultMenuProvider registered';
const FILE = '/tank/report.txt';
/** Sorts before report.txt: the view's first item. */
const OTHER_FILE = '/tank/a-notes.txt';

function readText(path: string): string {
    try {
        return new TextDecoder().decode(GLib.file_get_contents(path)[1]);
    } catch {
        return '';
    }
}

describe('the Files context menu in a real Nautilus 48 under Xvfb', () => {
    let sys: TestSystem;
    let session: TestSession;
    let settings: SettingsStandIn;
    let nautilus: Service;
    let logPath = '';
    let screenshots = '';

    const log = (): string => readText(logPath);
    const x = (...argv: string[]): Promise<string> => check(argv, { env: session.envRecord() });

    async function screenshot(name: string): Promise<string> {
        const file = GLib.build_filenamev([screenshots, name]);
        await x('import', '-window', 'root', file);
        return file;
    }

    /** Ids of the visible top-level X windows whose name matches `pattern`. */
    async function windows(pattern: string): Promise<string[]> {
        try {
            return (await x('xdotool', 'search', '--onlyvisible', '--name', pattern)).split('\n').filter(l => l !== '');
        } catch {
            return []; // xdotool exits 1 when nothing matches
        }
    }

    beforeAll(async () => {
        screenshots = GLib.build_filenamev([artifactsDir(), 'screenshots']);
        GLib.mkdir_with_parents(screenshots, 0o755);
        sys = await TestSystem.start();
        await sys.createPool('tank', 'mirror', 2);
        // An earlier version in a snapshot, for "Restore Previous Version…".
        writeFile(FILE, 'last quarter\n');
        await sys.zfs('snapshot', 'tank@before');
        // Big enough to shrink (tiny files are skipped).
        writeFile(FILE, 'quarterly numbers, region by region\n'.repeat(100));
        writeFile(OTHER_FILE, 'notes\n');
        session = await TestSession.start('nautilus', { display: true });
        settings = await SettingsStandIn.start(session.sessionBus);
        logPath = session.logPath('nautilus');
        // The launcher writes over an old log without truncating it: start empty,
        // so that only this run's lines can match.
        GLib.unlink(logPath);
        // Debug output of the module (domain SigmaVault) and of the provider
        // (GJS console) goes to the log this test reads.
        // One stream into the log (`2>&1`), so that GLib's messages (stdout)
        // and warnings (stderr) cannot overwrite each other in the file.
        nautilus = session.spawn('nautilus', ['sh', '-c', 'exec "$0" "$@" 2>&1', 'nautilus', '--select', FILE], {
            G_MESSAGES_DEBUG: 'SigmaVault Gjs-Console',
            GDK_BACKEND: 'x11',
            XDG_SESSION_TYPE: 'x11',
        });
    });

    afterAll(async () => {
        await settings?.stop().catch(() => undefined);
        await session?.stop();
        if (sys) {
            await sys.stopDaemon().catch(() => undefined);
            await sys.destroyPool('tank').catch(() => undefined);
            await sys.stop();
        }
    });

    it('loads libsigmavault-nautilus.so and GJS into the nautilus process, and the module registers SigmaVaultMenuProvider', async () => {
        await waitFor('the module\'s "registered" message in the nautilus log', () => log().includes(REGISTERED), 45000, 200);
        const maps = readText(`/proc/${nautilus.pid}/maps`);
        expect(maps.includes(MODULE)).withContext(`${MODULE} in /proc/${nautilus.pid}/maps`).toBeTrue();
        expect(/libgjs\.so/.test(maps)).withContext(`libgjs in /proc/${nautilus.pid}/maps`).toBeTrue();
        expect(log()).not.toContain('SigmaVault: could not');
    });

    it('the provider inside Nautilus D-Bus activates sigmavaultd and receives its mount table', async () => {
        await waitFor('sigmavaultd on the system bus', () => sys.hasOwner(BUS_NAME), 20000, 200);
        await waitFor('the provider to log the mounts it knows', () => /[1-9]\d* ZFS mount\(s\) known/.test(log()), 20000, 200);
        expect(log()).not.toContain('cannot reach the SigmaVault service');
    });

    /** Gives the Files window on /tank the keyboard (there is no window manager). */
    async function focusFiles(): Promise<void> {
        const [window] = await waitFor('the Files window on /tank', async () => {
            const ids = await windows('^tank$');
            return ids.length > 0 ? ids : undefined;
        }, 45000, 250);
        // The pointer stays off the menu, so that only the keyboard selects.
        await x('xdotool', 'mousemove', '1270', '790', 'windowfocus', '--sync', window ?? '');
        await sleep(300);
    }

    /** Opens the context menu of the selection with Shift+F10. */
    async function openMenu(): Promise<void> {
        const before = (await windows('.')).length;
        await x('xdotool', 'key', '--clearmodifiers', 'shift+F10');
        await waitFor('the context menu popup', async () => (await windows('.')).length > before, 10000, 100);
        await sleep(500); // let the popover finish drawing
    }

    /**
     * Moves to one of our items and activates it. Extension items are the
     * section just above Properties, the last item: Up from the first item
     * wraps to Properties, Up again is "Show in SigmaVault", once more
     * "Restore Previous Version…" (the screenshot shows which).
     */
    async function chooseItem(ups: number, shot: string): Promise<void> {
        for (let i = 0; i < ups; i++)
            await x('xdotool', 'key', 'Up');
        await sleep(300);
        await screenshot(shot);
        await x('xdotool', 'key', 'Return');
    }
    const chooseShowInSigmaVault = (shot: string): Promise<void> => chooseItem(2, shot);
    const chooseRestorePreviousVersion = (shot: string): Promise<void> => chooseItem(3, shot);

    it(`Shift+F10 on the selected ${FILE} opens the real context menu and Nautilus gets "Show in SigmaVault" from the provider`, async () => {
        await focusFiles();
        // Files builds the menu of a selection when the selection changes; the
        // provider learns the mounts asynchronously after Files started with
        // report.txt already selected. Select it again, as a user would.
        await x('xdotool', 'key', 'Home');
        await sleep(300);
        await x('xdotool', 'key', 'End');
        await sleep(500);
        await screenshot('nautilus-tank.png');
        await openMenu();
        expect(log()).toContain(`offering "Show in SigmaVault" for ${FILE}`);
        expect(log()).toContain(`offering "Restore Previous Version…" for ${FILE}`);
        const shot = await screenshot('nautilus-context-menu.png');
        expect(GLib.file_test(shot, GLib.FileTest.EXISTS)).toBeTrue();
    });

    it('choosing it in that menu with the keyboard asks the daemon and activates show-pool \'tank\' on SigmaVault Settings', async () => {
        await chooseShowInSigmaVault('nautilus-context-menu-item.png');
        await waitFor('ActivateAction on the Settings stand-in', () => settings.calls.length > 0, 15000, 100);
        expect(settings.calls).toEqual([{ action: 'show-pool', parameter: ['tank'] }]);
    });

    it('"Restore Previous Version…" in that menu activates previous-versions with the file\'s path', async () => {
        settings.calls.length = 0;
        await focusFiles();
        await openMenu();
        await chooseRestorePreviousVersion('nautilus-context-menu-versions.png');
        await waitFor('ActivateAction on the Settings stand-in', () => settings.calls.length > 0, 15000, 100);
        expect(settings.calls).toEqual([{ action: 'previous-versions', parameter: [new TextEncoder().encode(FILE)] }]);
    });

    it('the "SigmaVault" submenu (above "Restore Previous Version…") opens with Compress and Compress and Replace Originals for report.txt', async () => {
        await focusFiles();
        await openMenu();
        for (let i = 0; i < 4; i++)
            await x('xdotool', 'key', 'Up');
        await sleep(300);
        await screenshot('nautilus-context-menu-sigmavault.png');
        expect(log()).toContain('offering the SigmaVault submenu for 1 item(s) (compress true, decompress false, verify false)');
        // Return opens the submenu; its first row is the way back ("SigmaVault").
        await x('xdotool', 'key', 'Return');
        await sleep(600);
        await screenshot('nautilus-sigmavault-submenu.png');
        await x('xdotool', 'key', 'Down');
        await sleep(300);
        await screenshot('nautilus-sigmavault-submenu-compress.png');
    });

    it('Compress in it starts a real job on the real daemon, as the user Files runs as: report.txt.zst appears beside report.txt', async () => {
        const text = readText(FILE);
        settings.calls.length = 0;
        await x('xdotool', 'key', 'Return');
        await waitFor('the provider to start the job', () => log().includes(`Compress of ${FILE} started as /com/sigmavault/`),
            15000, 100);
        // SigmaVault Settings is handed the job, to post its notification when it ends.
        const job = new RegExp(`Compress of ${FILE} started as (/com/sigmavault/Daemon/jobs/\\d+)`).exec(log())?.[1];
        await waitFor('watch-job on the Settings stand-in', () => settings.calls.length > 0, 15000, 100);
        expect(settings.calls).toEqual([{ action: 'watch-job', parameter: [job] }]);
        await waitFor(`${FILE}.zst`, () => GLib.file_test(`${FILE}.zst`, GLib.FileTest.IS_REGULAR), 60000, 200);
        expect(await check(['zstd', '-dc', '--', `${FILE}.zst`])).toBe(text);
        expect(readText(FILE)).toBe(text);
        await sleep(1000); // Files shows the new file
        await screenshot('nautilus-compressed.png');
    });

    it('on report.txt.zst the submenu has Decompress and Verify instead, and Verify runs a real job on it', async () => {
        await focusFiles();
        // report.txt.zst is the view's last item; End selects it.
        await x('xdotool', 'key', 'End');
        await sleep(500);
        await openMenu();
        for (let i = 0; i < 4; i++)
            await x('xdotool', 'key', 'Up');
        await x('xdotool', 'key', 'Return');
        await sleep(600);
        await x('xdotool', 'key', 'Down', 'Down');
        await sleep(300);
        await screenshot('nautilus-sigmavault-submenu-zst.png');
        expect(log()).toContain('offering the SigmaVault submenu for 1 item(s) (compress false, decompress true, verify true)');
        await x('xdotool', 'key', 'Return');
        await waitFor('the provider to start the Verify job', () => log().includes(`Verify of ${FILE}.zst started as /com/sigmavault/`),
            15000, 100);
        // Back to report.txt (just before it), which the next cases use.
        await x('xdotool', 'key', 'Left');
        await sleep(500);
        await screenshot('nautilus-reselected.png');
    });

    it('with the stand-in gone, the same item D-Bus activates the real SigmaVault Settings, which opens a window', async () => {
        await settings.stop();
        // The session bus started before Xvfb: activated programs need DISPLAY.
        await session.sessionBus.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'UpdateActivationEnvironment', new GLib.Variant('(a{ss})', [session.envRecord()]), null,
            Gio.DBusCallFlags.NONE, -1, null);
        await focusFiles();
        await openMenu();
        await chooseShowInSigmaVault('nautilus-context-menu-item-2.png');
        await waitFor('a SigmaVault Settings window', async () => (await windows('SigmaVault Settings$')).length > 0,
            30000, 250);
    });

    it('the real SigmaVault Settings, started that way, shows pool tank (window title "tank — SigmaVault Settings")', async () => {
        try {
            // SigmaVault Settings titles its window after the pool it shows.
            await waitFor('the SigmaVault Settings window to show tank',
                async () => (await windows('^tank — SigmaVault Settings$')).length > 0, 10000, 250);
            await sleep(1000); // let it draw the pool
        } finally {
            await screenshot('settings-opened-from-files.png');
            const names = await Promise.all((await windows('.')).map(id => x('xdotool', 'getwindowname', id)));
            print(`# visible windows: ${names.map(n => JSON.stringify(n.trim())).join(', ')}`);
        }
    });

    it('"Restore Previous Version…" opens the Previous Versions dialog of the real SigmaVault Settings, which reads the snapshots', async () => {
        const daemonLog = GLib.build_filenamev([sys.logDir, 'system-bus.log']);
        const browsed = (): number => (readText(daemonLog).match(/snapshot\.browse by uid \d+ \(\S+\) on tank: succeeded/g) ?? []).length;
        const before = browsed();
        await focusFiles();
        await openMenu();
        await chooseRestorePreviousVersion('nautilus-context-menu-versions-2.png');
        // The app asked the daemon for the snapshots of tank: its dialog is
        // loading them. (What the dialog then shows is photographed by the
        // previous-versions-dialog spec: here, under Xvfb with no window
        // manager, the app's dialog fade-in does not advance, so a picture
        // would show its first frame.)
        try {
            await waitFor('the app to read the snapshots of tank', () => browsed() > before, 30000, 250);
        } catch (e) {
            await screenshot('settings-previous-versions-from-files-failed.png');
            throw e;
        }
    });
});

describe('the Files module in a real Nautilus 48 when the provider cannot be loaded', () => {
    let session: TestSession;
    let nautilus: Service;
    let logPath = '';
    const missing = '/nonexistent/menu-provider.js';

    beforeAll(async () => {
        session = await TestSession.start('nautilus-broken', { display: true });
        logPath = session.logPath('nautilus');
        GLib.unlink(logPath);
        // The module's test-only override of the provider's path.
        nautilus = session.spawn('nautilus', ['sh', '-c', 'exec "$0" "$@" 2>&1', 'nautilus', '/etc'], {
            SIGMAVAULT_NAUTILUS_JS: missing,
            GDK_BACKEND: 'x11',
            XDG_SESSION_TYPE: 'x11',
        });
    });

    afterAll(async () => {
        await session?.stop();
    });

    it('logs what failed, registers no provider, and Files opens its window all the same', async () => {
        await waitFor('the module\'s warning in the nautilus log',
            () => readText(logPath).includes(`SigmaVault: could not load ${missing}`), 45000, 200);
        await waitFor('the Files window on /etc', async () => {
            try {
                return (await check(['xdotool', 'search', '--onlyvisible', '--name', '^etc$'], { env: session.envRecord() })) !== '';
            } catch {
                return false;
            }
        }, 45000, 250);
        expect(readText(logPath)).not.toContain(REGISTERED);
        expect(readText(`/proc/${nautilus.pid}/maps`).includes(MODULE)).toBeTrue();
    });
});
