// Words and numbers as GNOME shows them.
import GLib from 'gi://GLib';
import { _, format } from './i18n.js';
import type { Health } from './health.js';

export function formatSize(bytes: number): string {
    return GLib.format_size(bytes);
}

export function formatPercent(fraction: number): string {
    // Translators: a percentage, e.g. "45 %"; use your locale's spacing and sign.
    return format(_('%d %%'), Math.round(fraction * 100));
}

export function healthLabel(health: Health): string {
    switch (health) {
    case 'ONLINE': return _('Healthy');
    case 'DEGRADED': return _('Degraded');
    case 'FAULTED': return _('Faulted');
    case 'OFFLINE': return _('Offline');
    case 'UNAVAIL': return _('Unavailable');
    case 'REMOVED': return _('Removed');
    case 'SUSPENDED': return _('Suspended');
    case 'UNKNOWN': return _('Unknown');
    }
}

/** One sentence on what the health means for the user's data. */
export function healthExplanation(health: Health): string {
    switch (health) {
    case 'ONLINE': return _('All devices are working.');
    case 'DEGRADED': return _('A device has failed or is offline. Your data is still available, but the pool has less protection until the device is replaced or brought back.');
    case 'FAULTED': return _('The pool cannot be used: too many devices have failed.');
    case 'OFFLINE': return _('The pool was taken offline.');
    case 'UNAVAIL': return _('The pool cannot be opened: a device is missing.');
    case 'REMOVED': return _('A device was removed while the pool was in use.');
    case 'SUSPENDED': return _('The pool stopped all input and output after errors. Check the devices, then clear the errors.');
    case 'UNKNOWN': return _('SigmaVault could not determine the state of this pool.');
    }
}

/** A notification or alert title for a pool whose health is not ONLINE. */
export function poolHealthTitle(pool: string, health: Health): string {
    switch (health) {
    case 'DEGRADED': return format(_('Pool %s is degraded'), pool);
    case 'FAULTED': return format(_('Pool %s has failed'), pool);
    case 'UNAVAIL': return format(_('Pool %s is unavailable'), pool);
    case 'SUSPENDED': return format(_('Pool %s is suspended'), pool);
    case 'REMOVED': return format(_('A device of pool %s was removed'), pool);
    case 'OFFLINE': return format(_('Pool %s is offline'), pool);
    default: return format(_('Pool %s needs attention'), pool);
    }
}
