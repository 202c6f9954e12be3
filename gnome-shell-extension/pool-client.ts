// The extension's view of sigmavaultd: one Gio.DBusObjectManagerClient on
// the system bus, turned into a plain snapshot (service state, ZFS state,
// pools) each time something changes. The daemon is started by D-Bus
// activation when it is not running; when it goes away, the client starts it
// again, waiting longer after each failure. Running jobs (scrubs, …) come
// with their progress.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, JOB_IFACE, MANAGER_IFACE, POOL_IFACE, ROOT_PATH } from './shared/dbus-names.js';

const ALERT_IFACE = 'com.sigmavault.Alert1';
import { asHealth, type Health } from './shared/health.js';

export interface PoolState {
    readonly name: string;
    readonly health: Health;
    /** Bytes; 0 when unknown. */
    readonly size: number;
    readonly allocated: number;
}

/** A job that is running or paused. */
export interface RunningJob {
    readonly id: number;
    /** "pool-scrub", "pool-resilver", … */
    readonly operation: string;
    /** What it works on, from its lock ("scrub:tank" → "tank"). */
    readonly subject: string;
    readonly paused: boolean;
    /** 0…1, or null when the job cannot tell. */
    readonly progress: number | null;
}

export interface ActiveAlert {
    readonly title: string;
    readonly level: string;
}

export type ServiceState =
    | { readonly kind: 'connecting' }
    | { readonly kind: 'unreachable' }
    | {
        readonly kind: 'ready';
        /** False when the daemon runs but cannot read pools (no ZFS). */
        readonly zfsAvailable: boolean;
        /** Why ZFS is unavailable, from the daemon; empty when available. */
        readonly zfsStatus: string;
        /** Sorted by name. */
        readonly pools: readonly PoolState[];
        /** Running and paused jobs, oldest first. */
        readonly jobs: readonly RunningJob[];
        /** Active alerts that were not dismissed. */
        readonly alerts: readonly ActiveAlert[];
    };

/** This Shell's user: file jobs of other users are not listed. */
const MY_UID = new Gio.Credentials().get_unix_user();
const FIRST_RETRY_SECONDS = 2;
const MAX_RETRY_SECONDS = 300;
/** After the daemon stayed up this long, a later loss starts the back-off afresh. */
const STABLE_MICROSECONDS = 60 * GLib.USEC_PER_SEC;

function property(proxy: Gio.DBusProxy, name: string, type: string): GLib.Variant | null {
    const value = proxy.get_cached_property(name);
    return value !== null && value.get_type_string() === type ? value : null;
}

function stringProperty(proxy: Gio.DBusProxy, name: string): string {
    return property(proxy, name, 's')?.get_string()[0] ?? '';
}

function uint64Property(proxy: Gio.DBusProxy, name: string): number {
    return property(proxy, name, 't')?.get_uint64() ?? 0;
}

function uint32Property(proxy: Gio.DBusProxy, name: string): number | null {
    return property(proxy, name, 'u')?.get_uint32() ?? null;
}

function doubleProperty(proxy: Gio.DBusProxy, name: string): number {
    return property(proxy, name, 'd')?.get_double() ?? 0;
}

function booleanProperty(proxy: Gio.DBusProxy, name: string): boolean {
    return property(proxy, name, 'b')?.get_boolean() ?? false;
}

function proxyOf(object: Gio.DBusObject, iface: string): Gio.DBusProxy | null {
    const proxy = object.get_interface(iface);
    return proxy instanceof Gio.DBusProxy ? proxy : null;
}

export class PoolClient {
    private manager: Gio.DBusObjectManagerClient | null = null;
    private readonly managerSignals: number[] = [];
    private readonly cancellable = new Gio.Cancellable();
    private updateSource = 0;
    private retrySource = 0;
    private retrySeconds = FIRST_RETRY_SECONDS;
    private ownerSince = 0;
    private state: ServiceState = { kind: 'connecting' };
    private destroyed = false;

    constructor(private readonly onChanged: (state: ServiceState) => void) {}

    get current(): ServiceState {
        return this.state;
    }

    start(): void {
        this.onChanged(this.state);
        this.connect();
    }

    destroy(): void {
        this.destroyed = true;
        this.cancellable.cancel();
        if (this.updateSource !== 0)
            GLib.source_remove(this.updateSource);
        this.updateSource = 0;
        if (this.retrySource !== 0)
            GLib.source_remove(this.retrySource);
        this.retrySource = 0;
        this.dropManager();
    }

