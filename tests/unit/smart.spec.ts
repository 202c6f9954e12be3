// SMART parsing and verdicts on every recorded smartctl document in
// ../shared/fixtures/smartctl/ (see PROVENANCE.md there for what each shows).
import GLib from 'gi://GLib';
import { decodeExitStatus, parseSmartctl, parseSmartctlScan, type SmartReport } from '../../src/service/smart/smartctl.js';
import { CRITICAL_ATA_ATTRIBUTES, observedRange, smartVerdict } from '../../src/service/smart/verdict.js';
import { ParseError } from '../../src/service/zfs/parse-error.js';
import { readFixture } from './fixtures.js';

const report = (name: string): SmartReport => parseSmartctl(readFixture(`smartctl/${name}`));

/** A report with only what a test sets; everything else absent. */
function synthetic(overrides: Partial<SmartReport>): SmartReport {
    return {
        device: '/dev/sdz', deviceType: 'sat', kind: 'sat', model: 'Test', family: null, serial: 'S1', firmware: null,
        capacity: 1, rotationRate: 7200, temperature: 30, powerOnHours: 1, attributes: [], nvme: null, scsi: null,
        smartPassed: true, exitStatus: 0, exit: decodeExitStatus(0), errorLogCount: 0, failedSelfTests: 0,
        asleep: false, messages: [], ...overrides,
    };
}

function ataAttribute(id: number, raw: number, rawString = String(raw), value = 100): SmartReport['attributes'][number] {
    return { id, name: `Attr_${id}`, value, worst: value, threshold: 10, whenFailed: '', prefailure: true, raw, rawString };
}

