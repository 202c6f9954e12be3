// SigmaVault Settings' Previous Versions dialog under Xvfb, against the real
// daemon and a zfs-fuse pool: a file written in three versions with
// snapshots between, the list of earlier versions, restoring one beside the
// current file, the question before replacing it, the empty and error
// states; screenshots in light and dark, narrow and wide.
import Gtk from 'gi://Gtk?version=4.0';
import Adw from 'gi://Adw?version=1';
import GLib from 'gi://GLib';
import type { PreviousVersionsDialog as DialogType } from '../../src/app/previous-versions-dialog.js';
import { installedModule } from '../harness/installed.js';
import { artifactsDir, check, waitFor } from '../harness/process.js';
import { shootVariants, startAppSession } from '../harness/app-session.js';
import type { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, framesPainted, visibleTexts } from '../harness/widgets.js';

interface AppModules {
    PreviousVersionsDialog: typeof DialogType;
    saveScreenshot: (w: Gtk.Window, path: string) => void;
}

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 700], narrow: [360, 720] } as const;
const DIR = '/tank/documents';
const FILE = `${DIR}/Quarterly report.odt`;
const SAME = `${DIR}/unchanged.txt`;

async function settle(w: Gtk.Window): Promise<void> {
    for (let i = 0; i < 3; i++)
        await framesPainted(w, 1);
}

async function writeVersion(path: string, text: string, stamp: string): Promise<void> {
    GLib.file_set_contents(path, text);
    await check(['touch', '-d', stamp, '--', path]);
}

/** A window to present a dialog on, outside the screenshots. */
function w2(): Gtk.Window {
    const w = new Adw.Window({ default_width: 1000, default_height: 700 });
    w.present();
    return w;
}

