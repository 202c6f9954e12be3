// Names and values of dataset properties in words, and the combo row that
// offers a property's values (used by the New Dataset and the properties
// dialogs).
import Adw from 'gi://Adw';
import Gtk from 'gi://Gtk';
import { _, format } from '../shared/i18n.js';
import { choicesFor, recordSizeText } from '../shared/zfs-values.js';

/** What a person calls a property; the ZFS name is shown beside it. */
export function propertyTitle(property: string): string {
    switch (property) {
    case 'compression': return _('Compression');
    case 'recordsize': return _('Record Size');
    case 'copies': return _('Copies of Data');
    case 'quota': return _('Quota');
    case 'refquota': return _('Quota for This Dataset Only');
    case 'reservation': return _('Reservation');
    case 'refreservation': return _('Reservation for This Dataset Only');
    case 'mountpoint': return _('Mount Point');
    case 'canmount': return _('Mount');
    case 'readonly': return _('Read Only');
    case 'atime': return _('Record Access Times');
    case 'relatime': return _('Record Access Times Lazily');
    case 'exec': return _('Allow Running Programs');
    case 'setuid': return _('Allow Set-User-ID Programs');
    case 'devices': return _('Allow Device Files');
    case 'snapdir': return _('Snapshot Folder');
    case 'xattr': return _('Extended Attributes');
    default: return property;
    }
}

/** A value of a property with a fixed set of values, in words. */
export function valueLabel(property: string, value: string): string {
    switch (`${property}=${value}`) {
    case 'compression=on': return _('On (ZFS’s default method)');
    case 'compression=off': return _('Off');
    case 'canmount=noauto': return _('Only when asked');
    case 'snapdir=hidden': return _('Hidden');
    case 'snapdir=visible': return _('Visible (.zfs)');
    case 'xattr=sa': return _('In the file (sa)');
    case 'xattr=dir': return _('In hidden folders (dir)');
    case 'copies=1': return _('One');
    case 'copies=2': return _('Two');
    case 'copies=3': return _('Three');
    default:
        if (value === 'on')
            return _('On');
        if (value === 'off')
            return _('Off');
        return value;
    }
}

/** Why some values are missing from a row, or '' when none is. */
export function unsupportedText(property: string, unsupported: readonly string[]): string {
    if (unsupported.length === 0)
        return '';
    if (property === 'compression')
        return _('No lz4 or zstd on this ZFS');
    return format(_('Not supported by this ZFS (%s)'), unsupported.join(', '));
}

export interface ChoiceRow {
    readonly row: Adw.ComboRow;
    /** The chosen value; `inheritValue` for the first entry when there is one. */
    value(): string;
    select(value: string): void;
}

/**
 * A combo row of a property's values on this ZFS. With `inheritLabel` the
 * first entry stands for "inherit" (value "inherit"); a current value not
 * among the choices (gzip-6, say) is added so that it shows as it is.
 */
export function choiceRow(property: string, features: readonly string[], inheritLabel: string | null, shown?: string): ChoiceRow {
    // zfs get -p prints record sizes in bytes.
    const normal = (v: string): string => property === 'recordsize' ? recordSizeText(v) : v;
    const current = shown === undefined ? undefined : normal(shown);
    const choices = choicesFor(property, features);
    const values: string[] = [...(inheritLabel !== null ? ['inherit'] : []), ...(choices?.values ?? [])];
    if (current !== undefined && !values.includes(current))
        values.push(current);
    const labels = values.map(v => v === 'inherit' ? inheritLabel ?? '' : valueLabel(property, v));
    const row = new Adw.ComboRow({ title: propertyTitle(property), model: Gtk.StringList.new(labels) });
    // The New Dataset dialog says here what is missing; the properties dialog, which shows sources in subtitles, elsewhere.
    const why = unsupportedText(property, choices?.unsupported ?? []);
    if (why !== '' && inheritLabel !== null)
        row.subtitle = why;
    if (values.length <= 1 && inheritLabel === null)
        row.sensitive = false;
    const select = (value: string): void => {
        const i = values.indexOf(normal(value));
        if (i >= 0)
            row.selected = i;
    };
    if (current !== undefined)
        select(current);
    return { row, value: () => values[row.selected] ?? '', select };
}
