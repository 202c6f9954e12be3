// Periodic snapshot policies in sigmavaultd: Dataset1.SetSnapshotPolicy and
// PreviewPrune, the SnapshotPolicy properties, the timer that takes
// snapshots when they are due, and the prune jobs (Job1, lock
// "prune:DATASET"). What to take and what to delete is decided by
// retention.ts alone, so the preview is the prune.
//
// Timing: one GLib timeout to the earliest next due time of all policies,
// no polling. The daemon also re-evaluates after each of its refreshes
// (cheap: snapshot lists are cached until their names change), which
// catches up after a suspend, when monotonic timeouts stop.
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { datasetPath } from '../../shared/dbus-names.js';
import { audit } from '../audit.js';
import { failed, invalidArgument } from '../errors.js';
import type { JobControl, JobManager, JobOutcome } from '../jobs/job-manager.js';
import { OptionsSchema, parseOptionsWith } from '../options.js';
import { authorize, callerOf } from '../polkit.js';
import { readState, statePath, writeAtomically } from '../state-file.js';
import { run } from '../tools.js';
import { MIN_FREQUENT_INTERVAL, parsePolicies, PolicyError, policyFromDict, policyToDict, serializePolicies } from './policy-file.js';
import { type DatasetSnapshots, duePeriods, nextDue, plan, type Plan, type SnapshotPolicy } from './retention.js';

/** What the policies need from the datasets (src/service/datasets/datasets.ts). */
export interface DatasetAccess {
    exists(name: string): boolean;
    /** The dataset and every dataset below it, parents first. */
    subtree(name: string): string[];
    poolOf(name: string): string;
    snapshotFacts(name: string): Promise<DatasetSnapshots>;
    /** Re-reads datasets and snapshots and signals SnapshotsChanged. */
    changed(name: string): Promise<void>;
    /** Re-publishes the policy properties of every dataset object. */
    policiesChanged(): void;
    /** Closes SigmaVault's own read-only views of a snapshot (Previous Versions), which would keep it from being destroyed. */
    releaseSnapshotView(snapshot: string): Promise<void>;
}

export const pruneLock = (dataset: string): string => `prune:${dataset}`;

const NO_JOB = '/';
/** After a snapshot could not be taken, the next try waits this long. */
const RETRY_MS = 60 * 1000;
/** GLib's seconds timeouts fire within a second; use them for waits longer than this. */
const COARSE_AFTER_MS = 60 * 1000;

function minInterval(): number {
    const raw = Number(GLib.getenv('SIGMAVAULT_MIN_SNAPSHOT_INTERVAL') ?? '');
    return Number.isInteger(raw) && raw > 0 ? raw : MIN_FREQUENT_INTERVAL;
}

const unpack = (raw: unknown): Record<string, unknown> => {
    const plain: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw as Record<string, GLib.Variant>))
        plain[k] = v.recursiveUnpack();
    return plain;
};

export class SnapshotPolicies {
    private policies = new Map<string, SnapshotPolicy>();
    private readonly file = statePath('snapshot-policies.json');
    private readonly next = new Map<string, number>();
    private readonly retryAt = new Map<string, number>();
    /** Ticks run one at a time per dataset, in order. */
    private readonly ticking = new Map<string, Promise<string>>();
    private readonly pruneAgain = new Set<string>();
    private timerId = 0;
    private evaluating: Promise<void> | null = null;
    private evaluateAgain = false;
    private datasets: DatasetAccess | null = null;

    constructor(private readonly connection: Gio.DBusConnection, private readonly jobs: JobManager,
        private readonly capacity: (pool: string) => number | null) {}

    attach(datasets: DatasetAccess): void {
        this.datasets = datasets;
    }

    private get access(): DatasetAccess {
        if (this.datasets === null)
            throw new Error('snapshot policies are not attached to the datasets');
        return this.datasets;
    }

    load(): void {
        const text = readState(this.file);
        if (text === null)
            return;
        const loaded = parsePolicies(text);
        if (!loaded.ok) {
            console.warn(`sigmavaultd: ${this.file} is damaged (${loaded.reason}); keeping it as snapshot-policies.json.damaged`);
            GLib.rename(this.file, `${this.file}.damaged`);
            return;
        }
        this.policies = loaded.policies;
    }

    stop(): void {
        if (this.timerId)
            GLib.source_remove(this.timerId);
        this.timerId = 0;
    }

    private persist(): void {
        writeAtomically(this.file, serializePolicies(this.policies));
    }

