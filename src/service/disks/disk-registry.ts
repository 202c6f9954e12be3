// The daemon's disks: one com.sigmavault.Disk1 object per whole disk lsblk
// reports, with its SMART verdict and the pool that uses it.
//
// The inventory is read at start and again when /dev/disk/by-id changes
// (udev adds and removes those links as disks come and go). SMART is read
// once for a new disk and then slowly (every 30 minutes, or
// SIGMAVAULT_SMART_INTERVAL seconds), always with `smartctl -n standby`:
// a disk that is asleep is reported as asleep and left asleep, keeping the
// verdict of its last real check. Nothing polls in between.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { _ } from '../../shared/i18n.js';
import { notFound } from '../errors.js';
import { parseOptions } from '../options.js';
import { type BlockDevice, LSBLK_ARGS, parseLsblk, wholeDisks } from '../smart/lsblk.js';
import { parseSelfTests, type SelfTests } from '../smart/self-test-log.js';
import { decodeExitStatus, parseSmartctl, type SmartReport } from '../smart/smartctl.js';
import { smartVerdict } from '../smart/verdict.js';
import { findTool, run, ToolMissingError, type ToolResult } from '../tools.js';
import type { Pool } from '../zfs/model.js';
import { DiskObject, type DiskProperties } from './disk-object.js';
import { membershipOf, poolLeaves } from './pool-membership.js';
import type { ObjectServer } from '../objects/object-server.js';

const DEFAULT_SMART_INTERVAL_S = 30 * 60;
const MIN_SMART_INTERVAL_S = 60;
const INVENTORY_DEBOUNCE_MS = 1000;
const BY_ID = '/dev/disk/by-id';
/**
 * RefreshSmart is open to everyone: within this many seconds of the last
 * read it answers from that read, so that nobody can keep a disk busy (and
 * from ever spinning down) by asking again and again.
 */
const DEFAULT_MIN_REFRESH_S = 60;

type SmartState = DiskProperties['smartState'];

interface Entry {
    device: BlockDevice;
    readonly object: DiskObject;
    props: DiskProperties;
    checking: Promise<SmartState> | null;
    /** Monotonic time (µs) the last SMART read ended; 0 for never. */
    lastRead: number;
}

function minRefresh(): number {
    const raw = Number(GLib.getenv('SIGMAVAULT_SMART_MIN_REFRESH') ?? '');
    return Number.isInteger(raw) && raw >= 0 ? raw : DEFAULT_MIN_REFRESH_S;
}

function smartInterval(): number {
    const raw = Number(GLib.getenv('SIGMAVAULT_SMART_INTERVAL') ?? '');
    return Number.isInteger(raw) && raw >= MIN_SMART_INTERVAL_S ? raw : DEFAULT_SMART_INTERVAL_S;
}

/** A stable id: the WWN, else model and serial, else the kernel name. */
function diskId(d: BlockDevice): string {
    if (d.wwn)
        return d.wwn;
    if (d.model && d.serial)
        return `${d.model}_${d.serial}`.replace(/\s+/g, '_');
    return d.name;
}

function diskType(d: BlockDevice, report: SmartReport | null): DiskProperties['type'] {
    if (d.transport === 'nvme' || d.name.startsWith('nvme') || report?.kind === 'nvme')
        return 'nvme';
    if (report?.rotationRate !== null && report?.rotationRate !== undefined)
        return report.rotationRate === 0 ? 'ssd' : 'hdd';
    return d.rotational ? 'hdd' : 'ssd';
}

/** Follows symlinks under /dev (by-path, by-vdev, …) to the device node. */
function resolveDevPath(path: string): string | null {
    let current = path;
    for (let i = 0; i < 8; i++) {
        if (!GLib.file_test(current, GLib.FileTest.IS_SYMLINK))
            return i === 0 ? null : current;
        try {
            const target = GLib.file_read_link(current);
            current = GLib.canonicalize_filename(target, GLib.path_get_dirname(current));
        } catch {
            return null;
        }
    }
    return null;
}

/** What a self-test needs to know about a disk. */
export interface DiskTarget {
    readonly id: string;
    readonly path: string;
    readonly props: DiskProperties;
}

/** The self-test fields of a disk's properties, from a parsed document. */
export function selfTestProps(tests: SelfTests): Pick<DiskProperties,
    'selfTestTypes' | 'selfTestRunning' | 'selfTestRemaining' | 'selfTestLog'> {
    return {
        selfTestTypes: tests.supported,
        selfTestRunning: tests.current?.running ?? false,
        selfTestRemaining: tests.current?.running ? tests.current.remainingPercent : null,
        selfTestLog: tests.entries,
    };
}

export class DiskRegistry {
    private readonly disks = new Map<string, Entry>();
    private pools: readonly Pool[] = [];
    private monitor: Gio.FileMonitor | null = null;
    private debounceId = 0;
    private timerId = 0;
    private inventoryRunning: Promise<void> | null = null;
    private stopped = false;

