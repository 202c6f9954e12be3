// Property values as a person types and reads them, and the choices each
// settable property offers on a given ZFS: the app's editors are built
// from this, the daemon checks what arrives (src/service/zfs/zfs-names.ts).
// Pure, so it is unit-tested.

const UNITS = ['', 'K', 'M', 'G', 'T', 'P', 'E'] as const;

/**
 * Bytes in ZFS's own short notation (1024-based, as `zfs get` prints
 * them): 104857600 → "100M", 1610612736 → "1.5G", 0 → "0".
 */
export function zfsSizeText(bytes: number): string {
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
        value /= 1024;
        unit++;
    }
    const text = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
    return `${text}${UNITS[unit] ?? ''}`;
}

/**
 * What a person typed for a size, as a value for zfs set: "10G", "10 GB",
 * "10 GiB", "1.5t" → "10G", "10G", "10G", "1.5T"; "", "none", "0" → "none".
 * Null when it is not a size.
 */
export function parseSizeInput(text: string): string | null {
    const t = text.trim();
    if (t === '' || /^none$/i.test(t) || /^0+(\.0+)?\s*[kmgtpe]?(i?b)?$/i.test(t))
        return 'none';
    const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmgtpe]?)(?:i?b)?$/i.exec(t);
    if (!m)
        return null;
    return `${m[1] ?? ''}${(m[2] ?? '').toUpperCase()}`;
}

/** ZFS features as Dataset1.Features names them. */
export type Feature = 'encryption' | 'compression-lz4' | 'compression-zstd' | 'relatime';

export interface Choices {
    /** Values offered, in the order shown. */
    readonly values: readonly string[];
    /** Values this ZFS lacks, with them named in the editor rather than hidden. */
    readonly unsupported: readonly string[];
}

const COMPRESSION = ['off', 'on', 'lz4', 'zstd', 'gzip', 'gzip-1', 'gzip-9', 'zstd-1', 'zstd-19', 'lzjb', 'zle'] as const;

/** Record sizes ZFS allows by default: powers of two from 4K to 1M. */
export const RECORD_SIZES = ['4K', '8K', '16K', '32K', '64K', '128K', '256K', '512K', '1M'] as const;

/** The values of a property with a fixed set of them, or null for free-form ones (sizes, paths). */
export function choicesFor(property: string, features: readonly string[]): Choices | null {
    switch (property) {
    case 'compression': {
        const modern = (v: string): boolean => v.startsWith('lz4') ? !features.includes('compression-lz4')
            : v.startsWith('zstd') ? !features.includes('compression-zstd') : false;
        return { values: COMPRESSION.filter(v => !modern(v)), unsupported: COMPRESSION.filter(modern) };
    }
    case 'recordsize': return { values: RECORD_SIZES, unsupported: [] };
    case 'atime': case 'readonly': case 'exec': case 'setuid': case 'devices':
        return { values: ['on', 'off'], unsupported: [] };
    case 'relatime':
        return features.includes('relatime') ? { values: ['on', 'off'], unsupported: [] } : { values: [], unsupported: ['on', 'off'] };
    case 'canmount': return { values: ['on', 'off', 'noauto'], unsupported: [] };
    case 'snapdir': return { values: ['hidden', 'visible'], unsupported: [] };
    case 'copies': return { values: ['1', '2', '3'], unsupported: [] };
    case 'xattr': return { values: ['on', 'off', 'sa', 'dir'], unsupported: [] };
    default: return null;
    }
}

/** Settable properties whose value is a size ("none" for no limit). */
export const SIZE_PROPERTIES = ['quota', 'refquota', 'reservation', 'refreservation'] as const;

/** A recordsize as zfs get -p prints it (bytes) in the notation of RECORD_SIZES. */
export function recordSizeText(value: string): string {
    return /^[0-9]+$/.test(value) ? zfsSizeText(Number(value)) : value;
}
