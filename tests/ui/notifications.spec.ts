// Background mode end to end: the installed app runs with --background in a
// GNOME Shell session, the daemon reports a pool getting worse, the Shell
// shows the app's notification once, and its action opens the app on that
// pool. Then compression jobs: the result with Show in Files (the real
// Files) and Undo, done as the user.
import GLib from 'gi://GLib';
import { readDaemon } from '../../src/shared/daemon-client.js';
import { check, run, waitFor, writeFile } from '../harness/process.js';
import { TestSession } from '../harness/session.js';
import { TestShell } from '../harness/shell.js';
import { TestSystem } from '../harness/system.js';

interface Shown {
    readonly title: string;
    readonly body: string;
}

// Only the app's own: the Shell posts some of its own in a test session.
const NOTIFICATIONS = `(() => {
    const out = [];
    for (const source of Main.messageTray.getSources())
        if (source.title === 'SigmaVault Settings')
            for (const n of source.notifications)
                out.push({ title: n.title ?? '', body: n.body ?? '' });
    return out;
})()`;

function readText(path: string): string {
    return new TextDecoder().decode(GLib.file_get_contents(path)[1]);
}

/** The app's notifications with their buttons. */
const NOTICES_WITH_ACTIONS = `(() => {
    const out = [];
    for (const source of Main.messageTray.getSources())
        if (source.title === 'SigmaVault Settings')
            for (const n of source.notifications)
                out.push({ title: n.title ?? '', body: n.body ?? '', actions: (n.actions ?? []).map(a => a.label) });
    return out;
})()`;

/** Activates the button \`label\` of the app's notification titled \`title\`. */
function pressButton(title: string, label: string): string {
    return `(() => {
        const n = Main.messageTray.getSources().flatMap(s => s.notifications).find(x => x.title === ${JSON.stringify(title)});
        n.actions.find(a => a.label === ${JSON.stringify(label)}).activate();
        return true;
    })()`;
}

const WINDOW_TITLES = `global.get_window_actors().filter(a => a.is_mapped()).map(a => a.meta_window.get_title())`;

