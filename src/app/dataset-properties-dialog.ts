// A dataset's properties: the ones SigmaVault lets a person set are
// editable (combo rows for fixed values, a prompt for sizes and the mount
// point) and applied at once, each saying where its value comes from and
// offering "Inherit from Parent" when it is set here; statistics and every
// other property are shown as they are.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { callDataset, type DatasetInfo, getProperties, type PropertyRow } from '../shared/dataset-info.js';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { formatSize } from '../shared/format.js';
import { _, format } from '../shared/i18n.js';
import { choicesFor, parseSizeInput, recordSizeText, SIZE_PROPERTIES, zfsSizeText } from '../shared/zfs-values.js';
import { prompt } from './prompt-dialog.js';
import { choiceRow, propertyTitle, unsupportedText } from './property-rows.js';

type Dataset = DatasetInfo & { path: string };

export function sourceText(p: PropertyRow): string {
    switch (p.source) {
    case 'local': return _('Set here');
    case 'default': return _('Default');
    case 'inherited': return format(_('Inherited from %s'), p.inheritedFrom);
    case 'temporary': return _('Temporary');
    case 'received': return _('Received');
    default: return '';
    }
}

/** Editable properties by group, in the order a person thinks of them. */
const EDITABLE: readonly (readonly [string, readonly string[]])[] = [
    ['storage', ['compression', 'recordsize', 'copies']],
    ['space', ['quota', 'reservation', 'refquota', 'refreservation']],
    ['access', ['mountpoint', 'canmount', 'readonly', 'atime', 'relatime', 'exec', 'setuid', 'devices', 'snapdir', 'xattr']],
];
const ENCRYPTION = ['encryption', 'keystatus', 'keyformat', 'keylocation', 'encryptionroot'];
const STATS = ['used', 'available', 'referenced', 'usedbysnapshots', 'usedbychildren', 'usedbydataset', 'compressratio', 'creation'];
const SIZES = new Set(['used', 'available', 'referenced', 'usedbysnapshots', 'usedbychildren', 'usedbydataset']);
const PATH_OR_SIZE = new Set<string>([...SIZE_PROPERTIES, 'mountpoint']);

function groupTitle(id: string): string {
    switch (id) {
    case 'storage': return _('Storage');
    case 'space': return _('Space Limits');
    default: return _('Mounting and Access');
    }
}

function groupDescription(id: string): string {
    switch (id) {
    case 'storage': return _('Changes apply to data written from now on.');
    case 'space': return _('Quotas and reservations count snapshots and datasets inside, unless “for this dataset only”.');
    default: return '';
    }
}

export function valueText(p: PropertyRow): string {
    if (p.property === 'recordsize')
        return recordSizeText(p.value);
    // Limits in the 1024-based units they are typed in (1G is 1 GiB).
    if ((SIZE_PROPERTIES as readonly string[]).includes(p.property) && /^[0-9]+$/.test(p.value))
        return p.value === '0' ? _('None') : GLib.format_size_full(Number(p.value), GLib.FormatSizeFlags.IEC_UNITS);
    if (SIZES.has(p.property) && /^[0-9]+$/.test(p.value))
        return formatSize(Number(p.value));
    if (p.property === 'creation' && /^[0-9]+$/.test(p.value))
        return GLib.DateTime.new_from_unix_local(Number(p.value))?.format('%x %X') ?? p.value;
    return p.value;
}

/** The value as a person would type it back: "100M", "none", a path. */
function editText(p: PropertyRow): string {
    if ((SIZE_PROPERTIES as readonly string[]).includes(p.property) && /^[0-9]+$/.test(p.value))
        return p.value === '0' ? 'none' : zfsSizeText(Number(p.value));
    return p.value;
}

interface Editor {
    update(p: PropertyRow): void;
}

