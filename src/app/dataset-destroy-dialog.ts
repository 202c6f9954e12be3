// "Destroy …?": names what goes with the dataset (the datasets inside it,
// every snapshot, clones of those snapshots elsewhere, from the daemon's
// PreviewDestroy) and enables the destructive button only once the
// dataset's exact name is typed, as the daemon itself requires.
import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { _, format, ngettext } from '../shared/i18n.js';

export interface DestroyPreview {
    readonly children: readonly string[];
    readonly snapshots: readonly string[];
    readonly clones: readonly string[];
}

/** Rows shown per list: a dataset with 10,000 snapshots must not build 10,000 rows. */
const SHOWN = 50;

function listRow(title: string, icon: string, names: readonly string[]): Adw.ExpanderRow {
    const row = new Adw.ExpanderRow({ title });
    row.add_prefix(new Gtk.Image({ icon_name: icon, accessible_role: Gtk.AccessibleRole.PRESENTATION }));
    for (const n of names.slice(0, SHOWN))
        row.add_row(new Adw.ActionRow({ title: GLib.markup_escape_text(n, -1), title_selectable: true }));
    if (names.length > SHOWN) {
        const more = names.length - SHOWN;
        const r = new Adw.ActionRow({ title: format(ngettext('and %d more', 'and %d more', more), more) });
        r.add_css_class('dim-label');
        row.add_row(r);
    }
    return row;
}

export class DatasetDestroyDialog extends Adw.AlertDialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultDatasetDestroyDialog' }, this);
    }

    declare readonly confirmRow: Adw.EntryRow;
    /** True when the person typed the name and pressed Destroy. */
    declare readonly confirmed: Promise<boolean>;

    constructor(name: string, preview: DestroyPreview) {
        const { children, snapshots, clones } = preview;
        const also = children.length + snapshots.length + clones.length > 0;
        super({
            heading: format(_('Destroy “%s”?'), name),
            body: also
                ? _('All its files are deleted for good, and so is everything listed here. This cannot be undone.')
                : _('All its files are deleted for good. This cannot be undone.'),
        });
        this.add_response('cancel', _('_Cancel'));
        this.add_response('destroy', _('_Destroy'));
        this.set_response_appearance('destroy', Adw.ResponseAppearance.DESTRUCTIVE);
        this.set_response_enabled('destroy', false);
        this.close_response = 'cancel';
        this.default_response = 'cancel';

        const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 12 });
        if (also) {
            const list = new Gtk.ListBox({ selection_mode: Gtk.SelectionMode.NONE });
            list.add_css_class('boxed-list');
            if (children.length > 0) {
                list.append(listRow(format(ngettext('%d dataset inside it', '%d datasets inside it', children.length), children.length),
                    'folder-symbolic', children));
            }
            if (snapshots.length > 0) {
                list.append(listRow(format(ngettext('%d snapshot', '%d snapshots', snapshots.length), snapshots.length),
                    'camera-photo-symbolic', snapshots));
            }
            if (clones.length > 0) {
                list.append(listRow(format(ngettext('%d clone made from its snapshots', '%d clones made from its snapshots', clones.length),
                    clones.length), 'edit-copy-symbolic', clones));
            }
            box.append(list);
        }
        const entryList = new Gtk.ListBox({ selection_mode: Gtk.SelectionMode.NONE });
        entryList.add_css_class('boxed-list');
        this.confirmRow = new Adw.EntryRow({ title: format(_('Type “%s” to confirm'), name) });
        entryList.append(this.confirmRow);
        box.append(entryList);
        this.extra_child = box;

        this.confirmRow.connect('changed', () => {
            this.set_response_enabled('destroy', this.confirmRow.text === name);
        });
        this.confirmed = new Promise(resolve => {
            this.connect('response', (_d, response: string) => {
                resolve(response === 'destroy' && this.confirmRow.text === name);
            });
        });
    }
}
