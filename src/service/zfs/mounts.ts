// Mounted ZFS datasets, read from /proc/self/mounts: exact, cheap, includes
// legacy mountpoints, and needs no tool.
import { z } from '../../shared/vendor/zod.js';

export const MountSchema = z.object({
    dataset: z.string().min(1),
    mountpoint: z.string().startsWith('/'),
    pool: z.string().min(1),
}).readonly();
export type Mount = z.infer<typeof MountSchema>;

/** Undoes the octal escapes (\040 for space, …) of /proc/mounts fields. */
function unescapeField(field: string): string {
    return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

const ZFS_TYPES = new Set(['zfs', 'fuse.zfs']);

export function parseMounts(text: string): Mount[] {
    const mounts: Mount[] = [];
    for (const line of text.split('\n')) {
        const fields = line.split(' ');
        if (fields.length < 3)
            continue;
        const [source, target, type] = fields as [string, string, string];
        if (!ZFS_TYPES.has(type))
            continue;
        const dataset = unescapeField(source);
        // Snapshots mounted under .zfs/snapshot are not datasets of their own.
        if (dataset.includes('@'))
            continue;
        mounts.push(MountSchema.parse({
            dataset,
            mountpoint: unescapeField(target),
            pool: dataset.split('/')[0],
        }));
    }
    return mounts;
}

/** Splits an absolute path into components, resolving "." and ".." lexically. */
export function pathComponents(path: string): string[] {
    const out: string[] = [];
    for (const part of path.split('/')) {
        if (part === '' || part === '.')
            continue;
        if (part === '..')
            out.pop();
        else
            out.push(part);
    }
    return out;
}

/** The mount holding `path`: the longest mountpoint that is a whole-component prefix. */
export function locate(mounts: readonly Mount[], path: string): Mount | null {
    const target = pathComponents(path);
    let best: Mount | null = null;
    let bestLength = -1;
    for (const m of mounts) {
        const mp = pathComponents(m.mountpoint);
        if (mp.length > target.length || mp.length <= bestLength)
            continue;
        if (mp.every((c, i) => c === target[i])) {
            best = m;
            bestLength = mp.length;
        }
    }
    return best;
}
