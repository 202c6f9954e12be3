// One dataset's snapshots with their properties, kept up to date at the cost
// of the change rather than of the whole list.
//
// Reading every snapshot's properties takes zfs-fuse about 8 s at 10,000
// snapshots, and a dataset with an hourly policy gains one every hour. When
// the daemon's list of names changes, the snapshots that appeared are read by
// name, those that went are dropped, and the list is answered at once. What
// such a patch cannot know is how `used` of the snapshots around a change
// moved (it is the space unique to each), so a full read follows in the
// background and, when it differs, revises the list and `onRevised` tells
// clients to read again. The first list after the daemon starts is made the
// same way from the last full read kept on disk (snapshot-cache.ts).
import type { Snapshot } from '../zfs/dataset-model.js';
import type { SnapshotStore } from './snapshot-cache.js';

/** How the properties are read from ZFS (see Datasets). */
export interface SnapshotReader {
    /** Every snapshot of the dataset, oldest first. */
    all(): Promise<Snapshot[]>;
    /** The named snapshots (short names, after '@'); those that no longer exist are left out. */
    some(names: readonly string[]): Promise<Snapshot[]>;
}

/** Past this many new names a full read is about as cheap as reading them one by one. */
const PATCH_LIMIT = 1000;

export class SnapshotList {
    private list: Snapshot[] | null = null;
    /** Set when the list was patched or told of a change: `used` may be stale. */
    private stale = false;
    private queue: Promise<unknown> = Promise.resolve();
    private revalidation: Promise<void> | null = null;
    private disposed = false;

    constructor(private readonly reader: SnapshotReader, private readonly onRevised: () => void,
        private readonly store: SnapshotStore | null = null) {}

    /**
     * The snapshots whose short names are `names` (the daemon's current
     * names, oldest first), with their properties.
     */
    get(names: readonly string[]): Promise<Snapshot[]> {
        // One update at a time: a second caller waits and then finds the list current.
        const next = this.queue.then(() => this.update(names));
        this.queue = next.catch(() => undefined);
        return next;
    }

    /**
     * Something changed that the names do not show (a hold, a rollback): the
     * named snapshots are read again on the next `get`, and everything else
     * in the background.
     */
    forget(names: readonly string[] = []): void {
        if (this.list === null)
            return; // nothing read yet: the next get reads everything
        if (names.length > 0) {
            const gone = new Set(names);
            this.list = this.list.filter(s => !gone.has(s.snapshot));
        }
        this.stale = true;
        this.scheduleRevalidation();
    }

    /** The dataset is gone: nothing more is read or reported. */
    dispose(): void {
        this.disposed = true;
    }

    private async update(names: readonly string[]): Promise<Snapshot[]> {
        if (this.list === null) {
            // Patched like any change, and re-read in the background once answered.
            this.list = this.store?.load() ?? null;
            this.stale = this.list !== null;
        }
        if (this.list !== null && sameNames(this.list, names)) {
            if (this.stale)
                this.scheduleRevalidation();
            return this.list;
        }
        const have = new Map((this.list ?? []).map(s => [s.snapshot, s]));
        const added = names.filter(n => !have.has(n));
        if (this.list === null || added.length > PATCH_LIMIT) {
            this.list = await this.reader.all();
            this.stale = false;
            this.store?.save(this.list);
            return this.list;
        }
        const wanted = new Set(names);
        const fetched = added.length > 0 ? await this.reader.some(added) : [];
        const patched = [...this.list.filter(s => wanted.has(s.snapshot)), ...fetched]
            // sort is stable: snapshots of one txg keep zfs's order.
            .sort((a, b) => a.createtxg - b.createtxg);
        // A snapshot destroyed between the names and the read is left out
        // here; the full read below settles it.
        this.list = patched;
        this.stale = true;
        this.scheduleRevalidation();
        return this.list;
    }

    private scheduleRevalidation(): void {
        if (this.revalidation !== null || this.disposed)
            return;
        this.revalidation = (async (): Promise<void> => {
            while (this.stale && !this.disposed) {
                this.stale = false;
                const fresh = new Map((await this.reader.all()).map(s => [s.snapshot, s]));
                await this.queue; // a patch in progress lands first
                if (this.disposed || this.list === null)
                    return;
                // The names stay those the daemon knows (they are its
                // Dataset1.SnapshotCount); a snapshot the full read saw
                // appear or go is taken in by the next patch.
                const revised = this.list.map(s => fresh.get(s.snapshot) ?? s);
                this.store?.save([...fresh.values()]);
                if (!sameSnapshots(this.list, revised)) {
                    this.list = revised;
                    this.onRevised();
                }
            }
        })().catch((e: unknown) => {
            // The patched list stays usable; the next change tries again.
            console.warn(`sigmavaultd: re-reading snapshots failed: ${e instanceof Error ? e.message : String(e)}`);
            this.stale = true;
        }).finally(() => {
            this.revalidation = null;
        });
    }
}

function sameNames(list: readonly Snapshot[], names: readonly string[]): boolean {
    return list.length === names.length && list.every((s, i) => s.snapshot === names[i]);
}

function sameSnapshots(a: readonly Snapshot[], b: readonly Snapshot[]): boolean {
    return a.length === b.length && a.every((s, i) => {
        const t = b[i];
        return t !== undefined && s.name === t.name && s.createtxg === t.createtxg && s.creation === t.creation &&
            s.used === t.used && s.referenced === t.referenced && s.userrefs === t.userrefs;
    });
}
