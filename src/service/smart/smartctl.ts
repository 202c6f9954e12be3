// `smartctl --json` output (smartmontools 7.x) for ATA, SATA behind
// bridges (SAT, USB), NVMe and SCSI drives, validated with zod and reduced
// to what SigmaVault shows and judges. Unknown keys are ignored; keys that
// are present must have the expected type. Attributes-only and abridged
// documents (no model, no overall status) are accepted: what is missing is
// null, never guessed.
import { z } from '../../shared/vendor/zod.js';
import { ParseError, describeIssues } from '../zfs/parse-error.js';

const SOURCE = 'smartctl --json';

const count = z.number().int().nonnegative();
const int = z.number().int();

const AttributeSchema = z.object({
    id: z.number().int().min(1).max(255),
    name: z.string().optional(),
    value: count,
    worst: count.optional(),
    thresh: count.optional(),
    when_failed: z.string().optional(),
    flags: z.object({ prefailure: z.boolean().optional() }).passthrough().optional(),
    raw: z.object({ value: count, string: z.string().optional() }).passthrough(),
}).passthrough();

const NvmeLogSchema = z.object({
    critical_warning: count.optional(),
    temperature: int.optional(),
    available_spare: count.optional(),
    available_spare_threshold: count.optional(),
    percentage_used: count.optional(),
    power_on_hours: count.optional(),
    media_errors: count.optional(),
    num_err_log_entries: count.optional(),
}).passthrough();

const ScsiCounterSchema = z.object({ total_uncorrected_errors: count.optional() }).passthrough();

const DocumentSchema = z.object({
    json_format_version: z.array(int).optional(),
    smartctl: z.object({
        version: z.array(int).optional(),
        exit_status: count.optional(),
        messages: z.array(z.object({ string: z.string(), severity: z.string().optional() }).passthrough()).optional(),
    }).passthrough().optional(),
    device: z.object({
        name: z.string(),
        info_name: z.string().optional(),
        type: z.string(),
        protocol: z.string(),
    }).passthrough().optional(),
    model_name: z.string().optional(),
    model_family: z.string().optional(),
    product: z.string().optional(),
    vendor: z.string().optional(),
    serial_number: z.string().optional(),
    firmware_version: z.string().optional(),
    revision: z.string().optional(),
    user_capacity: z.object({ bytes: count }).passthrough().optional(),
    nvme_total_capacity: count.optional(),
    rotation_rate: count.optional(),
    power_mode: z.string().optional(),
    smart_status: z.object({ passed: z.boolean() }).passthrough().optional(),
    temperature: z.object({ current: int.optional() }).passthrough().optional(),
    power_on_time: z.object({ hours: count.optional() }).passthrough().optional(),
    ata_smart_attributes: z.object({ table: z.array(AttributeSchema) }).passthrough().optional(),
    ata_smart_error_log: z.object({
        summary: z.object({ count: count.optional() }).passthrough().optional(),
    }).passthrough().optional(),
    ata_smart_self_test_log: z.object({
        standard: z.object({
            table: z.array(z.object({
                status: z.object({ passed: z.boolean().optional(), string: z.string().optional() }).passthrough(),
            }).passthrough()).optional(),
        }).passthrough().optional(),
    }).passthrough().optional(),
    nvme_smart_health_information_log: NvmeLogSchema.optional(),
    scsi_grown_defect_list: count.optional(),
    scsi_error_counter_log: z.object({
        read: ScsiCounterSchema.optional(),
        write: ScsiCounterSchema.optional(),
    }).passthrough().optional(),
    devices: z.array(z.unknown()).optional(),
}).passthrough();

/** How smartctl talks to the drive: ATA, ATA through a SAT/USB bridge, NVMe or SCSI/SAS. */
export type DeviceKind = 'ata' | 'sat' | 'nvme' | 'scsi' | 'unknown';

export interface AtaAttribute {
    readonly id: number;
    readonly name: string;
    /** Normalized value (usually 1–253, higher is better). */
    readonly value: number;
    readonly worst: number | null;
    readonly threshold: number | null;
    /** smartctl's when_failed: '' (never), 'now' or 'past'. */
    readonly whenFailed: '' | 'now' | 'past';
    readonly prefailure: boolean;
    readonly raw: number;
    readonly rawString: string;
}

