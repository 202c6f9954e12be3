// Datasets and snapshots: one com.sigmavault.Dataset1 object per filesystem
// or volume, refreshed on the daemon's triggers (Daemon.doRefresh), and
// the dataset methods. Snapshots are not objects: their names are counted
// on every refresh (cheap: one `zfs list -t snapshot -o name`), and a
// dataset's full snapshot list is read only when a client pages through it,
// then kept up to date change by change (snapshot-list.ts).
//
// Every write is authorized by polkit and audited; every name is checked by
// zfs-names.ts before a tool sees it. `--` goes before operands wherever the
// ZFS accepts it; zfs-fuse's `zfs set`, `zfs get` and `zfs list` do not, and
// there the checks make it impossible for an operand to start with '-'.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { datasetPath, ErrorName } from '../../shared/dbus-names.js';
import { z } from '../../shared/vendor/zod.js';
import { audit } from '../audit.js';
import { checked, DaemonError, failed, invalidArgument, notFound, toolUnavailable } from '../errors.js';
import { authorize, callerOf, type PolkitAction } from '../polkit.js';
import { findTool, run, runChecked, type ToolResult } from '../tools.js';
import type { ZfsState } from '../zfs/backend.js';
import type { Dataset, Snapshot } from '../zfs/dataset-model.js';
import { parseZfsGet } from '../zfs/zfs-get.js';
import {
    BASE_DATASET_COLUMNS, DATASET_COLUMNS, parseSnapshotProperties, parseZfsList, parseZfsSnapshotList, SNAPSHOT_COLUMNS,
    SNAPSHOT_PROPERTIES,
} from '../zfs/zfs-list.js';
import { datasetsFromJson, parseZfsListJson } from '../zfs/zfs-list-json.js';
import {
    checkDatasetName, checkFullSnapshotName, checkHoldTag, checkProperties, checkRelativeName, checkSnapshotName,
    expandTemplate, OPENZFS_FEATURES, ZFS_FUSE_FEATURES, type ZfsFeatures,
} from '../zfs/zfs-names.js';
import { DATASET_METHODS, type DatasetHandler, type DatasetMethod, DatasetObject } from './dataset-object.js';
import { OptionsSchema, parseOptionsWith } from '../options.js';
import type { DatasetAccess, SnapshotPolicies } from '../snapshots/snapshot-policies.js';
import type { DatasetSnapshots } from '../snapshots/retention.js';
import { controlDirectory, isViewDataset, SnapshotViews } from './snapshot-views.js';
import type { ObjectServer } from '../objects/object-server.js';
import { arrayOf, tupleOf } from '../objects/variant-build.js';
import { SnapshotList } from './snapshot-list.js';
import { SnapshotCache } from './snapshot-cache.js';
import { statePath } from '../state-file.js';

Gio._promisify(Gio.Subprocess.prototype, 'communicate_utf8_async', 'communicate_utf8_finish');

const MAX_PAGE = 5000;
/** Snapshot names per `zfs get`/`zfs list` command line when reading some by name. */
const NAMES_PER_READ = 200;
/** Snapshots SnapshotDirectories opens by default and at most (newest first). */
const DEFAULT_DIRECTORIES = 100;
const MAX_DIRECTORIES = 1000;
const BUSY_RETRIES = 20;
const BUSY_RETRY_MS = 250;

function sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}
const DATASET_IFACE_NAME = 'com.sigmavault.Dataset1';
const ROW_TYPE = new GLib.VariantType('(sttttu)');

const DatasetOptionsSchema = OptionsSchema.extend({
    'confirm-name': z.string().optional(),
    'destroy-newer': z.boolean().optional(),
    passphrase: z.string().optional(),
    limit: z.number().int().min(1).max(MAX_DIRECTORIES).optional(),
}).strict();
type Options = z.infer<typeof DatasetOptionsSchema>;

const parseOptions = (raw: unknown): Options => parseOptionsWith(DatasetOptionsSchema, raw);

function stringMap(raw: unknown): Record<string, string> {
    return raw as Record<string, string>;
}

/** A failed zfs command as a named error with zfs's own words. */
function toolError(what: string, r: ToolResult): DaemonError {
    const detail = r.stderr.trim().split('\n').filter(l => l !== '' && !/^usage:/i.test(l.trim()))[0] ?? `exit status ${r.status}`;
    if (/does not exist|no such (pool|dataset)|could not find any snapshots/i.test(detail))
        return notFound(`${what}: ${detail}`);
    if (/busy/i.test(detail))
        return new DaemonError(ErrorName.Busy, `${what}: ${detail}`);
    if (/already exists|invalid|not supported|bad /i.test(detail))
        return invalidArgument(`${what}: ${detail}`);
    return failed(`${what}: ${detail}`);
}