    /** The policy that applies to `name`: its own, or a recursive one of an ancestor. */
    governing(name: string): { from: string; policy: SnapshotPolicy } | null {
        const own = this.policies.get(name);
        if (own)
            return { from: name, policy: own };
        const parts = name.split('/');
        for (let i = parts.length - 1; i > 0; i--) {
            const ancestor = parts.slice(0, i).join('/');
            const p = this.policies.get(ancestor);
            if (p?.recursive)
                return { from: ancestor, policy: p };
        }
        return null;
    }

    /** SnapshotPolicy (its own, {} if none), SnapshotPolicyFrom and NextAutoSnapshot of a dataset. */
    properties(name: string): Record<string, GLib.Variant> {
        const own = this.policies.get(name);
        const dict: Record<string, GLib.Variant> = {};
        if (own) {
            for (const [k, v] of Object.entries(policyToDict(own)))
                dict[k] = typeof v === 'boolean' ? new GLib.Variant('b', v) : new GLib.Variant('u', v);
        }
        const g = this.governing(name);
        const next = g ? this.next.get(g.from) ?? 0 : 0;
        return {
            SnapshotPolicy: new GLib.Variant('a{sv}', dict),
            SnapshotPolicyFrom: new GLib.Variant('s', g?.from ?? ''),
            NextAutoSnapshot: new GLib.Variant('t', Math.floor(next / 1000)),
        };
    }

    /** Datasets of a policy: the dataset, and for a recursive one everything below it. */
    private async tree(name: string, policy: SnapshotPolicy): Promise<DatasetSnapshots[]> {
        const names = policy.recursive ? this.access.subtree(name) : [name];
        const out: DatasetSnapshots[] = [];
        for (const n of names)
            out.push(await this.access.snapshotFacts(n));
        return out;
    }

    private capacityOf(name: string): number | null {
        return this.capacity(this.access.poolOf(name));
    }

    // --- D-Bus ------------------------------------------------------------------------

    private parsePolicy(raw: unknown): SnapshotPolicy | null {
        try {
            return policyFromDict(unpack(raw), minInterval());
        } catch (e) {
            if (e instanceof PolicyError)
                throw invalidArgument(e.message);
            throw e;
        }
    }

    /** Refuses policies that would overlap: a dataset covered by a recursive policy above it, or the reverse. */
    private checkOverlap(name: string, policy: SnapshotPolicy | null): void {
        if (policy === null)
            return;
        const g = this.governing(name);
        if (g !== null && g.from !== name) {
            throw invalidArgument(`${name} already gets the automatic snapshots of ${g.from}, which include its children. ` +
                `Change that policy, or make it not include children first.`);
        }
        if (policy.recursive) {
            const below = [...this.policies.keys()].filter(n => n.startsWith(`${name}/`));
            if (below.length > 0) {
                throw invalidArgument(`Datasets below ${name} have their own automatic snapshots (${below.join(', ')}); ` +
                    'turn those off before including children here.');
            }
        }
    }

    /** Dataset1.PreviewPrune(a{sv} policy, a{sv} options) → (as take, as destroy, a(ss) spared). Open to everyone, like other previews. */
    async preview(name: string, args: unknown[]): Promise<GLib.Variant> {
        parseOptionsWith(OptionsSchema, args[1]);
        const policy = this.parsePolicy(args[0]);
        this.checkOverlap(name, policy);
        const p: Plan = policy === null ? { take: [], destroy: [], spared: [] }
            : plan(policy, new Date(), await this.tree(name, policy), this.capacityOf(name));
        return new GLib.Variant('(asasa(ss))', [p.take.map(t => t.snapshot), p.destroy, p.spared.map((s): [string, string] => [s.snapshot, s.reason])]);
    }

    /** Dataset1.SetSnapshotPolicy(a{sv} policy, a{sv} options) → (o prune job, or "/" when nothing is to be deleted). */
    async set(name: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const options = parseOptionsWith(OptionsSchema, args[1]);
        const policy = this.parsePolicy(args[0]);
        this.checkOverlap(name, policy);
        const caller = await callerOf(this.connection, inv.get_sender() ?? '');
        await authorize(this.connection, caller, 'com.sigmavault.dataset.manage', name, !options['auth.no_user_interaction']);
        if (policy === null)
            this.policies.delete(name);
        else
            this.policies.set(name, policy);
        try {
            this.persist();
        } catch (e) {
            audit({ action: 'snapshot.policy', sender: caller.sender, uid: caller.uid, object: name, result: 'failed',
                detail: e instanceof Error ? e.message : String(e) });
            throw failed(`Could not save the snapshot policy: ${e instanceof Error ? e.message : String(e)}`);
        }
        audit({ action: 'snapshot.policy', sender: caller.sender, uid: caller.uid, object: name, result: 'succeeded',
            detail: policy === null ? 'off' : JSON.stringify(policyToDict(policy)) });
        let job = NO_JOB;
        if (policy !== null)
            job = await this.tick(name, caller.uid ?? 0);
        else
            this.next.delete(name);
        this.access.policiesChanged();
        this.reschedule();
        return new GLib.Variant('(o)', [job]);
    }

