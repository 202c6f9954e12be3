// Pools coming and going: layout choices for devices, creating a pool (a
// job), listing and importing exported pools (a job), exporting, and
// destroying (the exact name and an administrator, every time). Every
// write is authorized by polkit and audited; names, layouts, devices and
// search directories are checked before zpool sees them, and `--` goes
// before every operand.
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { ErrorName, poolPath } from '../../shared/dbus-names.js';
import { z } from '../../shared/vendor/zod.js';
import { audit } from '../audit.js';
import { checked, DaemonError, failed, invalidArgument, notFound, toolUnavailable } from '../errors.js';
import type { JobManager, JobOutcome } from '../jobs/job-manager.js';
import { OptionsSchema, parseOptionsWith } from '../options.js';
import { authorize, type Caller, callerOf } from '../polkit.js';
import { run, type ToolResult } from '../tools.js';
import type { ZfsState } from '../zfs/backend.js';
import type { Pool } from '../zfs/model.js';
import { formatSize } from '../../shared/format.js';
import { checkPoolName, checkProperties, OPENZFS_FEATURES, ZFS_FUSE_FEATURES } from '../zfs/zfs-names.js';
import { type ImportablePool, parseZpoolImport } from '../zfs/zpool-import.js';
import { checkDevices, fileRoots, isPlainAbsolute, listFileDevices, under } from './devices.js';
import { dataBytes, type Layout, layoutAdvice, layoutLabel, LAYOUTS, minDevices } from './layout.js';

const BUSY_RETRIES = 8;
const BUSY_RETRY_MS = 250;

const CreateOptionsSchema = OptionsSchema.extend({
    /** 0: let ZFS choose from the devices; else 9 (512 B) … 16 (64 KiB) sectors. */
    ashift: z.number().int().refine(n => n === 0 || (n >= 9 && n <= 16), 'expected 0 (automatic) or 9 to 16').optional(),
    compression: z.string().optional(),
}).strict();
const SearchOptionsSchema = OptionsSchema.extend({
    'search-dirs': z.array(z.string()).max(16).optional(),
}).strict();
const ImportOptionsSchema = SearchOptionsSchema.extend({
    force: z.boolean().optional(),
    'new-name': z.string().optional(),
}).strict();
/** The convention of Dataset1.Destroy: the exact name in "confirm-name". */
const DestroyOptionsSchema = OptionsSchema.extend({
    'confirm-name': z.string().optional(),
}).strict();

export const createLock = (pool: string): string => `pool-create:${pool}`;
export const importLock = (pool: string): string => `pool-import:${pool}`;

function sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}

/** zpool's own words, without its usage text and the "Defaulting to 4K blocksize" chatter. */
function zpoolWords(r: ToolResult): string {
    return r.stderr.split('\n').map(l => l.trim())
        .filter(l => l !== '' && !/^usage:/i.test(l) && !/^Defaulting to /.test(l) && !/^detected: /.test(l) && !/mail: not found/.test(l))
        .join(' ') || `exit status ${r.status}`;
}

function toolError(what: string, r: ToolResult): DaemonError {
    const detail = zpoolWords(r);
    if (/no such pool|does not exist/i.test(detail))
        return notFound(`${what}: ${detail}`);
    if (/busy/i.test(detail))
        return new DaemonError(ErrorName.Busy, `${what}: ${detail}`);
    return failed(`${what}: ${detail}`);
}

/** Runs zpool, trying again while zfs-fuse says the pool is busy (it is, for a moment, while it is being read). */
async function zpoolRetrying(args: readonly string[]): Promise<ToolResult> {
    let r = await run('zpool', args);
    for (let i = 1; r.status !== 0 && /pool is busy/.test(r.stderr) && i <= BUSY_RETRIES; i++) {
        await sleep(BUSY_RETRY_MS);
        r = await run('zpool', args);
    }
    return r;
}

export class PoolLifecycle {
    constructor(private readonly connection: Gio.DBusConnection, private readonly jobs: JobManager,
        private readonly zfs: () => ZfsState, private readonly pools: () => readonly Pool[],
        private readonly refresh: () => Promise<void>) {}

    private get openzfs(): boolean {
        const zfs = this.zfs();
        return zfs.available && zfs.implementation.startsWith('OpenZFS');
    }

    private requireZfs(): ZfsState & { available: true } {
        const zfs = this.zfs();
        if (!zfs.available)
            throw toolUnavailable(zfs.reason || 'ZFS is not available.');
        return zfs;
    }

