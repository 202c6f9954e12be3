// Pool layouts by name and in words, for the daemon's advice and the
// clients that show it.
import { _, format, ngettext } from './i18n.js';

export const LAYOUT_NAMES = ['single', 'mirror', 'raidz1', 'raidz2', 'raidz3'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

export function layoutLabel(layout: LayoutName): string {
    switch (layout) {
    case 'single': return _('No Redundancy');
    case 'mirror': return _('Mirror');
    case 'raidz1': return _('RAID-Z1');
    case 'raidz2': return _('RAID-Z2');
    case 'raidz3': return _('RAID-Z3');
    }
}

export function faultToleranceText(n: number): string {
    return n === 0 ? _('No device may fail')
        : format(ngettext('Survives %d failed device', 'Survives %d failed devices', n), n);
}