describe('pool health notifications', () => {
    let system: TestSystem | null = null;
    let session: TestSession | null = null;
    let shell: TestShell | null = null;
    let disks: string[] = [];

    const shown = async (): Promise<Shown[]> => await shell?.eval(NOTIFICATIONS) as Shown[];
    const degradedNotices = async (): Promise<Shown[]> =>
        (await shown()).filter(n => n.title === 'Pool tank is degraded');

    beforeAll(async () => {
        system = await TestSystem.start();
        disks = await system.createPool('tank', 'mirror', 2);
        session = await TestSession.start('notifications');
        shell = await TestShell.start(session, []);
        session.spawn('settings-background', ['sigmavault-settings', '--background'], {
            ...TestShell.clientEnv(), GSETTINGS_BACKEND: 'memory',
        });
        await waitFor('the app to run in the background', async () => {
            const owned = await shell?.eval(`Gio.DBus.session.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                'org.freedesktop.DBus', 'NameHasOwner', new GLib.Variant('(s)', ['com.sigmavault.Settings']),
                null, Gio.DBusCallFlags.NONE, -1, null).deepUnpack()[0]`);
            return owned === true;
        }, 30000, 250);
    }, 180000);

    afterAll(async () => {
        await shell?.stop();
        await session?.stop();
        await system?.stop();
    }, 60000);

    it('posts nothing while the pool is healthy', async () => {
        // The Shell's own notices (unsafe mode, root session) would hide ours.
        await shell?.eval(`for (const s of Main.messageTray.getSources()) s.destroy(); true`);
        // One refresh cycle of the daemon passes before we look.
        await new Promise(r => setTimeout(r, 2000));
        expect(await shown()).toEqual([]);
    });

    it('posts "Pool tank is degraded" once when a device goes offline', async () => {
        await system?.zpool('offline', 'tank', disks[1] ?? '');
        const [notice] = await waitFor('the notification', async () => {
            const n = await degradedNotices();
            return n.length > 0 ? n : undefined;
        }, 15000, 250);
        // The body says what to do, in ZFS's own words for this state.
        expect(notice?.body).toContain('zpool online');
        // The notification list under the clock shows it as the user finds it.
        await shell?.eval(`for (const s of Main.messageTray.getSources())
                if (s.title !== 'SigmaVault Settings') s.destroy();
            Main.panel.statusArea.dateMenu.menu.open(0); true`);
        await shell?.screenshot('notification-degraded', [240, 0, 800, 420]);
        await shell?.eval('Main.panel.statusArea.dateMenu.menu.close(0); true');
        // Never a storm: the daemon keeps reporting the same state.
        await new Promise(r => setTimeout(r, 4000));
        expect((await degradedNotices()).length).toBe(1);
    }, 60000);

    const daemonSays = async (health: string): Promise<void> => {
        await waitFor(`the daemon to report tank ${health}`, async () => {
            const pools = (await readDaemon((system as TestSystem).systemBus)).pools;
            return pools.find(p => p.name === 'tank')?.health === health;
        }, 10000, 100);
        // PropertiesChanged reaches the app a moment later.
        await new Promise(r => setTimeout(r, 1000));
    };

    it('withdraws the notice when the pool heals', async () => {
        await system?.zpool('online', 'tank', disks[1] ?? '');
        await daemonSays('ONLINE');
        await waitFor('the notice to be withdrawn', async () => (await degradedNotices()).length === 0, 15000, 250);
    }, 60000);

    it('posts again when the pool degrades again', async () => {
        await system?.zpool('offline', 'tank', disks[1] ?? '');
        await daemonSays('DEGRADED');
        await waitFor('a new notice', async () => (await degradedNotices()).length === 1, 15000, 250);
    }, 60000);

    it('dismisses the alert from the notification\'s Dismiss button', async () => {
        await shell?.eval(`(() => {
            const n = Main.messageTray.getSources().flatMap(s => s.notifications)
                .find(x => x.title === 'Pool tank is degraded');
            n.actions.find(a => a.label === 'Dismiss').activate();
            return true;
        })()`);
        await waitFor('the alert to be dismissed', async () => {
            const out = await check(['gdbus', 'call', '--system', '--dest', 'com.sigmavault.Daemon', '--object-path',
                '/com/sigmavault/Daemon/alerts/pool_2dunhealthy_3atank', '--method', 'org.freedesktop.DBus.Properties.Get',
                'com.sigmavault.Alert1', 'Dismissed']);
            return out.includes('true');
        }, 10000, 250);
        await waitFor('the notice to be withdrawn', async () => (await degradedNotices()).length === 0, 10000, 250);
        // Dismissed is remembered: bring the notice back for the next spec.
        await check(['gdbus', 'call', '--system', '--dest', 'com.sigmavault.Daemon', '--object-path',
            '/com/sigmavault/Daemon/alerts/pool_2dunhealthy_3atank', '--method', 'com.sigmavault.Alert1.Restore', '{}']);
        await waitFor('the notice again', async () => (await degradedNotices()).length === 1, 10000, 250);
    }, 60000);

    it('opens SigmaVault Settings on the pool from the notification', async () => {
        await shell?.eval(`(() => {
            const n = Main.messageTray.getSources().flatMap(s => s.notifications)
                .find(x => x.title === 'Pool tank is degraded');
            n.activate();
            return true;
        })()`);
        const titles = await waitFor('the app window on tank', async () => {
            const t = await shell?.eval(WINDOW_TITLES) as string[];
            return t.includes('tank — SigmaVault Settings') ? t : undefined;
        }, 20000, 250);
        expect(titles).toContain('tank — SigmaVault Settings');
        // Give the new window its first frames before the picture.
        await new Promise(r => setTimeout(r, 1500));
        await shell?.screenshot('notification-opened-pool');
    }, 60000);

    it('offers Start Scrub on a device-errors notice, and the button starts one', async () => {
        const data = await system?.createPool('data', 'mirror', 2, 256) ?? [];
        await check(['dd', 'if=/dev/urandom', 'of=/data/file', 'bs=1M', 'count=100', 'status=none']);
        await check(['sync']);
        // Overwrite the middle of one side (away from the ZFS labels), then
        // let a scrub find it.
        await check(['dd', 'if=/dev/urandom', `of=${data[0] ?? ''}`, 'bs=1M', 'seek=64', 'count=128',
            'conv=notrunc', 'status=none']);
        await check(['sigmavaultctl', 'pool', 'scrub', 'data', '--wait']);
        const title = 'A device of pool data reports errors';
        await waitFor('the device-errors notice', async () => (await shown()).some(n => n.title === title), 30000, 250);
        const before = (await check(['sigmavaultctl', 'job', 'list'])).split('\n').filter(l => l.includes('data')).length;
        await shell?.eval(`(() => {
            const n = Main.messageTray.getSources().flatMap(s => s.notifications).find(x => x.title === ${JSON.stringify(title)});
            n.actions.find(a => a.label === 'Start Scrub').activate();
            return true;
        })()`);
        await waitFor('a second scrub of data', async () =>
            (await check(['sigmavaultctl', 'job', 'list'])).split('\n').filter(l => l.includes('data')).length > before,
        20000, 250);
    }, 120000);

    describe('when a compression job ends', () => {
        interface Notice { title: string; body: string; actions: string[] }
        const notices = async (): Promise<Notice[]> => await shell?.eval(NOTICES_WITH_ACTIONS) as Notice[];
        const noticeTitled = (title: string): Promise<Notice> => waitFor(`the notification "${title}"`, async () =>
            (await notices()).find(n => n.title === title), 30000, 250);
        let documents = '';
        let trash = '';
        const text = 'Family photo index: 2019, 2020, 2021, summer, winter, birthdays.\n'.repeat(4000);

        beforeAll(async () => {
            const env = (session as TestSession).envRecord();
            documents = GLib.build_filenamev([env.HOME ?? '', 'Documents']);
            trash = GLib.build_filenamev([env.XDG_DATA_HOME ?? '', 'Trash', 'files']);
            GLib.mkdir_with_parents(documents, 0o755);
            await shell?.eval('for (const s of Main.messageTray.getSources()) s.destroy(); true');
        });

        it('says "Compressed 1 file" with the sizes, and Undo moves the copy to the Trash, the original untouched', async () => {
            const file = GLib.build_filenamev([documents, 'index.txt']);
            writeFile(file, text);
            await check(['sigmavaultctl', 'compress', file, '--wait']);
            const notice = await noticeTitled('Compressed 1 file');
            expect(notice.body).toMatch(/ → .* \(\d+ % smaller\)$/);
            expect(notice.actions).toEqual(['Show in Files', 'Undo']);
            await shell?.eval('Main.panel.statusArea.dateMenu.menu.open(0); true');
            await shell?.screenshot('notification-compressed', [240, 0, 800, 420]);
            await shell?.eval('Main.panel.statusArea.dateMenu.menu.close(0); true');

            await shell?.eval(pressButton('Compressed 1 file', 'Undo'));
            await waitFor('the copy to be in the Trash', () => GLib.file_test(`${trash}/index.txt.zst`, GLib.FileTest.IS_REGULAR), 15000, 250);
            expect(GLib.file_test(`${file}.zst`, GLib.FileTest.EXISTS)).toBeFalse();
            expect(readText(file)).toBe(text);
            await noticeTitled('Undone');
        }, 120000);

        it('Undo after Compress and Replace Originals decompresses the original back, byte for byte', async () => {
            const file = GLib.build_filenamev([documents, 'letters.txt']);
            writeFile(file, text);
            await check(['sigmavaultctl', 'compress', file, '--replace', '--wait']);
            expect(GLib.file_test(file, GLib.FileTest.EXISTS)).toBeFalse();
            const notice = await waitFor('the notification of letters.txt', async () =>
                (await notices()).find(n => n.title === 'Compressed 1 file' && n.actions.includes('Undo')), 30000, 250);
            expect(notice.actions).toEqual(['Show in Files', 'Undo']);
            await shell?.eval(pressButton('Compressed 1 file', 'Undo'));
            await waitFor('letters.txt to be back', () => GLib.file_test(file, GLib.FileTest.IS_REGULAR) &&
                !GLib.file_test(`${file}.zst`, GLib.FileTest.EXISTS), 60000, 250);
            expect(readText(file)).toBe(text);
            // The decompression that undid it is announced too.
            await noticeTitled('Decompressed 1 file');
        }, 120000);

        it('Show in Files opens the folder in the real Files (org.freedesktop.FileManager1.ShowItems)', async () => {
            session?.spawn('nautilus', ['nautilus', '--gapplication-service'], { ...TestShell.clientEnv(), GSETTINGS_BACKEND: 'memory' });
            const file = GLib.build_filenamev([documents, 'budget.txt']);
            writeFile(file, text);
            await check(['sigmavaultctl', 'compress', file, '--wait']);
            await waitFor('the notification of budget.txt', async () =>
                (await notices()).some(n => n.title === 'Compressed 1 file'), 30000, 250);
            await shell?.eval(pressButton('Compressed 1 file', 'Show in Files'));
            const titles = await waitFor('a Files window on Documents', async () => {
                const t = await shell?.eval(WINDOW_TITLES) as string[];
                return t.some(x => x.startsWith('Documents')) ? t : undefined;
            }, 45000, 500);
            expect(titles.some(x => x.startsWith('Documents'))).toBeTrue();
            await new Promise(r => setTimeout(r, 1500));
            await shell?.screenshot('notification-show-in-files');
        }, 120000);

        it('says why, when Files hands over a request the daemon refused (job-refused)', async () => {
            const file = GLib.build_filenamev([documents, 'index.txt']);
            // What the Files module sends (tests/integration/nautilus-provider.spec.ts checks that it does).
            await check(['gdbus', 'call', '--session', '--dest', 'com.sigmavault.Settings', '--object-path', '/com/sigmavault/Settings',
                '--method', 'org.freedesktop.Application.ActivateAction', 'job-refused',
                `[<('Compress', '${file}', '${file}.zst already exists; nothing would be overwritten. Move or rename it first.')>]`, '{}'],
            { env: (session as TestSession).envRecord() });
            const notice = await noticeTitled('Could not compress index.txt');
            expect(notice.body).toBe(`${file}.zst already exists; nothing would be overwritten. Move or rename it first.`);
        }, 60000);

        it('on a failure says why in words, and Show Details opens the job in SigmaVault Settings', async () => {
            // A real .zst, its original gone, with a byte flipped in the middle: decoding it fails.
            const source = GLib.build_filenamev([documents, 'damaged.txt']);
            writeFile(source, text);
            await check(['zstd', '-q', '--rm', '--', source]);
            const file = `${source}.zst`;
            const [, bytes] = GLib.file_get_contents(file);
            bytes[Math.floor(bytes.length / 2)] ^= 0xff;
            GLib.file_set_contents(file, bytes);
            const r = await run(['sigmavaultctl', 'verify', file, '--wait']);
            expect(r.status).withContext(r.stdout).not.toBe(0);
            const notice = await noticeTitled('damaged.txt.zst failed verification');
            expect(notice.actions).toEqual(['Show Details']);
            expect(notice.body).toContain('damaged.txt.zst');
            expect(notice.body).not.toMatch(/GDBus|Error:|undefined/);
            // Files from the spec before would cover the window.
            await shell?.eval(`global.get_window_actors().map(a => a.meta_window)
                .filter(w => w.get_title()?.startsWith('Documents')).forEach(w => w.delete(global.get_current_time())); true`);
            await shell?.eval(pressButton('damaged.txt.zst failed verification', 'Show Details'));
            await waitFor('SigmaVault Settings on the job', async () =>
                (await shell?.eval(WINDOW_TITLES) as string[]).includes('Compression — SigmaVault Settings'), 20000, 250);
            await new Promise(resolve => setTimeout(resolve, 1500));
            await shell?.screenshot('notification-failure-details');
        }, 60000);

        it('clicking the notification opens the job\'s details in SigmaVault Settings', async () => {
            const file = GLib.build_filenamev([documents, 'summary.txt']);
            writeFile(file, text);
            await check(['sigmavaultctl', 'compress', file, '--wait']);
            await noticeTitled('Compressed 1 file');
            await shell?.eval(`(() => {
                const n = Main.messageTray.getSources().flatMap(s => s.notifications).find(x => x.title === 'Compressed 1 file');
                n.activate();
                return true;
            })()`);
            await waitFor('the Compression page', async () =>
                (await shell?.eval(WINDOW_TITLES) as string[]).includes('Compression — SigmaVault Settings'), 20000, 250);
            await new Promise(r => setTimeout(r, 1500));
            await shell?.screenshot('notification-job-details');
        }, 60000);
    });
});