/** Like tools.run, with text for the tool's standard input (passphrases). */
async function runWithInput(tool: string, args: readonly string[], input: string): Promise<ToolResult> {
    const path = findTool(tool);
    if (path === null)
        throw toolUnavailable(`${tool} is not installed.`);
    const launcher = new Gio.SubprocessLauncher({
        flags: Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE,
    });
    launcher.setenv('LC_ALL', 'C', true);
    const proc = launcher.spawnv([path, ...args]);
    const [stdout, stderr] = await proc.communicate_utf8_async(input, null);
    return {
        status: proc.get_if_exited() ? proc.get_exit_status() : 128 + proc.get_term_sig(),
        stdout: stdout ?? '', stderr: stderr ?? '',
    };
}

/** FNV-1a over a list of names: tells cheaply whether a dataset's snapshot list changed. */
function signature(names: readonly string[]): string {
    let h = 0x811c9dc5;
    for (const n of names) {
        for (let i = 0; i < n.length; i++)
            h = Math.imul(h ^ n.charCodeAt(i), 0x01000193);
        h = Math.imul(h ^ 10, 0x01000193);
    }
    return `${names.length}:${(h >>> 0).toString(16)}`;
}

export class Datasets implements DatasetAccess {
    private readonly objects = new Map<string, DatasetObject>();
    private datasets: Dataset[] = [];
    /** Snapshot names (after '@') per dataset, oldest first as zfs lists them. */
    private snapshotNames = new Map<string, string[]>();
    private readonly lists = new Map<string, SnapshotList>();
    private readonly cache = new SnapshotCache(statePath('snapshot-cache'));
    private zfs: ZfsState = { available: false, reason: '' };
    /** Each snapshot's ListSnapshots row, packed once (see listSnapshots). */
    private readonly rowVariants = new WeakMap<Snapshot, GLib.Variant>();
    readonly views = new SnapshotViews();

    constructor(private readonly connection: Gio.DBusConnection,
        private readonly manager: ObjectServer,
        private readonly refreshAll: () => Promise<void>,
        private readonly policies: SnapshotPolicies) {
        policies.attach(this);
    }

    // --- What the snapshot policies read (DatasetAccess) ----------------------------

    exists(name: string): boolean {
        return this.objects.has(name);
    }

    subtree(name: string): string[] {
        return this.datasets.filter(d => d.name === name || d.name.startsWith(`${name}/`)).map(d => d.name)
            .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
    }

    poolOf(name: string): string {
        return name.split('/')[0] ?? name;
    }

    async snapshotFacts(name: string): Promise<DatasetSnapshots> {
        const origins = new Set(this.datasets.map(d => d.origin).filter(o => o !== ''));
        const list = await this.snapshots(name);
        return {
            dataset: name,
            snapshots: list.map(s => ({ name: s.snapshot, createtxg: s.createtxg, creation: s.creation,
                held: s.userrefs > 0, cloned: origins.has(s.name) })),
        };
    }

    releaseSnapshotView(snapshot: string): Promise<void> {
        return this.views.releaseSnapshot(snapshot);
    }

    policiesChanged(): void {
        for (const [name, obj] of this.objects)
            obj.setExtra(this.policies.properties(name));
    }

    private get openzfs(): boolean {
        return this.zfs.available && this.zfs.implementation.startsWith('OpenZFS');
    }

    private get features(): ZfsFeatures {
        return this.zfs.available && this.zfs.implementation.startsWith('OpenZFS') ? OPENZFS_FEATURES : ZFS_FUSE_FEATURES;
    }

    private featureNames(): string[] {
        const f = this.features;
        return [
            ...(f.encryption ? ['encryption'] : []),
            ...(f.modernCompression ? ['compression-lz4', 'compression-zstd'] : []),
            ...(f.relatime ? ['relatime'] : []),
        ];
    }

    /** Called by the daemon after each refresh of the pools. Never throws. */
    async sync(zfs: ZfsState): Promise<void> {
        this.zfs = zfs;
        if (!zfs.available) {
            this.apply([], new Map());
            return;
        }
        try {
            const datasets = await this.readDatasets(zfs);
            const names = await this.readSnapshotNames();
            this.apply(datasets, names);
        } catch (e) {
            // Pools are still shown when datasets cannot be read (a ZFS that
            // answers zpool but not zfs); the objects stay as they were.
            console.warn(`sigmavaultd: reading datasets failed: ${e instanceof Error ? e.message : String(e)}`);
        }
    }

