// Managing datasets and snapshots from SigmaVault Settings under Xvfb,
// against the real daemon and a zfs-fuse pool: New Dataset, editing a
// property (its source turns to "Set here" and back), rename, destroy after
// typing the exact name, take with a template, clone, hold and release, and
// destroying a selection of snapshots; each checked in `zfs` itself, with
// screenshots of every dialog in light and dark, narrow and wide.
import Gtk from 'gi://Gtk?version=4.0';
import Adw from 'gi://Adw?version=1';
import GLib from 'gi://GLib';
import type { DatasetsPage as DatasetsPageType } from '../../src/app/datasets-page.js';
import type { PoolStore as PoolStoreType } from '../../src/app/pool-store.js';
import type { SnapshotsPage as SnapshotsPageType } from '../../src/app/snapshots-page.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, waitFor } from '../harness/process.js';
import { shootVariants, startAppSession } from '../harness/app-session.js';
import type { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, framesPainted, visibleTexts } from '../harness/widgets.js';

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 760], narrow: [360, 760] } as const;

type Window = SettingsWindowType;

describe('SigmaVault Settings: managing datasets and snapshots', () => {
    let sys: TestSystem;
    let session: TestSession;
    let store: PoolStoreType;
    let Win: typeof SettingsWindowType;
    let save: (w: Gtk.Window, path: string) => void;
    let win: Window;

    /** A probe for waitFor; each try asks for a frame, so that widgets just shown get mapped. */
    const shows = (w: Gtk.Window, text: string) => async (): Promise<true | undefined> => {
        await framesPainted(w, 1);
        return visibleTexts(w).some(t => t.includes(text)) || undefined;
    };

    async function datasets(w: Window): Promise<DatasetsPageType> {
        w.showSection('tank');
        const page = w.showDatasets('tank');
        await waitFor('the datasets to load', () => page.datasets.length >= 3 || undefined, 10000);
        return page;
    }

    function dataset(page: DatasetsPageType, name: string): DatasetsPageType['datasets'][number] {
        const d = page.datasets.find(x => x.name === name);
        if (!d)
            throw new Error(`no dataset ${name} in ${page.datasets.map(x => x.name).join(', ')}`);
        return d;
    }

    async function snapshots(w: Window, name = 'tank/photos'): Promise<SnapshotsPageType> {
        const page = (await datasets(w)).openSnapshots(name);
        if (page === null)
            throw new Error('no snapshots page');
        await waitFor('the snapshots to load', () => page.model.total > 0 || undefined, 10000);
        await waitFor('the first rows', () => visibleTexts(w).some(t => t.startsWith('snap-')) || undefined, 5000);
        return page;
    }

    async function zfsLines(...args: string[]): Promise<string[]> {
        return (await sys.zfs(...args)).split('\n').filter(l => l !== '');
    }

    /** The dialog shown on top of `w`, of type T. */
    function dialogOf<T extends Adw.Dialog>(w: Window, type: abstract new (...args: never[]) => T): T {
        const d = w.get_visible_dialog();
        if (!(d instanceof type))
            throw new Error(`the visible dialog is ${d?.constructor.name ?? 'none'}`);
        return d;
    }

    /** Screenshots of what `prepare` opens, on fresh windows in each scheme and size. */
    async function shoot(name: string, prepare: (w: Window) => Promise<unknown>): Promise<void> {
        await shootVariants({
            create: () => new Win(null, store), sizes: SIZES, save, prepare,
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `manage-${name}-${size}-${scheme}.png`]),
        });
    }

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start();
        await sys.createPool('tank', 'single', 1, 256);
        await sys.zfs('create', '-o', 'compression=gzip', 'tank/photos');
        await sys.zfs('create', 'tank/docs');
        for (let i = 1; i <= 6; i++)
            await sys.zfs('snapshot', `tank/photos@snap-${i}`);
        session = await startAppSession('dataset-manage-app');
        const [s, w, shot] = await Promise.all([
            import(installedModule('app/pool-store.js')) as Promise<{ PoolStore: typeof PoolStoreType }>,
            import(installedModule('app/window.js')) as Promise<{ SettingsWindow: typeof SettingsWindowType }>,
            import(installedModule('app/screenshot.js')) as Promise<{ saveScreenshot: typeof save }>,
        ]);
        Win = w.SettingsWindow;
        save = shot.saveScreenshot;
        store = new s.PoolStore();
        await store.connectToDaemon();
        await waitFor('the pool', () => store.pool('tank') !== undefined || undefined, 15000);
    }, 180000);

    beforeEach(() => {
        win = new Win(null, store);
        win.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        win.present();
    });

    afterEach(() => {
        win.get_visible_dialog()?.force_close();
        win.destroy();
    });

    afterAll(async () => {
        await sys?.stop();
        await session?.stop();
    });

    it('creates a dataset from New Dataset, and says what this ZFS cannot do', async () => {
        const page = await datasets(win);
        const dialog = page.newDataset('tank');
        expect(dialog).not.toBeNull();
        if (!dialog)
            return;
        // zfs-fuse: encryption shown, switched off, with the reason; lz4/zstd named as missing.
        expect(dialog.encryptRow.sensitive).toBeFalse();
        expect(dialog.encryptRow.subtitle).toContain('no native encryption');
        expect(dialog.compression.row.subtitle).toContain('No lz4 or zstd');
        expect(dialog.createButton.sensitive).toBeFalse();
        dialog.nameRow.text = '-music';
        expect(dialog.createButton.sensitive).toBeFalse();
        await waitFor('the problem', shows(win, 'A part of the name may not start with “-” or be “.” or “..”.'), 5000);
        // A name the daemon refuses (it exists) is answered in the dialog, in words.
        dialog.nameRow.text = 'photos';
        expect(dialog.createButton.sensitive).toBeTrue();
        expect(await dialog.create()).toBeNull();
        await waitFor('the error', shows(win, 'tank/photos already exists'), 5000);

        dialog.nameRow.text = 'music';
        dialog.compression.select('gzip-9');
        dialog.recordsize.select('64K');
        dialog.atime.select('off');
        dialog.quotaRow.text = '1 GiB';
        dialog.reservationRow.text = '10M';
        expect(await dialog.create()).toBe('tank/music');
        await waitFor('the new row', () => page.datasets.some(d => d.name === 'tank/music') || undefined, 10000);
        await waitFor('the new row shown', shows(win, 'music'), 5000);
        expect(await zfsLines('get', '-H', '-o', 'property,value,source', 'compression,recordsize,atime,quota,reservation', 'tank/music'))
            .toEqual(['compression\tgzip-9\tlocal', 'recordsize\t64K\tlocal', 'atime\toff\tlocal', 'quota\t1G\tlocal', 'reservation\t10M\tlocal']);

        await shoot('create', async w => {
            const d = (await datasets(w)).newDataset('tank/photos');
            if (d)
                d.nameRow.text = 'albums/2026';
        });
        await shoot('create-error', async w => {
            const d = (await datasets(w)).newDataset('tank');
            if (!d)
                return;
            d.nameRow.text = 'docs';
            d.quotaRow.text = 'lots';
            await waitFor('the problem', shows(w, 'is not a size'), 5000);
            d.quotaRow.text = '';
            await d.create();
        });
    }, 300000);

    it('edits a property: its source turns to “Set here”, and back on Inherit from Parent', async () => {
        const page = await datasets(win);
        const dialog = await page.showProperties(dataset(page, 'tank/photos'));
        if (!dialog)
            throw new Error('no properties dialog');
        const row = findAll(win, Adw.ComboRow).find(r => r.title === 'Record Access Times');
        expect(row?.subtitle).toBe('Default');
        const off = row ? [...Array(row.model?.get_n_items() ?? 0).keys()].find(i => (row.model?.get_item(i) as Gtk.StringObject).string === 'Off') : undefined;
        expect(off).toBeDefined();
        if (!row || off === undefined)
            return;
        row.selected = off;
        await dialog.settled;
        expect(dialog.property('atime')?.source).toBe('local');
        expect(row.subtitle).toBe('Set here');
        expect(await zfsLines('get', '-H', '-o', 'value,source', 'atime', 'tank/photos')).toEqual(['off\tlocal']);

        // Back to the parent's value through the row's revert button.
        const revert = findAll(row, Gtk.Button).find(b => b.tooltip_text === 'Inherit from Parent');
        expect(revert?.visible).toBeTrue();
        revert?.emit('clicked');
        await dialog.settled;
        expect(dialog.property('atime')?.source).not.toBe('local');
        expect(revert?.visible).toBeFalse();
        expect((await zfsLines('get', '-H', '-o', 'source', 'atime', 'tank/photos'))[0]).not.toBe('local');

        // A size through its prompt; a wrong value is refused before the daemon sees it.
        const quota = findAll(win, Adw.ActionRow).find(r => r.title === 'Quota');
        const ask = dialog.askValue(dialog.property('quota') ?? { property: 'quota', value: '0', source: 'default', inheritedFrom: '' });
        const askDialog = await waitFor('the prompt', () => {
            const d = win.get_visible_dialog();
            return d instanceof Adw.AlertDialog ? d : undefined;
        }, 5000);
        const entry = findAll(askDialog, Adw.EntryRow)[0];
        if (!entry)
            throw new Error('no entry');
        entry.text = 'big';
        expect(askDialog.get_response_enabled('apply')).toBeFalse();
        entry.text = '200M';
        expect(askDialog.get_response_enabled('apply')).toBeTrue();
        askDialog.emit('response', 'apply');
        await ask;
        await dialog.settled;
        // GLib puts a no-break space between number and unit.
        expect(quota?.subtitle).toMatch(/^200\.0\sMiB · Set here$/);
        expect(await zfsLines('get', '-H', '-o', 'value,source', 'quota', 'tank/photos')).toEqual(['200M\tlocal']);

        // The daemon's refusal in words (copies on a pool of one disk is fine; a bad mount point is not).
        await dialog.setProperty('mountpoint', 'relative/path');
        await waitFor('the toast', shows(win, 'mountpoint'), 5000);
        dialog.close();

        await shoot('properties', async w => {
            const p = await datasets(w);
            await p.showProperties(dataset(p, 'tank/photos'));
            await waitFor('the dialog', shows(w, 'Set here'), 5000);
        });
        await shoot('quota-prompt', async w => {
            const p = await datasets(w);
            const d = await p.showProperties(dataset(p, 'tank/photos'));
            const q = d?.property('quota');
            if (d && q)
                void d.askValue(q);
            await waitFor('the prompt', shows(w, 'for no limit'), 5000);
        });
    }, 300000);

    it('renames, and destroys only once the exact name is typed, naming what goes too', async () => {
        await sys.zfs('create', 'tank/old');
        await sys.zfs('create', 'tank/old/kid');
        await sys.zfs('snapshot', 'tank/old/kid@before');
        const page = await datasets(win);
        await waitFor('tank/old', () => page.datasets.some(d => d.name === 'tank/old/kid') || undefined, 10000);

        const r = page.rename(dataset(page, 'tank/old'));
        r.entry.text = 'elsewhere/old';
        expect(r.dialog.get_response_enabled('apply')).toBeFalse();
        r.entry.text = 'tank/older';
        r.dialog.emit('response', 'apply');
        await waitFor('the rename', () => page.datasets.some(d => d.name === 'tank/older/kid') || undefined, 15000);
        expect(await zfsLines('list', '-H', '-o', 'name', '-r', 'tank/older')).toEqual(['tank/older', 'tank/older/kid']);

        const dialog = await page.confirmDestroy(dataset(page, 'tank/older'));
        if (!dialog)
            throw new Error('no destroy dialog');
        await waitFor('the list', shows(win, '1 dataset inside it'), 5000);
        expect(visibleTexts(win)).toContain('1 snapshot');
        expect(dialog.get_response_enabled('destroy')).toBeFalse();
        dialog.confirmRow.text = 'tank/olde';
        expect(dialog.get_response_enabled('destroy')).toBeFalse();
        dialog.confirmRow.text = 'tank/older';
        expect(dialog.get_response_enabled('destroy')).toBeTrue();
        dialog.emit('response', 'destroy');
        await waitFor('the dataset to go', () => !page.datasets.some(d => d.name.startsWith('tank/older')) || undefined, 15000);
        expect((await zfsLines('list', '-H', '-o', 'name')).filter(n => n.startsWith('tank/older'))).toEqual([]);

        await shoot('destroy', async w => {
            const p = await datasets(w);
            const d = await p.confirmDestroy(dataset(p, 'tank/photos'));
            if (d)
                d.confirmRow.text = 'tank/pho';
        });
        await shoot('rename', async w => {
            const p = await datasets(w);
            p.rename(dataset(p, 'tank/docs'));
        });
        await shoot('tree', async w => {
            await datasets(w);
        });
    }, 300000);

    it('takes a snapshot from a template, clones one and holds and releases another', async () => {
        await sys.zfs('create', 'tank/photos/kid');
        const page = await snapshots(win);
        const take = page.showTakeDialog();
        take.nameRow.text = 'bad%q';
        expect(take.get_response_enabled('take')).toBeFalse();
        take.nameRow.text = 'taken-%Y';
        take.recursiveRow.active = true;
        const year = String(GLib.DateTime.new_now_local().get_year());
        await waitFor('the name it gives', shows(win, `taken-${year}`), 5000);
        take.emit('response', 'take');
        await waitFor('the new snapshot', () => page.model.total === 7 || undefined, 30000);
        expect(await zfsLines('list', '-H', '-o', 'name', '-t', 'snapshot', '-r', 'tank/photos')).toContain(`tank/photos/kid@taken-${year}`);
        const c = page.clone('snap-1');
        expect(c.entry.text).toBe('tank/photos-snap-1');
        c.dialog.emit('response', 'apply');
        await waitFor('the clone', async () => (await zfsLines('list', '-H', '-o', 'name,origin', 'tank/photos-snap-1').catch((): string[] => []))
            .includes('tank/photos-snap-1\ttank/photos@snap-1') || undefined, 15000);
        expect(await page.hold('snap-2', true)).toBeTrue();
        await waitFor('the held row', shows(win, 'held (1 hold)'), 10000);
        // zfs-fuse has no `zfs holds`; userrefs counts them.
        expect(await zfsLines('get', '-H', '-o', 'value', 'userrefs', 'tank/photos@snap-2')).toEqual(['1']);
        // A held snapshot cannot be destroyed; the daemon says why.
        await page.confirmDestroy('snap-2');
        dialogOf(win, Adw.AlertDialog).emit('response', 'destroy');
        await waitFor('the refusal', () => {
            const d = win.get_visible_dialog();
            return d instanceof Adw.AlertDialog && d.heading === 'The Snapshots Were Not Changed' ? d : undefined;
        }, 10000);
        dialogOf(win, Adw.AlertDialog).force_close();
        await shoot('held', async w => {
            await snapshots(w);
            await waitFor('the held row', shows(w, 'held (1 hold)'), 5000);
        });
        expect(await page.hold('snap-2', false)).toBeTrue();
        await waitFor('the hold to go', () => !visibleTexts(win).some(t => t.includes('held (')) || undefined, 10000);
        await shoot('take', async w => {
            (await snapshots(w)).showTakeDialog();
        });
        await shoot('clone', async w => {
            (await snapshots(w)).clone('snap-3');
        });
    }, 300000);

    it('destroys several selected snapshots, keeping the held ones', async () => {
        const page = await snapshots(win);
        const before = page.model.total;
        await page.hold('snap-5', true);
        await waitFor('the held row', shows(win, 'held (1 hold)'), 10000);
        page.selectionMode = true;
        // snap-3, snap-4 and the held snap-5 (positions 2, 3, 4).
        for (const i of [2, 3, 4])
            page.selection.select_item(i, false);
        await waitFor('the count', shows(win, '3 selected'), 5000);
        const dialog = await page.confirmDestroySelected();
        expect(dialog?.heading).toBe('Destroy 2 Snapshots?');
        expect(dialog?.body).toContain('snap-3, snap-4');
        expect(dialog?.body).toContain('1 held snapshot is kept');
        dialog?.emit('response', 'destroy');
        await waitFor('the snapshots to go', () => page.model.total === before - 2 || undefined, 15000);
        const left = await zfsLines('list', '-H', '-o', 'name', '-t', 'snapshot', '-d', '1', 'tank/photos');
        expect(left).not.toContain('tank/photos@snap-3');
        expect(left).not.toContain('tank/photos@snap-4');
        expect(left).toContain('tank/photos@snap-5');
        await waitFor('the selection to clear', shows(win, 'Select snapshots to destroy'), 5000);

        await shoot('select', async w => {
            const p = await snapshots(w);
            p.selectionMode = true;
            p.selection.select_item(0, false);
            p.selection.select_item(2, false);
        });
        await shoot('destroy-selected', async w => {
            const p = await snapshots(w);
            p.selectionMode = true;
            for (const i of [0, 1, 2])
                p.selection.select_item(i, false);
            await p.confirmDestroySelected();
        });
    }, 300000);
});
