// SigmaVault Settings' Automatic Snapshots dialog under Xvfb, against the
// real daemon and a zfs-fuse pool: the policy line on the Snapshots page,
// the counts per period, and the daemon's list of what the next prune would
// delete (held and manual snapshots kept), saved for real; screenshots in
// light and dark, narrow and wide.
import Gtk from 'gi://Gtk?version=4.0';
import GLib from 'gi://GLib';
import type { PoolStore as PoolStoreType } from '../../src/app/pool-store.js';
import type { SnapshotPolicyDialog } from '../../src/app/snapshot-policy-dialog.js';
import type { SnapshotsPage as SnapshotsPageType } from '../../src/app/snapshots-page.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import { DATASET_IFACE, datasetPath } from '../../src/shared/dbus-names.js';
import { listSnapshots } from '../../src/shared/dataset-info.js';
import { callDaemon } from '../harness/dbus.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, waitFor } from '../harness/process.js';
import { shootVariants, startAppSession } from '../harness/app-session.js';
import type { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, framesPainted, visibleTexts } from '../harness/widgets.js';

interface AppModules {
    PoolStore: typeof PoolStoreType;
    SettingsWindow: typeof SettingsWindowType;
    saveScreenshot: (w: Gtk.Window, path: string) => void;
}

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 760], narrow: [360, 760] } as const;
const HOURLY = [1, 2, 3, 4, 5, 6].map(h => `sv-auto-hourly-2026-12-01_${String(h).padStart(2, '0')}00`);
const DAILY = [27, 28, 29].map(d => `sv-auto-daily-2026-11-${d}_0000`);

async function settle(w: Gtk.Window): Promise<void> {
    for (let i = 0; i < 3; i++)
        await framesPainted(w, 1);
}

