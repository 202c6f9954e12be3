// Opens SigmaVault Settings from the Shell: through the app system when the
// desktop file is known (the Shell then tracks the window as the app's), else
// by D-Bus activation of its org.freedesktop.Application interface.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Shell from 'gi://Shell';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

const APP_ID = 'com.sigmavault.Settings';
const APP_PATH = '/com/sigmavault/Settings';

export function openSettings(): void {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- typed `any` in @girs/gnome-shell
    Main.overview.hide();
    const app = Shell.AppSystem.get_default().lookup_app(`${APP_ID}.desktop`) as Shell.App | null;
    if (app !== null) {
        app.activate();
        return;
    }
    Gio.DBus.session.call(APP_ID, APP_PATH, 'org.freedesktop.Application', 'Activate',
        new GLib.Variant('(a{sv})', [{}]), null, Gio.DBusCallFlags.NONE, -1, null, (connection, result) => {
            try {
                connection?.call_finish(result);
            } catch (e) {
                console.warn(`SigmaVault: cannot open ${APP_ID}: ${e instanceof Error ? e.message : String(e)}`);
            }
        });
}