    private async readDatasets(zfs: ZfsState & { available: true }): Promise<Dataset[]> {
        if (zfs.json) {
            const props = 'name,type,used,available,referenced,usedbysnapshots,usedbychildren,usedbydataset,mountpoint,origin,encryption,keystatus';
            return datasetsFromJson(parseZfsListJson(await runChecked('zfs',
                ['list', '-j', '--json-int', '-t', 'filesystem,volume', '-o', props])));
        }
        const columns = zfs.exact ? DATASET_COLUMNS : BASE_DATASET_COLUMNS;
        return parseZfsList(await runChecked('zfs',
            ['list', '-H', ...(zfs.exact ? ['-p'] : []), '-t', 'filesystem,volume', '-o', columns.join(',')]), columns);
    }

    private async readSnapshotNames(): Promise<Map<string, string[]>> {
        const out = await runChecked('zfs', ['list', '-H', '-t', 'snapshot', '-o', 'name', '-s', 'createtxg']);
        const names = new Map<string, string[]>();
        for (const line of out.split('\n')) {
            const at = line.indexOf('@');
            if (at < 1)
                continue;
            const ds = line.slice(0, at);
            let list = names.get(ds);
            if (list === undefined) {
                list = [];
                names.set(ds, list);
            }
            list.push(line.slice(at + 1));
        }
        return names;
    }

    private apply(all: Dataset[], names: Map<string, string[]>): void {
        // The daemon's own snapshot views are an implementation detail.
        const datasets = all.filter(d => !isViewDataset(d.name));
        this.datasets = datasets;
        this.views.forgetMissing(full => {
            const at = full.indexOf('@');
            return (names.get(full.slice(0, at)) ?? []).includes(full.slice(at + 1));
        });
        const oldNames = this.snapshotNames;
        this.snapshotNames = names;
        const features = this.featureNames();
        const seen = new Set<string>();
        for (const d of datasets) {
            seen.add(d.name);
            const count = names.get(d.name)?.length ?? 0;
            const existing = this.objects.get(d.name);
            if (existing) {
                existing.update(d, count, features);
            } else {
                const handlers = {} as Record<DatasetMethod, DatasetHandler>;
                for (const m of DATASET_METHODS)
                    handlers[m] = (name, args, inv) => this.dispatch(m, name, args, inv);
                const obj = new DatasetObject(d, count, features, handlers, this.policies.properties(d.name));
                this.objects.set(d.name, obj);
                this.manager.export(obj.object);
            }
            if (oldNames.has(d.name) || names.has(d.name)) {
                if (signature(oldNames.get(d.name) ?? []) !== signature(names.get(d.name) ?? []))
                    this.emitSnapshotsChanged(d.name, count);
            }
        }
        for (const [name, obj] of this.objects) {
            if (!seen.has(name)) {
                this.manager.unexport(obj.path);
                this.objects.delete(name);
                this.lists.get(name)?.dispose();
                this.lists.delete(name);
                this.cache.remove(name);
            }
        }
    }

    private emitSnapshotsChanged(dataset: string, total: number): void {
        try {
            this.connection.emit_signal(null, datasetPath(dataset), DATASET_IFACE_NAME, 'SnapshotsChanged',
                new GLib.Variant('(u)', [total]));
        } catch (e) {
            console.warn(`sigmavaultd: could not emit SnapshotsChanged: ${e instanceof Error ? e.message : String(e)}`);
        }
    }

    private dataset(name: string): Dataset {
        const d = this.datasets.find(x => x.name === name);
        if (!d)
            throw notFound(`The dataset ${name} no longer exists.`);
        return d;
    }

    // --- Snapshot lists -----------------------------------------------------

    private snapshots(dataset: string): Promise<Snapshot[]> {
        let list = this.lists.get(dataset);
        if (list === undefined) {
            list = new SnapshotList({
                all: () => this.readSnapshots(dataset, null),
                some: names => this.readSnapshots(dataset, names),
            }, () => {
                if (this.objects.has(dataset))
                    this.emitSnapshotsChanged(dataset, this.snapshotNames.get(dataset)?.length ?? 0);
            }, this.cache.of(dataset));
            this.lists.set(dataset, list);
        }
        return list.get(this.snapshotNames.get(dataset) ?? []);
    }

