// Creating, exporting, importing and destroying pools in SigmaVault Settings
// under Xvfb, against the real daemon, polkitd and zfs-fuse with sparse
// files. The daemon is started directly with the recorded lsblk and smartctl
// stand-ins on its tool search path (and the real zpool), so the Create
// Pool dialog lists the recorded disks beside the files; screenshots of
// each step in light and dark, narrow and wide.
import Gtk from 'gi://Gtk?version=4.0';
import GLib from 'gi://GLib';
import type { CreatePoolDialog as CreatePoolDialogType } from '../../src/app/create-pool-dialog.js';
import type * as PoolActions from '../../src/app/pool-actions.js';
import type { PoolStore as PoolStoreType } from '../../src/app/pool-store.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import { installDiskStandIns } from '../harness/disk-stand-ins.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, type Service, spawnService, waitFor } from '../harness/process.js';
import { shootVariants, startAppSession } from '../harness/app-session.js';
import type { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, settle, visibleTexts } from '../harness/widgets.js';

interface AppModules {
    PoolStore: typeof PoolStoreType;
    SettingsWindow: typeof SettingsWindowType;
    saveScreenshot: (w: Gtk.Window, path: string) => void;
    actions: typeof PoolActions;
}

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 760], narrow: [360, 760] } as const;

