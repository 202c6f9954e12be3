// A health verdict for one drive from its SMART report, with the reasons in
// words a person can act on.
//
// ATA: the critical attributes Scrutiny judges (5, 10, 184, 187, 188, 196,
// 197, 198, 201) against the annual failure rates Backblaze observed for
// ranges of their values, as Scrutiny's threshold tables record them: a
// critical attribute in a range whose drives failed at 10 % a year or more
// is failing. Where Scrutiny finds no range for a value (a gap between
// ranges, or beyond the data), this takes the nearest range instead of
// only warning, so 100 000 reallocated sectors fail like 17 000 do.
// Attribute 201 has no observed ranges; only its manufacturer threshold
// counts. Raw values a vendor packs (a raw string that is not a plain
// number) are read through their leading number and can only warn.
//
// NVMe: the health log as Scrutiny reads it (critical warning bits, spare
// below its threshold, percentage used over 100, any media error), plus a
// warning from 90 % used. SCSI: grown defects over 40 and more than 10
// uncorrected read or write errors, Scrutiny's limits.
//
// On top of the tables: smartctl's own verdict (smart_status and the exit
// status bits of smartctl(8)) and attributes failing their manufacturer
// threshold now (failing) or in the past (warning).
//
// Pure code without gettext imports, so unit tests run it directly: the
// daemon passes its `_` in; the default returns the English text.
import { type AtaAttribute, leadingNumber, type SmartReport } from './smartctl.js';

export type Verdict = 'passed' | 'warning' | 'failing' | 'unknown';

export interface VerdictResult {
    readonly verdict: Verdict;
    readonly reasons: string[];
}

type Translate = (text: string) => string;
const identity: Translate = text => text;

/** Fills %s and %d in order (and %% as %), like shared/i18n's format(). */
function fill(template: string, ...args: (string | number)[]): string {
    let i = 0;
    return template.replace(/%[sd%]/g, m => (m === '%%' ? '%' : String(args[i++] ?? '')));
}

/** A range of observed values and the annual failure rate of drives in it. */
interface Range {
    readonly low: number;
    readonly high: number;
    readonly afr: number;
}

type ValueKind = 'raw' | 'normalized' | 'command-timeouts';

interface CriticalAttribute {
    readonly kind: ValueKind;
    readonly ranges: readonly Range[];
    /** What the value means, with %d for it. */
    readonly describe: (_: Translate) => string;
}

