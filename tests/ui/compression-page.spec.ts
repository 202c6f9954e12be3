// SigmaVault Settings' Compression page under Xvfb, against the real daemon
// and its compression helper: files given to the page (the path the drop
// target and the Add buttons take) become a running job with progress, then
// a history entry with the sizes and the ratio the daemon reports; the
// defaults are GSettings keys, shown as rows, and used for the next job.
// A .zst made by the real zstd opens in the Compressed File dialog (its
// header in words and a preview decoded in-process). Screenshots in light
// and dark, narrow and wide.
import Adw from 'gi://Adw?version=1';
import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import type GObject from 'gi://GObject';
import Gtk from 'gi://Gtk?version=4.0';
import type { CompressedFileDialog as CompressedFileDialogType } from '../../src/app/compressed-file-dialog.js';
import type { CompressionPage as CompressionPageType } from '../../src/app/compression-page.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import type { JobDetailsDialog as JobDetailsDialogType } from '../../src/app/job-details-dialog.js';
import { type InstalledApp, loadApp, settle, shootVariants, startAppSession } from '../harness/app-session.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, check, run, waitFor } from '../harness/process.js';
import type { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, visibleTexts } from '../harness/widgets.js';

interface AppModules extends InstalledApp {
    CompressionPage: typeof CompressionPageType;
}

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 800], narrow: [360, 760] } as const;
const ROOT = '/var/tmp/sigmavault-compression-page';
const APP_ID = 'com.sigmavault.Settings';

function* listModel(model: Gio.ListModel): Generator<GObject.Object> {
    for (let i = 0; i < model.get_n_items(); i++) {
        const item = model.get_item(i);
        if (item !== null)
            yield item;
    }
}

const exists = (path: string): boolean => GLib.file_test(path, GLib.FileTest.EXISTS);