describe('SigmaVault Settings: automatic snapshots', () => {
    let sys: TestSystem;
    let session: TestSession;
    let app: AppModules;
    let store: PoolStoreType;

    async function openSnapshots(w: SettingsWindowType): Promise<SnapshotsPageType> {
        w.showSection('tank');
        const datasets = w.showDatasets('tank');
        await waitFor('the datasets to load', () => datasets.datasets.length >= 2 || undefined, 10000);
        const page = datasets.openSnapshots('tank/photos');
        if (page === null)
            throw new Error('no snapshots page');
        await waitFor('the snapshots to load', () => page.model.total >= 10 || undefined, 10000);
        return page;
    }

    async function openPolicy(w: SettingsWindowType, hourly: number | null): Promise<SnapshotPolicyDialog> {
        const page = await openSnapshots(w);
        const dialog = await page.openPolicy();
        if (dialog === null)
            throw new Error('no dialog');
        await waitFor('the preview', () => dialog.preview !== null || undefined, 10000);
        if (hourly !== null) {
            dialog.setCount('hourly', hourly);
            await waitFor('the new preview', () => (dialog.preview !== null && dialog.proposed()?.counts.hourly === hourly) || undefined, 10000);
        }
        return dialog;
    }

    async function shoot(name: string, prepare: (w: SettingsWindowType) => Promise<void>): Promise<void> {
        await shootVariants({
            create: () => new app.SettingsWindow(null, store), sizes: SIZES, save: app.saveScreenshot, prepare,
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `snapshot-policy-${name}-${size}-${scheme}.png`]),
        });
    }

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start();
        await sys.createPool('tank', 'single', 1, 256);
        await sys.zfs('create', 'tank/photos');
        await sys.zfs('snapshot', 'tank/photos@before-trip');
        for (const n of [...DAILY, ...HOURLY])
            await sys.zfs('snapshot', `tank/photos@${n}`);
        await sys.zfs('snapshot', 'tank/photos@after-trip');
        await sys.zfs('hold', 'keep', `tank/photos@${HOURLY[0] ?? ''}`);
        session = await startAppSession('snapshot-policy-app');
        const [storeModule, windowModule, shotModule] = await Promise.all([
            import(installedModule('app/pool-store.js')) as Promise<{ PoolStore: typeof PoolStoreType }>,
            import(installedModule('app/window.js')) as Promise<{ SettingsWindow: typeof SettingsWindowType }>,
            import(installedModule('app/screenshot.js')) as Promise<{ saveScreenshot: AppModules['saveScreenshot'] }>,
        ]);
        app = { ...storeModule, ...windowModule, ...shotModule };
        store = new app.PoolStore();
        await store.connectToDaemon();
        await waitFor('the pool', () => store.pool('tank') !== undefined || undefined, 15000);
        // The snapshots above were created just now, so no hourly or daily one is due.
        const set = await callDaemon(sys.systemBus, datasetPath('tank/photos'), DATASET_IFACE, 'SetSnapshotPolicy',
            new GLib.Variant('(a{sv}a{sv})', [{ hourly: new GLib.Variant('u', 24), daily: new GLib.Variant('u', 7) }, {}]));
        expect(set.ok).withContext(JSON.stringify(set)).toBeTrue();
    }, 180000);

    afterAll(async () => {
        await sys?.stop();
        await session?.stop();
    });

    it('shows the policy on the Snapshots page and what a lower count would delete', async () => {
        const w = new app.SettingsWindow(null, store);
        w.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        w.present();
        const dialog = await openPolicy(w, null);
        await waitFor('the policy line', () => visibleTexts(w).some(t => t.startsWith('Automatic snapshots: 24 hourly, 7 daily · next ')) || undefined, 10000);
        await waitFor('the empty preview', () => visibleTexts(dialog).includes('Nothing would be deleted.') || undefined, 5000);
        expect(dialog.preview?.destroy).toEqual([]);

        dialog.setCount('hourly', 2);
        await waitFor('the preview of 2 hourly', () => dialog.preview?.destroy.length === 3 || undefined, 10000);
        const texts = await waitFor('the rows', () => {
            const t = visibleTexts(dialog);
            return t.includes('Saving deletes 3 snapshots right away:') ? t : undefined;
        }, 5000);
        for (const n of HOURLY.slice(1, 4))
            expect(texts).toContain(n);
        expect(texts).not.toContain(HOURLY[4] ?? '');
        expect(texts).toContain(HOURLY[0] ?? '');
        expect(texts).toContain('Kept: held');
        expect(texts).not.toContain('before-trip');
        expect(dialog.preview?.destroy).toEqual(HOURLY.slice(1, 4).map(n => `tank/photos@${n}`));
        dialog.force_close();
        w.destroy();

        await shoot('dialog', async sw => {
            await openPolicy(sw, 2);
            await waitFor('the rows', () => visibleTexts(sw).includes('Saving deletes 3 snapshots right away:') || undefined, 5000);
        });
        // The same, scrolled down to the list a person checks before saving.
        await shoot('preview', async sw => {
            const d = await openPolicy(sw, 2);
            await waitFor('the rows', () => visibleTexts(sw).includes('Saving deletes 3 snapshots right away:') || undefined, 5000);
            await settle(sw);
            for (const scrolled of findAll(d, Gtk.ScrolledWindow)) {
                const adj = scrolled.vadjustment;
                adj.value = adj.upper - adj.page_size;
            }
        });
        await shoot('page', async sw => {
            await openSnapshots(sw);
            await waitFor('the policy line', () => visibleTexts(sw).some(t => t.startsWith('Automatic snapshots:')) || undefined, 10000);
        });
    }, 240000);

    it('saves, and the snapshots the preview listed are deleted', async () => {
        const w = new app.SettingsWindow(null, store);
        w.present();
        const dialog = await openPolicy(w, 2);
        const listed = dialog.preview?.destroy ?? [];
        expect(listed.length).toBe(3);
        await dialog.save();
        const left = await waitFor('the prune', async () => {
            const names = (await listSnapshots(sys.systemBus, datasetPath('tank/photos'), 0, 100)).page.map(s => `tank/photos@${s.name}`);
            return listed.every(n => !names.includes(n)) ? names : undefined;
        }, 20000, 200);
        expect(left).toEqual(['tank/photos@before-trip', ...DAILY.map(n => `tank/photos@${n}`), ...[0, 4, 5].map(i => `tank/photos@${HOURLY[i] ?? ''}`),
            'tank/photos@after-trip']);
        await waitFor('the new policy line', () => visibleTexts(w).some(t => t.startsWith('Automatic snapshots: 2 hourly, 7 daily')) || undefined, 10000);
        w.destroy();
    }, 120000);
});
