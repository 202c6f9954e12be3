// Where the files of a dataset's snapshots can be read, for "Previous
// Versions". OpenZFS has the control directory <mountpoint>/.zfs/snapshot/<name>
// (mounted on demand, readable by everyone, permissions as in the snapshot).
// zfs-fuse has neither .zfs nor `zfs diff` (tried), so the daemon makes the
// same thing from temporary clones: read-only, exec/setuid/devices off,
// mounted at /run/sigmavault/snapshots/<n>, below one hidden container
// dataset per pool (<pool>/.sigmavault-views) that the daemon never exports.
//
// Why the daemon only provides directories and reads no file itself: the
// files are read by the user's own process (Settings, sigmavaultctl), so
// the kernel checks the snapshot copy's owner and mode against the real
// caller, exactly as with .zfs/snapshot. Nobody can read through this what
// they could not read in the snapshot themselves, and root never opens a
// user's file on their behalf.
//
// Views are kept for VIEW_IDLE_S after their last use, then destroyed
// (retried while a view is busy, e.g. a file from it is open in an
// editor); views left by a previous run are destroyed at start, and those
// of a dataset are destroyed before SigmaVault destroys, prunes or rolls
// back its snapshots (a clone would block that). A `zfs destroy` of such a
// snapshot typed by hand meanwhile is refused ("dependent clones").
import GLib from 'gi://GLib';
import { run, type ToolResult } from '../tools.js';

export const VIEW_CONTAINER = '.sigmavault-views';
export const VIEW_ROOT = '/run/sigmavault/snapshots';
const VIEW_IDLE_S = 600;
const SWEEP_S = 60;

/** Whether `dataset` is one of the daemon's snapshot views (or their container): never shown to clients. */
export function isViewDataset(dataset: string): boolean {
    return dataset.split('/')[1] === VIEW_CONTAINER;
}

/** The OpenZFS control directory of `snapshot` of the dataset mounted at `mountpoint`. */
export function controlDirectory(mountpoint: string, snapshot: string): string {
    return GLib.build_filenamev([mountpoint, '.zfs', 'snapshot', snapshot]);
}

interface View {
    readonly snapshot: string;
    readonly clone: string;
    readonly directory: string;
    lastUsed: number;
}

function firstError(r: ToolResult): string {
    return r.stderr.trim().split('\n')[0] ?? `exit status ${r.status}`;
}

function sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}

/**
 * zfs destroy, again for a moment while zfs-fuse answers "busy": right after
 * an unmount (or a reader's exit) it still holds the dataset briefly.
 */
async function destroy(args: readonly string[], tries = 8): Promise<ToolResult> {
    for (let i = 1; ; i++) {
        const r = await run('zfs', ['destroy', ...args]);
        if (r.status === 0 || i >= tries || !/busy/i.test(r.stderr))
            return r;
        await sleep(250);
    }
}

export class SnapshotViews {
    /** By full snapshot name. */
    private readonly views = new Map<string, View>();
    private readonly containers = new Set<string>();
    private next = 1;
    private sweepId = 0;
    private creating: Promise<unknown> = Promise.resolve();

    /** Destroys the views (and containers) a previous run left behind. */
    async cleanLeftovers(): Promise<void> {
        const r = await run('zfs', ['list', '-H', '-o', 'name', '-t', 'filesystem']);
        if (r.status !== 0)
            return;
        for (const name of r.stdout.split('\n')) {
            if (name.split('/').length === 2 && isViewDataset(name)) {
                // Right after a crash zfs-fuse keeps the dead run's mounts busy
                // for a few seconds while it releases its files: wait up to 10 s.
                const d = await destroy(['-r', '-f', '--', name], 40);
                if (d.status !== 0)
                    console.warn(`sigmavaultd: could not destroy the leftover snapshot views ${name}: ${firstError(d)}`);
            }
        }
    }

    /**
     * Directories holding the content of `snapshots` (names after '@') of
     * `dataset`, in the same order. On zfs-fuse missing views are cloned,
     * one after another (zfs-fuse serialises them anyway).
     */
    async zfsFuseDirectories(dataset: string, snapshots: readonly string[]): Promise<string[]> {
        const job = this.creating.then(async () => {
            const out: string[] = [];
            for (const s of snapshots)
                out.push(await this.view(dataset, s));
            return out;
        });
        this.creating = job.catch(() => undefined);
        this.scheduleSweep();
        return job;
    }