    // --- Rename and destroy of datasets -------------------------------------------------

    /** A dataset (and what is below it) was destroyed through SigmaVault: its policies go too. */
    forget(name: string): void {
        const gone = [...this.policies.keys()].filter(n => n === name || n.startsWith(`${name}/`));
        if (gone.length === 0)
            return;
        for (const n of gone)
            this.policies.delete(n);
        this.persist();
    }

    /** A dataset was renamed through SigmaVault: its policies (and those below it) follow. */
    renamed(from: string, to: string): void {
        const moved = [...this.policies].filter(([n]) => n === from || n.startsWith(`${from}/`));
        if (moved.length === 0)
            return;
        for (const [n, p] of moved) {
            this.policies.delete(n);
            this.policies.set(to + n.slice(from.length), p);
        }
        this.persist();
    }

    // --- Scheduling -------------------------------------------------------------------

    /** Looks at every policy again: takes what is due, and sets the timer to the next due time. */
    reschedule(): void {
        if (this.evaluating) {
            this.evaluateAgain = true;
            return;
        }
        this.evaluating = this.evaluate().catch((e: unknown) => {
            console.warn(`sigmavaultd: snapshot policies: ${e instanceof Error ? e.message : String(e)}`);
        }).finally(() => {
            this.evaluating = null;
            if (this.evaluateAgain) {
                this.evaluateAgain = false;
                this.reschedule();
            }
        });
    }

    private async evaluate(): Promise<void> {
        let earliest: number | null = null;
        let nextChanged = false;
        for (const [name, policy] of [...this.policies]) {
            if (!this.access.exists(name) || this.ticking.has(name))
                continue;
            const root = await this.access.snapshotFacts(name);
            const now = new Date();
            let when = nextDue(policy, now, root.snapshots);
            const retry = this.retryAt.get(name) ?? 0;
            if (when !== null && when <= now.getTime() && retry <= now.getTime()) {
                await this.tick(name, 0);
                when = nextDue(policy, new Date(), (await this.access.snapshotFacts(name)).snapshots);
            }
            if (when !== null && when <= Date.now() && (this.retryAt.get(name) ?? 0) > Date.now())
                when = this.retryAt.get(name) ?? when;
            if (when !== (this.next.get(name) ?? null)) {
                nextChanged = true;
                if (when === null)
                    this.next.delete(name);
                else
                    this.next.set(name, when);
            }
            if (when !== null)
                earliest = earliest === null ? when : Math.min(earliest, when);
        }
        if (nextChanged)
            this.access.policiesChanged();
        this.setTimer(earliest);
    }

