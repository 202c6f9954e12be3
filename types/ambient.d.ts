// The GObject libraries the sources import through gi://.
import '@girs/gjs';
import '@girs/gjs/dom';
import '@girs/glib-2.0/glib-2.0-ambient';
import '@girs/gio-2.0/gio-2.0-ambient';
import '@girs/gobject-2.0/gobject-2.0-ambient';
import '@girs/gtk-4.0/gtk-4.0-ambient';
import '@girs/adw-1/adw-1-ambient';
import '@girs/gdk-4.0/gdk-4.0-ambient';
import '@girs/gsk-4.0/gsk-4.0-ambient';
import '@girs/gnome-shell/ambient';