    /** Snapshots of `dataset` with their properties: all of them, or those named (after '@'), in no set order (SnapshotList orders them). */
    private async readSnapshots(dataset: string, names: readonly string[] | null): Promise<Snapshot[]> {
        if (names === null)
            return this.readSnapshotBatch(dataset, null);
        const found: Snapshot[] = [];
        // Bounded command lines; names are checked dataset@snapshot names that zfs itself listed.
        for (let i = 0; i < names.length; i += NAMES_PER_READ)
            found.push(...await this.readSnapshotBatch(dataset, names.slice(i, i + NAMES_PER_READ).map(n => `${dataset}@${n}`)));
        return found;
    }

    private async readSnapshotBatch(dataset: string, fulls: readonly string[] | null): Promise<Snapshot[]> {
        if (this.zfs.available && this.zfs.exact) {
            const r = await run('zfs', ['list', '-H', '-p', '-t', 'snapshot', '-o', SNAPSHOT_COLUMNS.join(','), '-s', 'createtxg',
                ...(fulls === null ? ['-r', '-d', '1', '--', dataset] : ['--', ...fulls])]);
            // A named snapshot destroyed a moment ago fails the read; the full re-read settles it.
            if (r.status !== 0 && !(fulls !== null && /does not exist/.test(r.stderr)))
                throw toolError(`Could not list the snapshots of ${dataset}`, r);
            return parseZfsSnapshotList(r.stdout).filter(s => s.dataset === dataset);
        }
        // zfs-fuse: exact numbers only through zfs get -p (see parseSnapshotProperties);
        // its zfs get takes no `--`.
        const r = await run('zfs', ['get', '-H', '-p', '-o', 'name,property,value',
            ...(fulls === null ? ['-r', '-d', '1', SNAPSHOT_PROPERTIES.join(','), dataset] : [SNAPSHOT_PROPERTIES.join(','), ...fulls])]);
        if (r.status !== 0 && !(fulls !== null && /does not exist/.test(r.stderr)))
            throw toolError(`Could not list the snapshots of ${dataset}`, r);
        return parseSnapshotProperties(r.stdout, dataset);
    }

    /**
     * After SigmaVault changed `dataset` (null: something pool-wide): the
     * objects are re-read, the snapshot list takes in the names that changed
     * and re-reads `snapshots` (short names) now and the rest in the background.
     */
    async changed(dataset: string | null, snapshots: readonly string[] = []): Promise<void> {
        if (dataset !== null)
            this.lists.get(dataset)?.forget(snapshots);
        // Datasets are re-read here, so the reply already reflects the
        // change; the pools (capacity) follow through the daemon.
        await this.sync(this.zfs);
        void this.refreshAll();
        // Holds change no name, so say it here too.
        if (dataset !== null && this.objects.has(dataset))
            this.emitSnapshotsChanged(dataset, this.snapshotNames.get(dataset)?.length ?? 0);
    }

    // --- Method plumbing ------------------------------------------------------

    private async dispatch(method: DatasetMethod, name: string, args: unknown[],
        inv: Gio.DBusMethodInvocation): Promise<GLib.Variant | null> {
        if (!this.zfs.available)
            throw toolUnavailable(this.zfs.reason || 'ZFS is not available.');
        switch (method) {
        case 'GetProperties': return this.getProperties(name, args);
        case 'SetProperties': return this.setProperties(name, args, inv);
        case 'CreateChild': return this.createChild(name, args, inv);
        case 'Rename': return this.rename(name, args, inv);
        case 'PreviewDestroy': return this.previewDestroy(name, args);
        case 'Destroy': return this.destroy(name, args, inv);
        case 'LoadKey': return this.loadKey(name, args, inv, true);
        case 'UnloadKey': return this.loadKey(name, args, inv, false);
        case 'ListSnapshots': return this.listSnapshots(name, args);
        case 'CreateSnapshot': return this.createSnapshot(name, args, inv);
        case 'RollbackPreview': return this.rollbackPreview(name, args);
        case 'Rollback': return this.rollback(name, args, inv);
        case 'CloneSnapshot': return this.cloneSnapshot(name, args, inv);
        case 'DestroySnapshots': return this.destroySnapshots(name, args, inv);
        case 'Hold': return this.hold(name, args, inv, true);
        case 'Release': return this.hold(name, args, inv, false);
        case 'SetSnapshotPolicy':
            this.dataset(name);
            return this.policies.set(name, args, inv);
        case 'PreviewPrune':
            this.dataset(name);
            return this.policies.preview(name, args);
        case 'SnapshotDirectories': return this.snapshotDirectories(name, args, inv);
        }
    }