    private connect(): void {
        // The same as Gio.DBusObjectManagerClient.new_for_bus(), whose
        // destroy-notify argument GJS does not take. No DO_NOT_AUTO_START: the
        // first GetManagedObjects starts sigmavaultd by D-Bus activation.
        const manager = new Gio.DBusObjectManagerClient({
            bus_type: Gio.BusType.SYSTEM,
            flags: Gio.DBusObjectManagerClientFlags.NONE,
            name: BUS_NAME,
            object_path: ROOT_PATH,
        });
        manager.init_async(GLib.PRIORITY_DEFAULT, this.cancellable, (_source, result) => {
            try {
                manager.init_finish(result);
            } catch (e) {
                if (e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
                    return;
                console.warn(`SigmaVault: cannot watch ${BUS_NAME}: ${e instanceof Error ? e.message : String(e)}`);
                this.setState({ kind: 'unreachable' });
                this.scheduleRetry(() => {
                    this.connect();
                });
                return;
            }
            if (this.destroyed)
                return;
            this.manager = manager;
            this.watch(manager);
            this.onOwnerChanged();
        });
    }

    private watch(manager: Gio.DBusObjectManagerClient): void {
        const update = (): void => {
            this.scheduleUpdate();
        };
        this.managerSignals.push(
            manager.connect('object-added', update),
            manager.connect('object-removed', update),
            manager.connect('interface-added', update),
            manager.connect('interface-removed', update),
            manager.connect('interface-proxy-properties-changed', update),
            manager.connect('notify::name-owner', () => {
                this.onOwnerChanged();
            }));
    }

    private dropManager(): void {
        if (this.manager !== null) {
            for (const id of this.managerSignals)
                this.manager.disconnect(id);
        }
        this.managerSignals.length = 0;
        this.manager = null;
    }

    private onOwnerChanged(): void {
        const owner = this.manager?.get_name_owner() ?? null;
        if (owner !== null) {
            this.ownerSince = GLib.get_monotonic_time();
            if (this.retrySource !== 0)
                GLib.source_remove(this.retrySource);
            this.retrySource = 0;
            this.scheduleUpdate();
            return;
        }
        // Gone (exited, crashed, restarted) or never started: start it again.
        if (this.ownerSince !== 0 && GLib.get_monotonic_time() - this.ownerSince > STABLE_MICROSECONDS)
            this.retrySeconds = FIRST_RETRY_SECONDS;
        this.ownerSince = 0;
        this.scheduleUpdate();
        if (this.retrySource === 0)
            this.activate();
    }

    /** Asks the bus to start sigmavaultd; the name-owner notification follows on success. */
    private activate(): void {
        const manager = this.manager;
        if (manager === null)
            return;
        manager.get_connection().call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'StartServiceByName', new GLib.Variant('(su)', [BUS_NAME, 0]), new GLib.VariantType('(u)'),
            Gio.DBusCallFlags.NONE, -1, this.cancellable, (connection, result) => {
                try {
                    connection?.call_finish(result);
                } catch (e) {
                    if (e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
                        return;
                    console.warn(`SigmaVault: cannot start ${BUS_NAME}: ${e instanceof Error ? e.message : String(e)}`);
                    this.scheduleRetry(() => {
                        if (this.manager?.get_name_owner() === null)
                            this.activate();
                    });
                }
            });
    }

    private scheduleRetry(retry: () => void): void {
        if (this.destroyed || this.retrySource !== 0)
            return;
        const seconds = this.retrySeconds;
        this.retrySeconds = Math.min(MAX_RETRY_SECONDS, this.retrySeconds * 2);
        this.retrySource = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, seconds, () => {
            this.retrySource = 0;
            retry();
            return GLib.SOURCE_REMOVE;
        });
    }

    /** Coalesces a burst of signals (a pool appearing sets many properties) into one update. */
    private scheduleUpdate(): void {
        if (this.destroyed || this.updateSource !== 0)
            return;
        this.updateSource = GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
            this.updateSource = 0;
            this.setState(this.read());
            return GLib.SOURCE_REMOVE;
        });
    }

    private read(): ServiceState {
        const manager = this.manager;
        if (manager === null || manager.get_name_owner() === null)
            return { kind: 'unreachable' };
        let zfsAvailable = true;
        let zfsStatus = '';
        const pools: PoolState[] = [];
        const jobs: RunningJob[] = [];
        const alerts: ActiveAlert[] = [];
        for (const object of manager.get_objects()) {
            const alert = proxyOf(object, ALERT_IFACE);
            if (alert !== null && !booleanProperty(alert, 'Dismissed'))
                alerts.push({ title: stringProperty(alert, 'Title'), level: stringProperty(alert, 'Level') });
            const job = proxyOf(object, JOB_IFACE);
            const jobState = job === null ? '' : stringProperty(job, 'State');
            // File jobs are shown only to the user who started them (their file names are theirs).
            const others = job !== null && stringProperty(job, 'Operation').startsWith('file-') && uint32Property(job, 'StartedByUID') !== MY_UID;
            if (job !== null && !others && (jobState === 'running' || jobState === 'paused')) {
                const lock = stringProperty(job, 'Lock');
                jobs.push({
                    id: Number(object.get_object_path().split('/').at(-1)),
                    operation: stringProperty(job, 'Operation'),
                    subject: lock.includes(':') ? lock.slice(lock.indexOf(':') + 1) : lock,
                    paused: jobState === 'paused',
                    progress: booleanProperty(job, 'ProgressValid') ? doubleProperty(job, 'Progress') : null,
                });
            }
            const managerProxy = proxyOf(object, MANAGER_IFACE);
            if (managerProxy !== null) {
                zfsAvailable = booleanProperty(managerProxy, 'ZfsAvailable');
                zfsStatus = stringProperty(managerProxy, 'ZfsStatus');
            }
            const pool = proxyOf(object, POOL_IFACE);
            if (pool !== null) {
                pools.push({
                    name: stringProperty(pool, 'Name'),
                    health: asHealth(stringProperty(pool, 'Health')),
                    size: uint64Property(pool, 'Size'),
                    allocated: uint64Property(pool, 'Allocated'),
                });
            }
        }
        pools.sort((a, b) => a.name.localeCompare(b.name));
        jobs.sort((a, b) => a.id - b.id);
        return { kind: 'ready', zfsAvailable, zfsStatus, pools, jobs, alerts };
    }

    private setState(state: ServiceState): void {
        if (this.destroyed)
            return;
        this.state = state;
        this.onChanged(state);
    }
}
