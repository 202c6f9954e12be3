// Saves what a widget shows as a PNG (the demo's --screenshot, UI tests).
import Adw from 'gi://Adw';
import Gdk from 'gi://Gdk';
import Graphene from 'gi://Graphene';
import Gtk from 'gi://Gtk';

function windowBackground(window: Gtk.Window): Gdk.RGBA {
    // lookup_color is deprecated for drawing, but is the one way to read
    // the theme's named colour here.
    const [found, color] = window.get_style_context().lookup_color('window_bg_color');
    if (found)
        return color;
    const fallback = new Gdk.RGBA();
    fallback.parse(Adw.StyleManager.get_default().dark ? '#222226' : '#ffffff');
    return fallback;
}

export function saveScreenshot(window: Gtk.Window, path: string): void {
    // A toplevel paints nothing through a WidgetPaintable; its child does,
    // which is everything but the window's shadow.
    const widget = window.get_child();
    if (!widget)
        throw new Error('the window has no content to save');
    const paintable = new Gtk.WidgetPaintable({ widget });
    const width = widget.get_width();
    const height = widget.get_height();
    const snapshot = new Gtk.Snapshot();
    // The window paints its background itself, outside its child.
    const bounds = new Graphene.Rect({
        origin: new Graphene.Point({ x: 0, y: 0 }),
        size: new Graphene.Size({ width, height }),
    });
    snapshot.append_color(windowBackground(window), bounds);
    paintable.snapshot(snapshot, width, height);
    const node = snapshot.to_node();
    const renderer = window.get_renderer();
    if (!node || !renderer)
        throw new Error(`the window is not shown yet, so there is nothing to save (${width}×${height}, node ${node !== null}, renderer ${renderer !== null})`);
    const texture = renderer.render_texture(node, bounds);
    if (!texture.save_to_png(path))
        throw new Error(`could not write ${path}`);
}
