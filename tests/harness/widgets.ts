// Reading what a GTK window shows, for UI specs: the texts of mapped
// widgets, and waiting for frames to be painted.
import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk';

function* descendants(widget: Gtk.Widget): Generator<Gtk.Widget> {
    for (let child = widget.get_first_child(); child; child = child.get_next_sibling()) {
        yield child;
        yield* descendants(child);
    }
}

/** Texts a person can see: labels, row titles and subtitles, status pages. */
export function visibleTexts(root: Gtk.Widget): string[] {
    const texts: string[] = [];
    for (const w of descendants(root)) {
        if (!w.get_mapped())
            continue;
        if (w instanceof Gtk.Label && w.get_text())
            texts.push(w.get_text());
        else if (w instanceof Adw.StatusPage)
            texts.push(w.title, w.description ?? '');
    }
    return texts.filter(t => t !== '');
}

export function findAll<T extends Gtk.Widget>(root: Gtk.Widget, type: abstract new (...args: never[]) => T): T[] {
    return [...descendants(root)].filter((w): w is T => w instanceof type);
}

/** Resolves after the window has painted `count` more frames. */
export function framesPainted(window: Gtk.Window, count = 2): Promise<void> {
    return new Promise(resolve => {
        let left = count;
        const clock = window.get_frame_clock();
        if (!clock) {
            GLib.timeout_add(GLib.PRIORITY_DEFAULT, 100, () => {
                resolve();
                return GLib.SOURCE_REMOVE;
            });
            return;
        }
        const id = clock.connect('after-paint', () => {
            // Ask for the next frame too: a window with nothing changing paints only once.
            if (--left > 0) {
                window.queue_draw();
                return;
            }
            clock.disconnect(id);
            resolve();
        });
        window.queue_draw();
    });
}

/**
 * A few frames, each asked for: once a view has loaded nothing animates,
 * so waiting for several frames in a row would wait for the next change.
 */
export async function settle(w: Gtk.Window): Promise<void> {
    for (let i = 0; i < 3; i++)
        await framesPainted(w, 1);
}
