// The app inside a UI spec: this process becomes SigmaVault Settings in a
// test session with a display, and takes screenshots of windows in light and
// dark, narrow and wide.
import Adw from 'gi://Adw?version=1';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk?version=4.0';
import type { PoolStore } from '../../src/app/pool-store.js';
import type { SettingsWindow } from '../../src/app/window.js';
import { installedModule } from './installed.js';
import { waitFor } from './process.js';
import { TestSession } from './session.js';
import { settle } from './widgets.js';

export { settle };

/** Starts a session with a display and makes this process its GTK client (X11, no animations). */
export async function startAppSession(name: string): Promise<TestSession> {
    const session = await TestSession.start(name, { display: true, displayEndsWithClients: true });
    for (const [k, v] of Object.entries(session.envRecord()))
        GLib.setenv(k, v, true);
    GLib.setenv('GDK_BACKEND', 'x11', true);
    // GTK's shared session-bus connection must not end this process when the session bus stops.
    Gio.bus_get_sync(Gio.BusType.SESSION, null).set_exit_on_close(false);
    Adw.init();
    const settings = Gtk.Settings.get_default();
    if (settings)
        settings.gtk_enable_animations = false;
    return session;
}

/** The installed app's store, window and screenshot function (what a user runs). */
export interface InstalledApp {
    PoolStore: typeof PoolStore;
    SettingsWindow: typeof SettingsWindow;
    saveScreenshot: (w: Gtk.Window, path: string) => void;
}

export async function loadApp(): Promise<InstalledApp> {
    const [storeModule, windowModule, shotModule] = await Promise.all([
        import(installedModule('app/pool-store.js')) as Promise<{ PoolStore: typeof PoolStore }>,
        import(installedModule('app/window.js')) as Promise<{ SettingsWindow: typeof SettingsWindow }>,
        import(installedModule('app/screenshot.js')) as Promise<{ saveScreenshot: InstalledApp['saveScreenshot'] }>,
    ]);
    return { ...storeModule, ...windowModule, ...shotModule };
}

export interface ShotPlan<W extends Gtk.Window> {
    readonly create: () => W;
    readonly sizes: Readonly<Record<string, readonly [number, number]>>;
    readonly prepare: (w: W) => Promise<unknown>;
    readonly save: (w: W, path: string) => void;
    /** The PNG's path for a size name and 'light' or 'dark'. */
    readonly path: (size: string, scheme: 'light' | 'dark') => string;
}

/** One screenshot per colour scheme and size, each of a fresh window; returns the paths. */
export async function shootVariants<W extends Gtk.Window>(plan: ShotPlan<W>): Promise<string[]> {
    const saved: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
        Adw.StyleManager.get_default().color_scheme = scheme === 'dark' ? Adw.ColorScheme.FORCE_DARK : Adw.ColorScheme.FORCE_LIGHT;
        for (const [size, [width, height]] of Object.entries(plan.sizes)) {
            const w = plan.create();
            w.set_default_size(width, height);
            w.present();
            try {
                await waitFor('the screenshot window to map', () => w.get_mapped() || undefined, 5000, 20);
                await plan.prepare(w);
                await settle(w);
                const path = plan.path(size, scheme);
                plan.save(w, path);
                saved.push(path);
            } finally {
                // A dialog prepare opened goes with its window.
                if (w instanceof Adw.ApplicationWindow || w instanceof Adw.Window)
                    w.get_visible_dialog()?.force_close();
                w.destroy();
            }
        }
    }
    Adw.StyleManager.get_default().color_scheme = Adw.ColorScheme.DEFAULT;
    return saved;
}