// Backblaze-derived ranges (low exclusive, high inclusive; low = high is
// one value) and annual failure rates as Scrutiny's ata_attribute_metadata
// lists them; rates are fractions (0.236 = 23.6 % a year).
const CRITICAL: Readonly<Record<number, CriticalAttribute>> = {
    5: {
        kind: 'raw',
        describe: _ => _('%d sectors have gone bad and were replaced by spare sectors (SMART attribute 5, Reallocated Sectors).'),
        ranges: [
            { low: 0, high: 0, afr: 0.0252 }, { low: 1, high: 4, afr: 0.0274 }, { low: 4, high: 16, afr: 0.0750 },
            { low: 16, high: 70, afr: 0.2359 }, { low: 70, high: 260, afr: 0.3619 },
            { low: 260, high: 1100, afr: 0.5677 }, { low: 1100, high: 4500, afr: 1.5028 },
            { low: 4500, high: 17000, afr: 2.0660 }, { low: 17000, high: 70000, afr: 1.7755 },
        ],
    },
    10: {
        kind: 'raw',
        describe: _ => _('The disk needed %d retries to spin up (SMART attribute 10, Spin Retry Count).'),
        ranges: [{ low: 0, high: 0, afr: 0.0546 }, { low: 1, high: 80, afr: 0.5556 }],
    },
    184: {
        kind: 'normalized',
        describe: _ => _('The disk detected data corrupted between its cache and the disk surface (SMART attribute 184, End-to-End Error, value %d).'),
        ranges: [
            { low: 93, high: 94, afr: 1.6312 }, { low: 94, high: 95, afr: 0 }, { low: 95, high: 96, afr: 0 },
            { low: 96, high: 97, afr: 0 }, { low: 97, high: 97, afr: 0 }, { low: 97, high: 98, afr: 1.8069 },
            { low: 98, high: 99, afr: 0.8372 }, { low: 99, high: 100, afr: 0.0933 },
        ],
    },
    187: {
        kind: 'raw',
        describe: _ => _('%d reads failed and could not be corrected by the disk (SMART attribute 187, Reported Uncorrectable Errors).'),
        ranges: [
            { low: 0, high: 0, afr: 0.0281 }, { low: 1, high: 1, afr: 0.3388 }, { low: 1, high: 3, afr: 0.2406 },
            { low: 3, high: 6, afr: 0.5014 }, { low: 6, high: 11, afr: 0.3801 }, { low: 11, high: 20, afr: 0.5346 },
            { low: 20, high: 35, afr: 0.8428 }, { low: 35, high: 65, afr: 1.4429 }, { low: 65, high: 120, afr: 1.6191 },
        ],
    },
    188: {
        kind: 'command-timeouts',
        describe: _ => _('%d commands to the disk timed out (SMART attribute 188, Command Timeout). A loose or bad cable can cause this too.'),
        ranges: [
            { low: 0, high: 100, afr: 0.0249 }, { low: 100, high: 13e9, afr: 0.1004 },
            { low: 13e9, high: 26e9, afr: 0.3340 }, { low: 26e9, high: 39e9, afr: 0.3672 },
            { low: 39e9, high: 52e9, afr: 0.2985 }, { low: 52e9, high: 65e9, afr: 0.2203 },
            { low: 65e9, high: 78e9, afr: 0.3018 }, { low: 78e9, high: 91e9, afr: 0.3285 },
            { low: 91e9, high: 104e9, afr: 0.2849 },
        ],
    },
    196: {
        kind: 'raw',
        describe: _ => _('The disk moved data away from bad sectors %d times (SMART attribute 196, Reallocation Events).'),
        ranges: [
            { low: 0, high: 0, afr: 0.0074 }, { low: 1, high: 1, afr: 0.0266 }, { low: 1, high: 2, afr: 0.0247 },
            { low: 2, high: 4, afr: 0.0320 }, { low: 4, high: 7, afr: 0.0431 }, { low: 7, high: 11, afr: 0.0338 },
            { low: 11, high: 17, afr: 0.1698 }, { low: 17, high: 27, afr: 0.0590 }, { low: 27, high: 45, afr: 0.2470 },
        ],
    },
    197: {
        kind: 'raw',
        describe: _ => _('%d sectors cannot be read right now and wait to be replaced (SMART attribute 197, Current Pending Sectors).'),
        ranges: [
            { low: 0, high: 0, afr: 0.0255 }, { low: 1, high: 2, afr: 0.3420 }, { low: 2, high: 6, afr: 0.6824 },
            { low: 6, high: 16, afr: 0.6108 }, { low: 16, high: 40, afr: 0.9565 }, { low: 40, high: 100, afr: 1.6520 },
            { low: 100, high: 250, afr: 2.5138 }, { low: 250, high: 650, afr: 3.3203 }, { low: 650, high: 1600, afr: 3.1330 },
        ],
    },
    198: {
        kind: 'raw',
        describe: _ => _('%d sectors could not be read or written at all (SMART attribute 198, Offline Uncorrectable).'),
        ranges: [
            { low: 0, high: 0, afr: 0.0287 }, { low: 1, high: 2, afr: 0.8136 }, { low: 2, high: 4, afr: 1.1173 },
            { low: 4, high: 6, afr: 1.3559 }, { low: 6, high: 8, afr: 0.7324 }, { low: 8, high: 10, afr: 0.5777 },
            { low: 10, high: 12, afr: 1.7464 }, { low: 12, high: 14, afr: 2.6449 }, { low: 14, high: 16, afr: 0.7969 },
        ],
    },
    201: {
        kind: 'normalized',
        describe: _ => _('Soft read errors (SMART attribute 201, value %d).'),
        ranges: [],
    },
};

/** The critical ATA attributes judged against observed failure rates. */
export const CRITICAL_ATA_ATTRIBUTES: readonly number[] = Object.keys(CRITICAL).map(Number);

/** Scrutiny's limit: a critical attribute whose drives fail at 10 %/year or more fails. */
const FAILING_AFR = 0.10;
/** Scrutiny's SCSI limits. */
const SCSI_GROWN_DEFECTS_LIMIT = 40;
const SCSI_UNCORRECTED_LIMIT = 10;
const NVME_WEAR_WARNING = 90;

function inRange(r: Range, v: number): boolean {
    return r.low === r.high ? v === r.low : r.low < v && v <= r.high;
}

function distance(r: Range, v: number): number {
    if (v >= r.low && v <= r.high)
        return 0;
    return Math.min(Math.abs(v - r.low), Math.abs(v - r.high));
}

/**
 * The observed range a value falls in: the exact match Scrutiny uses, else
 * the nearest range (on a tie the riskier one).
 */
