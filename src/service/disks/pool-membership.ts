// Which imported pool, and which vdev of it, uses a disk: the disk itself
// or one of its partitions is a leaf vdev. ZFS names leaves by the path it
// opened (/dev/sda1, /dev/disk/by-id/…, /dev/disk/by-partuuid/…) or, in
// text output, by the last part of that path; both are compared with the
// disk's kernel names, partition UUIDs, WWN and serial, and any /dev path
// is also resolved through its symlinks (by-path, by-vdev, …).
import type { Pool, Vdev } from '../zfs/model.js';
import { type BlockDevice, selfAndDescendants } from '../smart/lsblk.js';

export interface Membership {
    readonly pool: string;
    /** The leaf's group (mirror-0, raidz1-0, special, …), or the leaf itself when it stands alone. */
    readonly vdev: string;
}

interface Leaf extends Membership {
    readonly names: readonly string[];
}

/** Leaf devices of imported pools, with what names them. */
export function poolLeaves(pools: readonly Pool[]): Leaf[] {
    const leaves: Leaf[] = [];
    const walk = (pool: string, v: Vdev, parent: Vdev | null): void => {
        if (v.children.length === 0 && v.type !== 'root') {
            // A device directly under the pool stands alone; otherwise its
            // group (mirror-0, raidz1-0) or class (special, logs, cache) names it.
            const group = parent === null || parent.type === 'root' ? v.name : parent.name;
            leaves.push({ pool, vdev: group, names: [v.path, v.name].filter((n): n is string => !!n) });
        }
        for (const c of v.children)
            walk(pool, c, v);
    };
    for (const p of pools) {
        if (p.status)
            walk(p.name, p.status.root, null);
    }
    return leaves;
}

/** A /dev/disk/by-id name without its "-partN" suffix. */
function byIdBase(id: string): string {
    return id.replace(/-part\d+$/, '');
}

function matches(disk: BlockDevice, name: string, resolve: (path: string) => string | null): boolean {
    const parts = selfAndDescendants(disk);
    const paths = new Set(parts.map(p => p.path));
    const kernel = new Set(parts.map(p => p.name));
    if (paths.has(name) || kernel.has(name))
        return true;
    if (name.startsWith('/dev/')) {
        const real = resolve(name);
        if (real !== null && paths.has(real))
            return true;
    }
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (name.startsWith('/dev/disk/by-partuuid/') || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(base)) {
        if (parts.some(p => p.partuuid !== null && p.partuuid.toLowerCase() === base.toLowerCase()))
            return true;
    }
    const id = byIdBase(base);
    if (disk.wwn && id.toLowerCase() === `wwn-${disk.wwn.toLowerCase()}`)
        return true;
    // ata-MODEL_SERIAL, nvme-MODEL_SERIAL, usb-VENDOR_MODEL_SERIAL-0:0, scsi-…
    if (disk.serial && disk.serial.length >= 4 && /^(ata|nvme|usb|scsi|sas)-/.test(id) &&
        (id.endsWith(`_${disk.serial}`) || id.includes(`_${disk.serial}-`)))
        return true;
    return false;
}

/** The pool and vdev using `disk`, or null when no imported pool uses it. */
export function membershipOf(disk: BlockDevice, leaves: readonly Leaf[],
    resolve: (path: string) => string | null = () => null): Membership | null {
    for (const leaf of leaves) {
        if (leaf.names.some(n => matches(disk, n, resolve)))
            return { pool: leaf.pool, vdev: leaf.vdev };
    }
    return null;
}