    private setTimer(when: number | null): void {
        if (this.timerId)
            GLib.source_remove(this.timerId);
        this.timerId = 0;
        if (when === null)
            return;
        // A little after the slot starts, so that the slot has begun when it fires.
        const ms = Math.max(0, when - Date.now()) + 50;
        const fire = (): boolean => {
            this.timerId = 0;
            this.reschedule();
            return GLib.SOURCE_REMOVE;
        };
        this.timerId = ms > COARSE_AFTER_MS
            ? GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, Math.ceil(ms / 1000), fire)
            : GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, fire);
    }

    /**
     * Takes the snapshots due for `name` now and starts a prune job when the
     * plan deletes something. Returns the job's path, or "/".
     */
    private tick(name: string, uid: number): Promise<string> {
        const before = this.ticking.get(name) ?? Promise.resolve(NO_JOB);
        const mine = before.catch(() => NO_JOB).then(() => this.takeAndPrune(name, uid));
        this.ticking.set(name, mine);
        return mine.finally(() => {
            if (this.ticking.get(name) === mine)
                this.ticking.delete(name);
        });
    }

    private async takeAndPrune(name: string, uid: number): Promise<string> {
        const policy = this.policies.get(name);
        if (policy === undefined || !this.access.exists(name))
            return NO_JOB;
        const now = new Date();
        const tree = await this.tree(name, policy);
        const p = plan(policy, now, tree, this.capacityOf(name));
        let stuck = p.take.length < duePeriods(policy, now, tree[0]?.snapshots ?? []).length;
        for (const t of p.take) {
            const r = await run('zfs', ['snapshot', ...(policy.recursive ? ['-r'] : []), '--', t.snapshot]);
            audit({ action: 'snapshot.auto', sender: 'sigmavaultd', uid, object: t.snapshot,
                result: r.status === 0 ? 'succeeded' : 'failed', detail: `${t.period} ${r.stderr.trim()}`.trim() });
            if (r.status !== 0) {
                console.warn(`sigmavaultd: could not take ${t.snapshot}: ${r.stderr.trim()}`);
                stuck = true;
            }
        }
        // A snapshot that cannot be taken (a full or read-only pool, a name
        // taken twice) is tried again a minute later, not in a loop.
        if (stuck)
            this.retryAt.set(name, Date.now() + RETRY_MS);
        else
            this.retryAt.delete(name);
        if (p.take.length > 0)
            await this.access.changed(name);
        if (p.take.length === 0 && p.destroy.length === 0)
            return NO_JOB;
        const after = plan(policy, new Date(), await this.tree(name, policy), this.capacityOf(name), false);
        return after.destroy.length > 0 ? this.startPrune(name, uid) : NO_JOB;
    }

    private startPrune(name: string, uid: number): string {
        const { job, existing } = this.jobs.start({
            operation: 'snapshot-prune',
            objects: [datasetPath(name)],
            lock: pruneLock(name),
            startedByUid: uid,
            cancelAction: 'com.sigmavault.dataset.manage',
            cancelable: true,
        }, control => this.prune(name, uid, control));
        if (existing)
            this.pruneAgain.add(name);
        return job.path;
    }

    /** The prune job: deletes what the plan says, one snapshot at a time (a held one must not stop the others). */
    private async prune(name: string, uid: number, control: JobControl): Promise<JobOutcome> {
        control.onCancel = (): Promise<void> => Promise.resolve();
        let destroyed = 0;
        const errors: string[] = [];
        let spared: Plan['spared'] = [];
        const told = new Set<string>();
        try {
            do {
                this.pruneAgain.delete(name);
                const policy = this.policies.get(name);
                if (policy === undefined || !this.access.exists(name))
                    break;
                const p = plan(policy, new Date(), await this.tree(name, policy), this.capacityOf(name), false);
                spared = p.spared;
                // Said once per job, as soon as it is known.
                for (const s of spared.filter(x => !told.has(x.snapshot))) {
                    told.add(s.snapshot);
                    control.log(`Kept ${s.snapshot} (${s.reason === 'held' ? 'held' : s.reason === 'cloned' ? 'a clone depends on it' : 'the pool is not nearly full yet'}).`);
                }
                for (const [i, snapshot] of p.destroy.entries()) {
                    if (control.cancelRequested)
                        break;
                    control.update({ progress: i / p.destroy.length });
                    await this.access.releaseSnapshotView(snapshot);
                    const r = await run('zfs', ['destroy', '--', snapshot]);
                    audit({ action: 'snapshot.prune', sender: 'sigmavaultd', uid, object: snapshot,
                        result: r.status === 0 ? 'succeeded' : 'failed', detail: r.stderr.trim() });
                    if (r.status === 0) {
                        destroyed++;
                        control.log(`Destroyed ${snapshot}.`);
                    } else {
                        errors.push(`${snapshot}: ${r.stderr.trim() || `exit status ${r.status}`}`);
                        control.log(`Could not destroy ${snapshot}: ${r.stderr.trim()}`);
                    }
                }
                if (p.destroy.length > 0)
                    await this.access.changed(name);
            } while (this.pruneAgain.has(name) && !control.cancelRequested && errors.length === 0);
        } finally {
            this.pruneAgain.delete(name);
        }
        const kept = spared.length > 0 ? `; kept ${spared.length} beyond the counts (held, cloned or waiting for space)` : '';
        const what = `${destroyed} snapshot${destroyed === 1 ? '' : 's'} of ${name}`;
        if (control.cancelRequested)
            return { state: 'cancelled', message: `Cancelled after pruning ${what}${kept}.` };
        if (errors.length > 0)
            return { state: 'failed', message: `Pruned ${what}, but could not destroy ${errors.join('; ')}${kept}.` };
        return { state: 'succeeded', message: `Pruned ${what}${kept}.` };
    }
}
