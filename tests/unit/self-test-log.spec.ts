// The self-test parser on every recorded smartctl document in
// ../shared/fixtures/smartctl/ (see PROVENANCE.md there), and on small
// documents in the layout smartmontools 7.3+ prints for NVMe and SCSI logs,
// which none of the recordings has.
import { newSelfTestEntries, parseSelfTests, type SelfTestEntry } from '../../src/service/smart/self-test-log.js';
import { ParseError } from '../../src/service/zfs/parse-error.js';
import { readFixture } from './fixtures.js';

const fixture = (name: string): ReturnType<typeof parseSelfTests> => parseSelfTests(readFixture(`smartctl/${name}`));

describe('self-test parser on the recorded smartctl documents', () => {
    it('reads the SATA disk with a short test in progress and 21 logged tests (smart-ata.json)', () => {
        const t = fixture('smart-ata.json');
        expect(t.protocol).toBe('ata');
        expect(t.supported).toEqual(['short', 'long']);
        expect(t.minutes).toEqual({ short: 2, long: 1479, conveyance: null });
        expect(t.current).toEqual({ running: true, kind: null, remainingPercent: 10, lastResult: null,
            status: 'in progress, 10% remaining' });
        expect(t.entries.length).toBe(21);
        expect(t.entries[0]).toEqual({ kind: 'short', description: 'Short offline', result: 'passed',
            status: 'Completed without error', lifetimeHours: 1708, remainingPercent: 0, firstErrorLba: null });
        expect(t.entries.filter(e => e.kind === 'long').length).toBeGreaterThan(0);
        expect(t.entries.every(e => e.result === 'passed')).toBeTrue();
        expect(t.entries.at(-1)?.lifetimeHours).toBe(1157);
    });

    it('reads three extended tests that ended in a read failure, with their first bad LBA (smart-fail2.json)', () => {
        const t = fixture('smart-fail2.json');
        expect(t.current).toEqual({ running: false, kind: null, remainingPercent: null, lastResult: 'passed',
            status: 'completed without error' });
        expect(t.minutes).toEqual({ short: 1, long: 79, conveyance: null });
        const failed = t.entries.filter(e => e.result === 'failed');
        expect(failed.map(e => [e.kind, e.status, e.remainingPercent, e.firstErrorLba, e.lifetimeHours])).toEqual([
            ['long', 'Completed: read failure', 90, 104870168, 4],
            ['long', 'Completed: read failure', 90, 104874784, 65375],
            ['long', 'Completed: read failure', 90, 104874792, 65231],
        ]);
        expect(t.entries.length).toBe(21);
    });

    it('reads the extended (48-bit) log smartctl -x prints (smart-ata-full.json)', () => {
        const t = fixture('smart-ata-full.json');
        expect(t.protocol).toBe('ata');
        expect(t.supported).toEqual(['short', 'long']);
        expect(t.current?.running).toBeFalse();
        expect(t.entries.length).toBe(19);
        expect(t.entries[0]).toEqual(jasmine.objectContaining({ kind: 'short', result: 'passed', lifetimeHours: 14417 }));
        expect(t.entries[3]).toEqual(jasmine.objectContaining({ kind: 'long', description: 'Extended offline' }));
    });

    it('finds nothing to say about self-tests in an attributes-only document (smart-sat.json)', () => {
        const t = fixture('smart-sat.json');
        expect(t).toEqual({ protocol: 'ata', supported: [], minutes: { short: null, long: null, conveyance: null },
            current: null, entries: [] });
    });

    it('offers no self-test on NVMe documents from smartctl 7.0/7.1, which had no NVMe self-test log', () => {
        for (const name of ['smart-nvme.json', 'smart-nvme-failed.json']) {
            const t = fixture(name);
            expect(t.protocol).withContext(name).toBe('nvme');
            expect(t.supported).withContext(name).toEqual([]);
            expect(t.current).withContext(name).toBeNull();
            expect(t.entries).withContext(name).toEqual([]);
        }
    });

    it('reads the abridged SCSI document, which has no self-test log', () => {
        const t = fixture('smart-scsi.json');
        expect(t.protocol).toBe('scsi');
        expect(t.supported).toEqual(['short', 'long']);
        expect(t.current).toBeNull();
        expect(t.entries).toEqual([]);
    });

    it('refuses device lists (smartctl --scan)', () => {
        for (const name of ['smartctl_scan_simple.json', 'smartctl_scan_nvme.json'])
            expect(() => fixture(name)).withContext(name).toThrowError(ParseError, /device list/);
    });
});