describe('SigmaVault Settings: compression page', () => {
    let sys: TestSystem;
    let session: TestSession;
    let app: AppModules;
    let store: InstalledApp['PoolStore']['prototype'];
    let win: SettingsWindowType;
    let page: CompressionPageType;
    let settings: Gio.Settings;

    const texts = (): string[] => visibleTexts(win);
    /** A job's row by title (file names unique to this spec: other specs' jobs stay in the daemon's history). */
    const historyRow = (name: string, subtitle: RegExp): Adw.ActionRow | undefined => findAll(win, Adw.ActionRow)
        .find(r => r.get_mapped() && r.title === name && subtitle.test(r.subtitle));
    const switchRow = (title: string): Adw.SwitchRow | undefined =>
        findAll(win, Adw.SwitchRow).find(r => r.get_mapped() && r.title === title);

    const shoot = (name: string): Promise<string[]> => shootVariants({
        create: () => new app.SettingsWindow(null, store), sizes: SIZES, save: app.saveScreenshot,
        prepare: async w => {
            w.showSection(':compression');
            await settle(w);
        },
        path: (size, scheme) => GLib.build_filenamev([SHOTS, `compression-${name}-${size}-${scheme}.png`]),
    });

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start({ zfs: false });
        await run(['rm', '-rf', '--', ROOT]);
        GLib.mkdir_with_parents(ROOT, 0o755);
        // About 24 MB of real text: at level 19 slow enough to watch it run.
        await check(['bash', '-c', 'for i in $(seq 1 40); do cat /usr/share/doc/*/copyright; done | head -c 24000000 > "$1"',
            'bash', `${ROOT}/page-big.txt`]);
        await check(['cp', '--', '/usr/share/doc/bash/README.abs-guide', `${ROOT}/page-guide.txt`]);
        await check(['cp', '--', '/usr/share/doc/bash/copyright', `${ROOT}/page-server.log`]);
        await check(['cp', '--', '/usr/share/doc/bash/copyright', `${ROOT}/page-dropped.txt`]);
        session = await startAppSession('compression-page');
        const pageModule = await import(installedModule('app/compression-page.js')) as
            { CompressionPage: typeof CompressionPageType };
        app = { ...await loadApp(), ...pageModule };
        // The memory backend (the session's) is shared by every Gio.Settings of this process, the page's too.
        settings = new Gio.Settings({ schema_id: APP_ID });
        store = new app.PoolStore();
        await store.connectToDaemon();
        win = new app.SettingsWindow(null, store);
        win.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        win.present();
    }, 120000);

    afterAll(async () => {
        win?.destroy();
        await sys?.stop();
        await session?.stop();
        await run(['rm', '-rf', '--', ROOT]);
    });

    it('has a Compression section with the drop area, the Add buttons and the defaults from GSettings', async () => {
        await waitFor('the sidebar row', () => texts().includes('Compression') || undefined, 10000);
        win.showSection(':compression');
        await settle(win);
        expect(win.title).toBe('Compression — SigmaVault Settings');
        page = await waitFor('the page', () => findAll(win, app.CompressionPage).find(p => p.get_mapped()), 5000);
        const t = texts();
        expect(t).toContain('Drop Files or Folders to Compress');
        expect(t).withContext('mnemonics are not shown').toContain('Add Files…');
        expect(t).toContain('Add Folder…');
        expect(t).toContain('Defaults');
        expect(switchRow('_Automatic Level')?.active).toBeTrue();
        expect(switchRow('_Replace Originals')?.active).toBeFalse();
        expect(page.defaults).toEqual({ level: null, replace: false, skipTypes: [] });
    });

    it('compresses at the level set in GSettings: the running job with progress and rate, then sizes and ratio', async () => {
        settings.set_int('compression-level', 19);
        await settle(win);
        expect(switchRow('_Automatic Level')?.active).withContext('the row follows GSettings').toBeFalse();
        expect(findAll(win, Adw.SpinRow).find(r => r.get_mapped())?.value).toBe(19);

        const job = await page.compress([Gio.File.new_for_path(`${ROOT}/page-big.txt`)]);
        expect(job).toMatch(/^\/com\/sigmavault\/Daemon\/jobs\/\d+$/);
        // Titled by the file's name, with its percentage, rate and time left.
        await waitFor('the running job with its progress', () => historyRow('Compression of page-big.txt',
            /^\d+\s% · [\d.,]+\s\S+\/s · .+ left$/), 60000, 50);
        expect(texts()).toContain('Running');
        const bar = findAll(win, Gtk.ProgressBar).find(b => b.get_mapped());
        expect(bar?.fraction ?? 0).toBeGreaterThan(0);
        expect(bar?.get_width() ?? 0).withContext('the bar is drawn').toBeGreaterThanOrEqual(96);
        expect(bar?.get_height() ?? 0).withContext('the bar is drawn').toBeGreaterThan(0);
        expect(findAll(win, Adw.ActionRow).some(r => r.get_mapped() && findAll(r, Gtk.Button)
            .some(b => b.get_mapped() && b.tooltip_text === 'Cancel'))).withContext('a Cancel button').toBeTrue();
        expect((await shoot('running')).length).toBe(4);

        const entry = (await waitFor('the history entry', () => historyRow('page-big.txt', /^Compression · .+ → .+ · \d+ % smaller · /),
            180000, 100)).subtitle;
        const info = store.jobs.find(j => j.path === job);
        expect(info?.state).toBe('succeeded');
        expect(info?.sizeBefore).toBe(24000000);
        expect(info?.sizeAfter).toBeGreaterThan(0);
        expect(info?.sizeAfter).toBeLessThan(info?.sizeBefore ?? 0);
        const saved = Math.round((1 - (info?.sizeAfter ?? 0) / 24000000) * 100);
        expect(entry).toContain(`${saved} % smaller`);
        expect(info?.log.some(l => l.includes('page-big.txt: Compressed at level 19, as you asked.')))
            .withContext(info?.log.join('\n') ?? '').toBeTrue();
        expect(texts()).withContext('no longer running').not.toContain('Compression of page-big.txt');
        expect(exists(`${ROOT}/page-big.txt`)).withContext('originals kept by default').toBeTrue();
        expect(exists(`${ROOT}/page-big.txt.zst`)).toBeTrue();
        // The daemon counts it under its type, and the page sums the history per type.
        expect(info?.savingsByType).toEqual({ txt: [24000000, info?.sizeAfter ?? 0] });
        const row = await waitFor('.txt files under Savings by Type', () => findAll(win, Adw.ActionRow)
            .find(r => r.get_mapped() && r.title === '.txt files'), 10000, 50);
        expect(row.subtitle).toMatch(/ → .+ · \d+ % smaller$/);
        // Tall windows: the whole page, Savings by Type included.
        const shots = await shootVariants({
            create: () => new app.SettingsWindow(null, store), sizes: { wide: [1000, 1500], narrow: [360, 2100] },
            save: app.saveScreenshot,
            prepare: async w => {
                w.showSection(':compression');
                await settle(w);
            },
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `compression-savings-${size}-${scheme}.png`]),
        });
        expect(shots.length).toBe(4);
    }, 240000);

    it('compresses files dropped on the page (a Gdk.FileList, as a file manager sends it)', async () => {
        const drop = [...listModel(page.observe_controllers())].find((c): c is Gtk.DropTarget => c instanceof Gtk.DropTarget);
        expect(drop?.formats.contain_gtype(Gdk.FileList.$gtype)).toBeTrue();
        const accepted = drop?.emit('drop', Gdk.FileList.new_from_array([Gio.File.new_for_path(`${ROOT}/page-dropped.txt`)]), 10, 10) as unknown;
        expect(accepted).toBeTrue();
        await waitFor('the dropped file in the history', () => historyRow('page-dropped.txt', /% smaller/), 60000, 50);
        expect(exists(`${ROOT}/page-dropped.txt.zst`)).toBeTrue();
    }, 90000);

    it('uses Replace Originals, Automatic Level and Types to Skip changed on the page for the next job', async () => {
        const replace = switchRow('_Replace Originals');
        const auto = switchRow('_Automatic Level');
        const skip = findAll(win, Adw.EntryRow).find(r => r.get_mapped() && r.title === '_Types to Skip');
        if (replace)
            replace.active = true;
        if (auto)
            auto.active = true;
        expect(skip).toBeDefined();
        if (skip) {
            skip.text = 'not/a type';
            skip.emit('apply');
            expect(skip.has_css_class('error')).withContext('refused where it was typed').toBeTrue();
            expect(settings.get_strv('compression-skip-types')).toEqual([]);
            skip.text = 'LOG, .iso';
            skip.emit('apply');
            expect(skip.has_css_class('error')).toBeFalse();
            expect(skip.text).toBe('log, iso');
        }
        expect(settings.get_boolean('compression-replace')).toBeTrue();
        expect(settings.get_int('compression-level')).toBe(0);
        expect(settings.get_strv('compression-skip-types')).toEqual(['log', 'iso']);
        expect(page.defaults).toEqual({ level: null, replace: true, skipTypes: ['log', 'iso'] });

        const job = await page.compress([Gio.File.new_for_path(`${ROOT}/page-guide.txt`),
            Gio.File.new_for_path(`${ROOT}/page-server.log`)]);
        await waitFor('the second history entry', () => historyRow('page-guide.txt and 1 more', /% smaller/), 60000, 50);
        const info = store.jobs.find(j => j.path === job);
        expect(info?.state).withContext(info?.message ?? '').toBe('succeeded');
        expect(exists(`${ROOT}/page-guide.txt`)).withContext('the original was replaced').toBeFalse();
        expect(exists(`${ROOT}/page-guide.txt.zst`)).toBeTrue();
        expect(exists(`${ROOT}/page-server.log`)).withContext('a type to skip stays as it is').toBeTrue();
        expect(exists(`${ROOT}/page-server.log.zst`)).toBeFalse();
        expect(info?.message).toContain('1 file skipped (.log files are on your list of types not to compress)');
        expect(info?.log.some(l => l.includes('as you asked'))).withContext('the daemon chose the level').toBeFalse();
        expect((await shoot('history')).length).toBe(4);
    }, 120000);

    it('shows a finished job in full: the daemon\'s words, sizes and its log (Show Details)', async () => {
        const { JobDetailsDialog } = await import(installedModule('app/job-details-dialog.js')) as
            { JobDetailsDialog: typeof JobDetailsDialogType };
        const job = store.jobs.find(j => j.lock.includes('page-guide.txt') && j.state === 'succeeded');
        if (job === undefined)
            throw new Error('the page-guide.txt job is not in the history');
        const dialog = new JobDetailsDialog(job, null);
        dialog.present(win);
        await settle(win);
        const shown = visibleTexts(dialog);
        expect(shown).toContain('Compression of page-guide.txt and 1 more');
        expect(shown).toContain(job.message);
        expect(shown.some(t => /% smaller$/.test(t))).toBeTrue();
        expect(shown).toContain(job.log.join('\n'));
        dialog.force_close();
        const saved = await shootVariants({
            create: () => new app.SettingsWindow(null, store), sizes: SIZES, save: app.saveScreenshot,
            prepare: async w => {
                w.showSection(':compression');
                new JobDetailsDialog(job, null).present(w);
                await settle(w);
            },
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `compression-job-details-${size}-${scheme}.png`]),
        });
        expect(saved.length).toBe(4);
    }, 60000);

    it('looks inside a .zst and a .tar.zst: sizes and header in words, the first lines or the first members', async () => {
        expect(texts()).toContain('Look Inside a Compressed File…');
        await check(['bash', '-c', 'head -n 40 /usr/share/doc/bash/README.abs-guide > "$1/look-notes.txt" && zstd -q -19 -- "$1/look-notes.txt"',
            'bash', ROOT]);
        GLib.mkdir_with_parents(`${ROOT}/look-folder/photos`, 0o755);
        await check(['bash', '-c', 'cd "$1" && cp /usr/share/doc/bash/copyright look-folder/LICENSE && : > look-folder/photos/empty.txt && ' +
            'tar -cf - look-folder | zstd -q -o look-folder.tar.zst', 'bash', ROOT]);
        await check(['bash', '-c', 'head -c 5000 /dev/urandom > "$1/look-random.zst"', 'bash', ROOT]);
        const open = async (name: string): Promise<CompressedFileDialogType> => {
            const dialog = page.lookInside(Gio.File.new_for_path(`${ROOT}/${name}`));
            await dialog.loaded;
            await settle(win);
            return dialog;
        };
        const original = GLib.file_get_contents(`${ROOT}/look-notes.txt`)[1];
        const compressed = GLib.file_get_contents(`${ROOT}/look-notes.txt.zst`)[1];
        let dialog = await open('look-notes.txt.zst');
        let shown = visibleTexts(dialog);
        expect(shown).toContain('look-notes.txt.zst');
        expect(shown).toContain(ROOT);
        expect(shown).toContain(GLib.format_size_full(compressed.length, GLib.FormatSizeFlags.LONG_FORMAT));
        expect(shown).toContain(GLib.format_size_full(original.length, GLib.FormatSizeFlags.LONG_FORMAT));
        expect(shown.some(t => / to 1, \d+ % smaller$/.test(t))).withContext(shown.join('|')).toBeTrue();
        expect(shown).toContain('Included: the content is checked when it is decompressed');
        expect(shown).toContain('None needed');
        const firstLines = new TextDecoder().decode(original).split('\n').slice(0, 12).join('\n');
        expect(shown).toContain(firstLines);
        dialog.force_close();

        dialog = await open('look-folder.tar.zst');
        shown = visibleTexts(dialog);
        expect(shown).toContain('Not recorded in the file');
        expect(shown).toContain('Everything in the archive');
        for (const member of ['look-folder/', 'look-folder/LICENSE', 'look-folder/photos/', 'look-folder/photos/empty.txt'])
            expect(shown).withContext(shown.join('|')).toContain(member);
        dialog.force_close();

        dialog = await open('look-random.zst');
        shown = visibleTexts(dialog);
        expect(shown).toContain('Not a zstd File');
        expect(shown.some(t => t.startsWith('This is not a zstd file'))).toBeTrue();
        dialog.force_close();

        const shots = await shootVariants({
            create: () => new app.SettingsWindow(null, store), sizes: SIZES, save: app.saveScreenshot,
            prepare: async w => {
                w.showSection(':compression');
                await settle(w);
                const shown = await waitFor('the page', () => findAll(w, app.CompressionPage).find(p => p.get_mapped()), 5000);
                await shown.lookInside(Gio.File.new_for_path(`${ROOT}/look-notes.txt.zst`)).loaded;
            },
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `compression-look-inside-${size}-${scheme}.png`]),
        });
        expect(shots.length).toBe(4);
        const archive = await shootVariants({
            create: () => new app.SettingsWindow(null, store), sizes: { narrow: SIZES.narrow }, save: app.saveScreenshot,
            prepare: async w => {
                w.showSection(':compression');
                await settle(w);
                const shown = await waitFor('the page', () => findAll(w, app.CompressionPage).find(p => p.get_mapped()), 5000);
                await shown.lookInside(Gio.File.new_for_path(`${ROOT}/look-folder.tar.zst`)).loaded;
            },
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `compression-look-inside-archive-${size}-${scheme}.png`]),
        });
        expect(archive.length).toBe(2);
    }, 90000);
});
