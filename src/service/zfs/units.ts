// ZFS prints sizes and counters either exactly (OpenZFS `-p`, JSON
// `--json-int`) or "nicenum"-abbreviated with binary units (zfs-fuse has no
// `-p` at all). These helpers accept both so every parser shares one rule.
import { ParseError, quote } from './parse-error.js';

// zfs_nicenum() divides by 1024 for every step, for bytes and counts alike.
const UNIT_POWER: Readonly<Record<string, number>> = {
    '': 0, B: 0, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6, Z: 7,
};

const NUMBER_WITH_UNIT = /^([0-9]+(?:\.[0-9]+)?)([BKMGTPEZ]?)(?:i?B)?$/i;

function scaled(text: string, what: string): number {
    const trimmed = text.trim();
    const match = NUMBER_WITH_UNIT.exec(trimmed);
    if (match === null)
        throw new ParseError('a ZFS tool', `expected ${what} like "250M", "3.64T" or "1024", got ${quote(text)}`);
    const digits = match[1] ?? '';
    const unit = (match[2] ?? '').toUpperCase();
    const value = Number(digits) * 1024 ** (UNIT_POWER[unit] ?? 0);
    // Abbreviated values are rounded by ZFS already; whole units are all we can claim.
    return Math.round(value);
}

/**
 * A size such as "250M", "62.6G", "0B", "444K" or exact "262144000".
 * Returns null for "-" (ZFS's "not available"). Throws ParseError otherwise.
 */
export function parseSize(text: string): number | null {
    if (text.trim() === '-')
        return null;
    return scaled(text, 'a size');
}

/** An error counter: "0", "4", or abbreviated "1.2K" in text output. */
export function parseCount(text: string): number {
    return scaled(text, 'an error count');
}

/** The inverse of parseSize for messages: 1536 → "1.5K", like zfs_nicenum(). */
export function formatSize(bytes: number): string {
    const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E', 'Z'];
    let value = bytes;
    let index = 0;
    while (value >= 1024 && index < units.length - 1) {
        value /= 1024;
        index++;
    }
    if (index === 0)
        return `${bytes}B`;
    const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
    return `${Number(value.toFixed(digits))}${units[index] ?? ''}`;
}
