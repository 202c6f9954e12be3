// The compression defaults the user set in SigmaVault Settings (GSettings
// com.sigmavault.Settings: compression-level, compression-replace,
// compression-skip-types), as every place that starts a Compress job reads
// them: the Compression page, the Files menu and sigmavaultctl.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { APP_ID } from './config.js';

export interface CompressDefaults {
    /** 1–19, or null to let the daemon choose for each file. */
    readonly level: number | null;
    readonly replace: boolean;
    /** File-name extensions, without the dot, never to compress. */
    readonly skipTypes: readonly string[];
}

/** What the daemon does when nothing is set (and where the schema is not installed). */
export const NO_DEFAULTS: CompressDefaults = { level: null, replace: false, skipTypes: [] };

/** The app's settings, or null when the schema is missing (a broken install should not stop anything). */
export function appSettingsOrNull(): Gio.Settings | null {
    const source = Gio.SettingsSchemaSource.get_default();
    return source?.lookup(APP_ID, true) ? new Gio.Settings({ schema_id: APP_ID }) : null;
}

export function compressDefaultsOf(settings: Gio.Settings | null): CompressDefaults {
    if (settings === null)
        return NO_DEFAULTS;
    const level = settings.get_int('compression-level');
    return { level: level > 0 ? level : null, replace: settings.get_boolean('compression-replace'),
        skipTypes: settings.get_strv('compression-skip-types') };
}

/** Manager1.Compress options (a{sv}) for `defaults`. */
export function compressOptions(defaults: CompressDefaults): Record<string, GLib.Variant> {
    const options: Record<string, GLib.Variant> = { replace: new GLib.Variant('b', defaults.replace) };
    if (defaults.level !== null)
        options.level = new GLib.Variant('i', defaults.level);
    if (defaults.skipTypes.length > 0)
        options.skip_types = new GLib.Variant('as', [...defaults.skipTypes]);
    return options;
}
