// sigmavaultd's state: the ObjectManager, the Manager object and one object
// per pool, kept in step with ZFS. Changes are noticed without busy polling:
// the pool cache files ZFS rewrites on every configuration change (a device
// offlined, a pool created, imported or destroyed), `zpool events -f` where
// the ZFS has it, and the kernel's mount table. A slow refresh covers what
// none of these announce (error counters, capacity), and only while pools exist.
import Gio from 'gi://Gio';
import GioUnix from 'gi://GioUnix';
import GLib from 'gi://GLib';
import { ROOT_PATH } from '../shared/dbus-names.js';
import { AlertManager } from './alerts/alert-manager.js';
import { DISK_ALERT_CLASSES, diskAlerts, poolAlerts, POOL_ALERT_CLASSES } from './alerts/rules.js';
import { audit } from './audit.js';
import { Compression } from './compression/compression.js';
import { DiskRegistry } from './disks/disk-registry.js';
import { Datasets } from './datasets/datasets.js';
import { invalidArgument, notFound, toolUnavailable } from './errors.js';
import { JobManager } from './jobs/job-manager.js';
import { Scrubs } from './jobs/scrub.js';
import { SnapshotPolicies } from './snapshots/snapshot-policies.js';
import { SelfTestJobs } from './jobs/self-test.js';
import { ManagerObject } from './objects/manager-object.js';
import { PoolObject } from './objects/pool-object.js';
import { PoolLifecycle } from './pools/pool-lifecycle.js';
import { PoolDevices } from './pools/pool-devices.js';
import { parseOptions } from './options.js';
import { authorize, callerOf } from './polkit.js';
import { ScrubScheduler } from './schedule/scrub-scheduler.js';
import { inspectTools } from './tool-versions.js';
import { findTool, run, ToolFailedError } from './tools.js';
import { probeZfs, readPools, type ZfsState } from './zfs/backend.js';
import type { Pool } from './zfs/model.js';
import { locate, type Mount, parseMounts } from './zfs/mounts.js';
import { isViewDataset } from './datasets/snapshot-views.js';
import { ObjectServer } from './objects/object-server.js';

const CACHE_FILES = ['/etc/zfs/zpool.cache', '/var/lib/zfs/zpool.cache'];
const DEBOUNCE_MS = 250;
const RETRY_UNAVAILABLE_S = 5;
const SAFETY_REFRESH_S = 15;

export class Daemon {
    private readonly manager = new ObjectServer(ROOT_PATH);
    private readonly managerObject: ManagerObject;
    private readonly pools = new Map<string, PoolObject>();
    private readonly jobs: JobManager;
    private readonly scrubs: Scrubs;
    private readonly devices: PoolDevices;
    private readonly disks: DiskRegistry;
    private readonly datasets: Datasets;
    private readonly snapshotPolicies: SnapshotPolicies;
    private readonly alerts: AlertManager;
    private readonly lifecycle: PoolLifecycle;
    private readonly compression: Compression;
    private current: Pool[] = [];
    private readonly schedules: ScrubScheduler;
    private mounts: Mount[] = [];
    /** The pools as last read (capacity for the snapshot policies). */
    private poolList: Pool[] = [];
    private zfs: ZfsState = { available: false, reason: '' };
    private readonly monitors: Gio.FileMonitor[] = [];
    private mountMonitor: GioUnix.MountMonitor | null = null;
    private events: Gio.Subprocess | null = null;
    private debounceId = 0;
    private timerId = 0;
    private refreshing: Promise<void> | null = null;
    private refreshAgain = false;

    constructor(private readonly connection: Gio.DBusConnection) {
        this.jobs = new JobManager(this.manager, connection);
        this.lifecycle = new PoolLifecycle(connection, this.jobs, () => this.zfs, () => this.current, () => this.refresh());
        this.managerObject = new ManagerObject({
            LocatePath: args => Promise.resolve(this.locatePath(args)),
            GetLayoutChoices: args => this.lifecycle.layoutChoices(args),
            ListFileDevices: args => this.lifecycle.fileDevices(args),
            CreatePool: (args, inv) => this.lifecycle.create(args, inv),
            ListImportablePools: args => this.lifecycle.listImportable(args),
            ImportPool: (args, inv) => this.lifecycle.import(args, inv),
            Compress: (args, inv) => this.compression.handle('compress', args, inv),
            Decompress: (args, inv) => this.compression.handle('decompress', args, inv),
            Verify: (args, inv) => this.compression.handle('verify', args, inv),
        });
        this.manager.export(this.managerObject.object);
        this.jobs.load();
        this.compression = new Compression(this.jobs, connection);
        this.scrubs = new Scrubs(this.jobs, connection, () => this.zfs, () => {
            this.scheduleRefresh();
        });
        this.devices = new PoolDevices(connection, this.jobs, this.scrubs, () => this.zfs, () => {
            this.scheduleRefresh();
        });
        this.disks = new DiskRegistry(this.manager);
        const selfTests = new SelfTestJobs(this.jobs, connection, this.disks);
        this.disks.startSelfTest = (disk, args, invocation) => selfTests.handle(disk, args, invocation);
        this.snapshotPolicies = new SnapshotPolicies(connection, this.jobs, pool => {
            const p = this.poolList.find(x => x.name === pool);
            return p && p.size > 0 ? p.allocated / p.size : null;
        });
        this.snapshotPolicies.load();
        this.datasets = new Datasets(connection, this.manager, () => this.refresh(), this.snapshotPolicies);
        this.alerts = new AlertManager(this.manager, connection);
        this.schedules = new ScrubScheduler({
            connection, jobs: this.jobs, scrubs: this.scrubs, alerts: this.alerts, zfs: () => this.zfs,
            refresh: () => this.refresh(),
            publish: (name, props) => {
                this.pools.get(name)?.setExtra(props);
            },
        });
        this.disks.onChanged = disks => {
            this.alerts.sync(diskAlerts(disks), DISK_ALERT_CLASSES);
        };
        this.manager.setConnection(connection);
    }

