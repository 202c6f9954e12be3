// Disk health and kinds in words, as GNOME shows them (app and CLI).
import { _, format, ngettext } from './i18n.js';
import type { DiskType, DiskVerdict, SelfTestResultName } from './disk-info.js';

export function verdictLabel(verdict: DiskVerdict): string {
    switch (verdict) {
    case 'passed': return _('Passed');
    case 'warning': return _('Warning');
    case 'failing': return _('Failing');
    case 'unknown': return _('Unknown');
    }
}

export function diskTypeLabel(type: DiskType): string {
    switch (type) {
    case 'hdd': return _('HDD');
    case 'ssd': return _('SSD');
    case 'nvme': return _('NVMe');
    case 'unknown': return _('Disk');
    }
}

export function formatTemperature(celsius: number): string {
    // Translators: a temperature in degrees Celsius, e.g. "32 °C".
    return format(_('%d °C'), celsius);
}

/** Power-on time in words: hours below three days, then days, then years. */
export function formatPowerOnTime(hours: number): string {
    if (hours < 72)
        return format(ngettext('%d hour', '%d hours', hours), hours);
    if (hours < 24 * 365 * 2)
        return format(ngettext('%d day', '%d days', Math.round(hours / 24)), Math.round(hours / 24));
    // Translators: years with one decimal, e.g. "7.5 years".
    return format(_('%s years'), (hours / (24 * 365)).toFixed(1));
}

/** A logged or requested self-test by its type (Disk1.SelfTestLog "type"). */
export function selfTestTypeLabel(type: string): string {
    switch (type) {
    case 'short': return _('Short');
    case 'long': return _('Long');
    case 'conveyance': return _('Conveyance');
    case 'selective': return _('Selective');
    case 'offline': return _('Off-line');
    case 'vendor': return _('Vendor-specific');
    default: return _('Other');
    }
}

export function selfTestResultLabel(result: SelfTestResultName): string {
    switch (result) {
    case 'passed': return _('Passed');
    case 'failed': return _('Failed');
    case 'aborted': return _('Aborted');
    case 'interrupted': return _('Interrupted');
    case 'running': return _('Running');
    case 'unknown': return _('Unknown');
    }
}
