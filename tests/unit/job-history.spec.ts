import { bounded, HISTORY_LIMIT, type JobRecord, parseHistory, serializeHistory } from '../../src/service/jobs/history.js';
import { durationWords, scanResultWords } from '../../src/service/jobs/scrub.js';
import { NO_SCAN } from '../../src/service/zfs/scan.js';

function job(id: number, state: JobRecord['state'] = 'succeeded'): JobRecord {
    return {
        id, operation: 'pool-scrub', objects: ['/com/sigmavault/Daemon/pools/tank'], lock: 'scrub:tank',
        startTime: 1_000_000 * id, endTime: state === 'running' ? 0 : 1_000_000 * id + 5, startedByUid: 0, state,
        message: state === 'running' ? '' : 'Scrub of pool tank finished in 1 s: nothing needed to be repaired, 0 errors.',
        progress: state === 'running' ? 0.5 : 1, bytes: 100, bytesDone: 50, log: ['2026-11-22 02:00:00 Started by uid 0.'],
    };
}

describe('job history', () => {
    it('round-trips through the file format', () => {
        const jobs = [job(1), job(2, 'failed'), job(3, 'cancelled')];
        const loaded = parseHistory(serializeHistory(4, jobs), 99);
        expect(loaded).toEqual({ ok: true, file: { version: 1, nextId: 4, jobs } });
    });

    it('reports jobs that were running when the file was written as interrupted', () => {
        const loaded = parseHistory(serializeHistory(3, [job(1), job(2, 'running')]), 123_000_000);
        if (!loaded.ok)
            throw new Error(loaded.reason);
        const interrupted = loaded.file.jobs[1];
        expect(interrupted?.state).toBe('interrupted');
        expect(interrupted?.endTime).toBe(123_000_000);
        expect(interrupted?.message).toContain('Interrupted');
        expect(loaded.file.jobs[0]?.state).toBe('succeeded');
    });

    it('keeps the newest finished jobs and every running one', () => {
        const jobs = Array.from({ length: HISTORY_LIMIT + 20 }, (_x, i) => job(i + 1));
        jobs.push(job(1000, 'running'));
        const kept = bounded(jobs);
        expect(kept.length).toBe(HISTORY_LIMIT + 1);
        expect(kept[0]?.id).toBe(21);
        expect(kept.at(-1)?.state).toBe('running');
        expect(bounded([job(5, 'paused'), job(1)], 0).map(j => j.id)).toEqual([5]);
    });

    it('never trusts a next id lower than a job it lists', () => {
        const text = JSON.stringify({ version: 1, nextId: 1, jobs: [job(7)] });
        const loaded = parseHistory(text, 0);
        expect(loaded.ok && loaded.file.nextId).toBe(8);
    });

    it('refuses damaged files with a reason instead of half-reading them', () => {
        const cases = [
            'not json{',
            JSON.stringify({ version: 2, nextId: 1, jobs: [] }),
            JSON.stringify({ version: 1, nextId: 1, jobs: [{ ...job(1), state: 'exploded' }] }),
            JSON.stringify({ version: 1, nextId: 1, jobs: [{ ...job(1), objects: ['not a path'] }] }),
            JSON.stringify({ version: 1, nextId: 1, jobs: [{ ...job(1), extra: true }] }),
        ];
        for (const text of cases) {
            const loaded = parseHistory(text, 0);
            expect(loaded.ok).withContext(text).toBeFalse();
            expect(!loaded.ok && loaded.reason.length > 0).toBeTrue();
        }
    });

    it('refuses to write a record that does not validate', () => {
        expect(() => serializeHistory(2, [{ ...job(1), progress: 2 }])).toThrow();
    });
});

describe('scrub words', () => {
    it('say what a scan repaired and found', () => {
        expect(scanResultWords({ ...NO_SCAN, kind: 'scrub', state: 'finished', errors: 0 }, 792 * 1024 * 1024))
            .toBe('repaired 792M, 0 errors');
        expect(scanResultWords({ ...NO_SCAN, kind: 'scrub', state: 'finished', errors: 1, repaired: 0 }, null))
            .toBe('nothing needed to be repaired, 1 error');
        expect(scanResultWords({ ...NO_SCAN, kind: 'resilver', state: 'finished', repaired: 1536 }, null))
            .toBe('resilvered 1.5K');
    });

    it('say how long', () => {
        expect(durationWords(0.4)).toBe('0 s');
        expect(durationWords(65)).toBe('1 min 5 s');
        expect(durationWords(7260)).toBe('2 h 1 min');
    });
});
