// SMART self-tests in `smartctl --json` output (smartmontools 7.x): which
// tests a disk offers, the test running now, and the self-test log, for
// ATA (`ata_smart_data.self_test`, `ata_smart_self_test_log`), NVMe
// (`nvme_self_test_log`, smartctl 7.3 and later) and SCSI
// (`scsi_self_test_N`). Results are judged by the status codes the
// standards define (ATA ACS, NVMe Log 06h, SCSI SPC self-test results log),
// never by smartctl's wording, which changes between versions.
import { z } from '../../shared/vendor/zod.js';
import { describeIssues, ParseError } from '../zfs/parse-error.js';

const SOURCE = 'smartctl --json (self-tests)';

const count = z.number().int().nonnegative();
/** LBAs and hours: JSON numbers past 2^53 would not be exact; refuse them rather than show a wrong one. */
const exact = count.refine(Number.isSafeInteger, 'too large to be read exactly');
const coded = z.object({ value: count, string: z.string().optional() }).passthrough();

const AtaStatusSchema = z.object({
    value: count,
    string: z.string().optional(),
    remaining_percent: count.optional(),
    passed: z.boolean().optional(),
}).passthrough();

const AtaTableSchema = z.object({
    table: z.array(z.object({
        type: coded,
        status: AtaStatusSchema,
        lifetime_hours: exact.optional(),
        lba: exact.optional(),
    }).passthrough()).optional(),
}).passthrough();

const NvmeLogSchema = z.object({
    current_self_test_operation: coded.optional(),
    current_self_test_completion_percent: count.optional(),
    table: z.array(z.object({
        self_test_code: coded,
        self_test_result: coded,
        power_on_hours: exact.optional(),
        lba: exact.optional(),
        segment: count.optional(),
    }).passthrough()).optional(),
}).passthrough();

const ScsiEntrySchema = z.object({
    code: coded,
    result: coded,
    self_test_in_progress: z.boolean().optional(),
    power_on_time: z.object({ hours: exact.optional() }).passthrough().optional(),
    lba_first_failure: z.union([exact, z.object({ value: exact }).passthrough()]).optional(),
    failed_segment: z.union([count, z.object({ value: count }).passthrough()]).optional(),
}).passthrough();

const DocumentSchema = z.object({
    device: z.object({ type: z.string(), protocol: z.string() }).passthrough().optional(),
    ata_smart_data: z.object({
        self_test: z.object({
            status: AtaStatusSchema.optional(),
            polling_minutes: z.object({
                short: count.optional(),
                extended: count.optional(),
                conveyance: count.optional(),
            }).passthrough().optional(),
        }).passthrough().optional(),
        capabilities: z.object({
            self_tests_supported: z.boolean().optional(),
            conveyance_self_test_supported: z.boolean().optional(),
        }).passthrough().optional(),
    }).passthrough().optional(),
    ata_smart_self_test_log: z.object({
        standard: AtaTableSchema.optional(),
        extended: AtaTableSchema.optional(),
    }).passthrough().optional(),
    nvme_self_test_log: NvmeLogSchema.optional(),
    devices: z.array(z.unknown()).optional(),
}).passthrough();

/** The tests StartSelfTest can ask for. */
export const SELF_TEST_TYPES = ['short', 'long', 'conveyance'] as const;
export type SelfTestType = (typeof SELF_TEST_TYPES)[number];

/** What a logged test was: the three above, or what else drives record. */
export type SelfTestKind = SelfTestType | 'selective' | 'offline' | 'vendor' | 'unknown';

/** How a test ended: passed, found a problem, was stopped, or is still running. */
export type SelfTestResult = 'passed' | 'failed' | 'aborted' | 'interrupted' | 'running' | 'unknown';

export interface SelfTestEntry {
    readonly kind: SelfTestKind;
    /** smartctl's name for the test, e.g. "Short offline", "Extended". */
    readonly description: string;
    readonly result: SelfTestResult;
    /** smartctl's words for the result, e.g. "Completed: read failure". */
    readonly status: string;
    /** Power-on hours when the test ended. */
    readonly lifetimeHours: number | null;
    /** How much of the test was left when it ended (ATA), in percent. */
    readonly remainingPercent: number | null;
    /** The first block that failed to read, when the drive says. */
    readonly firstErrorLba: number | null;
}

export interface CurrentSelfTest {
    readonly running: boolean;
    /** Which test runs, when the drive says (NVMe does; ATA does not). */
    readonly kind: SelfTestKind | null;
    /** Percent left while running; null when the drive does not say (SCSI). */
    readonly remainingPercent: number | null;
    /** The result of the last test as the drive's status register has it (ATA), when not running. */
    readonly lastResult: SelfTestResult | null;
    readonly status: string;
}

export interface SelfTests {
    readonly protocol: 'ata' | 'nvme' | 'scsi' | 'unknown';
    /** The tests this disk can run; empty when smartctl shows no support (or did not look). */
    readonly supported: readonly SelfTestType[];
    /** The drive's own estimate of how long each test takes, in minutes (ATA). */
    readonly minutes: Readonly<Record<SelfTestType, number | null>>;
    /** The test running now; null when the document does not say. */
    readonly current: CurrentSelfTest | null;
    /** Newest first, as smartctl lists them. */
    readonly entries: readonly SelfTestEntry[];
}