    /** Disk1.StartSelfTest, answered by the self-tests (src/service/jobs/self-test.ts). */
    startSelfTest: ((disk: DiskTarget, args: unknown[], invocation: Gio.DBusMethodInvocation) => Promise<GLib.Variant>) | null = null;

    constructor(private readonly manager: ObjectServer) {}

    /** The disk with this id, as it is now; NotFound when it is gone. */
    target(id: string): DiskTarget {
        const entry = this.disks.get(id);
        if (!entry)
            throw notFound(`The disk ${id} is gone.`);
        return { id, path: entry.object.path, props: entry.props };
    }

    /** A self-test reading of the disk (while a test runs): shows what it found. */
    applySelfTests(id: string, tests: SelfTests): void {
        const entry = this.disks.get(id);
        if (entry)
            this.apply(entry, selfTestProps(tests));
    }

    /** Reads the disk's SMART data again now (after a self-test ended, so its log and verdict show the result). */
    async recheck(id: string): Promise<void> {
        const entry = this.disks.get(id);
        if (entry)
            await this.check(entry);
    }

    async start(): Promise<void> {
        try {
            this.monitor = Gio.File.new_for_path(BY_ID).monitor_directory(Gio.FileMonitorFlags.NONE, null);
            this.monitor.connect('changed', () => {
                this.scheduleInventory();
            });
        } catch (e) {
            console.warn(`sigmavaultd: cannot watch ${BY_ID} for disks coming and going: ${e instanceof Error ? e.message : String(e)}`);
        }
        await this.inventory();
        this.timerId = GLib.timeout_add_seconds(GLib.PRIORITY_LOW, smartInterval(), () => {
            void this.checkAll();
            return GLib.SOURCE_CONTINUE;
        });
    }

    stop(): void {
        this.stopped = true;
        this.monitor?.cancel();
        this.monitor = null;
        for (const id of [this.debounceId, this.timerId]) {
            if (id)
                GLib.source_remove(id);
        }
        this.debounceId = this.timerId = 0;
    }

    /** The imported pools changed: recompute which disks they use. */
    setPools(pools: readonly Pool[]): void {
        this.pools = pools;
        const leaves = poolLeaves(pools);
        for (const entry of this.disks.values()) {
            const m = membershipOf(entry.device, leaves, resolveDevPath);
            this.apply(entry, { pool: m?.pool ?? '', vdev: m?.vdev ?? '' });
        }
    }

