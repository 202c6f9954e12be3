// SigmaVault Settings' Datasets and Snapshots pages under Xvfb, against the
// real daemon and a zfs-fuse pool: the dataset tree with its space, the
// properties dialog with sources, the paged snapshot list and the rollback
// warning, with screenshots in light and dark, narrow and wide.
import Gtk from 'gi://Gtk?version=4.0';
import GLib from 'gi://GLib';
import type { DatasetsPage as DatasetsPageType } from '../../src/app/datasets-page.js';
import type { PoolStore as PoolStoreType } from '../../src/app/pool-store.js';
import type { SnapshotsPage as SnapshotsPageType } from '../../src/app/snapshots-page.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, waitFor } from '../harness/process.js';
import type { TestSession } from '../harness/session.js';
import { shootVariants, startAppSession } from '../harness/app-session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, settle, visibleTexts } from '../harness/widgets.js';

interface AppModules {
    PoolStore: typeof PoolStoreType;
    SettingsWindow: typeof SettingsWindowType;
    saveScreenshot: (w: Gtk.Window, path: string) => void;
}

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 700], narrow: [360, 720] } as const;
const SNAPSHOTS = 600;

type Prepare = (w: SettingsWindowType) => Promise<void>;

describe('SigmaVault Settings: datasets and snapshots', () => {
    let sys: TestSystem;
    let session: TestSession;
    let app: AppModules;
    let store: PoolStoreType;

    async function openDatasets(w: SettingsWindowType): Promise<DatasetsPageType> {
        w.showSection('tank');
        const page = w.showDatasets('tank');
        await waitFor('the datasets to load', () => page.datasets.length >= 4 || undefined, 10000);
        return page;
    }

    async function openSnapshots(w: SettingsWindowType): Promise<SnapshotsPageType> {
        const page = (await openDatasets(w)).openSnapshots('tank/photos');
        if (page === null)
            throw new Error('no snapshots page');
        await waitFor('the snapshots to load', () => page.model.total === SNAPSHOTS || undefined, 10000);
        return page;
    }

    async function shoot(name: string, prepare: Prepare): Promise<void> {
        const t0 = GLib.get_monotonic_time();
        await shootVariants({
            create: () => new app.SettingsWindow(null, store), sizes: SIZES, save: app.saveScreenshot, prepare,
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `datasets-${name}-${size}-${scheme}.png`]),
        });
        print(`# screenshots of ${name} took ${Math.round((GLib.get_monotonic_time() - t0) / 1000)} ms`);
    }

    beforeAll(async () => {
        const t0 = GLib.get_monotonic_time();
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start();
        await sys.createPool('tank', 'single', 1, 256);
        await sys.zfs('create', '-o', 'compression=gzip', 'tank/photos');
        await sys.zfs('create', 'tank/photos/2026');
        await sys.zfs('create', '-o', 'quota=100M', 'tank/documents');
        // In parallel batches for speed, the last ten one after another so
        // that their order (by creation txg) is their name order.
        for (let i = 0; i < SNAPSHOTS - 10; i += 40) {
            await Promise.all(Array.from({ length: Math.min(40, SNAPSHOTS - 10 - i) }, (_x, j) =>
                sys.zfs('snapshot', `tank/photos@auto-${String(i + j).padStart(4, '0')}`)));
        }
        for (let i = SNAPSHOTS - 10; i < SNAPSHOTS; i++)
            await sys.zfs('snapshot', `tank/photos@auto-${String(i).padStart(4, '0')}`);
        session = await startAppSession('datasets-app');
        const [storeModule, windowModule, shotModule] = await Promise.all([
            import(installedModule('app/pool-store.js')) as Promise<{ PoolStore: typeof PoolStoreType }>,
            import(installedModule('app/window.js')) as Promise<{ SettingsWindow: typeof SettingsWindowType }>,
            import(installedModule('app/screenshot.js')) as Promise<{ saveScreenshot: AppModules['saveScreenshot'] }>,
        ]);
        app = { ...storeModule, ...windowModule, ...shotModule };
        store = new app.PoolStore();
        await store.connectToDaemon();
        await waitFor('the pool', () => store.pool('tank') !== undefined || undefined, 15000);
        print(`# set up in ${Math.round((GLib.get_monotonic_time() - t0) / 1000)} ms`);
    }, 180000);

    afterAll(async () => {
        await sys?.stop();
        await session?.stop();
    });

    it('shows the dataset tree with used and available space', async () => {
        const w = new app.SettingsWindow(null, store);
        w.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        w.present();
        w.showSection('tank');
        await waitFor('the pool page', () => visibleTexts(w).includes('Datasets and Snapshots') || undefined, 5000);
        const t0 = GLib.get_monotonic_time();
        await openDatasets(w);
        print(`# datasets shown after ${Math.round((GLib.get_monotonic_time() - t0) / 1000)} ms`);
        await waitFor('the rows', () => visibleTexts(w).includes('photos') || undefined, 5000);
        const t = visibleTexts(w);
        expect(t).toContain('tank');
        expect(t).toContain('2026');
        expect(t).toContain('documents');
        expect(t.some(x => /used · .* free · 600 snapshots/.test(x))).withContext(t.join('\n')).toBeTrue();
        w.destroy();
        await shoot('tree', async sw => {
            await openDatasets(sw);
        });
    }, 240000);

    it('shows properties with where each value comes from', async () => {
        const w = new app.SettingsWindow(null, store);
        w.present();
        const page = await openDatasets(w);
        const d = page.datasets.find(x => x.name === 'tank/photos/2026');
        const dialog = d ? await page.showProperties(d) : null;
        expect(dialog).not.toBeNull();
        await waitFor('the dialog', () => visibleTexts(w).includes('Inherited from tank/photos') || undefined, 5000);
        dialog?.close();
        w.destroy();
        await shoot('properties', async sw => {
            const p = await openDatasets(sw);
            const photos = p.datasets.find(x => x.name === 'tank/photos');
            if (photos)
                await p.showProperties(photos);
            await waitFor('the dialog', () => visibleTexts(sw).includes('Set here') || undefined, 5000);
        });
    }, 240000);

    it('lists 600 snapshots page by page in a ListView, and warns before a rollback', async () => {
        const w = new app.SettingsWindow(null, store);
        w.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        w.present();
        const page = await openSnapshots(w);
        await waitFor('the first rows', () => visibleTexts(w).includes('auto-0000') || undefined, 5000);
        await settle(w);
        // Only what is on screen was built and fetched.
        const views = findAll(w, Gtk.ListView);
        expect(views.length).toBe(1);
        const rows = visibleTexts(w).filter(t => /^auto-\d{4}$/.test(t));
        expect(rows.length).toBeGreaterThan(3);
        expect(rows.length).toBeLessThan(100);
        expect(page.model.pagesFetched).toBeLessThan(3);
        expect(visibleTexts(w)).toContain('600 snapshots, oldest first');

        const dialog = await page.confirmRollback('auto-0590');
        expect(dialog?.body).toContain('9 newer snapshots will be destroyed');
        expect(dialog?.body).toContain('auto-0599');
        dialog?.force_close();
        w.destroy();

        await shoot('snapshots', async sw => {
            await openSnapshots(sw);
            await waitFor('the rows', () => visibleTexts(sw).includes('auto-0000') || undefined, 5000);
        });
        await shoot('rollback', async sw => {
            const p = await openSnapshots(sw);
            await p.confirmRollback('auto-0595');
            await waitFor('the warning', () => visibleTexts(sw).some(t => t.includes('newer snapshots will be destroyed')) || undefined, 5000);
        });
    }, 240000);
});
