// The last full read of each dataset's snapshots, kept on disk so that the
// first listing after the daemon starts does not wait for zfs to read every
// snapshot again (about 4 s at 10,000 on zfs-fuse). SnapshotList answers
// from it only for the names zfs lists now, and re-reads everything in the
// background at once, revising what changed meanwhile (SnapshotsChanged).
// It is a cache: a missing, damaged or foreign file is simply not used.
import GLib from 'gi://GLib';
import { z } from '../../shared/vendor/zod.js';
import { type Snapshot, SnapshotSchema } from '../zfs/dataset-model.js';

const CacheFileSchema = z.object({
    version: z.literal(1),
    dataset: z.string().min(1),
    snapshots: z.array(SnapshotSchema),
}).strict();

/** What SnapshotList needs of a cache: one dataset's last full read. */
export interface SnapshotStore {
    load(): Snapshot[] | null;
    save(snapshots: readonly Snapshot[]): void;
}

export class SnapshotCache {
    constructor(private readonly dir: string) {}

    /** The cache of `dataset`. */
    of(dataset: string): SnapshotStore {
        return {
            load: () => this.load(dataset),
            save: snapshots => {
                this.save(dataset, snapshots);
            },
        };
    }

    /** Forgets `dataset` (it was destroyed or renamed). */
    remove(dataset: string): void {
        GLib.unlink(this.fileOf(dataset));
    }

    private fileOf(dataset: string): string {
        // A dataset name may be longer than a file name may be, and holds '/'.
        return GLib.build_filenamev([this.dir, `${GLib.compute_checksum_for_string(GLib.ChecksumType.SHA256, dataset, -1) ?? ''}.json`]);
    }

    private load(dataset: string): Snapshot[] | null {
        try {
            const [, bytes] = GLib.file_get_contents(this.fileOf(dataset));
            const r = CacheFileSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
            return r.success && r.data.dataset === dataset && r.data.snapshots.every(s => s.dataset === dataset) ? r.data.snapshots : null;
        } catch {
            return null;
        }
    }

    private save(dataset: string, snapshots: readonly Snapshot[]): void {
        try {
            GLib.mkdir_with_parents(this.dir, 0o700);
            // CONSISTENT (a temporary file, renamed): never half a file. Not
            // DURABLE: losing the newest cache to a power cut costs one slow listing.
            GLib.file_set_contents_full(this.fileOf(dataset), new TextEncoder().encode(JSON.stringify({ version: 1, dataset, snapshots })),
                GLib.FileSetContentsFlags.CONSISTENT, 0o600);
        } catch (e) {
            console.warn(`sigmavaultd: could not keep the snapshot list of ${dataset}: ${e instanceof Error ? e.message : String(e)}`);
        }
    }
}