    private async authorized(inv: Gio.DBusMethodInvocation, options: { 'auth.no_user_interaction'?: boolean | undefined },
        action: 'com.sigmavault.pool.manage' | 'com.sigmavault.pool.destroy', object: string): Promise<Caller> {
        const caller = await callerOf(this.connection, inv.get_sender() ?? '');
        await authorize(this.connection, caller, action, object, !options['auth.no_user_interaction']);
        return caller;
    }

    /**
     * Re-reads ZFS until `done` holds (a few tries): a refresh already
     * running when zpool finished may have read the pools before the change.
     */
    private async refreshUntil(done: () => boolean): Promise<void> {
        for (let i = 0; i < 5; i++) {
            await this.refresh();
            if (done())
                return;
            await sleep(100);
        }
    }

    /**
     * Runs `zpool argv` as a job that ends once the pool's object exists;
     * a second request for the same pool while one runs is Busy.
     */
    private zpoolJob(j: { operation: string; lock: string; pool: string; caller: Caller; argv: string[]; audit: string;
        detail: string; failure: string; success: string; busy: string }): GLib.Variant {
        const { job, existing } = this.jobs.start({
            operation: j.operation, objects: [poolPath(j.pool)], lock: j.lock,
            startedByUid: j.caller.uid ?? 0, cancelAction: 'com.sigmavault.pool.manage', cancelable: false,
        }, async (control): Promise<JobOutcome> => {
            control.log(`zpool ${j.argv.join(' ')}`);
            const r = await run('zpool', j.argv);
            audit({ action: j.audit, sender: j.caller.sender, uid: j.caller.uid, object: j.pool,
                result: r.status === 0 ? 'succeeded' : 'failed', detail: `${j.detail} ${r.status === 0 ? '' : zpoolWords(r)}`.trim() });
            if (r.status !== 0)
                return { state: 'failed', message: `${j.failure}: ${zpoolWords(r)}` };
            // The pool's object exists when the job says it is done.
            await this.refreshUntil(() => this.pools().some(p => p.name === j.pool));
            return { state: 'succeeded', message: j.success };
        });
        if (existing)
            throw new DaemonError(ErrorName.Busy, `${j.busy} (job ${job.id}).`);
        return new GLib.Variant('(o)', [job.path]);
    }

    /** The compression a new pool gets by default: zstd where the ZFS has it; zfs-fuse (pool version 23) has lzjb. */
    defaultCompression(): string {
        return this.openzfs ? 'zstd' : 'lzjb';
    }

    // --- Manager1 ------------------------------------------------------------

    /** GetLayoutChoices(as devices, a{sv}) → (a(sbtuss) choices, a(st) devices, s recommended, s explanation). */
    async layoutChoices(args: unknown[]): Promise<GLib.Variant> {
        const [paths, rawOptions] = args as [string[], unknown];
        parseOptionsWith(OptionsSchema, rawOptions);
        const devices = await checkDevices(paths, this.pools());
        const advice = layoutAdvice(devices.map(d => d.size));
        return new GLib.Variant('(a(sbtuss)a(st)ss)', [
            advice.choices.map(c => [c.layout, c.possible, c.usable, c.faultTolerance, c.summary, c.reason] as [string, boolean, number, number, string, string]),
            devices.map(d => [d.path, d.size] as [string, number]),
            advice.recommended ?? '',
            advice.explanation,
        ]);
    }

    /** ListFileDevices(a{sv}) → (a(st)): files under the configured roots that could hold a pool (tests, demos). */
    async fileDevices(args: unknown[]): Promise<GLib.Variant> {
        parseOptionsWith(OptionsSchema, args[0]);
        const files = await listFileDevices(this.pools());
        return new GLib.Variant('(a(st))', [files.map(f => [f.path, f.size] as [string, number])]);
    }

