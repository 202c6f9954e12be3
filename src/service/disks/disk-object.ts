// /com/sigmavault/Daemon/disks/<escaped id>: com.sigmavault.Disk1.
import GLib from 'gi://GLib';
import { DISK_IFACE, diskPath } from '../../shared/disk-info.js';
import { ExportedInterface, interfaceInfo, type MethodHandler } from '../objects/exported-interface.js';
import type { SelfTestEntry, SelfTestType } from '../smart/self-test-log.js';
import { ExportedObject } from '../objects/object-server.js';

/** Everything a Disk1 object shows. */
export interface DiskProperties {
    readonly id: string;
    readonly name: string;
    readonly device: string;
    readonly model: string;
    readonly serial: string;
    readonly wwn: string;
    readonly firmware: string;
    readonly size: number;
    readonly type: 'hdd' | 'ssd' | 'nvme' | 'unknown';
    readonly transport: string;
    readonly temperature: number | null;
    readonly powerOnHours: number | null;
    readonly pool: string;
    readonly vdev: string;
    readonly verdict: 'passed' | 'warning' | 'failing' | 'unknown';
    readonly reasons: readonly string[];
    readonly smartAvailable: boolean;
    readonly smartState: 'checked' | 'asleep' | 'unavailable' | 'not-installed' | 'pending';
    readonly smartExitStatus: number | null;
    /** Unix seconds; 0 for never. */
    readonly lastChecked: number;
    readonly selfTestTypes: readonly SelfTestType[];
    readonly selfTestRunning: boolean;
    readonly selfTestRemaining: number | null;
    /** Newest first. */
    readonly selfTestLog: readonly SelfTestEntry[];
}

/** One log entry as an a{sv}: what is not known is left out. */
export function selfTestEntryVariant(e: SelfTestEntry): Record<string, GLib.Variant> {
    const out: Record<string, GLib.Variant> = {
        type: new GLib.Variant('s', e.kind),
        description: new GLib.Variant('s', e.description),
        result: new GLib.Variant('s', e.result),
        status: new GLib.Variant('s', e.status),
    };
    if (e.lifetimeHours !== null)
        out.lifetime_hours = new GLib.Variant('t', e.lifetimeHours);
    if (e.remainingPercent !== null)
        out.remaining_percent = new GLib.Variant('u', e.remainingPercent);
    if (e.firstErrorLba !== null)
        out.lba = new GLib.Variant('t', e.firstErrorLba);
    return out;
}

function variants(p: DiskProperties): Record<string, GLib.Variant> {
    return {
        Id: new GLib.Variant('s', p.id),
        Name: new GLib.Variant('s', p.name),
        Device: new GLib.Variant('s', p.device),
        Model: new GLib.Variant('s', p.model),
        Serial: new GLib.Variant('s', p.serial),
        Wwn: new GLib.Variant('s', p.wwn),
        Firmware: new GLib.Variant('s', p.firmware),
        Size: new GLib.Variant('t', p.size),
        Type: new GLib.Variant('s', p.type),
        Transport: new GLib.Variant('s', p.transport),
        Temperature: new GLib.Variant('i', p.temperature ?? -1),
        PowerOnHours: new GLib.Variant('x', p.powerOnHours ?? -1),
        Pool: new GLib.Variant('s', p.pool),
        Vdev: new GLib.Variant('s', p.vdev),
        Verdict: new GLib.Variant('s', p.verdict),
        Reasons: new GLib.Variant('as', [...p.reasons]),
        SmartAvailable: new GLib.Variant('b', p.smartAvailable),
        SmartState: new GLib.Variant('s', p.smartState),
        SmartExitStatus: new GLib.Variant('i', p.smartExitStatus ?? -1),
        LastChecked: new GLib.Variant('t', p.lastChecked),
        SelfTestTypes: new GLib.Variant('as', [...p.selfTestTypes]),
        SelfTestRunning: new GLib.Variant('b', p.selfTestRunning),
        SelfTestRemaining: new GLib.Variant('i', p.selfTestRemaining ?? -1),
        SelfTestLog: new GLib.Variant('aa{sv}', p.selfTestLog.map(selfTestEntryVariant)),
    };
}

export class DiskObject {
    readonly object: ExportedObject;
    private readonly iface: ExportedInterface;

    constructor(props: DiskProperties, methods: Readonly<Record<'RefreshSmart' | 'StartSelfTest', MethodHandler>>) {
        this.iface = new ExportedInterface(interfaceInfo(DISK_IFACE), methods);
        this.iface.set(variants(props));
        this.object = new ExportedObject(diskPath(props.id), [this.iface]);
    }

    get path(): string {
        return this.object.path;
    }

    update(props: DiskProperties): void {
        this.iface.set(variants(props));
    }
}
