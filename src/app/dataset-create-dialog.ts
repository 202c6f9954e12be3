// "New Dataset": name, where it goes, compression, record size, access
// times, quota, reservation, mount point and, where this ZFS has native
// encryption, a passphrase. What this ZFS cannot do is shown switched off
// with the reason, never left out. The daemon checks everything again;
// its answer, if it refuses, is shown in the dialog.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { callDataset, type DatasetInfo } from '../shared/dataset-info.js';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { _, format } from '../shared/i18n.js';
import { parseSizeInput } from '../shared/zfs-values.js';
import { choiceRow, type ChoiceRow } from './property-rows.js';

type Dataset = DatasetInfo & { path: string };

const CIPHERS = ['aes-256-gcm', 'aes-128-gcm', 'aes-256-ccm'] as const;
const MIN_PASSPHRASE = 8;

/** Why a relative dataset name will not do, or null. The daemon applies ZFS's full rules. */
export function relativeNameProblem(name: string): string | null {
    if (name.trim() === '')
        return _('Enter a name.');
    if (/[@#%]/.test(name))
        return _('A name may not contain “@”, “#” or “%”.');
    for (const part of name.split('/')) {
        if (part === '')
            return _('A name may not start or end with “/” or have two in a row.');
        if (part.startsWith('-') || part === '.' || part === '..')
            return _('A part of the name may not start with “-” or be “.” or “..”.');
        if (!/^[A-Za-z0-9_.: -]+$/.test(part))
            return _('Use only letters, digits, spaces and _ - . : in names.');
        if (part !== part.trim())
            return _('A part of the name may not start or end with a space.');
    }
    return null;
}

export class DatasetCreateDialog extends Adw.Dialog {
    static {
        GObject.registerClass({
            GTypeName: 'SigmaVaultDatasetCreateDialog',
            Signals: { created: { param_types: [GObject.TYPE_STRING] } },
        }, this);
    }

    declare private _parents: Dataset[];
    declare readonly parentRow: Adw.ComboRow;
    declare readonly nameRow: Adw.EntryRow;
    declare readonly compression: ChoiceRow;
    declare readonly recordsize: ChoiceRow;
    declare readonly atime: ChoiceRow;
    declare readonly quotaRow: Adw.EntryRow;
    declare readonly reservationRow: Adw.EntryRow;
    declare readonly mountpointRow: Adw.EntryRow;
    declare readonly encryptRow: Adw.ExpanderRow;
    declare private _cipher: Adw.ComboRow;
    declare readonly passphraseRow: Adw.PasswordEntryRow;
    declare readonly confirmRow: Adw.PasswordEntryRow;
    declare readonly createButton: Gtk.Button;
    declare private _banner: Adw.Banner;
    declare private _problem: Gtk.Label;
    declare private _page: Adw.PreferencesPage;
    declare private _busy: boolean;

    /** `parents`: the filesystems a new one may go in; `parent` is chosen first. */
    constructor(parents: Dataset[], parent: Dataset) {
        super({ title: _('New Dataset'), content_width: 520, content_height: 680 });
        this._parents = parents.filter(d => d.type === 'filesystem');
        this._busy = false;
        const features = parent.features;

        const header = new Adw.HeaderBar({ show_start_title_buttons: false, show_end_title_buttons: false });
        const cancel = new Gtk.Button({ label: _('_Cancel'), use_underline: true });
        cancel.connect('clicked', () => this.close());
        header.pack_start(cancel);
        this.createButton = new Gtk.Button({ label: _('C_reate'), use_underline: true, sensitive: false });
        this.createButton.add_css_class('suggested-action');
        this.createButton.connect('clicked', () => {
            void this.create();
        });
        header.pack_end(this.createButton);
        this.default_widget = this.createButton;

        this._page = new Adw.PreferencesPage();

        const where = new Adw.PreferencesGroup();
        this.nameRow = new Adw.EntryRow({ title: _('Name'), activates_default: true });
        where.add(this.nameRow);
        this.parentRow = new Adw.ComboRow({
            title: _('Inside'), model: Gtk.StringList.new(this._parents.map(d => d.name)),
            selected: Math.max(0, this._parents.findIndex(d => d.name === parent.name)),
        });
        where.add(this.parentRow);
        this._problem = new Gtk.Label({ xalign: 0, wrap: true, visible: false, margin_top: 6 });
        this._problem.add_css_class('error');
        this._problem.add_css_class('caption');
        where.add(this._problem);
        this._page.add(where);

        const storage = new Adw.PreferencesGroup({ title: _('Storage') });
        const inherit = _('Inherit');
        this.compression = choiceRow('compression', features, inherit);
        this.recordsize = choiceRow('recordsize', features, inherit);
        this.atime = choiceRow('atime', features, inherit);
        storage.add(this.compression.row);
        storage.add(this.recordsize.row);
        storage.add(this.atime.row);
        this._page.add(storage);

        const space = new Adw.PreferencesGroup({
            title: _('Space'),
            description: _('Sizes such as 500M or 2G; leave empty for no limit.'),
        });
        this.quotaRow = new Adw.EntryRow({ title: _('Quota (most it may use)') });
        this.reservationRow = new Adw.EntryRow({ title: _('Reservation (space kept for it)') });
        space.add(this.quotaRow);
        space.add(this.reservationRow);
        this._page.add(space);

        const mount = new Adw.PreferencesGroup({ title: _('Mount Point'), description: _('Leave empty to mount it inside the folder of the dataset it is in.') });
        this.mountpointRow = new Adw.EntryRow({ title: _('Folder, “none” or “legacy”') });
        mount.add(this.mountpointRow);
        this._page.add(mount);

        const secure = new Adw.PreferencesGroup({
            title: _('Encryption'),
            description: _('Encryption can only be chosen when a dataset is created. Without the passphrase nobody can read the data, you neither.'),
        });
        const canEncrypt = features.includes('encryption');
        this.encryptRow = new Adw.ExpanderRow({
            title: _('Encrypt'), show_enable_switch: true, enable_expansion: false, sensitive: canEncrypt,
            subtitle: canEncrypt ? _('Protected by a passphrase') : _('This ZFS has no native encryption'),
        });
        this._cipher = new Adw.ComboRow({ title: _('Cipher'), model: Gtk.StringList.new([...CIPHERS]) });
        this.passphraseRow = new Adw.PasswordEntryRow({ title: _('Passphrase') });
        this.confirmRow = new Adw.PasswordEntryRow({ title: _('Confirm Passphrase') });
        this.encryptRow.add_row(this.passphraseRow);
        this.encryptRow.add_row(this.confirmRow);
        this.encryptRow.add_row(this._cipher);
        secure.add(this.encryptRow);
        this._page.add(secure);

        this._banner = new Adw.Banner({ revealed: false });
        const view = new Adw.ToolbarView({ top_bar_style: Adw.ToolbarStyle.FLAT });
        view.add_top_bar(header);
        view.add_top_bar(this._banner);
        view.set_content(this._page);
        this.set_child(view);

        for (const row of [this.nameRow, this.quotaRow, this.reservationRow, this.mountpointRow, this.passphraseRow, this.confirmRow])
            row.connect('changed', () => { this.validate(); });
        this.encryptRow.connect('notify::enable-expansion', () => { this.validate(); });
        this.validate();
    }

    get parentName(): string {
        return this._parents[this.parentRow.selected]?.name ?? '';
    }

    /** Why the form cannot be sent yet, or null; shown under the name and as the entries' error style. */
    problem(): string | null {
        const bad = (row: Adw.EntryRow, why: string | null): string | null => {
            if (why === null)
                row.remove_css_class('error');
            else
                row.add_css_class('error');
            return why;
        };
        const name = this.nameRow.text;
        const nameWhy = bad(this.nameRow, name === '' ? null : relativeNameProblem(name));
        const size = (row: Adw.EntryRow): string | null =>
            bad(row, parseSizeInput(row.text) === null ? format(_('“%s” is not a size; write it like 500M or 2G.'), row.text) : null);
        const quotaWhy = size(this.quotaRow);
        const reservationWhy = size(this.reservationRow);
        const mp = this.mountpointRow.text.trim();
        const mountWhy = bad(this.mountpointRow, mp === '' || mp === 'none' || mp === 'legacy' || mp.startsWith('/')
            ? null : _('A mount point is a folder starting with “/”, or “none” or “legacy”.'));
        let passWhy: string | null = null;
        if (this.encryptRow.enable_expansion) {
            const p = this.passphraseRow.text;
            passWhy = bad(this.passphraseRow, p !== '' && p.length < MIN_PASSPHRASE
                ? format(_('The passphrase needs at least %d characters.'), MIN_PASSPHRASE) : null)
                ?? bad(this.confirmRow, this.confirmRow.text !== '' && this.confirmRow.text !== p ? _('The passphrases differ.') : null);
        }
        return nameWhy ?? quotaWhy ?? reservationWhy ?? mountWhy ?? passWhy;
    }

    private complete(): boolean {
        const encrypting = this.encryptRow.enable_expansion;
        return this.nameRow.text !== '' && (!encrypting || (this.passphraseRow.text !== '' && this.confirmRow.text !== ''));
    }

    private validate(): void {
        const why = this.problem();
        this._problem.label = why ?? '';
        this._problem.visible = why !== null;
        this.createButton.sensitive = !this._busy && why === null && this.complete();
    }

    /** The properties for CreateChild from what was filled in. */
    properties(): Record<string, string> {
        const props: Record<string, string> = {};
        for (const [k, c] of [['compression', this.compression], ['recordsize', this.recordsize], ['atime', this.atime]] as const) {
            if (c.value() !== 'inherit')
                props[k] = c.value();
        }
        const quota = parseSizeInput(this.quotaRow.text);
        if (quota !== null && quota !== 'none')
            props.quota = quota;
        const reservation = parseSizeInput(this.reservationRow.text);
        if (reservation !== null && reservation !== 'none')
            props.reservation = reservation;
        if (this.mountpointRow.text.trim() !== '')
            props.mountpoint = this.mountpointRow.text.trim();
        if (this.encryptRow.enable_expansion) {
            props.encryption = CIPHERS[this._cipher.selected] ?? 'aes-256-gcm';
            props.keyformat = 'passphrase';
        }
        return props;
    }

    /** Asks the daemon; on success closes and emits "created" with the full name, which it returns. */
    async create(): Promise<string | null> {
        const parent = this._parents[this.parentRow.selected];
        if (!parent || this.problem() !== null || !this.complete())
            return null;
        this._busy = true;
        this._banner.revealed = false;
        this._page.sensitive = false;
        const spinner = new Adw.Spinner();
        this.createButton.child = spinner;
        this.createButton.sensitive = false;
        const options: Record<string, GLib.Variant> = this.encryptRow.enable_expansion
            ? { passphrase: new GLib.Variant('s', this.passphraseRow.text) } : {};
        const name = `${parent.name}/${this.nameRow.text}`;
        try {
            await callDataset(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), parent.path, 'CreateChild',
                new GLib.Variant('(sa{ss}a{sv})', [this.nameRow.text, this.properties(), options]));
            this.emit('created', name);
            this.close();
            return name;
        } catch (e) {
            this._banner.title = GLib.markup_escape_text(remoteErrorMessage(e), -1);
            this._banner.revealed = true;
            return null;
        } finally {
            this._busy = false;
            this._page.sensitive = true;
            this.createButton.label = _('C_reate');
            this.validate();
        }
    }
}
