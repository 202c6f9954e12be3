// Saves what a widget shows as a PNG (the demo's --screenshot, UI tests).
import Graphene from 'gi://Graphene';
import Gtk from 'gi://Gtk';

export function saveScreenshot(widget: Gtk.Widget, path: string): void {
    const paintable = new Gtk.WidgetPaintable({ widget });
    const width = widget.get_width();
    const height = widget.get_height();
    const snapshot = new Gtk.Snapshot();
    paintable.snapshot(snapshot, width, height);
    const node = snapshot.to_node();
    const renderer = widget.get_native()?.get_renderer();
    if (!node || !renderer)
        throw new Error('the window is not shown yet, so there is nothing to save');
    const texture = renderer.render_texture(node, new Graphene.Rect({
        origin: new Graphene.Point({ x: 0, y: 0 }),
        size: new Graphene.Size({ width, height }),
    }));
    if (!texture.save_to_png(path))
        throw new Error(`could not write ${path}`);
}