    private scheduleInventory(): void {
        if (this.debounceId)
            return;
        this.debounceId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, INVENTORY_DEBOUNCE_MS, () => {
            this.debounceId = 0;
            void this.inventory();
            return GLib.SOURCE_REMOVE;
        });
    }

    private inventory(): Promise<void> {
        this.inventoryRunning ??= this.readInventory().finally(() => {
            this.inventoryRunning = null;
        });
        return this.inventoryRunning;
    }

    private async readInventory(): Promise<void> {
        let devices: BlockDevice[];
        try {
            const r = await run('lsblk', LSBLK_ARGS);
            if (r.status !== 0)
                throw new Error(r.stderr.trim() || `exit status ${r.status}`);
            devices = wholeDisks(parseLsblk(r.stdout));
        } catch (e) {
            if (!(e instanceof ToolMissingError))
                console.warn(`sigmavaultd: listing disks failed: ${e instanceof Error ? e.message : String(e)}`);
            return;
        }
        if (this.stopped)
            return;
        const leaves = poolLeaves(this.pools);
        const seen = new Set<string>();
        const added: Entry[] = [];
        for (const device of devices) {
            const id = diskId(device);
            if (seen.has(id))
                continue;
            seen.add(id);
            const m = membershipOf(device, leaves, resolveDevPath);
            const existing = this.disks.get(id);
            if (existing) {
                existing.device = device;
                this.apply(existing, {
                    name: device.name, device: device.path, size: device.size,
                    transport: device.transport ?? '', pool: m?.pool ?? '', vdev: m?.vdev ?? '',
                });
                continue;
            }
            const props: DiskProperties = {
                id, name: device.name, device: device.path, model: device.model ?? '', serial: device.serial ?? '',
                wwn: device.wwn ?? '', firmware: '', size: device.size, type: diskType(device, null),
                transport: device.transport ?? '', temperature: null, powerOnHours: null,
                pool: m?.pool ?? '', vdev: m?.vdev ?? '', verdict: 'unknown',
                reasons: [_('SigmaVault has not checked this disk’s health yet.')],
                smartAvailable: false, smartState: 'pending', smartExitStatus: null, lastChecked: 0,
                selfTestTypes: [], selfTestRunning: false, selfTestRemaining: null, selfTestLog: [],
            };
            const entry: Entry = {
                device, props, checking: null, lastRead: 0,
                object: new DiskObject(props, {
                    RefreshSmart: args => this.refreshSmart(id, args),
                    StartSelfTest: (args, invocation) => this.selfTest(id, args, invocation),
                }),
            };
            this.disks.set(id, entry);
            this.manager.export(entry.object.object);
            added.push(entry);
        }
        for (const [id, entry] of this.disks) {
            if (!seen.has(id)) {
                this.manager.unexport(entry.object.path);
                this.disks.delete(id);
            }
        }
        this.changed();
        // New disks get their first check now, one after the other.
        void (async (): Promise<void> => {
            for (const entry of added)
                await this.check(entry);
        })();
    }

    private async checkAll(): Promise<void> {
        for (const entry of [...this.disks.values()])
            await this.check(entry);
    }

    private async refreshSmart(id: string, args: unknown[]): Promise<GLib.Variant> {
        parseOptions(args[0]);
        const entry = this.disks.get(id);
        if (!entry)
            throw notFound(`The disk ${id} is gone.`);
        const fresh = entry.lastRead > 0 && GLib.get_monotonic_time() - entry.lastRead < minRefresh() * 1e6;
        if (fresh && entry.checking === null)
            return new GLib.Variant('(s)', [entry.props.smartState]);
        return new GLib.Variant('(s)', [await this.check(entry)]);
    }

    private async selfTest(id: string, args: unknown[], invocation: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        if (this.startSelfTest === null)
            throw notFound('Self-tests are not available in this daemon.');
        return this.startSelfTest(this.target(id), args, invocation);
    }

    private apply(entry: Entry, changes: Partial<DiskProperties>): void {
        entry.props = { ...entry.props, ...changes };
        entry.object.update(entry.props);
        this.changed();
    }

    /** Told every disk as it is now, whenever one changes, appears or goes (alerts follow it). */
    onChanged: ((disks: DiskProperties[]) => void) | null = null;

    private changed(): void {
        this.onChanged?.([...this.disks.values()].map(e => e.props));
    }

    /** One SMART read; concurrent requests for the same disk share it. */
    private check(entry: Entry): Promise<SmartState> {
        entry.checking ??= this.readSmart(entry).finally(() => {
            entry.checking = null;
            entry.lastRead = GLib.get_monotonic_time();
        });
        return entry.checking;
    }

    private async readSmart(entry: Entry): Promise<SmartState> {
        if (this.stopped)
            return entry.props.smartState;
        if (findTool('smartctl') === null) {
            this.apply(entry, {
                smartState: 'not-installed', smartAvailable: false, verdict: 'unknown',
                reasons: [_('smartctl is not installed. Install the “smartmontools” package to see the health of your disks.')],
            });
            return 'not-installed';
        }
        // -n standby: smartctl skips a disk that is asleep instead of spinning it up.
        let r: ToolResult | null = null;
        let report: SmartReport;
        try {
            r = await run('smartctl', ['--json', '--all', '-n', 'standby', '--', entry.device.path]);
            report = parseSmartctl(r.stdout);
        } catch (e) {
            this.apply(entry, {
                smartState: 'unavailable', smartAvailable: false, smartExitStatus: r?.status ?? null, verdict: 'unknown',
                reasons: [_('SigmaVault could not read this disk’s SMART data.'),
                    e instanceof Error ? e.message : String(e)],
            });
            return 'unavailable';
        }
        if (report.exitStatus === null)
            report = { ...report, exitStatus: r.status, exit: decodeExitStatus(r.status) };
        if (report.asleep) {
            const changes: Partial<DiskProperties> = { smartState: 'asleep', smartExitStatus: r.status };
            // Without an earlier check there is nothing to show but that it sleeps.
            if (entry.props.lastChecked === 0)
                Object.assign(changes, { verdict: 'unknown', reasons: smartVerdict(report, _).reasons });
            this.apply(entry, changes);
            return 'asleep';
        }
        const { verdict, reasons } = smartVerdict(report, _);
        let selfTests: Partial<DiskProperties> = {};
        try {
            selfTests = selfTestProps(parseSelfTests(r.stdout));
        } catch (e) {
            // The health verdict stands without the log; keep the last log read.
            console.warn(`sigmavaultd: the self-test log of ${entry.device.path} did not parse: ${e instanceof Error ? e.message : String(e)}`);
        }
        const hasData = verdict !== 'unknown' || report.smartPassed !== null;
        this.apply(entry, {
            smartState: hasData ? 'checked' : 'unavailable',
            smartAvailable: hasData,
            smartExitStatus: r.status,
            verdict,
            reasons,
            model: report.model ?? entry.props.model,
            serial: report.serial ?? entry.props.serial,
            firmware: report.firmware ?? entry.props.firmware,
            type: diskType(entry.device, report),
            temperature: report.temperature ?? null,
            powerOnHours: report.powerOnHours ?? null,
            lastChecked: hasData ? Math.floor(Date.now() / 1000) : entry.props.lastChecked,
            ...selfTests,
        });
        return hasData ? 'checked' : 'unavailable';
    }
}
