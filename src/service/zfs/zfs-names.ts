// ZFS names and property values, checked before any tool sees them. The
// rules follow OpenZFS's zfs_namecheck.c (allowed characters, length,
// reserved "." and ".."), made stricter where that keeps an operand from
// ever reading as an option: no component may start with '-' (and a pool
// name must start with a letter), so even where zfs-fuse's `zfs` refuses
// `--` (zfs set does), no name or property=value can look like an option.
// Pure, so it is unit-tested.

/** ZFS_MAX_DATASET_NAME_LEN is 256 including the terminating NUL. */
export const MAX_NAME_LENGTH = 255;

const COMPONENT = /^[A-Za-z0-9_.: -]+$/;

export class NameError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'NameError';
    }
}

function checkComponent(c: string, what: string): void {
    if (c === '')
        throw new NameError(`${what} has an empty part (two slashes in a row, or a slash at either end).`);
    if (!COMPONENT.test(c))
        throw new NameError(`${what} may contain only letters, digits, spaces and _ - . : (found “${c}”).`);
    if (c === '.' || c === '..')
        throw new NameError(`${what} may not have a part named “.” or “..”.`);
    if (c.startsWith('-'))
        throw new NameError(`${what} may not have a part starting with “-”.`);
    if (c.startsWith(' ') || c.endsWith(' '))
        throw new NameError(`${what} may not have a part starting or ending with a space.`);
}

/** A filesystem or volume name: pool/a/b. */
export function checkDatasetName(name: string): string {
    if (name.length === 0)
        throw new NameError('The dataset name is empty.');
    if (name.length > MAX_NAME_LENGTH)
        throw new NameError(`The dataset name is longer than ${MAX_NAME_LENGTH} characters.`);
    if (name.includes('@') || name.includes('#'))
        throw new NameError('A dataset name may not contain “@” or “#” (those mark snapshots and bookmarks).');
    const parts = name.split('/');
    parts.forEach(p => {
        checkComponent(p, 'A dataset name');
    });
    if (!/^[A-Za-z]/.test(parts[0] ?? ''))
        throw new NameError('A dataset name must start with its pool’s name, which starts with a letter.');
    return name;
}

/**
 * A pool name, as `zpool create` and `zpool import NEWNAME` take it:
 * OpenZFS's pool_namecheck (a letter first; no names the vdev grammar
 * reserves: mirror…, raidz…, draid…, spare…, log, c0…), made stricter by
 * refusing spaces and '/', so a pool name is also one path element.
 */
export function checkPoolName(name: string): string {
    if (name.length === 0)
        throw new NameError('The pool name is empty.');
    if (name.length > MAX_NAME_LENGTH)
        throw new NameError(`The pool name is longer than ${MAX_NAME_LENGTH} characters.`);
    if (!/^[A-Za-z]/.test(name))
        throw new NameError('A pool name must start with a letter.');
    if (!/^[A-Za-z0-9_.:-]+$/.test(name))
        throw new NameError('A pool name may contain only letters, digits and _ - . : (no spaces or slashes).');
    if (/^(mirror|raidz|draid|spare)/.test(name) || name === 'log')
        throw new NameError(`“${name}” is reserved: pool names may not begin with mirror, raidz, draid or spare, or be “log”.`);
    if (/^c[0-9]/.test(name))
        throw new NameError('A pool name may not begin with “c” and a digit (ZFS reserves those for device names).');
    return name;
}

/** A name relative to a parent dataset ("photos" or "photos/2024"). */
export function checkRelativeName(name: string): string {
    if (name.length === 0)
        throw new NameError('The name is empty.');
    if (name.includes('@') || name.includes('#'))
        throw new NameError('A dataset name may not contain “@” or “#”.');
    name.split('/').forEach(p => {
        checkComponent(p, 'A dataset name');
    });
    return name;
}

/** The part of a snapshot name after '@'. */
export function checkSnapshotName(short: string): string {
    if (short.length === 0)
        throw new NameError('The snapshot name is empty.');
    if (short.includes('/') || short.includes('@') || short.includes('#'))
        throw new NameError('A snapshot name may not contain “/”, “@” or “#”.');
    checkComponent(short, 'A snapshot name');
    return short;
}

/** dataset@snapshot, both parts checked, within the length limit. */
export function checkFullSnapshotName(dataset: string, short: string): string {
    checkDatasetName(dataset);
    checkSnapshotName(short);
    const full = `${dataset}@${short}`;
    if (full.length > MAX_NAME_LENGTH)
        throw new NameError(`The snapshot name ${full} is longer than ${MAX_NAME_LENGTH} characters.`);
    return full;
}

/** A hold tag: any text ZFS accepts, but not empty, not an option, no control characters. */
export function checkHoldTag(tag: string): string {
    if (tag.length === 0 || tag.length > MAX_NAME_LENGTH)
        throw new NameError('A hold tag must be 1 to 255 characters long.');
    if (tag.startsWith('-'))
        throw new NameError('A hold tag may not start with “-”.');
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(tag))
        throw new NameError('A hold tag may not contain control characters.');
    return tag;
}

/**
 * Expands a snapshot name template such as "manual-%Y-%m-%d-%H%M": %Y year,
 * %m month, %d day, %H hour, %M minute, %S second, %% a percent sign.
 * Anything else after % is refused (ZFS names may not contain %).
 */
export function expandTemplate(template: string, when: Date): string {
    const pad = (n: number): string => String(n).padStart(2, '0');
    return template.replace(/%(.?)/g, (_m, c: string) => {
        switch (c) {
        case 'Y': return String(when.getFullYear());
        case 'm': return pad(when.getMonth() + 1);
        case 'd': return pad(when.getDate());
        case 'H': return pad(when.getHours());
        case 'M': return pad(when.getMinutes());
        case 'S': return pad(when.getSeconds());
        case '%': return '%';
        default:
            throw new NameError(`Unknown template field “%${c}”; use %Y %m %d %H %M %S.`);
        }
    });
}

