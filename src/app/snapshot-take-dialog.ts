// "Take Snapshot": a name or name template (%Y %m %d %H %M %S, filled in by
// the daemon at the moment it takes the snapshot; the dialog shows what the
// name would be now), and whether the datasets inside are snapshotted too.
import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { _, format } from '../shared/i18n.js';

export const DEFAULT_TEMPLATE = 'manual-%Y-%m-%d-%H%M';

/** The name the template gives at `when`, or why it gives none. */
export function expandPreview(template: string, when: GLib.DateTime): { name: string } | { problem: string } {
    const unknown = /%([^YmdHMS%]|$)/.exec(template);
    if (unknown)
        return { problem: format(_('“%s” is not a date field; use %Y %m %d %H %M %S.'), unknown[0]) };
    if (/[/@#]/.test(template))
        return { problem: _('A snapshot name may not contain “/”, “@” or “#”.') };
    if (template.startsWith('-'))
        return { problem: _('A snapshot name may not start with “-”.') };
    const name = when.format(template) ?? template;
    if (!/^[A-Za-z0-9_.: -]+$/.test(name))
        return { problem: _('Use only letters, digits, spaces and _ - . : in names.') };
    return { name };
}

export class SnapshotTakeDialog extends Adw.AlertDialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultSnapshotTakeDialog' }, this);
    }

    declare readonly nameRow: Adw.EntryRow;
    declare readonly recursiveRow: Adw.SwitchRow;
    declare private _preview: Gtk.Label;
    /** The template and the recursive switch when Take was pressed, else null. */
    declare readonly chosen: Promise<{ template: string; recursive: boolean } | null>;

    constructor(dataset: string) {
        super({
            heading: _('Take Snapshot'),
            body: format(_('A snapshot keeps %s as it is at this moment. It takes no space until files change.'), dataset),
        });
        this.add_response('cancel', _('_Cancel'));
        this.add_response('take', _('_Take'));
        this.set_response_appearance('take', Adw.ResponseAppearance.SUGGESTED);
        this.default_response = 'take';
        this.close_response = 'cancel';

        const list = new Gtk.ListBox({ selection_mode: Gtk.SelectionMode.NONE });
        list.add_css_class('boxed-list');
        this.nameRow = new Adw.EntryRow({ title: _('Name'), text: DEFAULT_TEMPLATE, activates_default: true });
        this.recursiveRow = new Adw.SwitchRow({
            title: _('Include Datasets Inside'),
            subtitle: _('Also snapshot the datasets inside, at the same moment'),
        });
        list.append(this.nameRow);
        list.append(this.recursiveRow);
        this._preview = new Gtk.Label({ xalign: 0, wrap: true, margin_top: 6, margin_start: 6, margin_end: 6 });
        this._preview.add_css_class('caption');
        const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL });
        box.append(list);
        box.append(this._preview);
        this.extra_child = box;

        this.nameRow.connect('changed', () => { this.update(); });
        this.update();
        this.chosen = new Promise(resolve => {
            this.connect('response', (_d, response: string) => {
                resolve(response === 'take' ? { template: this.nameRow.text, recursive: this.recursiveRow.active } : null);
            });
        });
    }

    private update(): void {
        const t = this.nameRow.text;
        const r = t === '' ? { problem: _('Enter a name.') } : expandPreview(t, GLib.DateTime.new_now_local());
        if ('name' in r) {
            this._preview.label = t.includes('%')
                ? format(_('Named like %s, with the date and time it is taken. Fields: %%Y %%m %%d %%H %%M %%S.'), r.name)
                : format(_('Add fields such as %%Y-%%m-%%d to put the date and time in the name.'));
            this._preview.remove_css_class('error');
            this._preview.add_css_class('dim-label');
            this.nameRow.remove_css_class('error');
        } else {
            this._preview.label = r.problem;
            this._preview.add_css_class('error');
            this._preview.remove_css_class('dim-label');
            this.nameRow.add_css_class('error');
        }
        this.set_response_enabled('take', 'name' in r);
    }
}
