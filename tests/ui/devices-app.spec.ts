// SigmaVault Settings' device operations under Xvfb, against the real
// daemon and a zfs-fuse mirror: each device row's menu offers what makes
// sense for it; Take Offline asks first; Replace… picks a new device and
// the resilver's result shows on the pool page; Add Vdev… shows the
// daemon's redundancy warning before anything is added. Screenshots of
// the menu, the replace dialog and the warning in light and dark, narrow
// and wide.
import Gtk from 'gi://Gtk?version=4.0';
import Gdk from 'gi://Gdk?version=4.0';
import GLib from 'gi://GLib';
import Graphene from 'gi://Graphene';
import type { PoolPage as PoolPageType } from '../../src/app/pool-page.js';
import type { PoolStore as PoolStoreType } from '../../src/app/pool-store.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, check, waitFor } from '../harness/process.js';
import { type InstalledApp, loadApp, settle, shootVariants, startAppSession } from '../harness/app-session.js';
import type { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, visibleTexts } from '../harness/widgets.js';

type App = InstalledApp & { PoolPage: typeof PoolPageType };

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 760], narrow: [360, 760] } as const;

type Prepare = (w: SettingsWindowType) => Promise<Gtk.Popover | null>;

/** Menu labels without their mnemonics, as a person reads them. */
function menuLabels(button: Gtk.MenuButton): string[] {
    const model = button.menu_model;
    const out: string[] = [];
    for (let i = 0; model !== null && i < model.get_n_items(); i++) {
        const v = model.get_item_attribute_value(i, 'label', null);
        out.push((v?.unpack<string>() ?? '').replace(/_/g, ''));
    }
    return out;
}

/**
 * The window with an open popover drawn where it is on screen: a popover
 * is a surface of its own, which the window's paintable does not include.
 */
function saveWithPopover(window: Gtk.Window, popover: Gtk.Popover, path: string, save: InstalledApp['saveScreenshot']): void {
    save(window, path);
    const base = Gtk.Picture.new_for_filename(path).get_paintable();
    const content = window.get_child();
    const renderer = window.get_renderer();
    if (base === null || content === null || renderer === null)
        throw new Error('nothing to draw on');
    const width = content.get_width();
    const height = content.get_height();
    const snapshot = new Gtk.Snapshot();
    base.snapshot(snapshot, width, height);
    // Where GTK placed it: the popup surface's position in the window's
    // surface, less the margins (shadows) each surface has around its widget.
    const popup = popover.get_surface() as unknown as Gdk.Popup | null;
    const [popX, popY] = popover.get_surface_transform();
    const [winX, winY] = window.get_surface_transform();
    const left = (popup?.get_position_x() ?? 0) + popX - winX;
    const top = (popup?.get_position_y() ?? 0) + popY - winY;
    const pw = popover.get_width();
    const ph = popover.get_height();
    snapshot.translate(new Graphene.Point({ x: left, y: top }));
    new Gtk.WidgetPaintable({ widget: popover }).snapshot(snapshot, pw, ph);
    const node = snapshot.to_node();
    if (node === null)
        throw new Error('empty snapshot');
    // A popup may reach past the window's edge (X11 places it on the screen): the picture grows to hold it.
    const rect = new Graphene.Rect({ origin: new Graphene.Point({ x: 0, y: 0 }),
        size: new Graphene.Size({ width: Math.max(width, left + pw), height: Math.max(height, top + ph) }) });
    if (!renderer.render_texture(node, rect).save_to_png(path))
        throw new Error(`could not write ${path}`);
}

