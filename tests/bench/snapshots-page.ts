// SigmaVault Settings' Snapshots page on its own: a window with the
// installed SnapshotsPage of DATASET (object PATH), started the way
// bare-window.js is, that prints "shown" once the first rows of the list
// are on screen — the page has asked the daemon for the total and the
// first page, and the ListView has drawn them.
//   gjs -m snapshots-page.js DATASET PATH ROW-PREFIX
import 'gi://Gtk?version=4.0';
import Adw from 'gi://Adw?version=1';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk';
import System from 'system';
import type { SnapshotsPage as SnapshotsPageType } from '../../src/app/snapshots-page.js';
import { installedModule } from '../harness/installed.js';
import { visibleTexts } from '../harness/widgets.js';

const [dataset = '', path = '', prefix = ''] = ARGV;
const pageModule = import(installedModule('app/snapshots-page.js')) as Promise<{ SnapshotsPage: typeof SnapshotsPageType }>;

const app = new Adw.Application({
    application_id: 'com.sigmavault.BenchSnapshotsPage',
    flags: Gio.ApplicationFlags.NON_UNIQUE,
});
app.connect('activate', () => {
    const settings = Gtk.Settings.get_default();
    if (settings)
        settings.gtk_enable_animations = false;
    app.hold();
    pageModule.then(({ SnapshotsPage }) => {
        const nav = new Adw.NavigationView();
        const win = new Adw.ApplicationWindow({ application: app, default_width: 960, default_height: 640, content: nav });
        nav.push(new SnapshotsPage(dataset, path));
        win.present();
        // Rows are drawn by GTK's own list machinery: look after each frame.
        const clock = win.get_frame_clock();
        let done = false;
        const check = (): boolean => {
            if (done)
                return true;
            if (!visibleTexts(win).some(t => t.startsWith(prefix)))
                return false;
            done = true;
            print('shown');
            app.release();
            app.quit();
            return true;
        };
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => (check() ? GLib.SOURCE_REMOVE : GLib.SOURCE_CONTINUE));
        clock?.connect('after-paint', () => {
            check();
        });
    }).catch((e: unknown) => {
        printerr(`snapshots page: ${e instanceof Error ? e.message : String(e)}`);
        app.release();
        app.quit();
    });
});

app.runAsync([System.programInvocationName]).then(code => {
    System.exit(code);
}).catch((e: unknown) => {
    logError(e);
    System.exit(1);
});
