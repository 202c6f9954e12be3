// SigmaVault Settings under Xvfb, against the real daemon and zfs-fuse
// pools: what the Dashboard and a pool page show, live, in every state,
// with screenshots in light and dark, narrow and wide.
import Gtk from 'gi://Gtk?version=4.0';
import GLib from 'gi://GLib';
import type { PoolStore as PoolStoreType } from '../../src/app/pool-store.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, check, waitFor } from '../harness/process.js';
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
const SIZES = { wide: [1000, 700], narrow: [360, 720] } as const;

describe('SigmaVault Settings', () => {
    let sys: TestSystem;
    let session: TestSession;
    let app: AppModules;
    let store: PoolStoreType;
    let win: SettingsWindowType;
    let disks: string[];

    const texts = (): string[] => visibleTexts(win);
    const shows = (text: string) => (): boolean => texts().some(t => t.includes(text));

    /**
     * Screenshots of what `win` shows, in light and dark, narrow and wide.
     * GTK cannot resize a mapped window without a window manager, so each
     * size gets a window of its own, showing the same section.
     */
    async function shoot(name: string): Promise<string[]> {
        return shootVariants({
            create: () => new app.SettingsWindow(null, store), sizes: SIZES, save: app.saveScreenshot,
            prepare: shot => {
                shot.showSection(win.selectedSection);
                return Promise.resolve();
            },
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `settings-${name}-${size}-${scheme}.png`]),
        });
    }

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start();
        disks = await sys.createPool('tank', 'mirror', 2);
        session = await startAppSession('settings-app');
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
        await sys?.stop();
        // Xvfb ends by itself when this process, its last client, exits.
        await session?.stop();
    });

    it('shows each pool with its health and capacity on the Dashboard', async () => {
        await waitFor('the tank row', shows('tank'), 15000);
        await waitFor('tank to read as healthy', shows('Healthy ·'), 5000);
        expect(texts()).toContain('Pools');
        expect(texts().some(t => /^Healthy · .* used of .* \(\d+ %\)$/.test(t))).toBeTrue();
        expect(texts()).toContain('Your pool is healthy.');
        await shoot('dashboard-healthy');
    });

    it('follows a device going offline without being asked, and back', async () => {
        await sys.zpool('offline', 'tank', disks[1] ?? '');
        await waitFor('the Dashboard to say Degraded', shows('Degraded ·'), 10000);
        expect(texts()).toContain('1 pool needs attention.');
        await shoot('dashboard-degraded');

        win.showSection('tank');
        await waitFor('the pool page', shows('Devices'), 5000);
        const t = texts();
        expect(t).toContain('Degraded');
        expect(t).toContain(`File · ${disks[1] ?? ''}`);
        expect(t).toContain('Offline');
        expect(t.some(x => x.includes('taken offline by the administrator'))).toBeTrue();
        await shoot('pool-degraded');

        await sys.zpool('online', 'tank', disks[1] ?? '');
        await waitFor('the pool page to say Healthy', shows('All devices are working.'), 10000);
        win.showSection('');
    });

    it('scrubs from the pool page with live progress, then lists the job and its result', async () => {
        // A pool with enough data, one side of it corrupted, so that zfs-fuse's
        // scrub takes a couple of seconds and has something to repair.
        const vault = await sys.createPool('vault', 'mirror', 2, 1536);
        try {
            await scrubVault(vault);
        } finally {
            win.showSection('');
            await sys.destroyPool('vault');
        }
    }, 180000);

    async function scrubVault(vault: string[]): Promise<void> {
        await check(['dd', 'if=/dev/urandom', 'of=/vault/data', 'bs=1M', 'count=1200', 'status=none']);
        await check(['sync']);
        await check(['dd', 'if=/dev/urandom', `of=${vault[0] ?? ''}`, 'bs=1M', 'seek=64', 'count=1400', 'conv=notrunc', 'status=none']);
        await waitFor('vault in the sidebar', shows('vault'), 15000);
        win.showSection('vault');
        await waitFor('the scrub control', shows('Scrub'), 5000);
        expect(texts()).toContain('Never scrubbed');
        const button = findAll(win, Gtk.Button).find(b => b.get_label() === '_Scrub Now' && b.get_mapped());
        expect(button).withContext('a mapped "Scrub Now" button').toBeDefined();
        button?.emit('clicked');
        await waitFor('the scrub to show as running', shows('Scrubbing'), 10000, 20);
        // zfs-fuse finishes in seconds: the first of these shows it running,
        // the later ones may show it finished.
        await shoot('pool-scrub-running');
        await waitFor('the scrub result', () => texts().some(t => /^Finished .* after .*: repaired .*, 0 errors$/.test(t)), 30000);
        await waitFor('the checksum errors on the corrupted side', shows('checksum errors'), 20000);
        await shoot('pool-scrub-finished');

        win.showSection(':jobs');
        await waitFor('the jobs page', shows('Recent'), 5000);
        expect(texts()).toContain('Scrub of vault');
        expect(texts().some(t => /^Finished · .* · Scrub of pool vault finished in \d+ s: repaired .*, 0 errors\.$/.test(t)))
            .withContext(JSON.stringify(texts())).toBeTrue();
        await shoot('jobs');

        // Another scrub, seen from the jobs page while it runs.
        await check(['sigmavaultctl', 'pool', 'scrub', 'vault']);
        await waitFor('a running job', shows('Running'), 10000, 20);
        await shoot('jobs-running');
        await waitFor('the second scrub to finish', () => !texts().includes('Running'), 30000);
    }

    it('says so when there are no pools', async () => {
        await sys.destroyPool('tank');
        await waitFor('the empty state', shows('No Pools Yet'), 10000);
        await shoot('no-pools');
    });

    it('says so when the storage service cannot be reached', async () => {
        // Take the daemon away as an uninstall would: no activation file, not running.
        await check(['mv', '/usr/share/dbus-1/system-services/com.sigmavault.Daemon.service', '/tmp/']);
        try {
            await check(['gdbus', 'call', '--system', '--dest', 'org.freedesktop.DBus', '--object-path',
                '/org/freedesktop/DBus', '--method', 'org.freedesktop.DBus.ReloadConfig']);
            await sys.stopDaemon();
            await waitFor('the unreachable state', shows('Storage Service Not Reachable'), 10000);
            await shoot('unreachable');
        } finally {
            await check(['mv', '/tmp/com.sigmavault.Daemon.service', '/usr/share/dbus-1/system-services/']);
        }
    });
});