    /** CreatePool(s name, s layout, as devices, a{sv}) → (o job). */
    async create(args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const [name, rawLayout, paths, rawOptions] = args as [string, string, string[], unknown];
        const options = parseOptionsWith(CreateOptionsSchema, rawOptions);
        this.requireZfs();
        checked(() => checkPoolName(name));
        if (!(LAYOUTS as readonly string[]).includes(rawLayout))
            throw invalidArgument(`Unknown layout “${rawLayout}”. Use one of ${LAYOUTS.join(', ')}.`);
        const layout = rawLayout as Layout;
        if (this.pools().some(p => p.name === name))
            throw invalidArgument(`A pool named ${name} already exists.`);
        const devices = await checkDevices(paths, this.pools());
        if (devices.length < minDevices(layout))
            throw invalidArgument(`${layoutLabel(layout)} needs at least ${minDevices(layout)} devices; ${devices.length} given.`);
        const choice = layoutAdvice(devices.map(d => d.size)).choices.find(c => c.layout === layout);
        if (choice && !choice.possible)
            throw invalidArgument(`${layoutLabel(layout)} is not possible with these devices: ${choice.reason}`);
        const compression = options.compression ?? this.defaultCompression();
        const comp = checked(() =>
            checkProperties({ compression }, this.openzfs ? OPENZFS_FEATURES : ZFS_FUSE_FEATURES, true))[0]?.[1] ?? compression;
        const caller = await this.authorized(inv, options, 'com.sigmavault.pool.manage', name);
        const argv = ['create',
            ...(options.ashift ? ['-o', `ashift=${options.ashift}`] : []),
            '-O', `compression=${comp}`,
            '--', name, ...(layout === 'single' ? [] : [layout]), ...devices.map(d => d.path)];
        const usable = formatSize(dataBytes(layout, devices.map(d => d.size)) * 31 / 32);
        return this.zpoolJob({
            operation: 'pool-create', lock: createLock(name), pool: name, caller, argv, audit: 'pool.create',
            detail: `${layout} ${devices.map(d => d.path).join(' ')}`, failure: `Could not create pool ${name}`,
            success: `Created pool ${name}: ${layoutLabel(layout)} of ${devices.length} ${devices.length === 1 ? 'device' : 'devices'}, ` +
                `about ${usable} usable, compression ${comp}.`,
            busy: `Pool ${name} is being created already`,
        });
    }

    /** Search directories for file vdevs: under /dev, or a configured file root. */
    private searchArgs(dirs: readonly string[] | undefined): string[] {
        const roots = fileRoots();
        return (dirs ?? []).flatMap(d => {
            const dir = d.replace(/\/+$/, '');
            if (!isPlainAbsolute(dir))
                throw invalidArgument(`The search directory “${d}” is not a plain absolute path.`);
            if (!(dir === '/dev' || under('/dev', dir) || roots.some(r => r === dir || under(r, dir)))) {
                throw invalidArgument(`${d} is not a place SigmaVault looks for pool devices: use /dev/… or a directory under ` +
                    `${roots.length > 0 ? roots.join(', ') : 'one listed in /etc/sigmavault/file-vdev-roots.conf'}.`);
            }
            if (!GLib.file_test(dir, GLib.FileTest.IS_DIR))
                throw notFound(`${d} is not a directory.`);
            return ['-d', dir];
        });
    }

    private async importable(dirs: readonly string[] | undefined): Promise<ImportablePool[]> {
        this.requireZfs();
        const r = await run('zpool', ['import', ...this.searchArgs(dirs)]);
        // Exit 1 with nothing (zfs-fuse) or "no pools available" on stderr: none found.
        if (r.status !== 0 && r.stdout.trim() === '' && (r.stderr.trim() === '' || /no pools available/.test(r.stderr)))
            return [];
        if (r.status !== 0 && r.stdout.trim() === '')
            throw toolError('Could not look for pools to import', r);
        try {
            return parseZpoolImport(r.stdout);
        } catch (e) {
            throw failed(e instanceof Error ? e.message : String(e));
        }
    }

    /** ListImportablePools(a{sv}) → (a(sssssbba(usss))). */
    async listImportable(args: unknown[]): Promise<GLib.Variant> {
        const options = parseOptionsWith(SearchOptionsSchema, args[0]);
        const pools = await this.importable(options['search-dirs']);
        type Row = [string, string, string, string, string, boolean, boolean, [number, string, string, string][]];
        return new GLib.Variant('(a(sssssbba(usss)))', [pools.map((p): Row => [p.name, p.guid, p.state, p.status, p.action,
            p.importable, p.needsForce, p.devices.map(d => [d.depth, d.name, d.state, d.note] as [number, string, string, string])])]);
    }

