// Automatic snapshots end to end: the real daemon (started with a short
// minimum frequent interval, so that snapshots fall due within seconds
// through the same timer and code as every 15 minutes), polkitd with test
// rules, a zfs-fuse pool, prune jobs and the CLI.
import GLib from 'gi://GLib';
import { DATASET_IFACE, datasetPath, ErrorName } from '../../src/shared/dbus-names.js';
import { type DatasetInfo, listSnapshots, readDatasets } from '../../src/shared/dataset-info.js';
import { readJobs } from '../../src/shared/job-info.js';
import { callDaemon, type CallOutcome } from '../harness/dbus.js';
import { check, run, type Service, spawnService, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

const NO_UI = { 'auth.no_user_interaction': new GLib.Variant('b', true) };
const DATA = 'snappol/data';

type Dict = Record<string, GLib.Variant>;
const u = (n: number): GLib.Variant => new GLib.Variant('u', n);

describe('automatic snapshots', () => {
    let sys: TestSystem;
    let daemon: Service;

    beforeAll(async () => {
        sys = await TestSystem.start();
        await sys.createPool('snappol', 'single', 1, 256);
        await sys.zfs('create', DATA);
        await sys.zfs('create', `${DATA}/kid`);
        // Started directly rather than by activation, so that it gets the environment.
        daemon = spawnService('sigmavaultd', ['/usr/lib/sigmavault/sigmavaultd'],
            { env: { SIGMAVAULT_MIN_SNAPSHOT_INTERVAL: '1' }, logFile: GLib.build_filenamev([sys.logDir, 'sigmavaultd-snapshot-policy.log']) });
        await waitFor('sigmavaultd to own its name', () => sys.hasOwner('com.sigmavault.Daemon'), 20000);
        await waitFor(`${DATA} to be a dataset`, async () => (await readDatasets(sys.systemBus)).some(d => d.name === `${DATA}/kid`), 20000);
    });

    afterAll(async () => {
        await daemon?.stop();
        await sys?.stop();
    });

    const call = (name: string, method: string, args: GLib.Variant): Promise<CallOutcome> =>
        callDaemon(sys.systemBus, datasetPath(name), DATASET_IFACE, method, args);
    const setPolicy = (name: string, policy: Dict): Promise<CallOutcome> =>
        call(name, 'SetSnapshotPolicy', new GLib.Variant('(a{sv}a{sv})', [policy, NO_UI]));
    const preview = async (name: string, policy: Dict): Promise<{ take: string[]; destroy: string[]; spared: [string, string][] }> => {
        const r = await call(name, 'PreviewPrune', new GLib.Variant('(a{sv}a{sv})', [policy, {}]));
        if (!r.ok)
            throw new Error(r.message);
        const [take, destroy, spared] = r.value as [string[], string[], [string, string][]];
        return { take, destroy, spared };
    };
    const names = async (name: string): Promise<string[]> =>
        (await listSnapshots(sys.systemBus, datasetPath(name), 0, 5000)).page.map(s => s.name);
    const autos = async (name: string): Promise<string[]> => (await names(name)).filter(n => n.startsWith('sv-auto-frequent-'));
    const dataset = async (name: string): Promise<DatasetInfo | undefined> => (await readDatasets(sys.systemBus)).find(d => d.name === name);
    const prunesRunning = async (): Promise<boolean> =>
        (await readJobs(sys.systemBus)).some(j => j.lock === `prune:${DATA}` && (j.state === 'running' || j.state === 'paused'));
    const asSvuser = (...argv: string[]): ReturnType<typeof run> =>
        run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--', ...argv]);

    it('refuses an unprivileged user, but shows anyone the preview', async () => {
        const path = datasetPath(DATA);
        const set = await asSvuser('gdbus', 'call', '--system', '--dest', 'com.sigmavault.Daemon', '--object-path', path,
            '--method', `${DATASET_IFACE}.SetSnapshotPolicy`, '{"daily": <uint32 7>}', '{}');
        expect(set.stderr).toContain(ErrorName.NotAuthorized);
        const cli = await asSvuser('sigmavaultctl', 'snapshot', 'policy', DATA, '--daily', '7');
        expect(cli.status).toBe(1);
        expect(cli.stderr).toContain('not allowed');
        const look = await asSvuser('gdbus', 'call', '--system', '--dest', 'com.sigmavault.Daemon', '--object-path', path,
            '--method', `${DATASET_IFACE}.PreviewPrune`, '{"daily": <uint32 7>}', '{}');
        expect(look.status).withContext(look.stderr).toBe(0);
        expect((await dataset(DATA))?.snapshotPolicy).toEqual({});
    });

    it('refuses bad policies with InvalidArgument and a sentence', async () => {
        const bad: Dict[] = [
            { daily: new GLib.Variant('s', '7') },
            { hourly: u(1), fortnightly: u(2) },
            { hourly: u(0) },
            { frequent: u(2), 'frequent-interval': u(0) },
            { frequent: u(2), 'frequent-interval': u(7200) },
        ];
        for (const policy of bad) {
            const r = await setPolicy(DATA, policy);
            expect(r.ok ? 'ok' : r.error).withContext(JSON.stringify(Object.keys(policy))).toBe(ErrorName.InvalidArgument);
        }
        const unknownOption = await call(DATA, 'PreviewPrune', new GLib.Variant('(a{sv}a{sv})', [{ daily: u(1) }, { bogus: new GLib.Variant('b', true) }]));
        expect(unknownOption.ok ? 'ok' : unknownOption.error).toBe(ErrorName.InvalidArgument);
    });

    it('takes frequent snapshots when due, prunes beyond the count, never held or manual ones, exactly as previewed', async () => {
        await sys.zfs('snapshot', `${DATA}@before-policy`);
        expect((await call(DATA, 'CreateSnapshot', new GLib.Variant('(sba{sv})', ['manual-%Y%m%d', false, NO_UI]))).ok).toBeTrue();
        const manual = (await names(DATA)).filter(n => !n.startsWith('sv-auto-'));
        expect(manual.length).toBe(2);

        let signals = 0;
        let held = '';
        const id = sys.systemBus.signal_subscribe(null, DATASET_IFACE, 'SnapshotsChanged', datasetPath(DATA), null, 0, () => {
            signals++;
        });
        try {
            const r = await setPolicy(DATA, { frequent: u(3), 'frequent-interval': u(2) });
            expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
            const d = await dataset(DATA);
            expect(d?.snapshotPolicy).toEqual(jasmine.objectContaining({ frequent: 3, 'frequent-interval': 2, recursive: false }));
            expect(d?.snapshotPolicyFrom).toBe(DATA);

            // Snapshots appear, one per 2-second slot.
            const first = await waitFor('3 automatic snapshots', async () => {
                const a = await autos(DATA);
                return a.length >= 3 ? a : undefined;
            }, 20000, 200);
            const second = first[1] ?? '';
            held = first[0] ?? '';
            expect((await call(DATA, 'Hold', new GLib.Variant('(ssa{sv})', [held, 'keep', NO_UI]))).ok).toBeTrue();

            // Later ones push the second out; the held one stays though it is beyond the count.
            await waitFor(`${second} to be pruned`, async () => !(await names(DATA)).includes(second), 20000, 200);
            const now = await names(DATA);
            expect(now).toContain(held);
            expect(manual.every(m => now.includes(m))).toBeTrue();
            expect(signals).toBeGreaterThan(2);
            // A running job's log lines are published a moment after they are written.
            const said = (logs: string[]): boolean => logs.some(l => l.includes(`Destroyed ${DATA}@${second}.`)) &&
                logs.some(l => l.includes(`Kept ${DATA}@${held} (held).`));
            const prunes = await waitFor('the prune jobs to log what they did', async () => {
                const jobs = (await readJobs(sys.systemBus)).filter(j => j.lock === `prune:${DATA}`);
                return said(jobs.flatMap(j => j.log)) ? jobs : undefined;
            }, 5000, 100).catch(async () => (await readJobs(sys.systemBus)).filter(j => j.lock === `prune:${DATA}`));
            expect(prunes.length).toBeGreaterThan(0);
            expect(prunes.every(j => j.operation === 'snapshot-prune')).toBeTrue();
            const logs = prunes.flatMap(j => j.log);
            expect(logs.some(l => l.includes(`Destroyed ${DATA}@${second}.`))).withContext(logs.join('\n')).toBeTrue();
            expect(logs.some(l => l.includes(`Kept ${DATA}@${held} (held).`))).withContext(logs.join('\n')).toBeTrue();

            // Stop taking new ones (a one-hour interval whose slot already has
            // snapshots), let any prune finish, and the list stands still.
            expect((await setPolicy(DATA, { frequent: u(3), 'frequent-interval': u(3600) })).ok).toBeTrue();
            await waitFor('no prune to be running', async () => !await prunesRunning(), 20000, 200);
            const before = await names(DATA);
            expect(before.filter(n => n.startsWith('sv-auto-')).length).toBe(4); // three, and the held one

            const wanted = { frequent: u(1), 'frequent-interval': u(3600) };
            const p = await preview(DATA, wanted);
            expect(p.take).toEqual([]);
            expect(p.destroy.length).toBe(2);
            expect(p.spared).toEqual([[`${DATA}@${held}`, 'held']]);
            // The CLI shows the same before saving, and saves nothing with --preview.
            const cli = JSON.parse(await check(['sigmavaultctl', 'snapshot', 'policy', DATA, '--frequent', '1', '--preview', '--json'])) as
                { destroy: string[]; saved: boolean };
            expect(cli.destroy).toEqual(p.destroy);
            expect(cli.saved).toBeFalse();
            expect((await dataset(DATA))?.snapshotPolicy).toEqual(jasmine.objectContaining({ frequent: 3 }));

            const saved = await setPolicy(DATA, wanted);
            expect(saved.ok).toBeTrue();
            const job = saved.ok ? saved.value[0] as string : '';
            expect(job).toMatch(/^\/com\/sigmavault\/Daemon\/jobs\/\d+$/);
            const done = await waitFor('the prune job to finish', async () => {
                const j = (await readJobs(sys.systemBus)).find(x => x.path === job);
                return j && j.state !== 'running' ? j : undefined;
            }, 20000, 200);
            expect(done.state).withContext(done.message).toBe('succeeded');
            expect(done.message).toContain(`Pruned 2 snapshots of ${DATA}`);
            const after = await names(DATA);
            const deleted = before.filter(n => !after.includes(n)).map(n => `${DATA}@${n}`);
            expect(deleted).toEqual(p.destroy);
            expect(after).toContain(held);
            expect(manual.every(m => after.includes(m))).toBeTrue();
        } finally {
            sys.systemBus.signal_unsubscribe(id);
        }
        expect((await call(DATA, 'Release', new GLib.Variant('(ssa{sv})', [held, 'keep', NO_UI]))).ok).toBeTrue();
    });

    it('turns off without deleting anything, from the CLI', async () => {
        const before = await names(DATA);
        const out = await check(['sigmavaultctl', 'snapshot', 'policy', DATA, '--off']);
        expect(out).toContain('automatic snapshots now off');
        expect((await dataset(DATA))?.snapshotPolicy).toEqual({});
        expect((await dataset(DATA))?.nextAutoSnapshot).toBe(0);
        expect(await names(DATA)).toEqual(before);
    });

    it('snapshots children with a recursive policy, and a covered child cannot have its own', async () => {
        const out = await check(['sigmavaultctl', 'snapshot', 'policy', DATA, '--daily', '2', '--recursive']);
        expect(out).toContain('including children');
        const kid = await waitFor('the child’s daily snapshot', async () => {
            const n = (await names(`${DATA}/kid`)).filter(x => x.startsWith('sv-auto-daily-'));
            return n.length === 1 ? n : undefined;
        }, 10000, 200);
        expect((await names(DATA)).filter(x => x.startsWith('sv-auto-daily-'))).toEqual(kid);
        const child = await dataset(`${DATA}/kid`);
        expect(child?.snapshotPolicyFrom).toBe(DATA);
        expect(child?.snapshotPolicy).toEqual({});
        await waitFor('the child to show when the next snapshot is due',
            async () => ((await dataset(`${DATA}/kid`))?.nextAutoSnapshot ?? 0) > Date.now() / 1000, 10000, 200);
        const own = await setPolicy(`${DATA}/kid`, { hourly: u(4) });
        expect(own.ok ? 'ok' : own.error).toBe(ErrorName.InvalidArgument);
        const above = await setPolicy('snappol', { hourly: u(4), recursive: new GLib.Variant('b', true) });
        expect(above.ok ? 'ok' : above.error).toBe(ErrorName.InvalidArgument);
        expect((await setPolicy(DATA, {})).ok).toBeTrue();
        expect((await dataset(`${DATA}/kid`))?.snapshotPolicyFrom).toBe('');
    });
});