describe('SigmaVault Settings: pools', () => {
    let sys: TestSystem;
    let session: TestSession;
    let daemon: Service;
    let app: AppModules;
    let store: PoolStoreType;
    let files: string[];

    const newWindow = async (size: keyof typeof SIZES = 'wide'): Promise<SettingsWindowType> => {
        const w = new app.SettingsWindow(null, store);
        w.set_default_size(SIZES[size][0], SIZES[size][1]);
        w.present();
        await waitFor('the window to map', () => w.get_mapped() || undefined, 5000, 20);
        return w;
    };

    /** Opens Create Pool with the four files chosen, at `step`. */
    async function createDialog(w: SettingsWindowType, step: 'devices' | 'layout' | 'options'): Promise<CreatePoolDialogType> {
        const dialog = w.dashboard.createPool();
        await dialog.waitForDevices(files.length);
        dialog.selectDevices(files);
        if (step === 'devices')
            return dialog;
        await dialog.showLayouts();
        await waitFor('the layouts', () => visibleTexts(w).includes('Recommended: RAID-Z1') || undefined, 10000);
        if (step === 'options')
            dialog.showOptions();
        return dialog;
    }

    async function shoot(name: string, prepare: (w: SettingsWindowType) => Promise<void>): Promise<void> {
        await shootVariants({
            create: () => new app.SettingsWindow(null, store),
            sizes: SIZES,
            prepare,
            save: app.saveScreenshot,
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `pools-${name}-${size}-${scheme}.png`]),
        });
    }

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start();
        files = await sys.sparseFiles('tank', 4, 256);
        sys.adoptPool('tank');
        const tools = installDiskStandIns();
        // The recorded disks, but the real zpool of zfs-fuse.
        GLib.unlink(`${tools}/zpool`);
        daemon = spawnService('sigmavaultd', ['/usr/lib/sigmavault/sigmavaultd'],
            { env: { SIGMAVAULT_TOOL_PATH: tools }, logFile: GLib.build_filenamev([sys.logDir, 'sigmavaultd-pools-app.log']) });
        await waitFor('sigmavaultd to own its name', () => sys.hasOwner('com.sigmavault.Daemon'), 20000);
        session = await startAppSession('pools-app');
        const [storeModule, windowModule, shotModule, actions] = await Promise.all([
            import(installedModule('app/pool-store.js')) as Promise<{ PoolStore: typeof PoolStoreType }>,
            import(installedModule('app/window.js')) as Promise<{ SettingsWindow: typeof SettingsWindowType }>,
            import(installedModule('app/screenshot.js')) as Promise<{ saveScreenshot: AppModules['saveScreenshot'] }>,
            import(installedModule('app/pool-actions.js')) as Promise<typeof PoolActions>,
        ]);
        app = { ...storeModule, ...windowModule, ...shotModule, actions };
        store = new app.PoolStore();
        await store.connectToDaemon();
        await waitFor('the disks', () => store.disks.length === 3 || undefined, 15000);
    }, 180000);

    afterAll(async () => {
        await daemon?.stop();
        await sys?.stop();
        await session?.stop();
    });

    it('offers Create Pool and Import Pool when there are no pools', async () => {
        const w = await newWindow();
        await waitFor('the empty dashboard', () => visibleTexts(w).includes('No Pools Yet') || undefined, 10000);
        // Mnemonics are not part of the text shown.
        expect(visibleTexts(w)).toContain('Create Pool…');
        expect(visibleTexts(w)).toContain('Import Pool…');
        w.destroy();
    });

    it('lists the Disk1 inventory and the sparse files, then every layout with its space, fault tolerance and advice', async () => {
        const w = await newWindow();
        const dialog = await createDialog(w, 'devices');
        // The recorded disks, and the four files under the harness's allowed root.
        expect(dialog.offered).toEqual(['/dev/nvme0n1', '/dev/sda', '/dev/sdb', ...files]);
        await waitFor('the dialog', () => visibleTexts(w).includes('Samsung SSD 970 EVO 500GB') || undefined, 15000);
        expect(visibleTexts(w)).toContain('disk0');
        await dialog.showLayouts();
        await waitFor('the layouts', () => visibleTexts(w).includes('Recommended: RAID-Z1') || undefined, 10000);
        const l = visibleTexts(w);
        expect(dialog.layout).toBe('raidz1');
        for (const label of ['No Redundancy', 'Mirror', 'RAID-Z1', 'RAID-Z2', 'RAID-Z3', 'Survives 1 failed device',
            'Survives 2 failed devices', 'No device may fail', 'Needs at least 5 devices.'])
            expect(l).withContext(label).toContain(label);
        expect(l.some(x => x.includes('RAID-Z1 gives three devices’ worth of space'))).withContext(l.join('\n')).toBeTrue();
        dialog.force_close();
        w.destroy();
        await shoot('create-devices', async sw => {
            await createDialog(sw, 'devices');
        });
        await shoot('create-layout', async sw => {
            await createDialog(sw, 'layout');
        });
        await shoot('create-options', async sw => {
            await createDialog(sw, 'options');
        });
    }, 240000);

    it('creates the pool and follows the job to its end', async () => {
        const w = await newWindow();
        const dialog = await createDialog(w, 'options');
        dialog.poolName = 'tank';
        expect(findAll(w, Gtk.Button).some(b => b.label === 'C_reate' && b.sensitive)).toBeTrue();
        await dialog.create();
        await waitFor('the job to end', () => dialog.jobState === 'succeeded' || undefined, 30000);
        await waitFor('the result', () => visibleTexts(w).includes('“tank” Is Ready') || undefined, 10000);
        expect(visibleTexts(w).some(t => /^Created pool tank: RAID-Z1 of 4 devices/.test(t))).toBeTrue();
        await settle(w);
        app.saveScreenshot(w, GLib.build_filenamev([SHOTS, 'pools-create-done-wide-light.png']));
        await waitFor('the pool in the store', () => store.pool('tank') || undefined, 10000);
        expect(store.pool('tank')?.vdevs.map(v => v.type)).toEqual(['root', 'raidz1', 'file', 'file', 'file', 'file']);
        dialog.force_close();
        w.destroy();
    }, 120000);

    it('exports from the pool page, lists the pool for import and imports it back', async () => {
        const w = await newWindow();
        w.showSection('tank');
        await waitFor('the pool page', () => visibleTexts(w).includes('Export…') || undefined, 10000);
        const exp = app.actions.confirmExport(store, w, 'tank');
        exp.emit('response', 'export');
        exp.force_close();
        await waitFor('the pool to go', () => store.pool('tank') === undefined || undefined, 20000);
        const dialog = w.dashboard.importPool();
        await waitFor('the importable pool', () => dialog.found.length > 0 || undefined, 20000);
        expect(dialog.found.map(p => [p.name, p.state, p.importable])).toEqual([['tank', 'ONLINE', true]]);
        await waitFor('the row', () => visibleTexts(w).includes('tank') || undefined, 5000);
        expect(visibleTexts(w)).toContain('4 devices · ID ' + (dialog.found[0]?.guid ?? ''));
        dialog.force_close();
        w.destroy();
        await shoot('import', async sw => {
            const d = sw.dashboard.importPool();
            await waitFor('the importable pool', () => d.found.length > 0 || undefined, 20000);
        });
        const w2 = await newWindow();
        const again = w2.dashboard.importPool();
        await waitFor('the importable pool', () => again.found.length > 0 || undefined, 20000);
        const found = again.found[0];
        if (found)
            await again.confirmImport(found);
        await waitFor('the pool back', () => store.pool('tank') || undefined, 30000);
        // Imported: the dialog closed itself and the window shows the pool.
        await waitFor('the pool page', () => w2.selectedSection === 'tank' || undefined, 5000);
        w2.destroy();
    }, 240000);

    it('destroys only after the exact name is typed', async () => {
        const w = await newWindow();
        w.showSection('tank');
        const { dialog, entry } = app.actions.confirmDestroy(store, w, 'tank');
        expect(dialog.get_response_enabled('destroy')).toBeFalse();
        entry.text = 'Tank';
        expect(dialog.get_response_enabled('destroy')).toBeFalse();
        entry.text = 'tank';
        expect(dialog.get_response_enabled('destroy')).toBeTrue();
        dialog.force_close();
        w.destroy();
        await shoot('destroy', async sw => {
            sw.showSection('tank');
            const d = app.actions.confirmDestroy(store, sw, 'tank');
            d.entry.text = 'tan';
            await Promise.resolve();
        });
        const w2 = await newWindow();
        const d = app.actions.confirmDestroy(store, w2, 'tank');
        d.entry.text = 'tank';
        d.dialog.emit('response', 'destroy');
        d.dialog.force_close();
        await waitFor('the pool to be destroyed', () => store.pool('tank') === undefined || undefined, 20000);
        sys.forgetPool('tank');
        w2.destroy();
    }, 240000);
});