    /** ImportPool(s name_or_guid, a{sv}) → (o job). */
    async import(args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const [which, rawOptions] = args as [string, unknown];
        const options = parseOptionsWith(ImportOptionsSchema, rawOptions);
        const byGuid = /^[0-9]{1,20}$/.test(which);
        if (!byGuid)
            checked(() => checkPoolName(which));
        const newName = options['new-name'];
        if (newName !== undefined)
            checked(() => checkPoolName(newName));
        const dirArgs = this.searchArgs(options['search-dirs']);
        const found = (await this.importable(options['search-dirs'])).filter(p => (byGuid ? p.guid === which : p.name === which));
        if (found.length === 0)
            throw notFound(`No pool ${which} is waiting to be imported${dirArgs.length > 0 ? ' in those directories' : ''}.`);
        if (found.length > 1)
            throw invalidArgument(`Several pools are named ${which}; import one by its id (${found.map(p => p.guid).join(', ')}).`);
        const [pool] = found as [ImportablePool];
        if (!pool.importable)
            throw failed(`Pool ${pool.name} cannot be imported: ${pool.status} ${pool.action}`.trim());
        if (pool.needsForce && options.force !== true) {
            throw invalidArgument(`Pool ${pool.name} was last used by another system and not exported. If that system no ` +
                'longer uses it, import it with the option “force”; two systems using one pool destroy it.');
        }
        const target = newName ?? pool.name;
        if (this.pools().some(p => p.name === target))
            throw invalidArgument(`A pool named ${target} is already imported; import this one under a new name (option “new-name”).`);
        const caller = await this.authorized(inv, options, 'com.sigmavault.pool.manage', target);
        // By guid always: it names this pool even when another has its name.
        const argv = ['import', ...dirArgs, ...(options.force === true ? ['-f'] : []), '--', pool.guid, ...(newName ? [newName] : [])];
        return this.zpoolJob({
            operation: 'pool-import', lock: importLock(target), pool: target, caller, argv, audit: 'pool.import',
            detail: `guid ${pool.guid}`, failure: `Could not import pool ${pool.name}`,
            success: `Imported pool ${pool.name}${newName ? ` as ${newName}` : ''}.`,
            busy: `Pool ${target} is being imported already`,
        });
    }

    // --- Pool1 ---------------------------------------------------------------------------

    private busyWithJob(pool: string): void {
        const running = this.jobs.all.find(j => !j.finished && j.snapshot.objects.includes(poolPath(pool)) &&
            j.snapshot.operation !== 'pool-scrub' && j.snapshot.operation !== 'pool-resilver');
        if (running)
            throw new DaemonError(ErrorName.Busy, `Job ${running.id} (${running.snapshot.operation}) is working on pool ${pool}; wait for it to end.`);
    }

    /** Pool1.Export(a{sv}). */
    async export(pool: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<null> {
        const options = parseOptionsWith(OptionsSchema, args[0]);
        this.requireZfs();
        this.busyWithJob(pool);
        const caller = await this.authorized(inv, options, 'com.sigmavault.pool.manage', pool);
        const r = await zpoolRetrying(['export', '--', pool]);
        audit({ action: 'pool.export', sender: caller.sender, uid: caller.uid, object: pool,
            result: r.status === 0 ? 'succeeded' : 'failed', detail: r.status === 0 ? '' : zpoolWords(r) });
        if (r.status !== 0)
            throw toolError(`Could not export pool ${pool}`, r);
        await this.refreshUntil(() => !this.pools().some(p => p.name === pool));
        return null;
    }

    /** Pool1.Destroy(a{sv}): the exact name in "confirm-name", and com.sigmavault.pool.destroy every time. */
    async destroy(pool: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<null> {
        const options = parseOptionsWith(DestroyOptionsSchema, args[0]);
        this.requireZfs();
        if (options['confirm-name'] !== pool) {
            throw invalidArgument(options['confirm-name'] === undefined
                ? `Destroying needs the option “confirm-name” with the pool’s exact name, ${pool}.`
                : `The name to confirm (“${options['confirm-name']}”) is not the pool’s exact name, ${pool}.`);
        }
        this.busyWithJob(pool);
        const caller = await this.authorized(inv, options, 'com.sigmavault.pool.destroy', pool);
        // -f unmounts busy datasets: the person confirmed the exact name as an administrator.
        const r = await zpoolRetrying(['destroy', '-f', '--', pool]);
        audit({ action: 'pool.destroy', sender: caller.sender, uid: caller.uid, object: pool,
            result: r.status === 0 ? 'succeeded' : 'failed', detail: r.status === 0 ? '' : zpoolWords(r) });
        if (r.status !== 0)
            throw toolError(`Could not destroy pool ${pool}`, r);
        await this.refreshUntil(() => !this.pools().some(p => p.name === pool));
        return null;
    }
}
