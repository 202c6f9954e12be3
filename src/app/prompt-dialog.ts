// A question with one line to fill in (a new name, a mount point, a size,
// a passphrase) as an Adw.AlertDialog: the answer button stays off until
// the text is acceptable, and a line below the entry says why it is not.
import Adw from 'gi://Adw';
import Gtk from 'gi://Gtk';
import { _ } from '../shared/i18n.js';

export interface PromptOptions {
    readonly heading: string;
    readonly body?: string;
    /** The entry's title. */
    readonly label: string;
    readonly text?: string;
    /** The answer button's label, with a mnemonic. */
    readonly apply: string;
    readonly destructive?: boolean;
    readonly password?: boolean;
    /** Null when the text will do, else a sentence saying what is wrong. */
    readonly check?: (text: string) => string | null;
}

export interface Prompt {
    readonly dialog: Adw.AlertDialog;
    readonly entry: Adw.EntryRow;
    /** The text when the answer button was pressed, null when cancelled. */
    readonly result: Promise<string | null>;
}

export function prompt(parent: Gtk.Widget, o: PromptOptions): Prompt {
    const dialog = new Adw.AlertDialog({ heading: o.heading, body: o.body ?? '' });
    dialog.add_response('cancel', _('_Cancel'));
    dialog.add_response('apply', o.apply);
    dialog.set_response_appearance('apply', o.destructive ? Adw.ResponseAppearance.DESTRUCTIVE : Adw.ResponseAppearance.SUGGESTED);
    dialog.close_response = 'cancel';
    dialog.default_response = 'apply';

    const entry = o.password ? new Adw.PasswordEntryRow({ title: o.label }) : new Adw.EntryRow({ title: o.label });
    entry.activates_default = true;
    entry.text = o.text ?? '';
    const list = new Gtk.ListBox({ selection_mode: Gtk.SelectionMode.NONE });
    list.add_css_class('boxed-list');
    list.append(entry);
    const problem = new Gtk.Label({ xalign: 0, wrap: true, visible: false, margin_top: 6 });
    problem.add_css_class('error');
    problem.add_css_class('caption');
    const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL });
    box.append(list);
    box.append(problem);
    dialog.extra_child = box;

    const validate = (): void => {
        const why = entry.text === '' ? null : o.check?.(entry.text) ?? null;
        problem.label = why ?? '';
        problem.visible = why !== null;
        if (why === null)
            entry.remove_css_class('error');
        else
            entry.add_css_class('error');
        dialog.set_response_enabled('apply', entry.text !== '' && why === null);
    };
    entry.connect('changed', validate);
    validate();

    const result = new Promise<string | null>(resolve => {
        dialog.connect('response', (_d, response: string) => {
            resolve(response === 'apply' ? entry.text : null);
        });
    });
    dialog.present(parent);
    entry.grab_focus();
    return { dialog, entry, result };
}
