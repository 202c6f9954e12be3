import GLib from 'gi://GLib';
import { ParseError } from '../../src/service/zfs/parse-error.js';
import { NO_SCAN, parseCtime, parseDuration, parseScanStats, parseScanText, repairedInConfig } from '../../src/service/zfs/scan.js';
import { parseZpoolStatusText } from '../../src/service/zfs/zpool-status-text.js';
import { parseZpoolStatusJson } from '../../src/service/zfs/zpool-status-json.js';
import { readFixture } from './fixtures.js';

/** Output recorded in this repository (tests/fixtures/, see its README.md). */
function ownFixture(relPath: string): string {
    const root = GLib.getenv('SIGMAVAULT_SOURCE_ROOT') ?? '.';
    const [, bytes] = GLib.file_get_contents(GLib.build_filenamev([root, 'tests', 'fixtures', relPath]));
    return new TextDecoder().decode(bytes);
}

function scanOf(statusText: string): string {
    const [pool] = parseZpoolStatusText(statusText);
    if (pool === undefined)
        throw new Error('no pool');
    return pool.scan;
}

const local = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
    GLib.DateTime.new_local(y, mo, d, h, mi, s)?.to_unix() ?? NaN;

describe('scan parser', () => {
    describe('zfs-fuse (recorded in tests/fixtures/zfs-fuse)', () => {
        it('reads "none requested" as no scan', () => {
            expect(parseScanText(scanOf(ownFixture('zfs-fuse/zpool-status-scrub-none.out')))).toEqual(NO_SCAN);
        });

        it('reads a scrub in progress with its percentage', () => {
            const text = ownFixture('zfs-fuse/zpool-status-scrub-in-progress.out');
            const scan = parseScanText(scanOf(text));
            expect(scan.kind).toBe('scrub');
            expect(scan.state).toBe('scanning');
            expect(scan.fraction).toBeCloseTo(0.1386, 4);
            expect(scan.secondsLeft).toBe(0);
            expect(scan.rate).toBeNull();
            // Repairs so far are noted beside the device.
            expect(repairedInConfig(text)).toBe(Math.round(65 * 1024 * 1024));
        });

        it('reads a completed scrub: errors, end time and minute-resolution duration', () => {
            const text = ownFixture('zfs-fuse/zpool-status-scrub-repaired.out');
            const scan = parseScanText(scanOf(text));
            expect(scan).toEqual(jasmine.objectContaining({
                kind: 'scrub', state: 'finished', fraction: 1, errors: 0, duration: 0,
                endTime: local(2026, 11, 22, 2, 30, 23),
            }));
            expect(repairedInConfig(text)).toBe(792 * 1024 * 1024);
            // The device's own counters are unaffected by the note after them.
            const [pool] = parseZpoolStatusText(text);
            const leaf = pool?.root.children[0]?.children[0];
            expect(leaf?.checksumErrors).toBe(Math.round(6.37 * 1024));
        });

        it('reads a stopped scrub as canceled', () => {
            const scan = parseScanText('scrub stopped after 1h2m with 3 errors on Tue Mar  3 04:05:06 2026');
            expect(scan).toEqual(jasmine.objectContaining({
                kind: 'scrub', state: 'canceled', errors: 3, duration: 3720, endTime: local(2026, 3, 3, 4, 5, 6),
            }));
        });

        it('reads a resilver in progress', () => {
            const scan = parseScanText('resilver in progress for 0h5m, 45.00% done, 0h6m to go');
            expect(scan).toEqual(jasmine.objectContaining({ kind: 'resilver', state: 'scanning', fraction: 0.45, secondsLeft: 360 }));
        });

        it('finds no repairs in a clean pool', () => {
            expect(repairedInConfig(ownFixture('zfs-fuse/zpool-status-scrub-none.out'))).toBeNull();
        });
    });

    describe('OpenZFS text', () => {
        it('reads a scrub in progress: issued, total, rate, repaired, percentage and time left', () => {
            const scan = parseScanText('scrub in progress since Sun Jul 25 16:07:49 2021 ' +
                '1.64T scanned at 18.2G/s, 155G issued at 1.72G/s, 13.3T total ' +
                '0B repaired, 1.14% done, 02:10:27 to go');
            expect(scan.kind).toBe('scrub');
            expect(scan.state).toBe('scanning');
            expect(scan.fraction).toBeCloseTo(0.0114, 4);
            expect(scan.done).toBe(155 * 1024 ** 3);
            expect(scan.total).toBe(Math.round(13.3 * 1024 ** 4));
            expect(scan.rate).toBe(Math.round(1.72 * 1024 ** 3));
            expect(scan.repaired).toBe(0);
            expect(scan.secondsLeft).toBe(2 * 3600 + 10 * 60 + 27);
            expect(scan.startTime).toBe(local(2021, 7, 25, 16, 7, 49));
        });

        it('reads the 0.8 wording with days and no estimate', () => {
            const scan = parseScanText('resilver in progress since Mon Jan  6 10:00:00 2020 ' +
                '2.35G scanned at 120M/s, 1.05G issued at 53.6M/s, 7.32G total 1.05G resilvered, 14.31% done, ' +
                'no estimated completion time');
            expect(scan).toEqual(jasmine.objectContaining({ kind: 'resilver', state: 'scanning', secondsLeft: null }));
            expect(scan.repaired).toBe(Math.round(1.05 * 1024 ** 3));
        });

        it('reads a paused scrub with its start date', () => {
            const scan = parseScanText('scrub paused since Wed Nov 18 10:00:00 2026 ' +
                'scrub started on Wed Nov 18 09:00:00 2026 1.2G scanned, 512M issued, 4G total 0B repaired, 12.50% done');
            expect(scan).toEqual(jasmine.objectContaining({
                kind: 'scrub', state: 'paused', fraction: 0.125, startTime: local(2026, 11, 18, 9, 0, 0),
            }));
        });

        it('reads finished scrubs and resilvers in every duration format', () => {
            expect(scanOf(readFixture('zpool-text/zpool-status-v4.out'))).toContain('scrub repaired 0B in 11:16:03');
            expect(parseScanText(scanOf(readFixture('zpool-text/zpool-status-v4.out')))).toEqual(jasmine.objectContaining({
                kind: 'scrub', state: 'finished', repaired: 0, errors: 0, duration: 11 * 3600 + 16 * 60 + 3,
            }));
            expect(parseScanText('scrub repaired 0 in 0 days 00:19:47 with 0 errors on Sun Dec 29 00:43:48 2019').duration)
                .toBe(19 * 60 + 47);
            expect(parseScanText('resilvered 1.50G in 00:00:05 with 2 errors on Sun Nov 22 02:30:23 2026')).toEqual(
                jasmine.objectContaining({ kind: 'resilver', state: 'finished', repaired: Math.round(1.5 * 1024 ** 3), errors: 2 }));
        });

        it('reads a canceled scrub', () => {
            expect(parseScanText('scrub canceled on Sun Nov 22 02:30:23 2026')).toEqual(jasmine.objectContaining({
                kind: 'scrub', state: 'canceled', endTime: local(2026, 11, 22, 2, 30, 23),
            }));
        });

        it('keeps unknown wording as a scan of unknown progress, never throws', () => {
            expect(parseScanText('scrub doing something new')).toEqual({ ...NO_SCAN, kind: 'scrub', state: 'finished' });
            expect(parseScanText('rebuild in progress')).toEqual(NO_SCAN);
        });
    });

    describe('OpenZFS 2.3 JSON scan_stats', () => {
        const running = {
            function: 'SCRUB', state: 'SCANNING', start_time: 1000, end_time: 0, to_examine: 4000, examined: 3000,
            issued: 1000, processed: 0, errors: 0, pass_start: 1000, pass_issued: 1000, pass_scrub_pause: 0,
        };

        it('reads a running scrub: fraction from issued bytes, rate over the pass, time left', () => {
            const scan = parseScanStats(running, 1010);
            expect(scan).toEqual(jasmine.objectContaining({
                kind: 'scrub', state: 'scanning', fraction: 0.25, done: 1000, total: 4000, rate: 100, secondsLeft: 30,
                startTime: 1000, endTime: null,
            }));
        });

        it('reads a paused scrub', () => {
            expect(parseScanStats({ ...running, pass_scrub_pause: 1005 }, 1010).state).toBe('paused');
        });

        it('reads a finished scrub with repairs, errors and duration', () => {
            const scan = parseScanStats({ ...running, state: 'FINISHED', end_time: 1100, processed: 8192, errors: 2 }, 2000);
            expect(scan).toEqual(jasmine.objectContaining({
                state: 'finished', fraction: 1, repaired: 8192, errors: 2, duration: 100, endTime: 1100, rate: null,
            }));
        });

        it('reads canceled, resilver, none and missing stats', () => {
            expect(parseScanStats({ ...running, state: 'CANCELED', end_time: 1100 }, 2000).state).toBe('canceled');
            expect(parseScanStats({ ...running, function: 'RESILVER' }, 1010).kind).toBe('resilver');
            expect(parseScanStats({ function: 'NONE', state: 'NONE' }, 0)).toEqual(NO_SCAN);
            expect(parseScanStats(undefined, 0)).toEqual(NO_SCAN);
        });

        it('refuses a scan_stats that is not an object of numbers and strings', () => {
            expect(() => parseScanStats({ function: 'SCRUB', examined: true }, 0)).toThrowError(ParseError);
        });

        it('is carried through the zpool status -j parser', () => {
            const doc = JSON.parse(readFixture('zfs-json/zpool-status.json')) as { pools: Record<string, Record<string, unknown>> };
            const tank = doc.pools.tank;
            if (tank)
                tank.scan_stats = { ...running, state: 'FINISHED', end_time: 1100 };
            const [pool] = parseZpoolStatusJson(JSON.stringify(doc), 2000);
            expect(pool?.scanInfo).toEqual(jasmine.objectContaining({ kind: 'scrub', state: 'finished', duration: 100 }));
        });
    });

    it('reads ctime dates and durations, and refuses what they are not', () => {
        expect(parseCtime('Sun Nov 22 02:30:23 2026')).toBe(local(2026, 11, 22, 2, 30, 23));
        expect(parseCtime('yesterday')).toBeNull();
        expect(parseDuration('1h2m')).toBe(3720);
        expect(parseDuration('2 days 00:00:01')).toBe(172801);
        expect(parseDuration('soon')).toBeNull();
    });
});