export interface NvmeHealth {
    readonly criticalWarning: number | null;
    readonly availableSpare: number | null;
    readonly availableSpareThreshold: number | null;
    readonly percentageUsed: number | null;
    readonly mediaErrors: number | null;
    readonly errorLogEntries: number | null;
}

export interface ScsiHealth {
    readonly grownDefects: number | null;
    readonly readUncorrected: number | null;
    readonly writeUncorrected: number | null;
}

/** smartctl's exit status, bit by bit, as smartctl(8) "EXIT STATUS" defines it. */
export interface ExitBits {
    /** Bit 0: the command line did not parse. */
    readonly commandLine: boolean;
    /** Bit 1: the device could not be opened, or is in a low-power mode (-n). */
    readonly openFailed: boolean;
    /** Bit 2: a SMART or other command to the disk failed, or a SMART checksum was wrong. */
    readonly commandFailed: boolean;
    /** Bit 3: the SMART status check returned "DISK FAILING". */
    readonly diskFailing: boolean;
    /** Bit 4: prefail attributes are at or below their threshold now. */
    readonly prefailBelowThreshold: boolean;
    /** Bit 5: status OK, but some attributes were at or below threshold in the past. */
    readonly pastBelowThreshold: boolean;
    /** Bit 6: the device error log contains records of errors. */
    readonly errorLog: boolean;
    /** Bit 7: the device self-test log contains records of errors. */
    readonly selfTestLog: boolean;
}

export interface SmartReport {
    /** The device smartctl read, e.g. /dev/sda. */
    readonly device: string;
    /** smartctl's device type, e.g. sat, nvme, scsi, usbjmicron. */
    readonly deviceType: string;
    readonly kind: DeviceKind;
    readonly model: string | null;
    readonly family: string | null;
    readonly serial: string | null;
    readonly firmware: string | null;
    readonly capacity: number | null;
    /** Rotation in rpm; 0 for solid state; null when not reported. */
    readonly rotationRate: number | null;
    /** Degrees Celsius. */
    readonly temperature: number | null;
    readonly powerOnHours: number | null;
    readonly attributes: readonly AtaAttribute[];
    readonly nvme: NvmeHealth | null;
    readonly scsi: ScsiHealth | null;
    /** The drive's overall self-assessment; null when smartctl did not ask for it. */
    readonly smartPassed: boolean | null;
    readonly exitStatus: number | null;
    readonly exit: ExitBits | null;
    /** Errors the ATA error log counts (0 when empty, null when not read). */
    readonly errorLogCount: number | null;
    /** Self-tests in the log that did not pass. */
    readonly failedSelfTests: number;
    /** smartctl skipped the drive because it was asleep (-n standby). */
    readonly asleep: boolean;
    readonly messages: readonly string[];
}

export function decodeExitStatus(status: number): ExitBits {
    const bit = (n: number): boolean => (status & (1 << n)) !== 0;
    return {
        commandLine: bit(0),
        openFailed: bit(1),
        commandFailed: bit(2),
        diskFailing: bit(3),
        prefailBelowThreshold: bit(4),
        pastBelowThreshold: bit(5),
        errorLog: bit(6),
        selfTestLog: bit(7),
    };
}

function kindOf(type: string, protocol: string): DeviceKind {
    if (type === 'ata' || type === 'sat' || type === 'nvme' || type === 'scsi')
        return type;
    switch (protocol.toUpperCase()) {
    case 'ATA': return 'sat';
    case 'NVME': return 'nvme';
    case 'SCSI': return 'scsi';
    default: return 'unknown';
    }
}

/** The leading number of a raw string such as "32 (Min/Max 24/38)" or "2725 (151 234 0)". */
export function leadingNumber(text: string): number | null {
    const m = /^\s*(\d+)/.exec(text);
    return m ? Number(m[1]) : null;
}

function whenFailed(text: string | undefined): AtaAttribute['whenFailed'] {
    const t = (text ?? '').trim().toLowerCase();
    if (t === 'now' || t === 'failing_now')
        return 'now';
    if (t === 'past' || t === 'in_the_past')
        return 'past';
    return '';
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new ParseError(SOURCE, `not JSON (${e instanceof Error ? e.message : String(e)}); is smartctl older than 7.0?`);
    }
}

const STANDBY = /Device is in (STANDBY|SLEEP|IDLE)[^,]* mode/i;