describe('smartctl --json parser', () => {
    it('reads a SATA hard disk (smart-ata.json)', () => {
        const r = report('smart-ata.json');
        expect(r.kind).toBe('sat');
        expect(r.device).toBe('/dev/sdb');
        expect(r.model).toBe('WDC WD140EDFZ-11A0VA0');
        expect(r.serial).toBe('9RK1XXXX');
        expect(r.capacity).toBe(14000519643136);
        expect(r.rotationRate).toBe(5400);
        expect(r.temperature).toBe(32);
        expect(r.powerOnHours).toBe(1730);
        expect(r.smartPassed).toBeTrue();
        expect(r.exitStatus).toBe(0);
        expect(r.attributes.find(a => a.id === 5)).toEqual(jasmine.objectContaining({ raw: 0, value: 100, whenFailed: '' }));
        expect(r.nvme).toBeNull();
        expect(r.asleep).toBeFalse();
    });

    it('reads a SATA SSD with the extended document (smart-ata-full.json)', () => {
        const r = report('smart-ata-full.json');
        expect(r.model).toBe('Samsung SSD 860 EVO 500GB');
        expect(r.family).toBe('Samsung based SSDs');
        expect(r.rotationRate).toBe(0);
        expect(r.temperature).toBe(36);
        expect(r.powerOnHours).toBe(14551);
        expect(r.attributes.length).toBe(14);
    });

    it('reads a failing disk behind a USB bridge with exit status 216 (smart-fail2.json)', () => {
        const r = report('smart-fail2.json');
        expect(r.deviceType).toBe('usbjmicron');
        expect(r.kind).toBe('sat');
        expect(r.model).toBe('Hitachi HDS721050DLE630');
        expect(r.smartPassed).toBeFalse();
        expect(r.exitStatus).toBe(216);
        expect(r.exit).toEqual({
            commandLine: false, openFailed: false, commandFailed: false, diskFailing: true,
            prefailBelowThreshold: true, pastBelowThreshold: false, errorLog: true, selfTestLog: true,
        });
        expect(r.attributes.find(a => a.id === 5)).toEqual(jasmine.objectContaining({ raw: 1975, value: 1, threshold: 5, whenFailed: 'now' }));
        expect(r.errorLogCount).toBe(56);
        expect(r.failedSelfTests).toBe(3);
        expect(r.powerOnHours).toBe(65592);
    });

    it('reads an NVMe drive (smart-nvme.json)', () => {
        const r = report('smart-nvme.json');
        expect(r.kind).toBe('nvme');
        expect(r.model).toBe('INTEL SSDPEKNW010T8');
        expect(r.capacity).toBe(1024209543168);
        expect(r.temperature).toBe(36);
        expect(r.powerOnHours).toBe(2401);
        expect(r.nvme).toEqual({
            criticalWarning: 0, availableSpare: 100, availableSpareThreshold: 10, percentageUsed: 0,
            mediaErrors: 0, errorLogEntries: 0,
        });
        expect(r.rotationRate).toBeNull();
    });

    it('reads an NVMe drive with media errors (smart-nvme-failed.json)', () => {
        const r = report('smart-nvme-failed.json');
        expect(r.model).toBe('Samsung SSD 970 EVO 500GB');
        expect(r.capacity).toBe(500107862016);
        expect(r.smartPassed).toBeTrue();
        expect(r.nvme?.mediaErrors).toBe(7);
        expect(r.nvme?.errorLogEntries).toBe(62);
        expect(r.powerOnHours).toBe(12798);
    });

    it('reads an abridged SCSI document without the smartctl block (smart-scsi.json)', () => {
        const r = report('smart-scsi.json');
        expect(r.kind).toBe('scsi');
        expect(r.model).toBe('SEAGATE ST4000NM0043');
        expect(r.firmware).toBe('MS03');
        expect(r.capacity).toBe(4000787030016);
        expect(r.temperature).toBe(34);
        expect(r.powerOnHours).toBe(43549);
        expect(r.scsi).toEqual({ grownDefects: 56, readUncorrected: 0, writeUncorrected: 0 });
        expect(r.exitStatus).toBeNull();
        expect(r.exit).toBeNull();
    });

    it('reads an attributes-only document without model or status (smart-sat.json)', () => {
        const r = report('smart-sat.json');
        expect(r.kind).toBe('sat');
        expect(r.model).toBeNull();
        expect(r.serial).toBeNull();
        expect(r.smartPassed).toBeNull();
        expect(r.temperature).toBe(29);
        // No power_on_time block: the leading number of attribute 9's raw string.
        expect(r.powerOnHours).toBe(2725);
        expect(r.attributes.length).toBe(22);
    });

    it('reads both scan documents, and refuses them as device reports', () => {
        const simple = parseSmartctlScan(readFixture('smartctl/smartctl_scan_simple.json'));
        expect(simple.map(d => d.name)).toEqual(['/dev/sda', '/dev/sdb', '/dev/sdc', '/dev/sdd', '/dev/sde', '/dev/sdf', '/dev/sdg']);
        expect(simple.every(d => d.type === 'scsi')).toBeTrue();
        expect(parseSmartctlScan(readFixture('smartctl/smartctl_scan_nvme.json')))
            .toEqual([{ name: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' }]);
        for (const f of ['smartctl_scan_simple.json', 'smartctl_scan_nvme.json'])
            expect(() => parseSmartctl(readFixture(`smartctl/${f}`))).toThrowMatching(e => e instanceof ParseError && /--scan/.test(String(e)));
    });

    it('covers every file in the fixtures directory', () => {
        const dir = GLib.build_filenamev([GLib.getenv('SIGMAVAULT_FIXTURES') ?? '', 'smartctl']);
        const names: string[] = [];
        const enumerator = GLib.Dir.open(dir, 0);
        for (let n = enumerator.read_name(); n !== null; n = enumerator.read_name())
            names.push(n);
        enumerator.close();
        expect(names.sort()).toEqual([
            'smart-ata-full.json', 'smart-ata.json', 'smart-fail2.json', 'smart-nvme-failed.json', 'smart-nvme.json',
            'smart-sat.json', 'smart-scsi.json', 'smartctl_scan_nvme.json', 'smartctl_scan_simple.json',
        ]);
    });

    it('recognizes a drive smartctl skipped because it was asleep', () => {
        const r = parseSmartctl(JSON.stringify({
            json_format_version: [1, 0],
            smartctl: { version: [7, 4], exit_status: 2, messages: [{ string: 'Device is in STANDBY mode, exit(2)', severity: 'information' }] },
            device: { name: '/dev/sda', info_name: '/dev/sda [SAT]', type: 'sat', protocol: 'ATA' },
        }));
        expect(r.asleep).toBeTrue();
        expect(r.exit?.openFailed).toBeTrue();
        expect(smartVerdict(r).verdict).toBe('unknown');
    });

    it('refuses what is not a smartctl document, with the reason', () => {
        expect(() => parseSmartctl('smartctl 6.6: unknown option --json')).toThrowError(ParseError, /not JSON/);
        expect(() => parseSmartctl('{"device": {"name": 3}}')).toThrowError(ParseError, /device\.name/);
        expect(() => parseSmartctl('{"smartctl": {"exit_status": 0}}')).toThrowError(ParseError, /names no device/);
        expect(() => parseSmartctl(JSON.stringify({ device: { name: '/dev/sda', type: 'sat', protocol: 'ATA' },
            ata_smart_attributes: { table: [{ id: 5, value: -1, raw: { value: 0 } }] } }))).toThrowError(ParseError, /value/);
    });

    it('decodes every exit status bit of smartctl(8)', () => {
        expect(Object.values(decodeExitStatus(0)).every(b => !b)).toBeTrue();
        expect(Object.values(decodeExitStatus(255)).every(b => b)).toBeTrue();
        expect(decodeExitStatus(2).openFailed).toBeTrue();
        expect(decodeExitStatus(4).commandFailed).toBeTrue();
        expect(decodeExitStatus(32).pastBelowThreshold).toBeTrue();
    });
});

describe('SMART verdict', () => {
    it('passes the healthy SATA disks', () => {
        expect(smartVerdict(report('smart-ata.json'))).toEqual({ verdict: 'passed', reasons: [] });
        expect(smartVerdict(report('smart-ata-full.json'))).toEqual({ verdict: 'passed', reasons: [] });
    });

    it('fails smart-fail2: drive verdict, reallocated 1975, events 3831, pending 8, and says what to do', () => {
        const { verdict, reasons } = smartVerdict(report('smart-fail2.json'));
        expect(verdict).toBe('failing');
        const text = reasons.join('\n');
        expect(text).toContain('reports that the disk is failing');
        expect(text).toContain('1975 sectors have gone bad');
        expect(text).toContain('about 150 % a year');
        expect(text).toContain('moved data away from bad sectors 3831 times');
        expect(text).toContain('8 sectors cannot be read right now');
        expect(text).toContain('attribute 5 (Reallocated Sector Ct) is below the limit');
        expect(text).toContain('The disk has logged 56 errors.');
        expect(text).toContain('3 of the disk’s recent self-tests failed.');
        expect(reasons.at(-1)).toBe('Back up the data on this disk now and replace the disk.');
        // The drive's verdict and exit bit 3 say the same: said once.
        expect(reasons.filter(r => r.includes('reports that the disk is failing')).length).toBe(1);
    });

    it('passes the healthy NVMe drive', () => {
        expect(smartVerdict(report('smart-nvme.json'))).toEqual({ verdict: 'passed', reasons: [] });
    });

    it('fails the NVMe drive with 7 media errors although its own verdict passes, as Scrutiny does', () => {
        const { verdict, reasons } = smartVerdict(report('smart-nvme-failed.json'));
        expect(verdict).toBe('failing');
        expect(reasons[0]).toBe('The drive found 7 errors in stored data that it could not recover (media errors).');
    });

    it('fails the SCSI disk with 56 grown defects (Scrutiny’s limit is 40)', () => {
        const { verdict, reasons } = smartVerdict(report('smart-scsi.json'));
        expect(verdict).toBe('failing');
        expect(reasons[0]).toContain('56 blocks have gone bad since the disk left the factory');
    });

    it('only warns on the attributes-only document: a vendor-packed 196 cannot fail the disk on its own', () => {
        const { verdict, reasons } = smartVerdict(report('smart-sat.json'));
        expect(verdict).toBe('warning');
        expect(reasons[0]).toContain('2111 times');
        expect(reasons[0]).toContain('may not be exact');
    });

    it('follows the observed ranges of the critical ATA attributes', () => {
        expect(CRITICAL_ATA_ATTRIBUTES).toEqual([5, 10, 184, 187, 188, 196, 197, 198, 201]);
        const verdictFor = (id: number, raw: number, rawString?: string, value?: number): string =>
            smartVerdict(synthetic({ attributes: [ataAttribute(id, raw, rawString, value)] })).verdict;
        expect(verdictFor(5, 0)).toBe('passed');
        expect(verdictFor(5, 1)).toBe('passed'); // nearest range (1, 4]: 2.7 %
        expect(verdictFor(5, 16)).toBe('passed'); // (4, 16]: 7.5 %
        expect(verdictFor(5, 17)).toBe('failing'); // (16, 70]: 23.6 %
        expect(verdictFor(5, 100000)).toBe('failing'); // beyond the data: the last range
        expect(verdictFor(10, 1)).toBe('failing');
        expect(verdictFor(184, 0, '0', 100)).toBe('passed');
        expect(verdictFor(184, 1, '1', 99)).toBe('failing');
        expect(verdictFor(187, 1)).toBe('failing');
        expect(verdictFor(188, 0)).toBe('passed');
        expect(verdictFor(188, 100)).toBe('passed');
        expect(verdictFor(188, 101)).toBe('failing');
        // Seagate's three packed counters: the last is the total.
        expect(verdictFor(188, 4295032833, '1 1 1')).toBe('passed');
        expect(verdictFor(196, 11)).toBe('passed');
        expect(verdictFor(196, 12)).toBe('failing');
        expect(verdictFor(197, 1)).toBe('failing');
        expect(verdictFor(198, 1)).toBe('failing');
        expect(verdictFor(201, 0, '0', 1)).toBe('passed'); // no observed ranges
    });

    it('picks the exact range first, else the nearest, else the riskier of two', () => {
        const ranges = [{ low: 0, high: 0, afr: 0.01 }, { low: 1, high: 4, afr: 0.02 }, { low: 10, high: 20, afr: 0.5 }];
        expect(observedRange(ranges, 0)?.afr).toBe(0.01);
        expect(observedRange(ranges, 1)?.afr).toBe(0.02);
        expect(observedRange(ranges, 7)?.afr).toBe(0.5);
        expect(observedRange([], 7)).toBeNull();
    });

    it('fails attributes failing their manufacturer threshold now, and warns on past failures', () => {
        const now = { ...ataAttribute(3, 0), whenFailed: 'now' as const };
        const past = { ...ataAttribute(3, 0), whenFailed: 'past' as const };
        expect(smartVerdict(synthetic({ attributes: [now] })).verdict).toBe('failing');
        expect(smartVerdict(synthetic({ attributes: [past] })).verdict).toBe('warning');
    });

    it('reads the NVMe health log as Scrutiny does', () => {
        const nvme = (n: Partial<NonNullable<SmartReport['nvme']>>): string => smartVerdict(synthetic({
            kind: 'nvme', nvme: { criticalWarning: 0, availableSpare: 100, availableSpareThreshold: 10, percentageUsed: 0,
                mediaErrors: 0, errorLogEntries: 0, ...n } })).verdict;
        expect(nvme({})).toBe('passed');
        expect(nvme({ criticalWarning: 0b100 })).toBe('failing');
        expect(nvme({ criticalWarning: 0b10 })).toBe('warning'); // temperature only
        expect(nvme({ availableSpare: 9 })).toBe('failing');
        expect(nvme({ percentageUsed: 95 })).toBe('warning');
        expect(nvme({ percentageUsed: 101 })).toBe('failing');
        expect(nvme({ mediaErrors: 1 })).toBe('failing');
        expect(nvme({ errorLogEntries: 500 })).toBe('passed');
    });

    it('weighs smartctl’s exit status bits', () => {
        const withExit = (status: number, extra: Partial<SmartReport> = {}): ReturnType<typeof smartVerdict> =>
            smartVerdict(synthetic({ exitStatus: status, exit: decodeExitStatus(status), ...extra }));
        expect(withExit(1).verdict).toBe('unknown');
        expect(withExit(2, { smartPassed: null }).verdict).toBe('unknown');
        expect(withExit(2, { smartPassed: null }).reasons[0]).toContain('could not open');
        expect(withExit(4).verdict).toBe('warning');
        expect(withExit(8).verdict).toBe('failing');
        expect(withExit(16).verdict).toBe('failing');
        expect(withExit(32).verdict).toBe('warning');
        expect(withExit(64).reasons[0]).toBe('The disk has logged errors.');
        expect(withExit(128, { failedSelfTests: 1 }).reasons[0]).toBe('1 of the disk’s recent self-tests failed.');
    });

    it('says “unknown” when there is nothing to judge', () => {
        expect(smartVerdict(synthetic({ smartPassed: null })).verdict).toBe('unknown');
    });

    it('translates through the function it is given', () => {
        const marked = (s: string): string => `«${s}»`;
        expect(smartVerdict(report('smart-nvme-failed.json'), marked).reasons[0]).toBe(
            '«The drive found 7 errors in stored data that it could not recover (media errors).»');
    });
});