/** ATA self-test execution status (ACS, SMART READ DATA byte 363), high nibble. */
function ataResult(status: number): SelfTestResult {
    switch (status >> 4) {
    case 0x0: return 'passed';
    case 0x1: return 'aborted'; // by the host
    case 0x2: return 'interrupted'; // by a hard or soft reset
    case 0x3: case 0x4: case 0x5: case 0x6: case 0x7: case 0x8: return 'failed';
    case 0xf: return 'running';
    default: return 'unknown';
    }
}

/** ATA log entry test number (ACS, SMART EXECUTE OFF-LINE IMMEDIATE subcommands). */
function ataKind(value: number): SelfTestKind {
    switch (value) {
    case 0x00: return 'offline';
    case 0x01: case 0x81: return 'short';
    case 0x02: case 0x82: return 'long';
    case 0x03: case 0x83: return 'conveyance';
    case 0x04: case 0x84: return 'selective';
    default: return value >= 0x40 && value <= 0x7e ? 'vendor' : 'unknown';
    }
}

/** NVMe self-test code (Device Self-test command, Log 06h). */
function nvmeKind(value: number): SelfTestKind {
    switch (value) {
    case 0x1: return 'short';
    case 0x2: return 'long';
    case 0xe: return 'vendor';
    default: return 'unknown';
    }
}

/** NVMe self-test result (Log 06h, Device Self-test Status bits 3:0). */
function nvmeResult(value: number): SelfTestResult {
    switch (value) {
    case 0x0: return 'passed';
    case 0x1: case 0x3: case 0x4: case 0x8: case 0x9: return 'aborted';
    case 0x2: return 'interrupted'; // controller reset
    case 0x5: case 0x6: case 0x7: return 'failed';
    default: return 'unknown';
    }
}

/** SCSI self-test code (SEND DIAGNOSTIC): background or foreground, short or extended. */
function scsiKind(value: number): SelfTestKind {
    switch (value) {
    case 1: case 5: return 'short';
    case 2: case 6: return 'long';
    default: return 'unknown';
    }
}