export function observedRange(ranges: readonly Range[], value: number): Range | null {
    const exact = ranges.find(r => inRange(r, value));
    if (exact)
        return exact;
    let best: Range | null = null;
    for (const r of ranges) {
        if (best === null || distance(r, value) < distance(best, value) ||
            (distance(r, value) === distance(best, value) && r.afr > best.afr))
            best = r;
    }
    return best;
}

/** Seagate packs three counters into 188's raw value; the last is the total. */
function commandTimeouts(a: AtaAttribute): number {
    const pieces = a.rawString.trim().split(/\s+/).map(Number);
    if (pieces.length === 3 && pieces.every(Number.isInteger) &&
        (pieces[0] ?? 0) <= (pieces[1] ?? 0) && (pieces[1] ?? 0) <= (pieces[2] ?? 0))
        return pieces[2] ?? a.raw;
    return a.raw;
}

interface Finding {
    readonly severity: 'warning' | 'failing';
    readonly text: string;
}

function judgeAttribute(a: AtaAttribute, _: Translate): Finding[] {
    const findings: Finding[] = [];
    const label = a.name.replace(/_/g, ' ');
    if (a.whenFailed === 'now') {
        findings.push({ severity: 'failing', text: fill(_('SMART attribute %d (%s) is below the limit its manufacturer set: the disk itself predicts that it will fail.'), a.id, label) });
    } else if (a.whenFailed === 'past') {
        findings.push({ severity: 'warning', text: fill(_('SMART attribute %d (%s) was below the limit its manufacturer set at some time in the past.'), a.id, label) });
    }
    const critical = CRITICAL[a.id];
    if (!critical || critical.ranges.length === 0)
        return findings;
    let value: number;
    let packed = false;
    if (critical.kind === 'normalized') {
        value = a.value;
    } else if (critical.kind === 'command-timeouts') {
        value = commandTimeouts(a);
    } else if (/^\s*\d+\s*$/.test(a.rawString)) {
        value = a.raw;
    } else {
        // A vendor-packed raw value: smartctl's reading of it leads the string.
        value = leadingNumber(a.rawString) ?? a.raw;
        packed = true;
    }
    const range = observedRange(critical.ranges, value);
    if (range === null || range.afr < FAILING_AFR)
        return findings;
    const rate = fill(_('In Backblaze’s data, disks with this value fail at a rate of about %d %% a year.'), Math.round(range.afr * 100));
    const what = fill(critical.describe(_), value);
    if (packed) {
        findings.push({ severity: 'warning', text: `${what} ${rate} ${_('The disk encodes this counter in its own way, so the number may not be exact.')}` });
    } else {
        findings.push({ severity: 'failing', text: `${what} ${rate}` });
    }
    return findings;
}

const NVME_WARNING_BITS: readonly [number, (_: Translate) => string][] = [
    [0, _ => _('The spare space the drive uses to replace worn-out cells has run low.')],
    [1, _ => _('The drive is too hot or too cold.')],
    [2, _ => _('The drive reports that its reliability is degraded by media errors or internal errors.')],
    [3, _ => _('The drive has switched itself to read-only.')],
    [4, _ => _('The drive’s volatile memory backup (power-loss protection) has failed.')],
    [5, _ => _('The drive’s persistent memory region has become read-only.')],
];

function judgeNvme(report: SmartReport, _: Translate): Finding[] {
    const n = report.nvme;
    if (!n)
        return [];
    const findings: Finding[] = [];
    const cw = n.criticalWarning ?? 0;
    for (const [bit, text] of NVME_WARNING_BITS) {
        if (cw & (1 << bit)) {
            // Temperature alone is a condition of the moment, not wear.
            findings.push({ severity: bit === 1 ? 'warning' : 'failing', text: fill(_('Critical warning: %s'), text(_)) });
        }
    }
    if (n.availableSpare !== null && n.availableSpareThreshold !== null && n.availableSpare < n.availableSpareThreshold) {
        findings.push({ severity: 'failing', text: fill(_('Only %d %% of the spare space is left, below the %d %% the manufacturer considers safe.'), n.availableSpare, n.availableSpareThreshold) });
    }
    if (n.percentageUsed !== null) {
        if (n.percentageUsed > 100)
            findings.push({ severity: 'failing', text: fill(_('The drive has used up %d %% of its rated endurance.'), n.percentageUsed) });
        else if (n.percentageUsed >= NVME_WEAR_WARNING)
            findings.push({ severity: 'warning', text: fill(_('The drive has used %d %% of its rated endurance.'), n.percentageUsed) });
    }
    if (n.mediaErrors !== null && n.mediaErrors > 0) {
        findings.push({ severity: 'failing', text: fill(_('The drive found %d errors in stored data that it could not recover (media errors).'), n.mediaErrors) });
    }
    return findings;
}