describe('SigmaVault Settings: device operations', () => {
    let sys: TestSystem;
    let session: TestSession;
    let app: App;
    let store: PoolStoreType;
    let disks: string[];
    let count = 0;

    async function newFile(): Promise<string> {
        const [f] = await sys.sparseFiles(`new${count++}`, 1, 256);
        return f ?? '';
    }

    async function openPool(w: SettingsWindowType): Promise<PoolPageType> {
        w.showSection('tank');
        return waitFor('the pool page with its device menus', () => {
            const page = findAll(w, app.PoolPage)[0];
            return page !== undefined && page.devices !== null && findAll(page, Gtk.MenuButton).length > 0 ? page : undefined;
        }, 10000);
    }

    function menuFor(page: PoolPageType, file: string): Gtk.MenuButton {
        const button = findAll(page, Gtk.MenuButton).find(b => b.tooltip_text === `Actions for ${GLib.path_get_basename(file)}`);
        if (button === undefined)
            throw new Error(`no menu for ${file}`);
        return button;
    }

    async function shoot(name: string, prepare: Prepare): Promise<void> {
        let popover: Gtk.Popover | null = null;
        await shootVariants({
            create: () => new app.SettingsWindow(null, store),
            sizes: SIZES,
            prepare: async w => {
                popover = await prepare(w);
            },
            save: (w, path) => {
                if (popover === null)
                    app.saveScreenshot(w, path);
                else
                    saveWithPopover(w, popover, path, app.saveScreenshot);
                popover?.popdown();
            },
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `devices-${name}-${size}-${scheme}.png`]),
        });
    }

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start();
        disks = await sys.createPool('tank', 'mirror', 2, 256);
        await check(['dd', 'if=/dev/urandom', 'of=/tank/data', 'bs=1M', 'count=100', 'status=none']);
        session = await startAppSession('devices-app');
        app = { ...await loadApp(),
            ...await import(installedModule('app/pool-page.js')) as { PoolPage: typeof PoolPageType } };
        store = new app.PoolStore();
        await store.connectToDaemon();
        await waitFor('the pool', () => store.pool('tank') !== undefined || undefined, 15000);
    }, 180000);

    afterAll(async () => {
        await sys?.stop();
        await session?.stop();
    });

    it('offers on each side of the mirror what makes sense, and shows the menu', async () => {
        const w = new app.SettingsWindow(null, store);
        w.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        w.present();
        const page = await openPool(w);
        const menu = menuFor(page, disks[0] ?? '');
        expect(menuLabels(menu)).toEqual(['Take Offline…', 'Replace…', 'Attach Mirror…', 'Detach…']);
        // The mirror group itself has no menu; "Add Vdev…" is the pool's.
        expect(findAll(page, Gtk.MenuButton).length).toBe(2);
        expect(visibleTexts(w)).toContain('Add Vdev…');
        w.destroy();
        await shoot('menu', async sw => {
            const p = await openPool(sw);
            // The devices are at the end of the page: scroll there, as a person would.
            await settle(sw);
            const adj = findAll(p, Gtk.ScrolledWindow)[0]?.vadjustment;
            if (adj)
                adj.value = adj.upper - adj.page_size;
            await settle(sw);
            // The page is rebuilt when the pool changes: take the button shown now.
            const button = menuFor(p, disks[1] ?? '');
            button.popup();
            const popover = button.popover;
            await waitFor('the menu', () => popover?.get_mapped() || undefined, 5000);
            return popover;
        });
    }, 120000);

    it('asks before taking a device offline, then offers to bring it back online', async () => {
        const w = new app.SettingsWindow(null, store);
        w.present();
        const page = await openPool(w);
        const index = store.pool('tank')?.vdevs.findIndex(v => v.name === disks[1]) ?? -1;
        const row = store.pool('tank')?.vdevs[index];
        if (!row)
            throw new Error('no row');
        const dialog = page.devices?.confirmOffline(row);
        expect(dialog?.heading).toBe('Take disk1 Offline?');
        expect(dialog?.body).toContain('can survive fewer failures');
        await waitFor('the question', () => visibleTexts(w).includes('Take disk1 Offline?') || undefined, 5000);
        dialog?.emit('response', 'temporary');
        dialog?.force_close();
        await waitFor('the device offline', () => store.pool('tank')?.vdevs.find(v => v.name === disks[1])?.state === 'OFFLINE' || undefined, 15000);
        const offlinePage = await openPool(w);
        await waitFor('the menu to follow', () => menuLabels(menuFor(offlinePage, disks[1] ?? '')).includes('Bring Online') || undefined, 10000);
        expect(menuLabels(menuFor(offlinePage, disks[1] ?? ''))).toEqual(['Bring Online', 'Replace…', 'Attach Mirror…', 'Detach…']);
        // With one side offline, the other one is the last copy: it cannot go offline.
        expect(menuLabels(menuFor(offlinePage, disks[0] ?? ''))).not.toContain('Take Offline…');
        offlinePage.devices?.run('online', store.pool('tank')?.vdevs.findIndex(v => v.name === disks[1]) ?? -1);
        await waitFor('the device online', () => store.pool('tank')?.health === 'ONLINE' || undefined, 15000);
        w.destroy();
    }, 120000);

    it('replaces a device through the dialog; the resilver result shows on the pool page', async () => {
        const fresh = await newFile();
        const w = new app.SettingsWindow(null, store);
        w.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        w.present();
        const page = await openPool(w);
        const row = store.pool('tank')?.vdevs.find(v => v.name === disks[1]);
        if (!row)
            throw new Error('no row');
        const chooser = page.devices?.chooseReplacement(row);
        await waitFor('the dialog', () => visibleTexts(w).includes('Replace disk1') || undefined, 5000);
        expect(visibleTexts(w).some(t => t.includes('resilvering'))).toBeTrue();
        chooser?.typePath(fresh);
        expect(chooser?.chosen()).toEqual([fresh]);
        const accept = findAll(chooser as Gtk.Widget, Gtk.Button).find(b => b.label === '_Replace');
        expect(accept?.sensitive).toBeTrue();
        accept?.emit('clicked');
        await waitFor('the resilver result on the pool page', () =>
            visibleTexts(w).some(t => /^Finished · Resilver of pool tank finished in \d+ s/.test(t)) || undefined, 60000);
        await waitFor('the new device', () => store.pool('tank')?.vdevs.some(v => v.name === fresh && v.state === 'ONLINE') || undefined, 15000);
        disks[1] = fresh;
        w.destroy();
        await shoot('resilvered', async sw => {
            await openPool(sw);
            return null;
        });
        await shoot('replace', async sw => {
            const p = await openPool(sw);
            const r = store.pool('tank')?.vdevs.find(v => v.name === disks[0]);
            if (r)
                p.devices?.chooseReplacement(r).typePath(`${sys.poolDir}/new-disk`);
            await waitFor('the dialog', () => visibleTexts(sw).includes('Replace disk0') || undefined, 5000);
            return null;
        });
    }, 180000);

    it('shows the daemon’s redundancy warning before adding a single disk to the mirror', async () => {
        const single = await newFile();
        const w = new app.SettingsWindow(null, store);
        w.present();
        const page = await openPool(w);
        const dialog = await page.devices?.previewVdev('disk', [single]);
        expect(dialog?.heading).toBe('Add a Weaker Vdev?');
        expect(dialog?.body).toContain('survives no device failure');
        dialog?.emit('response', 'cancel');
        dialog?.force_close();
        expect(store.pool('tank')?.vdevs.some(v => v.name === single)).toBeFalse();
        w.destroy();
        await shoot('add-warning', async sw => {
            const p = await openPool(sw);
            await p.devices?.previewVdev('disk', [single]);
            await waitFor('the warning', () => visibleTexts(sw).includes('Add a Weaker Vdev?') || undefined, 5000);
            return null;
        });
        await shoot('add', async sw => {
            const p = await openPool(sw);
            p.devices?.chooseVdev();
            await waitFor('the dialog', () => visibleTexts(sw).includes('Add Vdev to tank') || undefined, 5000);
            return null;
        });
    }, 180000);
});
