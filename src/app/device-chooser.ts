// A dialog that picks the new device(s) for Replace, Attach Mirror and Add
// Vdev: the disks that are in no pool, or any device or file path typed in.
// The daemon checks the choice; the dialog only gathers it.
import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { diskTypeLabel } from '../shared/disk-format.js';
import type { DiskInfo } from '../shared/disk-info.js';
import { formatSize } from '../shared/format.js';
import { _, format } from '../shared/i18n.js';

export interface ChooserOptions {
    readonly title: string;
    /** What happens, in a sentence or two, shown above the choices. */
    readonly description: string;
    /** The label of the button that goes ahead, with a mnemonic. */
    readonly accept: string;
    /** Several devices (Add Vdev) or exactly one. */
    readonly multiple: boolean;
    /** Rows added above the device list (Add Vdev's layout). */
    readonly extra?: Adw.PreferencesGroup;
    /** Called with the chosen paths when the person goes ahead; the dialog stays open until closed. */
    readonly onAccept: (paths: string[]) => void;
}

/** Splits typed paths: one per line or separated by spaces or commas. */
export function typedPaths(text: string): string[] {
    return text.split(/[\s,]+/).filter(p => p !== '');
}

export class DeviceChooser extends Adw.Dialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultDeviceChooser' }, this);
    }

    declare private _checks: { disk: DiskInfo; check: Gtk.CheckButton }[];
    declare private _entry: Adw.EntryRow;
    declare private _accept: Gtk.Button;
    declare private _multiple: boolean;

    constructor(disks: readonly DiskInfo[], options: ChooserOptions) {
        super({ title: options.title, content_width: 520 });
        this._multiple = options.multiple;
        this._checks = [];
        const header = new Adw.HeaderBar({ show_start_title_buttons: false, show_end_title_buttons: false });
        const cancel = new Gtk.Button({ label: _('_Cancel'), use_underline: true });
        cancel.connect('clicked', () => this.close());
        header.pack_start(cancel);
        this._accept = new Gtk.Button({ label: options.accept, use_underline: true, sensitive: false });
        this._accept.add_css_class('suggested-action');
        this._accept.connect('clicked', () => {
            options.onAccept(this.chosen());
        });
        header.pack_end(this._accept);

        const page = new Adw.PreferencesPage({ description: options.description });
        if (options.extra)
            page.add(options.extra);
        const free = disks.filter(d => d.pool === '');
        const list = new Adw.PreferencesGroup({
            title: _('Disks Not in a Pool'),
            description: free.length === 0 ? _('Every disk SigmaVault knows of is in a pool. Enter a device or file path below.') : '',
        });
        let group: Gtk.CheckButton | null = null;
        for (const disk of free) {
            const check = new Gtk.CheckButton({ valign: Gtk.Align.CENTER });
            if (!options.multiple) {
                if (group === null)
                    group = check;
                else
                    check.set_group(group);
            }
            const row = new Adw.ActionRow({
                title: disk.model || disk.name,
                subtitle: format(_('%s · %s · %s'), disk.device, formatSize(disk.size), diskTypeLabel(disk.type)),
                activatable_widget: check,
            });
            row.add_prefix(check);
            check.connect('toggled', () => {
                if (check.active && !this._multiple)
                    this._entry.text = '';
                this.update();
            });
            list.add(row);
            this._checks.push({ disk, check });
        }
        if (free.length > 0 || !options.multiple)
            page.add(list);
        const other = new Adw.PreferencesGroup({
            title: free.length > 0 ? _('Or Another Device') : '',
            description: options.multiple
                ? _('Full paths separated by spaces, such as /dev/disk/by-id/…; files only in directories the administrator allowed for test pools.')
                : _('A full path such as /dev/disk/by-id/…; files only in directories the administrator allowed for test pools.'),
        });
        this._entry = new Adw.EntryRow({ title: options.multiple ? _('Device or File Paths') : _('Device or File Path') });
        this._entry.connect('changed', () => {
            if (!this._multiple && this._entry.text !== '') {
                for (const c of this._checks)
                    c.check.active = false;
            }
            this.update();
        });
        this._entry.connect('entry-activated', () => {
            if (this._accept.sensitive)
                this._accept.activate();
        });
        other.add(this._entry);
        page.add(other);

        const view = new Adw.ToolbarView();
        view.add_top_bar(header);
        view.set_content(page);
        this.set_child(view);
        this.set_default_widget(this._accept);
    }

    /** The chosen device paths, disks first. */
    chosen(): string[] {
        return [...this._checks.filter(c => c.check.active).map(c => c.disk.device), ...typedPaths(this._entry.text)];
    }

    /** For tests and callers that know the path: types it in. */
    typePath(text: string): void {
        this._entry.text = text;
    }

    private update(): void {
        const n = this.chosen().length;
        this._accept.sensitive = this._multiple ? n > 0 : n === 1;
    }
}