function judgeScsi(report: SmartReport, _: Translate): Finding[] {
    const s = report.scsi;
    if (!s)
        return [];
    const findings: Finding[] = [];
    if (s.grownDefects !== null && s.grownDefects > SCSI_GROWN_DEFECTS_LIMIT) {
        findings.push({ severity: 'failing', text: fill(_('%d blocks have gone bad since the disk left the factory (grown defect list); more than %d is a sign of a failing disk.'), s.grownDefects, SCSI_GROWN_DEFECTS_LIMIT) });
    }
    for (const [count, template] of [
        [s.readUncorrected, _('%d reads failed and could not be corrected by the disk.')],
        [s.writeUncorrected, _('%d writes failed and could not be corrected by the disk.')],
    ] as const) {
        if (count !== null && count > SCSI_UNCORRECTED_LIMIT)
            findings.push({ severity: 'failing', text: fill(template, count) });
    }
    return findings;
}

function judgeSmartctl(report: SmartReport, _: Translate): Finding[] {
    const findings: Finding[] = [];
    if (report.smartPassed === false) {
        findings.push({ severity: 'failing', text: _('The disk’s own health check (SMART) reports that the disk is failing.') });
    }
    const x = report.exit;
    if (!x)
        return findings;
    if (x.diskFailing && report.smartPassed !== false)
        findings.push({ severity: 'failing', text: _('The disk’s own health check (SMART) reports that the disk is failing.') });
    if (x.prefailBelowThreshold && !report.attributes.some(a => a.whenFailed === 'now'))
        findings.push({ severity: 'failing', text: _('Some of the disk’s pre-failure attributes are below the limits its manufacturer set.') });
    if (x.pastBelowThreshold && !report.attributes.some(a => a.whenFailed === 'past'))
        findings.push({ severity: 'warning', text: _('Some of the disk’s attributes were below the limits its manufacturer set at some time in the past.') });
    if (x.errorLog) {
        findings.push({ severity: 'warning', text: report.errorLogCount
            ? fill(_('The disk has logged %d errors.'), report.errorLogCount)
            : _('The disk has logged errors.') });
    }
    if (x.selfTestLog) {
        findings.push({ severity: 'warning', text: report.failedSelfTests > 0
            ? fill(_('%d of the disk’s recent self-tests failed.'), report.failedSelfTests)
            : _('The disk’s self-test log records errors.') });
    }
    if (x.commandFailed)
        findings.push({ severity: 'warning', text: _('Some SMART commands to the disk failed, so what it reports may be incomplete.') });
    return findings;
}

/** The verdict and its reasons; actions come last, one per verdict. */
export function smartVerdict(report: SmartReport, _: Translate = identity): VerdictResult {
    if (report.asleep)
        return { verdict: 'unknown', reasons: [_('The disk is asleep; SigmaVault does not wake it just to check it.')] };
    if (report.exit?.commandLine)
        return { verdict: 'unknown', reasons: [_('smartctl did not accept its command line; SigmaVault may not support this smartctl version.')] };
    const hasData = report.smartPassed !== null || report.attributes.length > 0 || report.nvme !== null || report.scsi !== null;
    if (report.exit?.openFailed && !hasData)
        return { verdict: 'unknown', reasons: [_('smartctl could not open the disk or read its identity.')] };
    if (!hasData)
        return { verdict: 'unknown', reasons: [_('The disk reports no SMART health data.')] };

    const findings = [
        ...judgeSmartctl(report, _),
        ...report.attributes.flatMap(a => judgeAttribute(a, _)),
        ...judgeNvme(report, _),
        ...judgeScsi(report, _),
    ];
    const seen = new Set<string>();
    const unique = findings.filter(f => !seen.has(f.text) && seen.add(f.text));
    const failing = unique.filter(f => f.severity === 'failing');
    const warnings = unique.filter(f => f.severity === 'warning');
    if (failing.length > 0) {
        return {
            verdict: 'failing',
            reasons: [...failing, ...warnings].map(f => f.text)
                .concat(_('Back up the data on this disk now and replace the disk.')),
        };
    }
    if (warnings.length > 0) {
        return {
            verdict: 'warning',
            reasons: warnings.map(f => f.text)
                .concat(_('Make sure the data on this disk is backed up, and watch whether this gets worse.')),
        };
    }
    const reasons: string[] = [];
    if (report.smartPassed === null)
        reasons.push(_('smartctl did not report the disk’s own overall verdict; the verdict rests on its attributes alone.'));
    return { verdict: 'passed', reasons };
}