    /**
     * Authorizes the caller, runs `zfs args…`, audits the result and turns
     * a failure into a named error.
     */
    private async write(inv: Gio.DBusMethodInvocation, options: Options, action: PolkitAction, auditAction: string,
        object: string, args: readonly string[], what: string, input: string | null = null): Promise<void> {
        const caller = await callerOf(this.connection, inv.get_sender() ?? '');
        await authorize(this.connection, caller, action, object, !options['auth.no_user_interaction']);
        let r = input === null ? await run('zfs', args) : await runWithInput('zfs', args, input);
        // zfs-fuse unmounts lazily: a destroy or rename right after a mount
        // change says "dataset is busy" for a moment. Try again briefly.
        for (let attempt = 1; r.status !== 0 && /dataset is busy/.test(r.stderr) && attempt <= BUSY_RETRIES; attempt++) {
            await sleep(BUSY_RETRY_MS);
            r = input === null ? await run('zfs', args) : await runWithInput('zfs', args, input);
        }
        audit({ action: auditAction, sender: caller.sender, uid: caller.uid, object,
            result: r.status === 0 ? 'succeeded' : 'failed', detail: r.stderr.trim() });
        if (r.status !== 0)
            throw toolError(what, r);
    }

    // --- Datasets -------------------------------------------------------------------

    private async getProperties(name: string, args: unknown[]): Promise<GLib.Variant> {
        parseOptions(args[0]);
        const r = await run('zfs', ['get', '-H', '-p', '-o', 'name,property,value,source', 'all', name]);
        if (r.status !== 0)
            throw toolError(`Could not read the properties of ${name}`, r);
        const rows = parseZfsGet(r.stdout).filter(p => p.name === name)
            .map(p => [p.property, p.value, p.source, p.inheritedFrom] as [string, string, string, string]);
        return new GLib.Variant('(a(ssss))', [rows]);
    }

