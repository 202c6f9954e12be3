// Device operands of zpool offline/online/replace/attach/detach/add,
// checked before any tool sees them: a device of the pool is looked up in
// its vdev tree (so zpool only ever gets a name it printed itself), and a
// new device must be an absolute path that cannot read as an option. Pure,
// so it is unit-tested.
import type { Vdev } from './model.js';
import { NameError } from './zfs-names.js';

const MAX_PATH = 4095;

function checkText(text: string, what: string): void {
    if (text.length === 0)
        throw new NameError(`${what} is empty.`);
    if (text.startsWith('-'))
        throw new NameError(`${what} may not start with “-” (found “${text}”).`);
    if (text.length > MAX_PATH)
        throw new NameError(`${what} is longer than ${MAX_PATH} characters.`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(text))
        throw new NameError(`${what} contains a control character.`);
}

/** A device named as the pool's Vdevs list it: a name such as sdb or a path. */
export function checkDeviceName(device: string): string {
    checkText(device, 'The device name');
    return device;
}

/** A device to bring into a pool: an absolute, normalised path. */
export function checkNewDevicePath(path: string): string {
    checkText(path, 'The device path');
    if (!path.startsWith('/'))
        throw new NameError(`Give the new device as a full path, such as /dev/disk/by-id/… (found “${path}”).`);
    if (path.split('/').some(p => p === '.' || p === '..'))
        throw new NameError(`The device path may not contain “.” or “..” (found “${path}”).`);
    if (path.includes('//') || (path.length > 1 && path.endsWith('/')))
        throw new NameError(`The device path “${path}” is not a normalised path.`);
    return path;
}

export interface LeafMatch {
    readonly leaf: Vdev;
    /** The vdev holding the leaf: the root for a single-device vdev, else a mirror, raidz, replacing, spare or class group. */
    readonly parent: Vdev;
}

function isLeaf(v: Vdev): boolean {
    return v.children.length === 0 && v.type !== 'root' && v.type !== 'logs' && v.type !== 'cache' &&
        v.type !== 'spares' && v.type !== 'special' && v.type !== 'dedup';
}

function matches(v: Vdev, device: string): boolean {
    return v.name === device || v.path === device || `/dev/${v.name}` === device;
}

/** Every leaf device of the tree with its parent, depth first. */
export function leaves(root: Vdev): LeafMatch[] {
    const out: LeafMatch[] = [];
    const walk = (v: Vdev): void => {
        for (const c of v.children) {
            if (isLeaf(c))
                out.push({ leaf: c, parent: v });
            else
                walk(c);
        }
    };
    walk(root);
    return out;
}

/** The leaf named `device` (by name or path), or null. */
export function findLeaf(root: Vdev, device: string): LeafMatch | null {
    return leaves(root).find(m => matches(m.leaf, device)) ?? null;
}

/** What can be done to a leaf, from where it sits in the tree. */
export function canDetach(m: LeafMatch): boolean {
    return (m.parent.type === 'mirror' || m.parent.type === 'replacing' || m.parent.type === 'spare') &&
        m.parent.children.length > 1;
}

export function canAttachTo(m: LeafMatch): boolean {
    return m.parent.type === 'root' || m.parent.type === 'mirror';
}