export class DatasetPropertiesDialog extends Adw.PreferencesDialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultDatasetPropertiesDialog' }, this);
    }

    declare private _dataset: Dataset;
    declare private _props: PropertyRow[];
    declare private _editors: Map<string, Editor>;
    declare private _updating: boolean;
    declare private _isRoot: boolean;
    /** Resolves when the last change was applied and the properties re-read (for tests). */
    declare settled: Promise<void>;

    constructor(d: Dataset, props: readonly PropertyRow[]) {
        super({ title: d.name, search_enabled: true });
        this._dataset = d;
        this._props = [...props];
        this._editors = new Map();
        this._updating = false;
        this._isRoot = !d.name.includes('/');
        this.settled = Promise.resolve();

        const page = new Adw.PreferencesPage({ title: _('Properties'), icon_name: 'document-properties-symbolic' });
        const shown = new Set<string>();
        for (const [id, names] of EDITABLE) {
            // What this ZFS lacks goes in the group's description: the rows' subtitles are their sources.
            const lacks = id === 'storage' ? unsupportedText('compression', choicesFor('compression', d.features)?.unsupported ?? []) : '';
            const g = new Adw.PreferencesGroup({
                title: groupTitle(id), description: [groupDescription(id), lacks === '' ? '' : `${lacks}.`].filter(t => t !== '').join(' '),
            });
            for (const name of names) {
                const p = this._props.find(x => x.property === name);
                if (!p)
                    continue; // this ZFS has no such property (zfs-fuse: relatime)
                shown.add(name);
                g.add(PATH_OR_SIZE.has(name) ? this.promptRow(p) : this.comboRow(p));
            }
            page.add(g);
        }
        const readOnly = (title: string, rows: PropertyRow[], description = ''): void => {
            if (rows.length === 0)
                return;
            const g = new Adw.PreferencesGroup({ title, description });
            for (const p of rows) {
                shown.add(p.property);
                const row = new Adw.ActionRow({ title: p.property, subtitle: valueText(p), subtitle_selectable: true });
                row.add_css_class('property');
                const source = sourceText(p);
                if (source) {
                    const label = new Gtk.Label({ label: source, valign: Gtk.Align.CENTER, xalign: 1, ellipsize: 1 /* START */ });
                    label.add_css_class('dim-label');
                    row.add_suffix(label);
                }
                g.add(row);
            }
            page.add(g);
        };
        const pick = (names: readonly string[]): PropertyRow[] =>
            names.map(n => this._props.find(p => p.property === n)).filter((p): p is PropertyRow => p !== undefined);
        readOnly(_('Encryption'), pick(ENCRYPTION).filter(p => p.value !== '-'),
            d.features.includes('encryption') ? _('Chosen when the dataset was created.') : _('This ZFS has no native encryption.'));
        readOnly(_('Space'), pick(STATS));
        readOnly(_('All Other Properties'), this._props.filter(p => !shown.has(p.property)));
        this.add(page);
    }

    private revertButton(property: string): Gtk.Button {
        const label = this._isRoot ? _('Reset to Default') : _('Inherit from Parent');
        const b = new Gtk.Button({ icon_name: 'edit-undo-symbolic', valign: Gtk.Align.CENTER, tooltip_text: label });
        b.update_property([Gtk.AccessibleProperty.LABEL], [format(_('%s: %s'), propertyTitle(property), label)]);
        b.add_css_class('flat');
        b.connect('clicked', () => {
            void this.setProperty(property, 'inherit');
        });
        return b;
    }

    private comboRow(p: PropertyRow): Adw.ComboRow {
        const c = choiceRow(p.property, this._dataset.features, null, p.value);
        const revert = this.revertButton(p.property);
        c.row.add_suffix(revert);
        this._editors.set(p.property, {
            update: (q): void => {
                this._updating = true;
                c.select(q.value);
                this._updating = false;
                c.row.subtitle = sourceText(q);
                revert.visible = q.source === 'local';
            },
        });
        c.row.connect('notify::selected', () => {
            if (!this._updating)
                void this.setProperty(p.property, c.value());
        });
        this._editors.get(p.property)?.update(p);
        return c.row;
    }

    /** Sizes and the mount point: the value with its source, changed through a prompt. */
    private promptRow(p: PropertyRow): Adw.ActionRow {
        const row = new Adw.ActionRow({ title: propertyTitle(p.property) });
        const revert = this.revertButton(p.property);
        const edit = new Gtk.Button({ icon_name: 'document-edit-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Change') });
        edit.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Change %s'), propertyTitle(p.property))]);
        edit.add_css_class('flat');
        row.add_suffix(revert);
        row.add_suffix(edit);
        row.activatable_widget = edit;
        let current = p;
        this._editors.set(p.property, {
            update: (q): void => {
                current = q;
                row.subtitle = [valueText(q), sourceText(q)].filter(t => t !== '').join(' · ');
                revert.visible = q.source === 'local';
            },
        });
        edit.connect('clicked', () => {
            void this.askValue(current);
        });
        this._editors.get(p.property)?.update(p);
        return row;
    }

    /** Asks for a new size or mount point and applies it. */
    async askValue(p: PropertyRow): Promise<void> {
        const size = p.property !== 'mountpoint';
        const { result } = prompt(this, {
            heading: propertyTitle(p.property),
            body: size ? _('A size such as 500M, 20G or 1.5T, or “none” for no limit.')
                : _('A folder starting with “/”; “none” to not mount it; “legacy” to mount it through /etc/fstab.'),
            label: size ? _('Size') : _('Mount Point'),
            text: editText(p),
            apply: _('_Change'),
            check: t => size
                ? parseSizeInput(t) === null ? _('Write a size like 500M or 2G.') : null
                : t === 'none' || t === 'legacy' || t.startsWith('/') ? null : _('Start the folder with “/”.'),
        });
        const text = await result;
        if (text !== null)
            await this.setProperty(p.property, size ? parseSizeInput(text) ?? text : text.trim());
    }

    /** Sets (or with "inherit", reverts) one property, then re-reads them all. */
    setProperty(property: string, value: string): Promise<void> {
        const run = async (): Promise<void> => {
            const bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, null);
            try {
                await callDataset(bus, this._dataset.path, 'SetProperties',
                    new GLib.Variant('(a{ss}a{sv})', [{ [property]: value }, {}]));
            } catch (e) {
                this.add_toast(new Adw.Toast({ title: GLib.markup_escape_text(remoteErrorMessage(e), -1), timeout: 8 }));
            }
            try {
                this.apply(await getProperties(bus, this._dataset.path));
            } catch (e) {
                this.add_toast(new Adw.Toast({ title: GLib.markup_escape_text(remoteErrorMessage(e), -1), timeout: 8 }));
            }
        };
        this.settled = this.settled.then(run);
        return this.settled;
    }

    /** The properties as now read: every editor shows its value and source again. */
    private apply(props: PropertyRow[]): void {
        this._props = props;
        for (const p of props)
            this._editors.get(p.property)?.update(p);
    }

    property(name: string): PropertyRow | undefined {
        return this._props.find(p => p.property === name);
    }
}
