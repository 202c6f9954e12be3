// Rows that show a job follow the store's jobs only while they are shown:
// the pool page is rebuilt when the pool changes, and an unmapped row must
// not keep a handler on the store.
import type Gtk from 'gi://Gtk';
import type { PoolStore } from './pool-store.js';

/** Calls `sync` now, on every "jobs-changed" while `widget` is mapped, and when it is mapped again. */
export function followJobsWhileMapped(widget: Gtk.Widget, store: PoolStore, sync: () => void): void {
    let handler = 0;
    widget.connect('map', () => {
        if (handler === 0)
            handler = store.connect('jobs-changed', sync);
        sync();
    });
    widget.connect('unmap', () => {
        if (handler !== 0)
            store.disconnect(handler);
        handler = 0;
    });
    sync();
}
