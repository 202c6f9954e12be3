// GLib 2.84 moved the Unix-only API into GLibUnix and GioUnix (the old
// GLib.unix_* / Gio.Unix* names still work but warn). No @girs package of
// the 4.0.0-beta line covers them; these are the parts SigmaVault uses.
declare module 'gi://GLibUnix' {
    import type GLib from 'gi://GLib';
    namespace GLibUnix {
        function signal_add_full(priority: number, signum: number, handler: GLib.SourceFunc): number;
    }
    export default GLibUnix;
}

declare module 'gi://GioUnix' {
    import type GObject from 'gi://GObject';
    namespace GioUnix {
        class MountMonitor extends GObject.Object {
            static get(): MountMonitor;
            connect(signal: 'mounts-changed' | 'mountpoints-changed', callback: (monitor: MountMonitor) => void): number;
            connect(signal: string, callback: (...args: unknown[]) => unknown): number;
        }
    }
    export default GioUnix;
}