/** Parses one `smartctl --json` document about one device. */
export function parseSmartctl(text: string): SmartReport {
    const result = DocumentSchema.safeParse(parseJson(text));
    if (!result.success)
        throw new ParseError(SOURCE, describeIssues(result.error.issues));
    const d = result.data;
    if (d.devices !== undefined && d.device === undefined)
        throw new ParseError(SOURCE, 'this is a device list (smartctl --scan), not a report about one device');
    const messages = (d.smartctl?.messages ?? []).map(m => m.string);
    const asleep = messages.some(m => STANDBY.test(m)) || /standby|sleep/i.test(d.power_mode ?? '');
    if (d.device === undefined && !asleep)
        throw new ParseError(SOURCE, 'the document names no device');
    const exitStatus = d.smartctl?.exit_status ?? null;

    const attributes: AtaAttribute[] = (d.ata_smart_attributes?.table ?? []).map(a => ({
        id: a.id,
        name: a.name ?? `Attribute_${a.id}`,
        value: a.value,
        worst: a.worst ?? null,
        threshold: a.thresh ?? null,
        whenFailed: whenFailed(a.when_failed),
        prefailure: a.flags?.prefailure ?? false,
        raw: a.raw.value,
        rawString: a.raw.string ?? String(a.raw.value),
    }));
    const attr = (id: number): AtaAttribute | undefined => attributes.find(a => a.id === id);

    const log = d.nvme_smart_health_information_log;
    const nvme: NvmeHealth | null = log ? {
        criticalWarning: log.critical_warning ?? null,
        availableSpare: log.available_spare ?? null,
        availableSpareThreshold: log.available_spare_threshold ?? null,
        percentageUsed: log.percentage_used ?? null,
        mediaErrors: log.media_errors ?? null,
        errorLogEntries: log.num_err_log_entries ?? null,
    } : null;

    const hasScsi = d.scsi_grown_defect_list !== undefined || d.scsi_error_counter_log !== undefined;
    const scsi: ScsiHealth | null = hasScsi ? {
        grownDefects: d.scsi_grown_defect_list ?? null,
        readUncorrected: d.scsi_error_counter_log?.read?.total_uncorrected_errors ?? null,
        writeUncorrected: d.scsi_error_counter_log?.write?.total_uncorrected_errors ?? null,
    } : null;

    // Temperature and hours: the summary smartctl computes, else the
    // attribute or log it computes them from.
    const tempAttr = attr(194) ?? attr(190);
    const temperature = d.temperature?.current ?? log?.temperature ??
        (tempAttr ? leadingNumber(tempAttr.rawString) : null);
    const hoursAttr = attr(9);
    const powerOnHours = d.power_on_time?.hours ?? log?.power_on_hours ??
        (hoursAttr ? leadingNumber(hoursAttr.rawString) : null);

    const model = d.model_name ?? ([d.vendor, d.product].filter(Boolean).join(' ') || null);
    const selfTests = d.ata_smart_self_test_log?.standard?.table ?? [];
    return {
        device: d.device?.name ?? '',
        deviceType: d.device?.type ?? '',
        kind: d.device ? kindOf(d.device.type, d.device.protocol) : 'unknown',
        model,
        family: d.model_family ?? null,
        serial: d.serial_number ?? null,
        firmware: d.firmware_version ?? d.revision ?? null,
        capacity: d.user_capacity?.bytes ?? d.nvme_total_capacity ?? null,
        rotationRate: d.rotation_rate ?? null,
        temperature,
        powerOnHours,
        attributes,
        nvme,
        scsi,
        smartPassed: d.smart_status?.passed ?? null,
        exitStatus,
        exit: exitStatus === null ? null : decodeExitStatus(exitStatus),
        errorLogCount: d.ata_smart_error_log?.summary?.count ?? null,
        failedSelfTests: selfTests.filter(t => t.status.passed === false).length,
        asleep,
        messages,
    };
}

export interface ScanDevice {
    readonly name: string;
    readonly type: string;
    readonly protocol: string;
}

const ScanSchema = z.object({
    devices: z.array(z.object({
        name: z.string().startsWith('/'),
        type: z.string(),
        protocol: z.string(),
    }).passthrough()),
}).passthrough();

/** Parses `smartctl --scan --json`: the devices smartctl would look at. */
export function parseSmartctlScan(text: string): ScanDevice[] {
    const result = ScanSchema.safeParse(parseJson(text));
    if (!result.success)
        throw new ParseError('smartctl --scan', describeIssues(result.error.issues));
    return result.data.devices.map(d => ({ name: d.name, type: d.type, protocol: d.protocol }));
}
