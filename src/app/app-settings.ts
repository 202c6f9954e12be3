// The app's GSettings (data/com.sigmavault.Settings.gschema.xml).
import Gio from 'gi://Gio';
import { APP_ID } from '../shared/config.js';

/** The settings, or null when the schema is missing (a broken install should not stop the app). */
export function appSettingsOrNull(): Gio.Settings | null {
    const source = Gio.SettingsSchemaSource.get_default();
    return source?.lookup(APP_ID, true) ? new Gio.Settings({ schema_id: APP_ID }) : null;
}
