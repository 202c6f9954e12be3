// UI specs drive the installed code (meson install put it under /usr),
// exactly what a user runs.
import GLib from 'gi://GLib';

export function installedModule(relative: string): string {
    const dir = GLib.getenv('SIGMAVAULT_JSDIR') ?? '/usr/share/sigmavault/js/src';
    return `file://${dir}/${relative}`;
}
