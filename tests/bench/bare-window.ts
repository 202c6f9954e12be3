// The reference for SigmaVault Settings' first frame: a bare
// Adw.ApplicationWindow of the same size, started the same way (gjs -m, a
// non-unique Adw.Application on the session bus), that ends the same way as
// `sigmavault-settings --screenshot=FILE`: at the first frame the window's
// frame clock reports painted ('after-paint'), then, at idle, it saves the
// window with the same installed saveScreenshot() and prints FILE.
//   gjs -m bare-window.js FILE
// It prints "painted" as soon as the first frame is painted (before
// saving), so the benchmark can also tell how much the PNG step costs.
import 'gi://Gtk?version=4.0';
import Adw from 'gi://Adw?version=1';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk';
import System from 'system';
import { installedModule } from '../harness/installed.js';

type SaveScreenshot = (window: Gtk.Window, path: string) => void;

const path = ARGV[0] ?? '';
// Loaded while the application starts up, as the app loads its modules.
const screenshot = import(installedModule('app/screenshot.js')) as Promise<{ saveScreenshot: SaveScreenshot }>;

const app = new Adw.Application({
    application_id: 'com.sigmavault.BenchBareWindow',
    flags: Gio.ApplicationFlags.NON_UNIQUE,
});
app.connect('activate', () => {
    // As the app does for its screenshot.
    const settings = Gtk.Settings.get_default();
    if (settings)
        settings.gtk_enable_animations = false;
    const content = new Adw.ToolbarView();
    content.add_top_bar(new Adw.HeaderBar());
    const win = new Adw.ApplicationWindow({
        application: app, title: 'Bare window', default_width: 960, default_height: 640, content,
    });
    win.present();
    const clock = win.get_frame_clock();
    if (!clock) {
        printerr('bare window: no frame clock after present()');
        app.quit();
        return;
    }
    const id = clock.connect('after-paint', () => {
        clock.disconnect(id);
        print('painted');
        GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
            screenshot.then(({ saveScreenshot }) => {
                if (path) {
                    saveScreenshot(win, path);
                    print(path);
                }
            }).catch((e: unknown) => {
                printerr(`bare window: ${e instanceof Error ? e.message : String(e)}`);
            }).finally(() => {
                app.quit();
            });
            return GLib.SOURCE_REMOVE;
        });
    });
    win.queue_draw();
});

// FILE is ours, not GApplication's: it would take it for a file to open.
app.runAsync([System.programInvocationName]).then(code => {
    System.exit(code);
}).catch((e: unknown) => {
    logError(e);
    System.exit(1);
});
