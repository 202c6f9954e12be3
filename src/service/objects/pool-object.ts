// /com/sigmavault/Daemon/pools/<name>: com.sigmavault.Pool1.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { POOL_IFACE, poolPath } from '../../shared/dbus-names.js';
import type { Pool, Vdev } from '../zfs/model.js';
import { parseScanText } from '../zfs/scan.js';
import { POOL_DEVICE_METHODS, type PoolDeviceMethod } from '../pools/pool-devices.js';
import { ExportedInterface, interfaceInfo, type MethodHandler } from './exported-interface.js';
import { ExportedObject } from './object-server.js';

type VdevRow = [number, string, string, string, string, number, number, number];

export function flattenVdevs(root: Vdev): VdevRow[] {
    const rows: VdevRow[] = [];
    const walk = (v: Vdev, depth: number): void => {
        rows.push([depth, v.name, v.type, v.state, v.path ?? '', v.readErrors, v.writeErrors, v.checksumErrors]);
        for (const c of v.children)
            walk(c, depth + 1);
    };
    walk(root, 0);
    return rows;
}

function properties(pool: Pool): Record<string, GLib.Variant> {
    const s = pool.status;
    return {
        Name: new GLib.Variant('s', pool.name),
        Guid: new GLib.Variant('s', pool.guid),
        // zpool list's health and zpool status's state agree; status is
        // read second, so it is the newer of the two.
        Health: new GLib.Variant('s', s?.state ?? pool.health),
        Size: new GLib.Variant('t', pool.size),
        Allocated: new GLib.Variant('t', pool.allocated),
        Free: new GLib.Variant('t', pool.free),
        Fragmentation: new GLib.Variant('i', pool.fragmentation ?? -1),
        Status: new GLib.Variant('s', s?.status ?? ''),
        Action: new GLib.Variant('s', s?.action ?? ''),
        Scan: new GLib.Variant('s', s?.scan ?? ''),
        Errors: new GLib.Variant('s', s?.errors ?? ''),
        Vdevs: new GLib.Variant('a(ussssttt)', s ? flattenVdevs(s.root) : []),
        ...scanProperties(pool),
    };
}

function scanProperties(pool: Pool): Record<string, GLib.Variant> {
    const scan = pool.status ? pool.status.scanInfo ?? parseScanText(pool.status.scan) : null;
    const lastScrub = scan?.kind === 'scrub' && scan.state === 'finished' ? scan : null;
    const u64 = (n: number | null | undefined): GLib.Variant => new GLib.Variant('t', Math.max(0, Math.round(n ?? 0)));
    return {
        ScanFunction: new GLib.Variant('s', scan === null || scan.kind === 'none' ? '' : scan.kind),
        ScanState: new GLib.Variant('s', scan?.state ?? 'none'),
        ScanProgress: new GLib.Variant('d', scan?.fraction ?? -1),
        LastScrubEnd: u64((lastScrub?.endTime ?? 0) * 1e6),
        LastScrubDuration: u64(lastScrub?.duration),
        LastScrubErrors: u64(lastScrub?.errors),
        LastScrubRepaired: u64(lastScrub?.repaired),
    };
}

export interface PoolMethods {
    ClearErrors: (pool: string, args: unknown[], invocation: Gio.DBusMethodInvocation) => Promise<GLib.Variant | null>;
    Scrub: (pool: string, args: unknown[], invocation: Gio.DBusMethodInvocation) => Promise<GLib.Variant | null>;
    Export: (pool: string, args: unknown[], invocation: Gio.DBusMethodInvocation) => Promise<GLib.Variant | null>;
    Destroy: (pool: string, args: unknown[], invocation: Gio.DBusMethodInvocation) => Promise<GLib.Variant | null>;
    SetScrubSchedule: (pool: string, args: unknown[], invocation: Gio.DBusMethodInvocation) => Promise<GLib.Variant | null>;
    /** Offline, Online, Replace, Attach, Detach, PreviewAddVdev, AddVdev (src/service/pools/pool-devices.ts). */
    Devices: (method: PoolDeviceMethod, pool: string, args: unknown[], invocation: Gio.DBusMethodInvocation) => Promise<GLib.Variant | null>;
}

export class PoolObject {
    readonly object: ExportedObject;
    private readonly iface: ExportedInterface;

    /** `schedule`: the ScrubSchedule and NextScrub properties, which the scrub scheduler keeps. */
    constructor(private pool: Pool, methods: PoolMethods, schedule: Record<string, GLib.Variant>) {
        const bound: Record<string, MethodHandler> = {
            ClearErrors: (args, inv) => methods.ClearErrors(this.pool.name, args, inv),
            Scrub: (args, inv) => methods.Scrub(this.pool.name, args, inv),
            Export: (args, inv) => methods.Export(this.pool.name, args, inv),
            Destroy: (args, inv) => methods.Destroy(this.pool.name, args, inv),
            SetScrubSchedule: (args, inv) => methods.SetScrubSchedule(this.pool.name, args, inv),
        };
        for (const m of POOL_DEVICE_METHODS)
            bound[m] = (args, inv) => methods.Devices(m, this.pool.name, args, inv);
        this.iface = new ExportedInterface(interfaceInfo(POOL_IFACE), bound);
        this.iface.set({ ...properties(pool), ...schedule });
        this.object = new ExportedObject(poolPath(pool.name), [this.iface]);
    }

    get path(): string {
        return this.object.path;
    }

    get name(): string {
        return this.pool.name;
    }

    update(pool: Pool): void {
        this.pool = pool;
        this.iface.set(properties(pool));
    }

    /** Properties kept outside ZFS (the scrub schedule). */
    setExtra(values: Record<string, GLib.Variant>): void {
        this.iface.set(values);
    }
}
