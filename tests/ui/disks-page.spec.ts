// The Disks page of SigmaVault Settings under Xvfb, against the real daemon
// started directly with recorded smartctl output on its tool search path
// (a D-Bus-activated daemon would not get it; see
// tests/harness/disk-stand-ins.ts), with screenshots in light and dark,
// narrow and wide.
import Gtk from 'gi://Gtk?version=4.0';
import Adw from 'gi://Adw?version=1';
import GLib from 'gi://GLib';
import type { PoolStore as PoolStoreType } from '../../src/app/pool-store.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import { startDaemonWithDiskStandIns } from '../harness/disk-stand-ins.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, check, type Service, waitFor, writeFile } from '../harness/process.js';
import type { TestSession } from '../harness/session.js';
import { shootVariants, startAppSession } from '../harness/app-session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, visibleTexts } from '../harness/widgets.js';

interface AppModules {
    PoolStore: typeof PoolStoreType;
    SettingsWindow: typeof SettingsWindowType;
    saveScreenshot: (w: Gtk.Window, path: string) => void;
}

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 760], narrow: [360, 760] } as const;
const DISKS = ':disks';

describe('SigmaVault Settings: Disks', () => {
    let sys: TestSystem;
    let session: TestSession;
    let daemon: Service;
    let dir: string;
    let app: AppModules;
    let store: PoolStoreType;
    let win: SettingsWindowType;

    const texts = (): string[] => visibleTexts(win);
    const shows = (text: string) => (): boolean => texts().some(t => t.includes(text));

    async function shoot(name: string): Promise<string[]> {
        return shootVariants({
            create: () => new app.SettingsWindow(null, store), sizes: SIZES, save: app.saveScreenshot,
            prepare: shot => {
                shot.showSection(DISKS);
                return Promise.resolve();
            },
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `settings-${name}-${size}-${scheme}.png`]),
        });
    }

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start({ zfs: false });
        ({ daemon, dir } = await startDaemonWithDiskStandIns(sys, 'sigmavaultd-disks-page'));
        session = await startAppSession('disks-page');
        const [storeModule, windowModule, shotModule] = await Promise.all([
            import(installedModule('app/pool-store.js')) as Promise<{ PoolStore: typeof PoolStoreType }>,
            import(installedModule('app/window.js')) as Promise<{ SettingsWindow: typeof SettingsWindowType }>,
            import(installedModule('app/screenshot.js')) as Promise<{ saveScreenshot: AppModules['saveScreenshot'] }>,
        ]);
        app = { ...storeModule, ...windowModule, ...shotModule };
        store = new app.PoolStore();
        await store.connectToDaemon();
        win = new app.SettingsWindow(null, store);
        win.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        win.present();
    });

    afterAll(async () => {
        win?.destroy();
        await daemon?.stop();
        await sys?.stop();
        await session?.stop();
    });

    it('has a Disks section in the sidebar', async () => {
        await waitFor('the sidebar', shows('Disks'), 15000);
        win.showSection(DISKS);
        await waitFor('the disk rows', shows('WDC WD140EDFZ-11A0VA0'), 10000);
        expect(win.title).toBe('Disks — SigmaVault Settings');
    });

    it('lists every disk with size, kind, temperature, pool and verdict', () => {
        const t = texts();
        expect(t).toContain('2 disks need attention.');
        expect(t).toContain('Samsung SSD 970 EVO 500GB');
        expect(t).toContain('Hitachi HDS721050DLE630');
        expect(t.some(x => /^14\.0\sTB · HDD over SATA · 32\s°C · In pool tank \(raidz1-0\)$/.test(x))).withContext(t.join('\n')).toBeTrue();
        expect(t.some(x => /^500\.1\sGB · NVMe · 35\s°C · Not in a pool$/.test(x))).toBeTrue();
        expect(t.filter(x => x === 'Failing').length).toBe(2);
        expect(t).toContain('Passed');
    });

    it('opens failing disks to their reasons and what to do', () => {
        const t = texts();
        expect(t).toContain('The drive found 7 errors in stored data that it could not recover (media errors).');
        expect(t.filter(x => x === 'Back up the data on this disk now and replace the disk.').length).toBe(2);
        expect(t).toContain('Serial Number');
        expect(t).toContain('S466NX0M776250H');
    });

    it('offers a labelled “Check Now” on each open disk', () => {
        const buttons = findAll(win, Gtk.Button).filter(b => b.get_mapped() && b.label === '_Check Now');
        expect(buttons.length).toBe(2);
    });

    it('hands a disk to GNOME Disks with “Open in Disks”', async () => {
        const rows = findAll(win, Adw.ButtonRow).filter(r => r.get_mapped() && r.title === '_Open in Disks');
        expect(rows.length).toBe(2);
        rows[0]?.emit('activated');
        // GNOME Disks starts on the block device of that disk.
        const pid = await waitFor('gnome-disks --block-device', () => {
            for (const entry of listProc()) {
                const cmd = readCmdline(entry);
                if (cmd[0]?.endsWith('gnome-disks') && cmd[1] === '--block-device' && cmd[2]?.startsWith('/dev/'))
                    return entry;
            }
            return undefined;
        }, 10000, 100);
        await check(['kill', '-TERM', pid]);
    });

    it('takes screenshots in light and dark, narrow and wide', async () => {
        const saved = await shoot('disks');
        expect(saved.length).toBe(4);
        for (const p of saved)
            expect(GLib.file_test(p, GLib.FileTest.EXISTS)).toBeTrue();
    });

    it('says so when a disk is asleep, without waking it', async () => {
        writeFile(`${dir}/asleep-nvme0n1`, '');
        const button = findAll(win, Gtk.Button).find(b => b.get_mapped() && b.label === '_Check Now');
        button?.emit('clicked');
        await waitFor('the row to say asleep', shows('Asleep — not woken to check'), 10000);
        expect(GLib.file_test(`${dir}/woken`, GLib.FileTest.EXISTS)).toBeFalse();
        GLib.unlink(`${dir}/asleep-nvme0n1`);
    });
});

function listProc(): string[] {
    const dir = GLib.Dir.open('/proc', 0);
    const out: string[] = [];
    for (let name = dir.read_name(); name !== null; name = dir.read_name()) {
        if (/^\d+$/.test(name))
            out.push(name);
    }
    dir.close();
    return out;
}

function readCmdline(pid: string): string[] {
    try {
        const [, bytes] = GLib.file_get_contents(`/proc/${pid}/cmdline`);
        return new TextDecoder().decode(bytes).split('\0');
    } catch {
        return [];
    }
}