    async start(): Promise<void> {
        // Before anything else: what killed compression jobs left behind.
        await this.compression.recover();
        this.watch();
        this.managerObject.setTools(await inspectTools());
        // Snapshot views a previous run could not destroy (killed, crashed).
        if (findTool('zfs') !== null && (await probeZfs()).available)
            await this.datasets.views.cleanLeftovers();
        await this.refresh();
        await this.disks.start();
    }

    stop(): void {
        this.disks.stop();
        this.snapshotPolicies.stop();
        this.schedules.stop();
        this.datasets.views.stopSync(findTool('zfs'));
        for (const m of this.monitors)
            m.cancel();
        this.monitors.length = 0;
        this.mountMonitor?.run_dispose();
        this.events?.force_exit();
        for (const id of [this.debounceId, this.timerId]) {
            if (id)
                GLib.source_remove(id);
        }
        this.manager.setConnection(null);
    }

    private watch(): void {
        for (const path of CACHE_FILES) {
            const monitor = Gio.File.new_for_path(path).monitor_file(Gio.FileMonitorFlags.WATCH_MOVES, null);
            monitor.connect('changed', () => {
                this.scheduleRefresh();
            });
            this.monitors.push(monitor);
        }
        this.mountMonitor = GioUnix.MountMonitor.get();
        this.mountMonitor.connect('mounts-changed', () => {
            this.scheduleRefresh();
        });
    }

    /** OpenZFS announces vdev state changes and scrub progress as zevents. */
    private followEvents(): void {
        if (this.events !== null || findTool('zpool') === null)
            return;
        const proc = Gio.Subprocess.new([findTool('zpool') ?? 'zpool', 'events', '-f', '-H'],
            Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_SILENCE);
        const stdout = proc.get_stdout_pipe();
        if (stdout === null)
            return;
        this.events = proc;
        const stream = new Gio.DataInputStream({ base_stream: stdout });
        const readLine = (): void => {
            stream.read_line_async(GLib.PRIORITY_LOW, null, (_s, res) => {
                let line: Uint8Array | null = null;
                try {
                    [line] = stream.read_line_finish(res);
                } catch {
                    line = null;
                }
                if (line === null) {
                    this.events = null;
                    return;
                }
                this.scheduleRefresh();
                readLine();
            });
        };
        readLine();
    }