// --- Properties ------------------------------------------------------------------

/** What a ZFS can do that not every ZFS can (zfs-fuse is pool version 23 era). */
export interface ZfsFeatures {
    readonly encryption: boolean;
    readonly modernCompression: boolean; // lz4, zstd
    readonly relatime: boolean;
}

export const ZFS_FUSE_FEATURES: ZfsFeatures = { encryption: false, modernCompression: false, relatime: false };
export const OPENZFS_FEATURES: ZfsFeatures = { encryption: true, modernCompression: true, relatime: true };

export class UnsupportedError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'UnsupportedError';
    }
}

const SIZE = /^[0-9]+(\.[0-9]+)?[KMGTPE]?$/i;
const UNITS: Readonly<Record<string, number>> = { '': 0, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

function bytesOf(v: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)([KMGTPE]?)$/i.exec(v);
    return Number(m?.[1] ?? NaN) * 1024 ** (UNITS[(m?.[2] ?? '').toUpperCase()] ?? 0);
}

type Check = (value: string, features: ZfsFeatures) => string;

const oneOf = (...allowed: string[]): Check => (v): string => {
    if (!allowed.includes(v))
        throw new NameError(`expected one of ${allowed.join(', ')}`);
    return v;
};

const sizeOrNone: Check = v => {
    if (v !== 'none' && !SIZE.test(v))
        throw new NameError('expected a size such as 10G or 500M, or “none”');
    return v;
};

const recordsize: Check = v => {
    if (!SIZE.test(v))
        throw new NameError('expected a power of two from 512 to 1M, such as 128K');
    const b = bytesOf(v);
    if (!Number.isInteger(b) || b < 512 || b > 1024 * 1024 || (b & (b - 1)) !== 0)
        throw new NameError('expected a power of two from 512 to 1M, such as 128K');
    return v;
};

const mountpoint: Check = v => {
    if (v === 'none' || v === 'legacy')
        return v;
    if (!v.startsWith('/'))
        throw new NameError('expected an absolute path, “none” or “legacy”');
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(v) || v.split('/').some(p => p === '..') || v.length > 1023)
        throw new NameError('expected a plain absolute path (no “..”, no control characters)');
    return v;
};

const compression: Check = (v, f) => {
    const classic = /^(on|off|lzjb|zle|gzip|gzip-[1-9])$/.test(v);
    const modern = /^(lz4|zstd|zstd-([1-9]|1[0-9])|zstd-fast|zstd-fast-([1-9]|[1-9]0|100|500|1000))$/.test(v);
    if (!classic && !modern)
        throw new NameError('expected on, off, lz4, zstd, zstd-1…19, gzip, gzip-1…9, lzjb or zle');
    if (modern && !f.modernCompression)
        throw new UnsupportedError(`This ZFS does not support compression=${v}; use on, gzip or lzjb.`);
    return v;
};

const onOff = oneOf('on', 'off');

/** Properties SigmaVault lets a person set, each with its check. */
export const SETTABLE: Readonly<Record<string, Check>> = {
    compression,
    atime: onOff,
    relatime: (v, f) => {
        if (!f.relatime)
            throw new UnsupportedError('This ZFS has no relatime property.');
        return onOff(v, f);
    },
    quota: sizeOrNone,
    refquota: sizeOrNone,
    reservation: sizeOrNone,
    refreservation: sizeOrNone,
    recordsize,
    mountpoint,
    readonly: onOff,
    exec: onOff,
    setuid: onOff,
    devices: onOff,
    canmount: oneOf('on', 'off', 'noauto'),
    snapdir: oneOf('hidden', 'visible'),
    copies: oneOf('1', '2', '3'),
    xattr: oneOf('on', 'off', 'sa', 'dir'),
};

/** Set only when a dataset is created. */
export const CREATE_ONLY: Readonly<Record<string, Check>> = {
    encryption: (v, f) => {
        const ok = oneOf('off', 'on', 'aes-128-ccm', 'aes-192-ccm', 'aes-256-ccm', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm')(v, f);
        if (ok !== 'off' && !f.encryption)
            throw new UnsupportedError('This ZFS has no native encryption (zfs-fuse predates it).');
        return ok;
    },
    keyformat: (v, f) => {
        if (!f.encryption)
            throw new UnsupportedError('This ZFS has no native encryption (zfs-fuse predates it).');
        return oneOf('passphrase')(v, f);
    },
};

/**
 * Checks property=value pairs; returns them in a stable order. Throws
 * NameError (bad input) or UnsupportedError (this ZFS cannot).
 */
export function checkProperties(props: Readonly<Record<string, string>>, features: ZfsFeatures,
    creating: boolean): [string, string][] {
    const out: [string, string][] = [];
    for (const [name, value] of Object.entries(props).sort(([a], [b]) => a.localeCompare(b))) {
        const check = SETTABLE[name] ?? (creating ? CREATE_ONLY[name] : undefined);
        if (check === undefined) {
            throw new NameError(`SigmaVault does not ${creating ? 'create datasets with' : 'change'} the property “${name}”. ` +
                `It can set: ${Object.keys(creating ? { ...SETTABLE, ...CREATE_ONLY } : SETTABLE).join(', ')}.`);
        }
        try {
            out.push([name, check(value, features)]);
        } catch (e) {
            if (e instanceof NameError)
                throw new NameError(`Invalid value “${value}” for ${name}: ${e.message}.`);
            throw e;
        }
    }
    return out;
}
