// The app's live view of the daemon: a Gio.DBusObjectManagerClient on the
// system bus, turned into validated PoolInfo values. Emits "changed" when
// anything the UI shows changed; clients never poll.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import { BUS_NAME, MANAGER_IFACE, POOL_IFACE, ROOT_PATH } from '../shared/dbus-names.js';
import { DISK_IFACE, type DiskInfo, DiskInfoSchema } from '../shared/disk-info.js';
import { type ManagerInfo, ManagerInfoSchema, type PoolInfo, PoolInfoSchema } from '../shared/pool-info.js';
import { JOB_IFACE } from '../shared/dbus-names.js';
import { type JobInfo, sortJobs, toJobInfo } from '../shared/job-info.js';

Gio._promisify(Gio.DBusObjectManagerClient.prototype, 'init_async', 'init_finish');

/** A client of the daemon's ObjectManager on the system bus (shared by the app's stores). */
export async function newManagerClient(): Promise<Gio.DBusObjectManagerClient> {
    const client = new Gio.DBusObjectManagerClient({
        bus_type: Gio.BusType.SYSTEM,
        flags: Gio.DBusObjectManagerClientFlags.NONE,
        name: BUS_NAME,
        object_path: ROOT_PATH,
    });
    await client.init_async(GLib.PRIORITY_DEFAULT, null);
    return client;
}

export type StoreState = 'connecting' | 'unreachable' | 'ready';

function readProxy(proxy: Gio.DBusProxy): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of proxy.get_cached_property_names() ?? []) {
        const v = proxy.get_cached_property(name);
        if (v)
            out[name] = v.recursiveUnpack();
    }
    return out;
}

export class PoolStore extends GObject.Object {
    static {
        GObject.registerClass({
            GTypeName: 'SigmaVaultPoolStore',
            // "jobs-changed" alone when only a job changed (progress), so that
            // views of pools are not rebuilt several times a second.
            Signals: { changed: {}, 'jobs-changed': {} },
        }, this);
    }

    declare private _client: Gio.DBusObjectManagerClient | null;
    declare private _state: StoreState;
    declare private _manager: ManagerInfo | null;
    declare private _pools: Map<string, PoolInfo>;
    declare private _disks: DiskInfo[];
    declare private _error: string;
    declare private _jobs: JobInfo[];

    constructor() {
        super();
        this._client = null;
        this._state = 'connecting';
        this._manager = null;
        this._pools = new Map();
        this._disks = [];
        this._error = '';
        this._jobs = [];
    }

    /** Running and recent jobs, newest first. */
    get jobs(): JobInfo[] {
        return this._jobs;
    }

    /** The system bus connection of the daemon, for method calls; null until connected. */
    get connection(): Gio.DBusConnection | null {
        return this._client?.get_connection() ?? null;
    }

    get state(): StoreState {
        return this._state;
    }

    /** Why the service is unreachable, when it is. */
    get error(): string {
        return this._error;
    }

    get manager(): ManagerInfo | null {
        return this._manager;
    }

    get pools(): PoolInfo[] {
        return [...this._pools.values()].sort((a, b) => a.name.localeCompare(b.name));
    }

    /** Whole disks with their SMART verdicts, by kernel name. */
    get disks(): DiskInfo[] {
        return this._disks;
    }

    pool(name: string): PoolInfo | undefined {
        return this._pools.get(name);
    }

    async connectToDaemon(): Promise<void> {
        let client: Gio.DBusObjectManagerClient;
        try {
            client = await newManagerClient();
        } catch (e) {
            this.setUnreachable(e instanceof Error ? e.message : String(e));
            return;
        }
        this._client = client;
        client.connect('notify::name-owner', () => {
            this.reload();
        });
        client.connect('object-added', () => {
            this.reload();
        });
        client.connect('object-removed', () => {
            this.reload();
        });
        client.connect('interface-proxy-properties-changed', (_c, _object, proxy) => {
            if (proxy.get_interface_name() === JOB_IFACE)
                this.reloadJobs();
            else
                this.reload();
        });
        // With no owner yet, the first call activates the daemon; the
        // manager client does not, so ask the bus to start it.
        if (client.get_name_owner() === null) {
            client.get_connection().call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.Peer', 'Ping', null, null,
                Gio.DBusCallFlags.NONE, 25000, null, (conn, res) => {
                    try {
                        conn?.call_finish(res);
                    } catch (e) {
                        this.setUnreachable(e instanceof Error ? e.message : String(e));
                    }
                });
        }
        this.reload();
    }

    private setUnreachable(why: string): void {
        this._state = 'unreachable';
        this._error = why;
        this._manager = null;
        this._pools.clear();
        this._jobs = [];
        this.emit('jobs-changed');
        this._disks = [];
        this.emit('changed');
    }

    private reload(): void {
        const client = this._client;
        if (client === null)
            return;
        if (client.get_name_owner() === null) {
            // Still being activated, or it went away: say so only after it
            // had a chance to start.
            if (this._state === 'ready')
                this.setUnreachable('The SigmaVault service stopped.');
            return;
        }
        let manager: ManagerInfo | null = null;
        const pools = new Map<string, PoolInfo>();
        const jobs: JobInfo[] = [];
        const disks: DiskInfo[] = [];
        for (const object of client.get_objects()) {
            const j = object.get_interface(JOB_IFACE) as Gio.DBusProxy | null;
            if (j) {
                const job = toJobInfo(object.get_object_path(), readProxy(j));
                if (job)
                    jobs.push(job);
            }
            const d = object.get_interface(DISK_IFACE) as Gio.DBusProxy | null;
            if (d) {
                const parsed = DiskInfoSchema.safeParse(readProxy(d));
                if (parsed.success)
                    disks.push(parsed.data);
            }
            const m = object.get_interface(MANAGER_IFACE) as Gio.DBusProxy | null;
            if (m) {
                const parsed = ManagerInfoSchema.safeParse(readProxy(m));
                if (parsed.success)
                    manager = parsed.data;
            }
            const p = object.get_interface(POOL_IFACE) as Gio.DBusProxy | null;
            if (p) {
                const parsed = PoolInfoSchema.safeParse(readProxy(p));
                if (parsed.success)
                    pools.set(parsed.data.name, parsed.data);
                else
                    console.warn(`Ignoring a pool object the app does not understand: ${parsed.error.message}`);
            }
        }
        if (manager === null)
            return;
        this._jobs = sortJobs(jobs);
        this._manager = manager;
        this._pools = pools;
        this._disks = disks.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
        this._state = 'ready';
        this._error = '';
        this.emit('changed');
        this.emit('jobs-changed');
    }

    /** Job progress changes often: only the jobs are read again, and only "jobs-changed" is emitted. */
    private reloadJobs(): void {
        const client = this._client;
        if (client === null || client.get_name_owner() === null)
            return;
        const jobs: JobInfo[] = [];
        for (const object of client.get_objects()) {
            const j = object.get_interface(JOB_IFACE) as Gio.DBusProxy | null;
            const job = j ? toJobInfo(object.get_object_path(), readProxy(j)) : null;
            if (job)
                jobs.push(job);
        }
        this._jobs = sortJobs(jobs);
        this.emit('jobs-changed');
    }
}