    scheduleRefresh(): void {
        if (this.debounceId)
            return;
        this.debounceId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, DEBOUNCE_MS, () => {
            this.debounceId = 0;
            void this.refresh();
            return GLib.SOURCE_REMOVE;
        });
    }

    /** Re-reads ZFS; concurrent requests coalesce into one more run. */
    refresh(): Promise<void> {
        if (this.refreshing) {
            this.refreshAgain = true;
            return this.refreshing;
        }
        this.refreshing = this.doRefresh().finally(() => {
            this.refreshing = null;
            if (this.refreshAgain) {
                this.refreshAgain = false;
                this.scheduleRefresh();
            }
        });
        return this.refreshing;
    }

    private async doRefresh(): Promise<void> {
        let pools: Pool[] = [];
        try {
            this.zfs = await probeZfs();
            if (this.zfs.available)
                pools = await readPools(this.zfs);
        } catch (e) {
            const detail = e instanceof ToolFailedError ? e.result.stderr.trim() : (e instanceof Error ? e.message : String(e));
            this.zfs = { available: false, reason: `ZFS did not answer as expected: ${detail}` };
            console.warn(`sigmavaultd: reading pools failed: ${detail}`);
        }
        this.managerObject.setZfs(this.zfs);
        // Datasets and snapshot counts follow the same triggers as pools.
        await this.datasets.sync(this.zfs);
        this.current = this.zfs.available ? pools : [];
        if (this.zfs.available) {
            this.syncPools(pools);
            this.scrubs.observe(pools);
            this.alerts.sync(poolAlerts(pools), POOL_ALERT_CLASSES);
            // zfs-fuse has no event stream; OpenZFS announces changes as zevents.
            if (this.zfs.implementation.startsWith('OpenZFS'))
                this.followEvents();
        }
        this.disks.setPools(this.zfs.available ? pools : []);
        this.poolList = this.zfs.available ? pools : [];
        // Snapshots due (after a suspend, or a pool imported again) are taken here.
        if (this.zfs.available)
            this.snapshotPolicies.reschedule();
        // While ZFS is away, due scrubs fail visibly on the pools last seen.
        this.schedules.observe(this.zfs.available ? pools : null);
        this.readMounts();
        this.rescheduleTimer();
    }

    private syncPools(pools: readonly Pool[]): void {
        const seen = new Set<string>();
        for (const pool of pools) {
            seen.add(pool.name);
            const existing = this.pools.get(pool.name);
            if (existing) {
                existing.update(pool);
            } else {
                const obj = new PoolObject(pool, {
                    ClearErrors: (name, args, inv) => this.clearErrors(name, args, inv),
                    Scrub: (name, args, inv) => this.scrubs.handle(name, args, inv),
                    Export: (name, args, inv) => this.lifecycle.export(name, args, inv),
                    Destroy: (name, args, inv) => this.lifecycle.destroy(name, args, inv),
                    SetScrubSchedule: (name, args, inv) => this.schedules.handleSet(name, args, inv),
                    Devices: (method, name, args, inv) => this.devices.handle(method, name, args, inv),
                }, this.schedules.propertiesOf(pool.guid));
                this.pools.set(pool.name, obj);
                this.manager.export(obj.object);
            }
        }
        for (const [name, obj] of this.pools) {
            if (!seen.has(name)) {
                this.manager.unexport(obj.path);
                this.pools.delete(name);
            }
        }
    }

    private readMounts(): void {
        try {
            const [, bytes] = GLib.file_get_contents('/proc/self/mounts');
            // Snapshot views (snapshot-views.ts) are not datasets anyone should browse to.
            this.mounts = parseMounts(new TextDecoder().decode(bytes)).filter(m => !isViewDataset(m.dataset));
        } catch (e) {
            console.warn(`sigmavaultd: cannot read the mount table: ${e instanceof Error ? e.message : String(e)}`);
            this.mounts = [];
        }
        this.managerObject.setMounts(this.mounts);
    }

    /**
     * While ZFS is unavailable, look again every few seconds so the service
     * recovers by itself; while pools exist, refresh slowly for what ZFS does
     * not announce. With no pools and ZFS up, nothing runs until an event.
     */
    private rescheduleTimer(): void {
        if (this.timerId)
            GLib.source_remove(this.timerId);
        this.timerId = 0;
        const interval = !this.zfs.available ? RETRY_UNAVAILABLE_S : (this.pools.size > 0 ? SAFETY_REFRESH_S : 0);
        if (interval === 0)
            return;
        this.timerId = GLib.timeout_add_seconds(GLib.PRIORITY_LOW, interval, () => {
            this.timerId = 0;
            void this.refresh();
            return GLib.SOURCE_REMOVE;
        });
    }

    private locatePath(args: unknown[]): GLib.Variant {
        const [rawPath, options] = args as [Uint8Array, unknown];
        parseOptions(options);
        if (!(rawPath instanceof Uint8Array) || rawPath.length === 0 || (rawPath.length === 1 && rawPath[0] === 0))
            throw invalidArgument('The path is empty. Pass an absolute path such as /tank/photos.');
        // A bytestring may end in one NUL (GLib's convention); none may be inside.
        const bytes = rawPath.at(-1) === 0 ? rawPath.subarray(0, -1) : rawPath;
        if (bytes.includes(0))
            throw invalidArgument('The path contains a NUL byte.');
        if (bytes[0] !== 0x2f)
            throw invalidArgument('The path must be absolute (start with “/”).');
        // Paths are bytes; mount points in /proc/mounts are matched byte-wise
        // through the same decoding, so a non-UTF-8 name cannot match wrongly.
        const path = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
        if (!this.zfs.available)
            throw toolUnavailable(this.zfs.reason || 'ZFS is not available.');
        const mount = locate(this.mounts, path);
        const pool = mount ? this.pools.get(mount.pool) : undefined;
        if (!mount || !pool)
            throw notFound(`${path} is not on a ZFS dataset. Only files in your storage pools can be shown in SigmaVault.`);
        return new GLib.Variant('(oss)', [pool.path, mount.pool, mount.dataset]);
    }

    private async clearErrors(name: string, args: unknown[], invocation: Gio.DBusMethodInvocation): Promise<null> {
        const options = parseOptions(args[0]);
        const caller = await callerOf(this.connection, invocation.get_sender() ?? '');
        await authorize(this.connection, caller, 'com.sigmavault.pool.manage', name,
            !options['auth.no_user_interaction']);
        const r = await run('zpool', ['clear', '--', name]);
        audit({ action: 'pool.clear', sender: caller.sender, uid: caller.uid, object: name,
            result: r.status === 0 ? 'succeeded' : 'failed', detail: r.stderr.trim() });
        if (r.status !== 0)
            throw notFound(`Could not clear the errors of pool ${name}: ${r.stderr.trim()}`);
        this.scheduleRefresh();
        return null;
    }
}
