// Mounted ZFS datasets, read from /proc/self/mounts: exact, cheap, includes
// legacy mountpoints, and needs no tool.
import { z } from '../../shared/vendor/zod.js';

export { locate, pathComponents } from '../../shared/mount-lookup.js';

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
