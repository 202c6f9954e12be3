// What a UI spec of SigmaVault Settings does before it makes a window: a
// session bus with an X display (Xvfb), this process on both, libadwaita
// initialised and animations off so that screenshots show the end state.
import Gtk from 'gi://Gtk?version=4.0';
import Adw from 'gi://Adw?version=1';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { TestSession } from './session.js';

export async function startGtkSession(name: string): Promise<TestSession> {
    const session = await TestSession.start(name, { display: true, displayEndsWithClients: true });
    for (const [k, v] of Object.entries(session.envRecord()))
        GLib.setenv(k, v, true);
    GLib.setenv('GDK_BACKEND', 'x11', true);
    Gio.bus_get_sync(Gio.BusType.SESSION, null).set_exit_on_close(false);
    Adw.init();
    const settings = Gtk.Settings.get_default();
    if (settings)
        settings.gtk_enable_animations = false;
    return session;
}
