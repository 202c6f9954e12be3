// Pool layouts for a set of devices: for each choice (one top-level vdev:
// single/striped, mirror, RAID-Z1/2/3) what it can hold and how many
// devices may fail, and which one to choose, in words. Pure, so the daemon,
// and through it the app and the CLI, all show the same numbers and advice.
import { _, format, ngettext } from '../../shared/i18n.js';
import { formatSize } from '../../shared/format.js';
import { LAYOUT_NAMES, type LayoutName } from '../../shared/pool-layouts.js';

export { LAYOUT_NAMES as LAYOUTS, layoutLabel } from '../../shared/pool-layouts.js';
export type Layout = LayoutName;

/** SPA_MINDEVSIZE: ZFS refuses smaller devices. */
export const MIN_DEVICE_SIZE = 64 * 1024 * 1024;
/** Disks from this size on take long enough to rebuild that two failures in a row become a real risk. */
export const LARGE_DISK = 4e12;
/**
 * ZFS keeps back 1/32 of a pool (the "slop" space) and needs a little for
 * labels and metadata; usable figures are estimates net of the slop.
 */
const SLOP_FRACTION = 1 / 32;

export interface LayoutChoice {
    readonly layout: Layout;
    readonly possible: boolean;
    /** Estimated bytes for files, net of parity or copies and of ZFS's reserve. */
    readonly usable: number;
    /** How many devices may fail at once without losing the pool. */
    readonly faultTolerance: number;
    /** One sentence about the choice (without its numbers). */
    readonly summary: string;
    /** Why it is not possible, when it is not. */
    readonly reason: string;
}

export interface LayoutAdvice {
    readonly choices: readonly LayoutChoice[];
    /** The layout to choose, or null when no layout is possible. */
    readonly recommended: Layout | null;
    /** Why, in words, with warnings about the devices given. */
    readonly explanation: string;
}

export function parity(layout: Layout): number {
    return layout === 'raidz1' ? 1 : layout === 'raidz2' ? 2 : layout === 'raidz3' ? 3 : 0;
}

/** Fewest devices that make sense: RAID-Z with at least two data devices. */
export function minDevices(layout: Layout): number {
    switch (layout) {
    case 'single': return 1;
    case 'mirror': return 2;
    default: return parity(layout) + 2;
    }
}

/** Bytes the layout stores before ZFS's reserve: mirrors and RAID-Z use the smallest device's size on every device. */
export function dataBytes(layout: Layout, sizes: readonly number[]): number {
    if (sizes.length === 0)
        return 0;
    const smallest = Math.min(...sizes);
    switch (layout) {
    case 'single': return sizes.reduce((a, b) => a + b, 0);
    case 'mirror': return smallest;
    default: return Math.max(0, sizes.length - parity(layout)) * smallest;
    }
}

export function faultTolerance(layout: Layout, devices: number): number {
    return layout === 'single' ? 0 : layout === 'mirror' ? Math.max(0, devices - 1) : parity(layout);
}

/** What the layout does, in one sentence; the numbers are shown beside it. */
function summary(layout: Layout, n: number): string {
    switch (layout) {
    case 'single':
        return n === 1 ? _('If the device fails, everything on it is lost.')
            : _('Data is spread over all devices. If any one fails, the whole pool is lost.');
    case 'mirror':
        return _('Every device holds a full copy of the data.');
    default: {
        const p = parity(layout);
        return format(ngettext('Data and parity are spread over all devices; parity takes %d device’s worth of space.',
            'Data and parity are spread over all devices; parity takes %d devices’ worth of space.', p), p);
    }
    }
}

function choose(n: number, large: boolean): Layout {
    if (n === 1)
        return 'single';
    if (n === 2)
        return 'mirror';
    if (n === 3)
        return 'raidz1';
    if (n === 4)
        return large ? 'raidz2' : 'raidz1';
    return n >= 10 ? 'raidz3' : 'raidz2';
}

function why(layout: Layout, n: number, large: boolean): string {
    switch (layout) {
    case 'single':
        return _('With one device there is nothing to repair from: a mirror needs a second device of the same size. ' +
            'Keep a backup of anything on this pool.');
    case 'mirror':
        return _('With two devices, a mirror keeps a full copy on each: the pool survives either one failing and repairs ' +
            'damaged data from the other copy.');
    case 'raidz1':
        return n === 3
            ? format(_('With three devices, RAID-Z1 gives two devices’ worth of space and survives one failing. %s'),
                large ? _('These disks are large, so rebuilding one takes long; a mirror of all three survives two failures if you can spare the space.') : '').trim()
            : _('With four devices of this size, RAID-Z1 gives three devices’ worth of space and survives one failing.');
    case 'raidz2':
        return n === 4
            ? _('With four large disks, RAID-Z2 survives any two failing: rebuilding a disk this size takes long and reads every other disk, ' +
                'which is when a second one tends to fail.')
            : format(_('With %d devices, RAID-Z2 survives any two failing while keeping most of the space: rebuilding a device reads all the others, ' +
                'which is when a second one tends to fail.'), n);
    case 'raidz3':
        return format(_('With %d devices, RAID-Z3 survives any three failing; with this many devices, several failing close together is likely enough to plan for.'), n);
    }
}

/** The layouts for devices of these sizes (bytes), and which to choose. */
export function layoutAdvice(sizes: readonly number[]): LayoutAdvice {
    const n = sizes.length;
    const tooSmall = sizes.filter(s => s < MIN_DEVICE_SIZE).length;
    const choices = LAYOUT_NAMES.map((layout): LayoutChoice => {
        const min = minDevices(layout);
        const usable = Math.floor(dataBytes(layout, sizes) * (1 - SLOP_FRACTION));
        let reason = '';
        if (n === 0)
            reason = _('Choose at least one device.');
        else if (tooSmall > 0)
            reason = format(_('ZFS needs devices of at least %s.'), formatSize(MIN_DEVICE_SIZE));
        else if (n < min)
            reason = format(ngettext('Needs at least %d device.', 'Needs at least %d devices.', min), min);
        const possible = reason === '';
        return {
            layout, possible, usable: possible ? usable : 0,
            faultTolerance: faultTolerance(layout, n),
            summary: possible ? summary(layout, n) : reason,
            reason,
        };
    });
    if (n === 0 || tooSmall > 0)
        return { choices, recommended: null, explanation: choices[0]?.reason ?? '' };
    const smallest = Math.min(...sizes);
    const largest = Math.max(...sizes);
    const recommended = choose(n, smallest >= LARGE_DISK);
    const parts = [why(recommended, n, smallest >= LARGE_DISK)];
    // Devices differing by more than 1 % waste the difference outside a stripe.
    if (recommended !== 'single' && largest > smallest * 1.01) {
        const unused = sizes.reduce((a, s) => a + s - smallest, 0);
        parts.push(format(_('The devices differ in size: each is used only up to %s, the smallest one’s size, which leaves %s unused.'),
            formatSize(smallest), formatSize(unused)));
    }
    return { choices, recommended, explanation: parts.join(' ') };
}