describe('self-test parser on NVMe and SCSI logs (smartmontools 7.3+ layout)', () => {
    it('reads an NVMe log with a running short test and a failed extended one', () => {
        const t = parseSelfTests(JSON.stringify({
            device: { name: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' },
            nvme_self_test_log: {
                nsid: -1,
                current_self_test_operation: { value: 1, string: 'Short self-test in progress' },
                current_self_test_completion_percent: 30,
                table: [
                    { self_test_code: { value: 2, string: 'Extended' },
                        self_test_result: { value: 7, string: 'Completed: failed segments' },
                        power_on_hours: 900, lba: 123456, segment: 2 },
                    { self_test_code: { value: 1, string: 'Short' },
                        self_test_result: { value: 1, string: 'Aborted: Self-test command' }, power_on_hours: 800 },
                    { self_test_code: { value: 1, string: 'Short' },
                        self_test_result: { value: 0, string: 'Completed without error' }, power_on_hours: 700 },
                ],
            },
        }));
        expect(t.protocol).toBe('nvme');
        expect(t.supported).toEqual(['short', 'long']);
        expect(t.current).toEqual({ running: true, kind: 'short', remainingPercent: 70, lastResult: null,
            status: 'Short self-test in progress' });
        expect(t.entries.map(e => [e.kind, e.result, e.lifetimeHours, e.firstErrorLba])).toEqual([
            ['long', 'failed', 900, 123456], ['short', 'aborted', 800, null], ['short', 'passed', 700, null]]);
    });

    it('reads an idle NVMe log', () => {
        const t = parseSelfTests(JSON.stringify({
            device: { name: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' },
            nvme_self_test_log: { current_self_test_operation: { value: 0, string: 'No self-test in progress' } },
        }));
        expect(t.current).toEqual({ running: false, kind: null, remainingPercent: null, lastResult: null,
            status: 'No self-test in progress' });
        expect(t.entries).toEqual([]);
    });

    it('reads SCSI self-test results in their numbered order, a running one first', () => {
        const t = parseSelfTests(JSON.stringify({
            device: { name: '/dev/sdg', type: 'scsi', protocol: 'SCSI' },
            scsi_self_test_10: { code: { value: 1, string: 'Background short' }, result: { value: 0, string: 'Completed' },
                power_on_time: { hours: 10 } },
            scsi_self_test_0: { code: { value: 2, string: 'Background long' },
                result: { value: 15, string: 'Self test in progress ...' }, self_test_in_progress: true },
            scsi_self_test_1: { code: { value: 1, string: 'Background short' },
                result: { value: 7, string: 'Failed in segment -->' }, power_on_time: { hours: 400 },
                lba_first_failure: { value: 9876 }, failed_segment: { value: 3 } },
        }));
        expect(t.current).toEqual({ running: true, kind: 'long', remainingPercent: null, lastResult: null,
            status: 'Self test in progress ...' });
        expect(t.entries.map(e => [e.kind, e.result, e.lifetimeHours, e.firstErrorLba])).toEqual([
            ['long', 'running', null, null], ['short', 'failed', 400, 9876], ['short', 'passed', 10, null]]);
    });

    it('refuses what is not smartctl JSON, and values of the wrong type', () => {
        expect(() => parseSelfTests('smartctl 6.6')).toThrowError(ParseError, /not JSON/);
        expect(() => parseSelfTests(JSON.stringify({ ata_smart_data: { self_test: { status: { value: 'busy' } } } })))
            .toThrowError(ParseError, /ata_smart_data\.self_test\.status\.value/);
        expect(() => parseSelfTests(JSON.stringify({ device: { type: 'nvme', protocol: 'NVMe' },
            nvme_self_test_log: { table: [{ self_test_code: { value: 1 }, self_test_result: { value: 0 }, lba: 2 ** 60 }] } })))
            .toThrowError(ParseError, /too large/);
        expect(() => parseSelfTests(JSON.stringify({ scsi_self_test_0: { code: 'short' } }))).toThrowError(ParseError, /scsi_self_test_0/);
    });
});

describe('new entries in a self-test log', () => {
    const entry = (hours: number, result: SelfTestEntry['result'] = 'passed'): SelfTestEntry => ({
        kind: 'short', description: 'Short offline', result, status: result, lifetimeHours: hours,
        remainingPercent: 0, firstErrorLba: null,
    });
    const before = [entry(30), entry(20), entry(10)];

    it('finds an entry added to a log that has room', () => {
        expect(newSelfTestEntries(before, [entry(40), ...before], true)).toEqual([entry(40)]);
    });

    it('finds an entry added to a full log that dropped its oldest', () => {
        expect(newSelfTestEntries(before, [entry(40, 'failed'), entry(30), entry(20)], true)).toEqual([entry(40, 'failed')]);
    });

    it('finds nothing new in an unchanged log unless a test was seen to end', () => {
        expect(newSelfTestEntries(before, before, false)).toEqual([]);
        const same = [entry(5), entry(5), entry(5)];
        expect(newSelfTestEntries(same, same, true)).toEqual([entry(5)]);
    });

    it('takes every entry as new when the log was empty before', () => {
        expect(newSelfTestEntries([], [entry(1)], true)).toEqual([entry(1)]);
        expect(newSelfTestEntries([], [], true)).toEqual([]);
    });
});