describe('SigmaVault Settings: Previous Versions', () => {
    let sys: TestSystem;
    let session: TestSession;
    let app: AppModules;

    async function open(w: Gtk.Window, path: string, state = 'list'): Promise<DialogType> {
        const dialog = new app.PreviousVersionsDialog(path, sys.systemBus);
        dialog.present(w);
        await dialog.load();
        await waitFor(`the dialog to show ${state}`, () => dialog.state === state || undefined, 20000);
        return dialog;
    }

    async function shoot(name: string, prepare: (w: Gtk.Window) => Promise<void>): Promise<void> {
        await shootVariants({
            create: () => new Adw.Window({ title: 'SigmaVault Settings' }), sizes: SIZES, save: app.saveScreenshot, prepare,
            path: (size, scheme) => GLib.build_filenamev([SHOTS, `previous-versions-${name}-${size}-${scheme}.png`]),
        });
    }

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start();
        await sys.createPool('tank', 'single', 1, 256);
        await sys.zfs('create', 'tank/documents');
        await writeVersion(FILE, 'first draft\n', '2026-11-27 16:20');
        await writeVersion(SAME, 'never changes\n', '2026-11-01 08:00');
        await sys.zfs('snapshot', 'tank/documents@daily-2026-11-28');
        await writeVersion(FILE, 'second draft, with the numbers\n', '2026-11-29 11:05');
        await sys.zfs('snapshot', 'tank/documents@daily-2026-11-29');
        await sys.zfs('snapshot', 'tank/documents@daily-2026-11-30');
        await writeVersion(FILE, 'final version, sent\n'.repeat(40), '2026-12-01 09:10');
        await sys.zfs('snapshot', 'tank/documents@daily-2026-12-01');
        session = await startAppSession('previous-versions');
        const [dialogModule, shotModule] = await Promise.all([
            import(installedModule('app/previous-versions-dialog.js')) as Promise<{ PreviousVersionsDialog: AppModules['PreviousVersionsDialog'] }>,
            import(installedModule('app/screenshot.js')) as Promise<{ saveScreenshot: AppModules['saveScreenshot'] }>,
        ]);
        app = { ...dialogModule, ...shotModule };
    }, 180000);

    afterAll(async () => {
        await sys?.stop();
        await session?.stop();
    });

    it('lists the earlier versions with size, modification time and the snapshots holding them', async () => {
        const w = new Adw.Window({ default_width: 1000, default_height: 700 });
        w.present();
        const dialog = await open(w, FILE);
        expect(dialog.versions.map(v => v.snapshots.map(s => s.name)))
            .toEqual([['daily-2026-11-30', 'daily-2026-11-29'], ['daily-2026-11-28']]);
        await settle(w);
        const t = visibleTexts(w);
        expect(t).toContain('Previous Versions');
        expect(t).toContain('Quarterly report.odt');
        expect(t).toContain('Earlier Versions');
        expect(t.some(x => /^Modified 29 November 2026, 11:05$/.test(x))).withContext(t.join('\n')).toBeTrue();
        expect(t.some(x => /^31 bytes · in snapshot daily-2026-11-30 of .* and 1 older one$/.test(x))).withContext(t.join('\n')).toBeTrue();
        expect(t.some(x => /^12 bytes · in snapshot daily-2026-11-28 of [^·]+$/.test(x))).withContext(t.join('\n')).toBeTrue();
        // Every control is labelled.
        for (const b of findAll(dialog, Adw.SplitButton))
            expect(b.tooltip_text).toBe('Restore this version beside the current file');
        const opens = findAll(dialog, Gtk.Button).filter(b => b.icon_name === 'document-open-symbolic');
        expect(opens.length).toBe(2);
        for (const b of opens)
            expect(b.tooltip_text).toBe('Open Read-Only');
        w.destroy();
        await shoot('list', async sw => {
            await open(sw, FILE);
        });
    }, 240000);

    it('restores beside the current file and says under which name', async () => {
        const w = new Adw.Window({ default_width: 1000, default_height: 700 });
        w.present();
        const dialog = await open(w, FILE);
        const [newest] = dialog.versions;
        if (!newest)
            throw new Error('no version');
        const before = GLib.file_get_contents(FILE)[1];
        await dialog.restore(newest, false);
        const restoredName = await waitFor('the toast', () => visibleTexts(w).find(t => t.startsWith('Restored as “')), 5000);
        const name = /^Restored as “(.+)”$/.exec(restoredName)?.[1] ?? '';
        expect(name).toMatch(/^Quarterly report \(restored \d{4}-\d\d-\d\d \d\d:\d\d\)\.odt$/);
        expect(GLib.file_get_contents(`${DIR}/${name}`)[1]).toEqual(new TextEncoder().encode('second draft, with the numbers\n'));
        expect(GLib.file_get_contents(FILE)[1]).toEqual(before);
        await settle(w);
        app.saveScreenshot(w, GLib.build_filenamev([SHOTS, 'previous-versions-restored-wide-light.png']));
        GLib.unlink(`${DIR}/${name}`);
        w.destroy();
    }, 60000);

    it('asks before replacing the current file', async () => {
        const w = new Adw.Window({ default_width: 1000, default_height: 700 });
        w.present();
        const dialog = await open(w, FILE);
        const [, oldest] = dialog.versions;
        if (!oldest)
            throw new Error('no version');
        const question = dialog.confirmReplace(oldest);
        expect(question.heading).toBe('Replace Current File?');
        expect(question.body).toContain('The current file is not deleted');
        question.force_close();
        // Nothing happened without the answer.
        expect(GLib.file_get_contents(FILE)[1]).toEqual(new TextEncoder().encode('final version, sent\n'.repeat(40)));
        w.destroy();
        await shoot('replace', async sw => {
            const d = await open(sw, FILE);
            const v = d.versions[1];
            if (v)
                d.confirmReplace(v);
            await waitFor('the question', () => visibleTexts(sw).includes('Replace Current File?') || undefined, 5000);
        });
    }, 240000);

    it('says so when no snapshot holds another version, and when the file is not on ZFS', async () => {
        const w = new Adw.Window({ default_width: 1000, default_height: 700 });
        w.present();
        const same = await open(w, SAME, 'empty');
        expect(same.versions).toEqual([]);
        await settle(w);
        expect(visibleTexts(w)).toContain('No Previous Versions');
        w.destroy();
        await shoot('empty', async sw => {
            await open(sw, SAME, 'empty');
        });
        const ew = w2();
        await open(ew, '/etc/hostname', 'error');
        await settle(ew);
        expect(visibleTexts(ew).join('\n')).toContain('/etc/hostname is not in a storage pool');
        ew.destroy();
        await shoot('error', async sw => {
            await open(sw, '/etc/hostname', 'error');
        });
    }, 240000);
});