/** SCSI self-test results log parameter, SELF-TEST RESULTS field. */
function scsiResult(value: number): SelfTestResult {
    switch (value) {
    case 0: return 'passed';
    case 1: return 'aborted';
    case 2: return 'interrupted';
    case 3: case 4: case 5: case 6: case 7: return 'failed';
    case 15: return 'running';
    default: return 'unknown';
    }
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new ParseError(SOURCE, `not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
}

const valueOf = (v: number | { value: number } | undefined): number | null =>
    v === undefined ? null : typeof v === 'number' ? v : v.value;

/** The `scsi_self_test_N` members of a document, by N. */
function scsiEntries(doc: Record<string, unknown>): z.infer<typeof ScsiEntrySchema>[] {
    const keys = Object.keys(doc)
        .map(k => /^scsi_self_test_(\d+)$/.exec(k))
        .filter((m): m is RegExpExecArray => m !== null)
        .sort((a, b) => Number(a[1]) - Number(b[1]));
    return keys.map(m => {
        const parsed = ScsiEntrySchema.safeParse(doc[m[0]]);
        if (!parsed.success)
            throw new ParseError(SOURCE, `${m[0]}: ${describeIssues(parsed.error.issues)}`);
        return parsed.data;
    });
}

function protocolOf(d: z.infer<typeof DocumentSchema>, scsiCount: number): SelfTests['protocol'] {
    const type = d.device?.type ?? '';
    const protocol = (d.device?.protocol ?? '').toUpperCase();
    if (type === 'nvme' || protocol === 'NVME' || d.nvme_self_test_log !== undefined)
        return 'nvme';
    if (protocol === 'ATA' || d.ata_smart_data !== undefined || d.ata_smart_self_test_log !== undefined)
        return 'ata';
    if (protocol === 'SCSI' || scsiCount > 0)
        return 'scsi';
    return 'unknown';
}

/** Parses the self-test parts of one `smartctl --json` document (-a, -x, or -c -l selftest). */
export function parseSelfTests(text: string): SelfTests {
    const raw = parseJson(text);
    const result = DocumentSchema.safeParse(raw);
    if (!result.success)
        throw new ParseError(SOURCE, describeIssues(result.error.issues));
    const d = result.data;
    if (d.devices !== undefined && d.device === undefined)
        throw new ParseError(SOURCE, 'this is a device list (smartctl --scan), not a report about one device');
    const scsi = scsiEntries(raw as Record<string, unknown>);
    const protocol = protocolOf(d, scsi.length);
    const none: Record<SelfTestType, number | null> = { short: null, long: null, conveyance: null };

    if (protocol === 'ata') {
        const selfTest = d.ata_smart_data?.self_test;
        const caps = d.ata_smart_data?.capabilities;
        const supported: SelfTestType[] = caps?.self_tests_supported === true
            ? (caps.conveyance_self_test_supported === true ? ['short', 'long', 'conveyance'] : ['short', 'long'])
            : [];
        const status = selfTest?.status;
        const current: CurrentSelfTest | null = status === undefined ? null : {
            running: ataResult(status.value) === 'running',
            kind: null,
            remainingPercent: ataResult(status.value) === 'running' ? (status.remaining_percent ?? (status.value & 0xf) * 10) : null,
            lastResult: ataResult(status.value) === 'running' ? null : ataResult(status.value),
            status: status.string ?? '',
        };
        // -x reads the extended (48-bit) log, -a the standard one; both list newest first.
        const log = d.ata_smart_self_test_log;
        const table = log?.extended?.table ?? log?.standard?.table ?? [];
        return {
            protocol, supported, current,
            minutes: {
                short: selfTest?.polling_minutes?.short ?? null,
                long: selfTest?.polling_minutes?.extended ?? null,
                conveyance: selfTest?.polling_minutes?.conveyance ?? null,
            },
            entries: table.map(e => {
                const res = ataResult(e.status.value);
                // Where smartctl judged the entry, its judgement agrees with the code; trust the code.
                return {
                    kind: ataKind(e.type.value),
                    description: e.type.string ?? `Test ${e.type.value}`,
                    result: res,
                    status: e.status.string ?? '',
                    lifetimeHours: e.lifetime_hours ?? null,
                    // The low nibble is the part left in tens of percent (0 for a test that ran to its end).
                    remainingPercent: e.status.remaining_percent ?? (e.status.value & 0xf) * 10,
                    firstErrorLba: e.lba ?? null,
                };
            }),
        };
    }

    if (protocol === 'nvme') {
        const log = d.nvme_self_test_log;
        const op = log?.current_self_test_operation;
        const running = op !== undefined && (op.value & 0xf) !== 0;
        const completion = log?.current_self_test_completion_percent;
        return {
            protocol,
            // smartctl prints this log only for a controller that supports self-tests (OACS bit 4).
            supported: log !== undefined ? ['short', 'long'] : [],
            minutes: none,
            current: op === undefined ? null : {
                running,
                kind: running ? nvmeKind(op.value & 0xf) : null,
                remainingPercent: running && completion !== undefined ? Math.max(0, 100 - completion) : null,
                lastResult: null,
                status: op.string ?? '',
            },
            entries: (log?.table ?? []).map(e => ({
                kind: nvmeKind(e.self_test_code.value),
                description: e.self_test_code.string ?? `Test ${e.self_test_code.value}`,
                result: nvmeResult(e.self_test_result.value),
                status: e.self_test_result.string ?? '',
                lifetimeHours: e.power_on_hours ?? null,
                remainingPercent: null,
                firstErrorLba: e.lba ?? null,
            })),
        };
    }

    if (protocol === 'scsi') {
        const first = scsi[0];
        const running = first !== undefined && (first.self_test_in_progress === true || scsiResult(first.result.value) === 'running');
        return {
            protocol,
            // Background short and extended self-tests are part of SPC; smartctl shows no capability bit.
            supported: ['short', 'long'],
            minutes: none,
            current: first === undefined ? null : {
                running, kind: running ? scsiKind(first.code.value) : null, remainingPercent: null, lastResult: null,
                status: running ? (first.result.string ?? '') : '',
            },
            entries: scsi.map(e => ({
                kind: scsiKind(e.code.value),
                description: e.code.string ?? `Test ${e.code.value}`,
                result: e.self_test_in_progress === true ? 'running' : scsiResult(e.result.value),
                status: e.result.string ?? '',
                lifetimeHours: e.power_on_time?.hours ?? null,
                remainingPercent: null,
                firstErrorLba: valueOf(e.lba_first_failure),
            })),
        };
    }

    return { protocol, supported: [], minutes: none, current: null, entries: [] };
}

const sameEntry = (a: SelfTestEntry, b: SelfTestEntry): boolean =>
    a.kind === b.kind && a.result === b.result && a.status === b.status && a.lifetimeHours === b.lifetimeHours &&
    a.remainingPercent === b.remainingPercent && a.firstErrorLba === b.firstErrorLba;

/**
 * The entries in `now` that were not in `before` (both newest first). A
 * drive keeps a fixed number of entries and drops the oldest, so the new log
 * is the old one shifted by the new entries. With `expectNew` (a test was
 * seen to end), a log that looks unchanged is read as shifted by one: a log
 * full of identical entries gains one that looks like the rest.
 */
export function newSelfTestEntries(before: readonly SelfTestEntry[], now: readonly SelfTestEntry[],
    expectNew: boolean): SelfTestEntry[] {
    const shiftedBy = (k: number): boolean =>
        now.slice(k).every((e, i) => {
            const old = before[i];
            return old !== undefined && sameEntry(e, old);
        });
    for (let k = expectNew ? 1 : 0; k <= now.length; k++) {
        if (shiftedBy(k))
            return now.slice(0, k);
    }
    return [...now];
}
