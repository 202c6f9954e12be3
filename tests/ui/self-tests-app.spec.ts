// A disk's self-tests in SigmaVault Settings under Xvfb: the Disks page's
// "Self-Tests" row opens the disk's self-test dialog (its log, Start Short /
// Start Long Self-Test), a started test shows its progress and then its
// result. Against the real daemon with the smartctl stand-in
// (tests/harness/disk-stand-ins.ts), with screenshots in light and dark,
// narrow and wide.
import Gtk from 'gi://Gtk?version=4.0';
import Adw from 'gi://Adw?version=1';
import GLib from 'gi://GLib';
import type { PoolStore as PoolStoreType } from '../../src/app/pool-store.js';
import type { SelfTestDialog as SelfTestDialogType } from '../../src/app/self-test-dialog.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import { startDaemonWithDiskStandIns } from '../harness/disk-stand-ins.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, type Service, waitFor, writeFile } from '../harness/process.js';
import { shootVariants, startAppSession } from '../harness/app-session.js';
import type { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, framesPainted, visibleTexts } from '../harness/widgets.js';

interface AppModules {
    PoolStore: typeof PoolStoreType;
    SettingsWindow: typeof SettingsWindowType;
    SelfTestDialog: typeof SelfTestDialogType;
    saveScreenshot: (w: Gtk.Window, path: string) => void;
}

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 760], narrow: [360, 760] } as const;
const SDB = 'HDS721050DLE630_MSK423Y20S3HBC';

describe('SigmaVault Settings: disk self-tests', () => {
    let sys: TestSystem;
    let session: TestSession;
    let daemon: Service;
    let dir: string;
    let app: AppModules;
    let store: PoolStoreType;
    let win: SettingsWindowType;
    let dialog: SelfTestDialogType | null = null;

    const texts = (): string[] => (dialog ? visibleTexts(dialog) : []);
    const shows = (pattern: RegExp) => (): boolean => texts().some(t => pattern.test(t));

    async function shoot(name: string): Promise<string[]> {
        return shootVariants({
            create: () => new app.SettingsWindow(null, store), sizes: SIZES, save: app.saveScreenshot,
            prepare: async shot => {
                shot.showSection(':disks');
                const d = new app.SelfTestDialog(store, SDB);
                d.present(shot);
                await waitFor('the dialog to map', () => d.get_mapped() || undefined, 5000, 20);
            },
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `settings-${name}-${size}-${scheme}.png`]),
        });
    }

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start({ zfs: false });
        ({ daemon, dir } = await startDaemonWithDiskStandIns(sys, 'sigmavaultd-self-tests-app', 0,
            { SIGMAVAULT_SELFTEST_POLL: '0.3' }));
        session = await startAppSession('self-tests-app');
        const [storeModule, windowModule, dialogModule, shotModule] = await Promise.all([
            import(installedModule('app/pool-store.js')) as Promise<{ PoolStore: typeof PoolStoreType }>,
            import(installedModule('app/window.js')) as Promise<{ SettingsWindow: typeof SettingsWindowType }>,
            import(installedModule('app/self-test-dialog.js')) as Promise<{ SelfTestDialog: typeof SelfTestDialogType }>,
            import(installedModule('app/screenshot.js')) as Promise<{ saveScreenshot: AppModules['saveScreenshot'] }>,
        ]);
        app = { ...storeModule, ...windowModule, ...dialogModule, ...shotModule };
        store = new app.PoolStore();
        await store.connectToDaemon();
        win = new app.SettingsWindow(null, store);
        win.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        win.present();
    });

    afterAll(async () => {
        dialog?.force_close();
        win?.destroy();
        await daemon?.stop();
        await sys?.stop();
        await session?.stop();
    });

    it('offers “Self-Tests” on an open disk, summing up its last test', async () => {
        win.showSection(':disks');
        await waitFor('the disk rows', () => visibleTexts(win).includes('Hitachi HDS721050DLE630') || undefined, 15000);
        const row = findAll(win, Adw.ActionRow).find(r => r.get_mapped() && r.title === 'Self-_Tests' &&
            r.subtitle === 'Last: Short, Passed');
        expect(row).withContext(visibleTexts(win).join('\n')).toBeDefined();
        row?.emit('activated');
        dialog = await waitFor('the self-test dialog', () =>
            findAll(win, app.SelfTestDialog).find(d => d.get_mapped()), 5000, 50);
        await framesPainted(win, 3);
        expect(dialog.title).toBe('Self-Tests of Hitachi HDS721050DLE630');
        expect(texts()).toContain('Self-Tests');
        expect(texts()).toContain('Hitachi HDS721050DLE630');
    });

    it('shows the self-test log, newest first, with the read failures and their first bad block', () => {
        const t = texts();
        expect(t).toContain('Self-Test Log');
        expect(t.filter(x => x === 'Long — Failed').length).toBe(3);
        expect(t.some(x => /^Completed: read failure · at 4 hours · 90\s% left · first bad block 104870168$/.test(x)))
            .withContext(t.join('\n')).toBeTrue();
        expect(t.filter(x => x === 'Short — Passed').length).toBe(18);
    });

    it('starts a short self-test and shows its progress, then its result and the new entry', async () => {
        writeFile(`${dir}/hold-sdb`, '');
        const start = findAll(dialog as Gtk.Widget, Adw.ButtonRow).find(r => r.title === 'Start _Short Self-Test');
        expect(start?.get_mapped()).toBeTrue();
        expect(findAll(dialog as Gtk.Widget, Adw.ButtonRow).find(r => r.title === 'Start _Long Self-Test')?.get_mapped()).toBeTrue();
        start?.emit('activated');
        await waitFor('the progress', shows(/^Self-test running · 10\s% · \d+ s left$/), 10000, 50);
        const cancel = findAll(dialog as Gtk.Widget, Adw.ButtonRow).find(b => b.title === '_Cancel Self-Test');
        expect(cancel?.get_mapped()).toBeTrue();
        expect(start?.get_mapped()).withContext('no second test while one runs').toBeFalse();
        expect(findAll(dialog as Gtk.Widget, Gtk.ProgressBar)[0]?.fraction).toBeCloseTo(0.1, 5);
        expect((await shoot('self-tests-running')).length).toBe(4);

        GLib.unlink(`${dir}/hold-sdb`);
        await waitFor('the result', shows(/^Finished · Short self-test of sdb passed in \d+ s: Completed without error\.$/), 20000, 50);
        await waitFor('the new entry', shows(/^Completed without error · at 56 hours$/), 10000, 50);
        expect(cancel?.get_mapped()).toBeFalse();
        expect(start?.get_mapped()).toBeTrue();
        expect((await shoot('self-tests-done')).length).toBe(4);
    }, 90000);
});