    private async view(dataset: string, snapshot: string): Promise<string> {
        const full = `${dataset}@${snapshot}`;
        const now = GLib.get_monotonic_time() / 1e6;
        const existing = this.views.get(full);
        if (existing) {
            existing.lastUsed = now;
            return existing.directory;
        }
        const pool = dataset.split('/')[0] ?? dataset;
        const container = `${pool}/${VIEW_CONTAINER}`;
        if (!this.containers.has(container)) {
            const exists = await run('zfs', ['list', '-H', '-o', 'name', container]);
            if (exists.status !== 0) {
                const c = await run('zfs', ['create', '-o', 'mountpoint=none', '-o', 'canmount=off', '--', container]);
                if (c.status !== 0)
                    throw new Error(`Could not prepare reading snapshots of pool ${pool}: ${firstError(c)}`);
            }
            this.containers.add(container);
        }
        const n = this.next++;
        const clone = `${container}/v${n}`;
        const directory = GLib.build_filenamev([VIEW_ROOT, `${pool}-${n}`]);
        GLib.mkdir_with_parents(VIEW_ROOT, 0o755);
        const r = await run('zfs', ['clone', '-o', 'readonly=on', '-o', 'exec=off', '-o', 'setuid=off', '-o', 'devices=off',
            '-o', `mountpoint=${directory}`, '--', full, clone]);
        if (r.status !== 0)
            throw new Error(`Could not open snapshot ${full} for reading: ${firstError(r)}`);
        this.views.set(full, { snapshot: full, clone, directory, lastUsed: now });
        return directory;
    }

    private async destroyView(view: View, force: boolean): Promise<boolean> {
        const r = await destroy([...(force ? ['-f'] : []), '--', view.clone], force ? 8 : 1);
        if (r.status !== 0 && !/does not exist/.test(r.stderr)) {
            console.debug(`sigmavaultd: snapshot view ${view.clone} not destroyed yet: ${firstError(r)}`);
            return false;
        }
        this.views.delete(view.snapshot);
        GLib.rmdir(view.directory);
        return true;
    }

    /**
     * Destroys the views of `dataset` and of the datasets below it, even if
     * busy: called right before SigmaVault destroys or rolls back snapshots.
     */
    async release(dataset: string): Promise<void> {
        await this.creating;
        for (const view of [...this.views.values()]) {
            const of = view.snapshot.slice(0, view.snapshot.indexOf('@'));
            if (of === dataset || of.startsWith(`${dataset}/`))
                await this.destroyView(view, true);
        }
    }

    /** Destroys the view of one snapshot (full name), if there is one: right before the snapshot is destroyed. */
    async releaseSnapshot(snapshot: string): Promise<void> {
        await this.creating;
        const view = this.views.get(snapshot);
        if (view)
            await this.destroyView(view, true);
    }

    /** Forgets views whose snapshot or pool went away (zfs destroyed them along). */
    forgetMissing(existing: (snapshot: string) => boolean): void {
        for (const [name, view] of this.views) {
            if (!existing(name)) {
                this.views.delete(name);
                GLib.rmdir(view.directory);
            }
        }
        for (const c of [...this.containers]) {
            if (![...this.views.values()].some(v => v.clone.startsWith(`${c}/`)))
                this.containers.delete(c);
        }
    }

    private scheduleSweep(): void {
        if (this.sweepId)
            return;
        this.sweepId = GLib.timeout_add_seconds(GLib.PRIORITY_LOW, SWEEP_S, () => {
            this.sweepId = 0;
            void this.sweep();
            return GLib.SOURCE_REMOVE;
        });
    }

    private async sweep(): Promise<void> {
        await this.creating;
        const now = GLib.get_monotonic_time() / 1e6;
        for (const view of [...this.views.values()]) {
            if (now - view.lastUsed >= VIEW_IDLE_S)
                await this.destroyView(view, false);
        }
        if (this.views.size > 0)
            this.scheduleSweep();
    }

    /** At exit: destroys every view, synchronously (the main loop has ended). */
    stopSync(zfs: string | null): void {
        if (this.sweepId)
            GLib.source_remove(this.sweepId);
        this.sweepId = 0;
        if (zfs === null)
            return;
        for (const view of this.views.values()) {
            try {
                GLib.spawn_sync(null, [zfs, 'destroy', '-f', '--', view.clone], null, GLib.SpawnFlags.STDERR_TO_DEV_NULL, null);
                GLib.rmdir(view.directory);
            } catch {
                // cleanLeftovers at the next start.
            }
        }
        this.views.clear();
    }
}