    private async setProperties(name: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<null> {
        const props = stringMap(args[0]);
        const options = parseOptions(args[1]);
        if (Object.keys(props).length === 0)
            throw invalidArgument('No properties given.');
        const toInherit = Object.keys(props).filter(k => props[k] === 'inherit');
        const toSet = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== 'inherit'));
        const pairs = checked(() => checkProperties(toSet, this.features, false));
        // inherit takes the same property names as set.
        checked(() => checkProperties(Object.fromEntries(toInherit.map(k => [k, 'off'])), { ...OPENZFS_FEATURES }, false));
        this.dataset(name);
        const caller = await callerOf(this.connection, inv.get_sender() ?? '');
        await authorize(this.connection, caller, 'com.sigmavault.dataset.manage', name, !options['auth.no_user_interaction']);
        try {
            for (const [k, v] of pairs) {
                // zfs-fuse's zfs set refuses `--`; checkProperties guarantees k=v starts with a letter.
                const r = await run('zfs', ['set', `${k}=${v}`, name]);
                audit({ action: 'dataset.set', sender: caller.sender, uid: caller.uid, object: name,
                    result: r.status === 0 ? 'succeeded' : 'failed', detail: `${k}=${v} ${r.stderr.trim()}`.trim() });
                if (r.status !== 0)
                    throw toolError(`Could not set ${k} of ${name}`, r);
            }
            for (const k of toInherit) {
                const r = await run('zfs', ['inherit', '--', k, name]);
                audit({ action: 'dataset.inherit', sender: caller.sender, uid: caller.uid, object: name,
                    result: r.status === 0 ? 'succeeded' : 'failed', detail: `${k} ${r.stderr.trim()}`.trim() });
                if (r.status !== 0)
                    throw toolError(`Could not make ${k} of ${name} inherited`, r);
            }
        } finally {
            await this.changed(null);
        }
        return null;
    }

    private async createChild(parent: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const [rel, rawProps] = args as [string, unknown];
        const options = parseOptions(args[2]);
        const props = { ...stringMap(rawProps) };
        checked(() => checkRelativeName(rel));
        const full = checked(() => checkDatasetName(`${parent}/${rel}`));
        const encrypted = props.encryption !== undefined && props.encryption !== 'off';
        if (encrypted)
            props.keyformat ??= 'passphrase';
        const pairs = checked(() => checkProperties(props, this.features, true));
        if (props.keyformat !== undefined && !encrypted)
            throw invalidArgument('keyformat is only for encrypted datasets; set encryption too.');
        const passphrase = options.passphrase ?? null;
        if (encrypted && (passphrase === null || passphrase.length < 8 || passphrase.length > 512))
            throw invalidArgument('An encrypted dataset needs a passphrase of 8 to 512 characters in the option “passphrase”.');
        if (!encrypted && passphrase !== null)
            throw invalidArgument('A passphrase is only for encrypted datasets.');
        this.dataset(parent);
        if (this.datasets.some(d => d.name === full))
            throw invalidArgument(`${full} already exists.`);
        const o = pairs.flatMap(([k, v]) => ['-o', `${k}=${v}`]);
        if (encrypted)
            o.push('-o', 'keylocation=prompt');
        await this.write(inv, options, 'com.sigmavault.dataset.manage', 'dataset.create', full,
            ['create', ...(rel.includes('/') ? ['-p'] : []), ...o, '--', full], `Could not create ${full}`,
            encrypted ? `${passphrase ?? ''}\n${passphrase ?? ''}\n` : null);
        await this.changed(null);
        return new GLib.Variant('(o)', [datasetPath(full)]);
    }

    private async rename(name: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<null> {
        const target = args[0] as string;
        const options = parseOptions(args[1]);
        checked(() => checkDatasetName(target));
        const d = this.dataset(name);
        if (!target.includes('/') || name === d.pool)
            throw invalidArgument('A pool’s root dataset cannot be renamed, and a dataset cannot become a pool.');
        if (target.split('/')[0] !== d.pool)
            throw invalidArgument(`${target} is not in pool ${d.pool}; datasets can only be renamed within their pool.`);
        if (target === name)
            throw invalidArgument(`${name} already has that name.`);
        await this.write(inv, options, 'com.sigmavault.dataset.manage', 'dataset.rename', name,
            ['rename', '--', name, target], `Could not rename ${name} to ${target}`);
        this.policies.renamed(name, target);
        await this.changed(null);
        return null;
    }

    /** Children, snapshots and clones (with their own children) that destroying `name` takes along. */
    private destroyPlan(name: string): { children: string[]; snapshots: string[]; clones: string[] } {
        const under = (root: string, n: string): boolean => n === root || n.startsWith(`${root}/`);
        const doomed = new Set(this.datasets.filter(d => under(name, d.name)).map(d => d.name));
        const clones: string[] = [];
        for (let grew = true; grew;) {
            grew = false;
            const snaps = new Set([...doomed].flatMap(ds => (this.snapshotNames.get(ds) ?? []).map(s => `${ds}@${s}`)));
            for (const d of this.datasets) {
                if (d.origin !== '' && snaps.has(d.origin) && !doomed.has(d.name)) {
                    for (const c of this.datasets.filter(x => under(d.name, x.name))) {
                        if (!doomed.has(c.name)) {
                            doomed.add(c.name);
                            clones.push(c.name);
                        }
                    }
                    grew = true;
                }
            }
        }
        const children = [...doomed].filter(n => n !== name && under(name, n)).sort();
        const snapshots = [...doomed].sort().flatMap(ds => (this.snapshotNames.get(ds) ?? []).map(s => `${ds}@${s}`));
        return { children, snapshots, clones: clones.sort() };
    }

    private previewDestroy(name: string, args: unknown[]): Promise<GLib.Variant> {
        parseOptions(args[0]);
        this.dataset(name);
        const p = this.destroyPlan(name);
        return Promise.resolve(new GLib.Variant('(asasas)', [p.children, p.snapshots, p.clones]));
    }

    private async destroy(name: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<null> {
        const options = parseOptions(args[0]);
        const d = this.dataset(name);
        if (options['confirm-name'] !== name) {
            throw invalidArgument(options['confirm-name'] === undefined
                ? `Destroying needs the option “confirm-name” with the dataset’s exact name, ${name}.`
                : `The name to confirm (“${options['confirm-name']}”) is not the dataset’s exact name, ${name}.`);
        }
        if (name === d.pool)
            throw invalidArgument('A pool’s root dataset cannot be destroyed; destroy the pool instead.');
        const plan = this.destroyPlan(name);
        const flag = plan.clones.length > 0 ? ['-R'] : plan.children.length + plan.snapshots.length > 0 ? ['-r'] : [];
        await this.views.release(name);
        await this.write(inv, options, 'com.sigmavault.dataset.destroy', 'dataset.destroy', name,
            // -f unmounts even when busy: the person confirmed the exact name.
            ['destroy', '-f', ...flag, '--', name], `Could not destroy ${name}`);
        this.policies.forget(name);
        for (const clone of plan.clones)
            this.policies.forget(clone);
        await this.changed(name);
        return null;
    }

    private async loadKey(name: string, args: unknown[], inv: Gio.DBusMethodInvocation, load: boolean): Promise<null> {
        const options = parseOptions(args[0]);
        if (!this.features.encryption)
            throw toolUnavailable('This ZFS has no native encryption (zfs-fuse predates it), so there is no key to load or unload.');
        const d = this.dataset(name);
        if (d.encryption === '' || d.encryption === 'off')
            throw invalidArgument(`${name} is not encrypted.`);
        if (load && (options.passphrase === undefined || options.passphrase === ''))
            throw invalidArgument('Loading a key needs the option “passphrase”.');
        await this.write(inv, options, 'com.sigmavault.dataset.manage', load ? 'dataset.load-key' : 'dataset.unload-key', name,
            load ? ['load-key', '--', name] : ['unload-key', '--', name],
            load ? `Could not load the key of ${name}` : `Could not unload the key of ${name}`,
            load ? `${options.passphrase ?? ''}\n` : null);
        await this.changed(null);
        return null;
    }

    // --- Snapshots ----------------------------------------------------------------------

    private async listSnapshots(name: string, args: unknown[]): Promise<GLib.Variant> {
        const [offset, limit] = args as [number, number];
        parseOptions(args[2]);
        if (limit > MAX_PAGE)
            throw invalidArgument(`A page holds at most ${MAX_PAGE} snapshots.`);
        this.dataset(name);
        const all = await this.snapshots(name);
        // Each row's GVariant is made once per snapshot read: packing a
        // page in JS costs more than the D-Bus round trip.
        const kids: GLib.Variant[] = [];
        for (const s of all.slice(offset, offset + limit)) {
            let row = this.rowVariants.get(s);
            if (row === undefined) {
                row = new GLib.Variant('(sttttu)', [s.snapshot, s.createtxg, s.creation, s.used, s.referenced, s.userrefs]);
                this.rowVariants.set(s, row);
            }
            kids.push(row);
        }
        return tupleOf([arrayOf(ROW_TYPE, kids), GLib.Variant.new_uint32(all.length)]);
    }

    private knownSnapshot(dataset: string, short: string): string {
        const full = checked(() => checkFullSnapshotName(dataset, short));
        if (!(this.snapshotNames.get(dataset) ?? []).includes(short))
            throw notFound(`${full} does not exist.`);
        return full;
    }

    private async createSnapshot(name: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const [template, recursive] = args as [string, boolean];
        const options = parseOptions(args[2]);
        const short = checked(() => checkSnapshotName(expandTemplate(template, new Date())));
        const full = checked(() => checkFullSnapshotName(name, short));
        this.dataset(name);
        if ((this.snapshotNames.get(name) ?? []).includes(short))
            throw invalidArgument(`${full} already exists.`);
        await this.write(inv, options, 'com.sigmavault.dataset.manage', 'snapshot.create', full,
            ['snapshot', ...(recursive ? ['-r'] : []), '--', full], `Could not snapshot ${name}`);
        await this.changed(name);
        return new GLib.Variant('(s)', [full]);
    }

    private newerThan(dataset: string, short: string): string[] {
        const names = this.snapshotNames.get(dataset) ?? [];
        const i = names.indexOf(short);
        return i < 0 ? [] : names.slice(i + 1).map(s => `${dataset}@${s}`);
    }

    private rollbackPreview(name: string, args: unknown[]): Promise<GLib.Variant> {
        this.dataset(name);
        this.knownSnapshot(name, args[0] as string);
        return Promise.resolve(new GLib.Variant('(as)', [this.newerThan(name, args[0] as string)]));
    }

    private async rollback(name: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<null> {
        const short = args[0] as string;
        const options = parseOptions(args[1]);
        this.dataset(name);
        const full = this.knownSnapshot(name, short);
        const newer = this.newerThan(name, short);
        if (newer.length > 0 && options['destroy-newer'] !== true) {
            throw invalidArgument(`Rolling back to ${full} destroys ${newer.length} newer snapshot(s) (${newer.slice(0, 5).join(', ')}` +
                `${newer.length > 5 ? ', …' : ''}); pass the option “destroy-newer” to confirm.`);
        }
        await this.views.release(name);
        await this.write(inv, options, 'com.sigmavault.dataset.manage', 'snapshot.rollback', full,
            ['rollback', ...(newer.length > 0 ? ['-r'] : []), '--', full], `Could not roll ${name} back to ${short}`);
        await this.changed(name);
        return null;
    }

    private async cloneSnapshot(name: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const [short, target] = args as [string, string];
        const options = parseOptions(args[2]);
        const d = this.dataset(name);
        const full = this.knownSnapshot(name, short);
        checked(() => checkDatasetName(target));
        if (target.split('/')[0] !== d.pool || !target.includes('/'))
            throw invalidArgument(`A clone must be a new dataset in pool ${d.pool}, such as ${d.pool}/clone.`);
        if (this.datasets.some(x => x.name === target))
            throw invalidArgument(`${target} already exists.`);
        await this.write(inv, options, 'com.sigmavault.dataset.manage', 'snapshot.clone', full,
            ['clone', '--', full, target], `Could not clone ${full}`);
        await this.changed(null);
        return new GLib.Variant('(o)', [datasetPath(target)]);
    }

    private async destroySnapshots(name: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<null> {
        const shorts = args[0] as string[];
        const options = parseOptions(args[1]);
        this.dataset(name);
        if (shorts.length === 0)
            throw invalidArgument('No snapshots given.');
        const fulls = [...new Set(shorts)].map(s => this.knownSnapshot(name, s));
        const caller = await callerOf(this.connection, inv.get_sender() ?? '');
        await authorize(this.connection, caller, 'com.sigmavault.dataset.manage', name, !options['auth.no_user_interaction']);
        await this.views.release(name);
        try {
            // One by one: zfs-fuse has no comma lists (ds@a,b), and a
            // held snapshot must not stop the others.
            const errors: string[] = [];
            for (const full of fulls) {
                const r = await run('zfs', ['destroy', '--', full]);
                audit({ action: 'snapshot.destroy', sender: caller.sender, uid: caller.uid, object: full,
                    result: r.status === 0 ? 'succeeded' : 'failed', detail: r.stderr.trim() });
                if (r.status !== 0)
                    errors.push(toolError(`Could not destroy ${full}`, r).message);
            }
            if (errors.length > 0)
                throw failed(errors.join('\n'));
        } finally {
            await this.changed(name);
        }
        return null;
    }

    private async hold(name: string, args: unknown[], inv: Gio.DBusMethodInvocation, hold: boolean): Promise<null> {
        const [short, tag] = args as [string, string];
        const options = parseOptions(args[2]);
        this.dataset(name);
        const full = this.knownSnapshot(name, short);
        checked(() => checkHoldTag(tag));
        await this.write(inv, options, 'com.sigmavault.dataset.manage', hold ? 'snapshot.hold' : 'snapshot.release', full,
            [hold ? 'hold' : 'release', '--', tag, full], hold ? `Could not hold ${full}` : `Could not release ${full}`);
        await this.changed(name, [short]);
        return null;
    }

    // --- Previous versions ------------------------------------------------------------

    /**
     * Where the content of the newest snapshots can be read (see
     * snapshot-views.ts). Open to everyone like ListSnapshots: what is
     * returned are directories, and the files in them are read by the
     * caller's own process under the caller's own permissions.
     */
    private async snapshotDirectories(name: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const options = parseOptions(args[0]);
        // Snapshots taken outside SigmaVault a moment ago must count: zfs-fuse
        // announces none, and the periodic refresh may not have run yet.
        await this.sync(this.zfs);
        const d = this.dataset(name);
        if (d.type !== 'filesystem')
            throw invalidArgument(`${name} is a volume; only filesystems hold files with previous versions.`);
        if (!d.mountpoint.startsWith('/'))
            throw notFound(`${name} is not mounted (mountpoint ${d.mountpoint}), so its files have no previous versions to show.`);
        const all = await this.snapshots(name);
        const chosen = all.slice(-(options.limit ?? DEFAULT_DIRECTORIES)).reverse();
        const caller = await callerOf(this.connection, inv.get_sender() ?? '');
        let directories: string[];
        try {
            directories = this.openzfs // the control directory
                ? chosen.map(s => controlDirectory(d.mountpoint, s.snapshot))
                : await this.views.zfsFuseDirectories(name, chosen.map(s => s.snapshot));
        } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            audit({ action: 'snapshot.browse', sender: caller.sender, uid: caller.uid, object: name, result: 'failed', detail: message });
            throw failed(message);
        }
        audit({ action: 'snapshot.browse', sender: caller.sender, uid: caller.uid, object: name, result: 'succeeded',
            detail: `${chosen.length} of ${all.length} snapshot(s)` });
        const rows = chosen.map((s, i) => [s.snapshot, s.creation, directories[i] ?? ''] as [string, number, string]);
        return new GLib.Variant('(sa(sts)u)', [d.mountpoint, rows, all.length]);
    }
}
