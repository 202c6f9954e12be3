// Datasets and snapshots end to end: the real daemon on a private system
// bus, polkitd with test rules, zfs-fuse pools, and the CLI.
import GLib from 'gi://GLib';
import { DATASET_IFACE, datasetPath, ErrorName } from '../../src/shared/dbus-names.js';
import { type DatasetInfo, getProperties, listSnapshots, readDatasets } from '../../src/shared/dataset-info.js';
import { callDaemon, type CallOutcome } from '../harness/dbus.js';
import { check, run, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

const NO_UI = { 'auth.no_user_interaction': new GLib.Variant('b', true) };

describe('datasets and snapshots', () => {
    let sys: TestSystem;

    beforeAll(async () => {
        sys = await TestSystem.start();
        await sys.createPool('vault', 'single', 1, 256);
    });

    afterAll(async () => {
        await sys.stop();
    });

    const call = (name: string, method: string, args: GLib.Variant): Promise<CallOutcome> =>
        callDaemon(sys.systemBus, datasetPath(name), DATASET_IFACE, method, args);
    const dataset = async (name: string): Promise<DatasetInfo | undefined> =>
        (await readDatasets(sys.systemBus)).find(d => d.name === name);
    const asSvuser = (...argv: string[]): ReturnType<typeof run> =>
        run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--', ...argv]);
    const sha256 = async (path: string): Promise<string> => (await check(['sha256sum', '--', path])).split(' ')[0] ?? '';

    it('exports the pool root dataset with sizes', async () => {
        const root = await waitFor('vault to be a dataset', () => dataset('vault'));
        expect(root.pool).toBe('vault');
        expect(root.type).toBe('filesystem');
        expect(root.mountpoint).toBe('/vault');
        expect(root.available).toBeGreaterThan(100 * 1024 * 1024);
        expect(root.encryption).toBe('');
        expect(root.features).toEqual([]);
    });

    it('creates datasets with properties and shows where each property comes from', async () => {
        const r = await call('vault', 'CreateChild', new GLib.Variant('(sa{ss}a{sv})', ['docs',
            { compression: 'gzip', quota: '64M', recordsize: '64K', atime: 'off' }, NO_UI]));
        expect(r).toEqual({ ok: true, value: [datasetPath('vault/docs')] });
        const nested = await call('vault/docs', 'CreateChild', new GLib.Variant('(sa{ss}a{sv})', ['letters/2026', {}, NO_UI]));
        expect(nested.ok).withContext(JSON.stringify(nested)).toBeTrue();
        const docs = await dataset('vault/docs');
        expect(docs?.usedByChildren).toBeGreaterThanOrEqual(0);
        expect((await dataset('vault/docs/letters/2026'))?.mountpoint).toBe('/vault/docs/letters/2026');

        const props = await getProperties(sys.systemBus, datasetPath('vault/docs/letters'));
        const prop = (p: string): unknown => props.find(x => x.property === p);
        expect(prop('compression')).toEqual({ property: 'compression', value: 'gzip', source: 'inherited', inheritedFrom: 'vault/docs' });
        expect(prop('quota')).toEqual(jasmine.objectContaining({ source: 'default' }));
        expect(prop('used')).toEqual(jasmine.objectContaining({ source: 'none' }));
        const own = await getProperties(sys.systemBus, datasetPath('vault/docs'));
        expect(own.find(x => x.property === 'quota')).toEqual({ property: 'quota', value: String(64 * 1024 * 1024), source: 'local', inheritedFrom: '' });

        // Set, then make inherited again.
        expect((await call('vault/docs/letters', 'SetProperties', new GLib.Variant('(a{ss}a{sv})', [{ compression: 'off' }, NO_UI]))).ok).toBeTrue();
        let after = await getProperties(sys.systemBus, datasetPath('vault/docs/letters'));
        expect(after.find(x => x.property === 'compression')).toEqual(jasmine.objectContaining({ value: 'off', source: 'local' }));
        expect((await call('vault/docs/letters', 'SetProperties', new GLib.Variant('(a{ss}a{sv})', [{ compression: 'inherit' }, NO_UI]))).ok).toBeTrue();
        after = await getProperties(sys.systemBus, datasetPath('vault/docs/letters'));
        expect(after.find(x => x.property === 'compression')?.source).toBe('inherited');

        const cli = JSON.parse(await check(['sigmavaultctl', 'dataset', 'list', '--json'])) as { name: string }[];
        expect(cli.map(d => d.name)).toEqual(['vault', 'vault/docs', 'vault/docs/letters', 'vault/docs/letters/2026']);
        expect(await check(['sigmavaultctl', 'dataset', 'get', 'vault/docs', 'quota'])).toContain('local');
    });

    it('reports what zfs-fuse cannot do as ToolUnavailable, never faked', async () => {
        const enc = await call('vault', 'CreateChild', new GLib.Variant('(sa{ss}a{sv})', ['secret',
            { encryption: 'aes-256-gcm' }, { ...NO_UI, passphrase: new GLib.Variant('s', 'correct horse') }]));
        expect(enc.ok ? 'ok' : enc.error).toBe(ErrorName.ToolUnavailable);
        const zstd = await call('vault/docs', 'SetProperties', new GLib.Variant('(a{ss}a{sv})', [{ compression: 'zstd' }, NO_UI]));
        expect(zstd.ok ? 'ok' : zstd.error).toBe(ErrorName.ToolUnavailable);
        const key = await call('vault/docs', 'LoadKey', new GLib.Variant('(a{sv})', [NO_UI]));
        expect(key.ok ? 'ok' : key.error).toBe(ErrorName.ToolUnavailable);
        expect(await dataset('vault/secret')).toBeUndefined();
    });

    it('snapshots, rolls back after a change, and the file is back byte for byte', async () => {
        const file = '/vault/docs/report.bin';
        await check(['dd', 'if=/dev/urandom', `of=${file}`, 'bs=64K', 'count=16', 'status=none']);
        await check(['sync']);
        const before = await sha256(file);
        const snap = await call('vault/docs', 'CreateSnapshot', new GLib.Variant('(sba{sv})', ['before-%Y%m%d', false, NO_UI]));
        expect(snap.ok).withContext(JSON.stringify(snap)).toBeTrue();
        const full = snap.ok ? snap.value[0] as string : '';
        expect(full).toMatch(/^vault\/docs@before-\d{8}$/);
        const short = full.split('@')[1] ?? '';

        await check(['dd', 'if=/dev/urandom', `of=${file}`, 'bs=4K', 'count=3', 'seek=5', 'conv=notrunc', 'status=none']);
        await check(['sync']);
        expect(await sha256(file)).not.toBe(before);
        expect((await call('vault/docs', 'CreateSnapshot', new GLib.Variant('(sba{sv})', ['later', false, NO_UI]))).ok).toBeTrue();

        const preview = await call('vault/docs', 'RollbackPreview', new GLib.Variant('(s)', [short]));
        expect(preview).toEqual({ ok: true, value: [['vault/docs@later']] });
        const refused = await call('vault/docs', 'Rollback', new GLib.Variant('(sa{sv})', [short, NO_UI]));
        expect(refused.ok ? 'ok' : refused.error).toBe(ErrorName.InvalidArgument);
        const rolled = await call('vault/docs', 'Rollback', new GLib.Variant('(sa{sv})', [short,
            { ...NO_UI, 'destroy-newer': new GLib.Variant('b', true) }]));
        expect(rolled.ok).withContext(JSON.stringify(rolled)).toBeTrue();
        expect(await sha256(file)).toBe(before);
        const { page, total } = await listSnapshots(sys.systemBus, datasetPath('vault/docs'), 0, 10);
        expect(total).toBe(1);
        expect(page.map(s => s.name)).toEqual([short]);
    });

    it('holds and releases, clones, and previews what a destroy takes along', async () => {
        expect((await call('vault/docs', 'CreateSnapshot', new GLib.Variant('(sba{sv})', ['base', true, NO_UI]))).ok).toBeTrue();
        expect((await call('vault/docs', 'Hold', new GLib.Variant('(ssa{sv})', ['base', 'keep', NO_UI]))).ok).toBeTrue();
        const held = (await listSnapshots(sys.systemBus, datasetPath('vault/docs'), 0, 10)).page.find(s => s.name === 'base');
        expect(held?.holds).toBe(1);
        const destroyHeld = await call('vault/docs', 'DestroySnapshots', new GLib.Variant('(asa{sv})', [['base'], NO_UI]));
        expect(destroyHeld.ok).toBeFalse();
        expect((await call('vault/docs', 'Release', new GLib.Variant('(ssa{sv})', ['base', 'keep', NO_UI]))).ok).toBeTrue();

        const clone = await call('vault/docs', 'CloneSnapshot', new GLib.Variant('(ssa{sv})', ['base', 'vault/copy', NO_UI]));
        expect(clone).toEqual({ ok: true, value: [datasetPath('vault/copy')] });
        expect((await dataset('vault/copy'))?.origin).toBe('vault/docs@base');

        const preview = await call('vault/docs', 'PreviewDestroy', new GLib.Variant('(a{sv})', [{}]));
        expect(preview.ok).toBeTrue();
        const [children, snapshots, clones] = preview.ok ? preview.value as [string[], string[], string[]] : [[], [], []];
        expect(children).toEqual(['vault/docs/letters', 'vault/docs/letters/2026']);
        expect(snapshots).toContain('vault/docs@base');
        expect(snapshots).toContain('vault/docs/letters@base');
        expect(clones).toEqual(['vault/copy']);
    });

    it('refuses a destroy without the exact name, and an unprivileged user every write', async () => {
        for (const options of [{ ...NO_UI }, { ...NO_UI, 'confirm-name': new GLib.Variant('s', 'vault/doc') }]) {
            const r = await call('vault/docs', 'Destroy', new GLib.Variant('(a{sv})', [options]));
            expect(r.ok ? 'ok' : r.error).toBe(ErrorName.InvalidArgument);
        }
        expect(await dataset('vault/docs')).toBeDefined();

        const path = datasetPath('vault/docs');
        const writes: [string, string[]][] = [
            ['Destroy', ["{'confirm-name': <'vault/docs'>}"]],
            ['SetProperties', ["{'atime': 'on'}", '{}']],
            ['CreateChild', ['x', '{}', '{}']],
            ['Rename', ['vault/other', '{}']],
            ['CreateSnapshot', ['nope', 'false', '{}']],
            ['Rollback', ['base', '{}']],
            ['CloneSnapshot', ['base', 'vault/c2', '{}']],
            ['DestroySnapshots', ["['base']", '{}']],
            ['Hold', ['base', 't', '{}']],
            ['Release', ['base', 't', '{}']],
        ];
        for (const [method, args] of writes) {
            const r = await asSvuser('gdbus', 'call', '--system', '--dest', 'com.sigmavault.Daemon', '--object-path', path,
                '--method', `${DATASET_IFACE}.${method}`, ...args);
            expect(r.stderr).withContext(method).toContain(ErrorName.NotAuthorized);
        }
        const reads: [string, string[]][] = [
            ['GetProperties', ['{}']], ['ListSnapshots', ['0', '10', '{}']], ['PreviewDestroy', ['{}']], ['RollbackPreview', ['base']],
        ];
        for (const [method, args] of reads) {
            const r = await asSvuser('gdbus', 'call', '--system', '--dest', 'com.sigmavault.Daemon', '--object-path', path,
                '--method', `${DATASET_IFACE}.${method}`, ...args);
            expect(r.status).withContext(`${method}: ${r.stderr}`).toBe(0);
        }
        const cli = await asSvuser('sigmavaultctl', 'snapshot', 'list', 'vault/docs', '--json');
        expect(cli.status).withContext(cli.stderr).toBe(0);
        expect(await dataset('vault/docs')).toBeDefined();
        expect((await dataset('vault/docs'))?.snapshotCount).toBe(2);
    });

    it('renames, then destroys with everything it listed', async () => {
        const renamed = await call('vault/copy', 'Rename', new GLib.Variant('(sa{sv})', ['vault/copy2', NO_UI]));
        // zfs-fuse cannot rename a mounted clone ("dataset is busy"); that is a named Busy, not a crash.
        expect(renamed.ok || renamed.error === ErrorName.Busy).withContext(JSON.stringify(renamed)).toBeTrue();
        const r = await call('vault/docs', 'Destroy', new GLib.Variant('(a{sv})', [{ ...NO_UI, 'confirm-name': new GLib.Variant('s', 'vault/docs') }]));
        expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
        const left = (await readDatasets(sys.systemBus)).map(d => d.name);
        expect(left).toEqual(['vault']);
    });

    it('pages through 300 snapshots in order, and signals changes', async () => {
        await sys.zfs('create', 'vault/many');
        const t0 = GLib.get_monotonic_time();
        for (let i = 0; i < 300; i += 30) {
            await Promise.all(Array.from({ length: 30 }, (_x, j) => sys.zfs('snapshot', `vault/many@s${String(i + j).padStart(4, '0')}`)));
        }
        print(`# 300 snapshots created in ${Math.round((GLib.get_monotonic_time() - t0) / 1000)} ms`);
        const path = datasetPath('vault/many');
        await waitFor('300 snapshots to be counted', async () => (await dataset('vault/many'))?.snapshotCount === 300, 20000, 250);
        const seen: string[] = [];
        for (let offset = 0; ; offset += 70) {
            const { page, total } = await listSnapshots(sys.systemBus, path, offset, 70);
            expect(total).toBe(300);
            seen.push(...page.map(s => s.name));
            if (page.length < 70)
                break;
        }
        expect(seen.length).toBe(300);
        expect(new Set(seen).size).toBe(300);
        expect([...seen].sort()).toEqual(seen.slice().sort());
        const txgs = (await listSnapshots(sys.systemBus, path, 0, 300)).page.map(s => s.createtxg);
        expect(txgs.every((t, i) => i === 0 || t >= (txgs[i - 1] ?? 0))).toBeTrue();
        expect((await listSnapshots(sys.systemBus, path, 299, 10)).page.length).toBe(1);
        expect((await listSnapshots(sys.systemBus, path, 1000, 10)).page.length).toBe(0);

        let signalled = -1;
        const id = sys.systemBus.signal_subscribe(null, DATASET_IFACE, 'SnapshotsChanged', path, null, 0, (_c, _s, _p, _i, _n, params) => {
            signalled = params.deepUnpack<[number]>()[0];
        });
        try {
            await check(['sigmavaultctl', 'snapshot', 'destroy', 'vault/many@s0000']);
            await waitFor('SnapshotsChanged', () => signalled === 299, 5000);
            await sys.zfs('snapshot', 'vault/many@outside');
            await waitFor('SnapshotsChanged for a snapshot taken outside SigmaVault', () => signalled === 300, 20000);
        } finally {
            sys.systemBus.signal_unsubscribe(id);
        }
    });

    describe('bad input gets a named error, never a crash', () => {
        const cases: [string, () => Promise<CallOutcome>, string][] = [
            ['a child name starting with -', () => call('vault', 'CreateChild', new GLib.Variant('(sa{ss}a{sv})', ['-rf', {}, NO_UI])), ErrorName.InvalidArgument],
            ['a child name with ..', () => call('vault', 'CreateChild', new GLib.Variant('(sa{ss}a{sv})', ['a/../b', {}, NO_UI])), ErrorName.InvalidArgument],
            ['an unknown property', () => call('vault', 'SetProperties', new GLib.Variant('(a{ss}a{sv})', [{ sharenfs: 'on' }, NO_UI])), ErrorName.InvalidArgument],
            ['a bad quota', () => call('vault', 'SetProperties', new GLib.Variant('(a{ss}a{sv})', [{ quota: '-1' }, NO_UI])), ErrorName.InvalidArgument],
            ['a snapshot name with a slash', () => call('vault', 'CreateSnapshot', new GLib.Variant('(sba{sv})', ['a/b', false, NO_UI])), ErrorName.InvalidArgument],
            ['a bad template field', () => call('vault', 'CreateSnapshot', new GLib.Variant('(sba{sv})', ['x-%q', false, NO_UI])), ErrorName.InvalidArgument],
            ['a rollback to an unknown snapshot', () => call('vault', 'Rollback', new GLib.Variant('(sa{sv})', ['nope', NO_UI])), ErrorName.NotFound],
            ['a page too large', () => call('vault', 'ListSnapshots', new GLib.Variant('(uua{sv})', [0, 100000, {}])), ErrorName.InvalidArgument],
            ['an unknown option', () => call('vault', 'GetProperties', new GLib.Variant('(a{sv})', [{ bogus: new GLib.Variant('b', true) }])), ErrorName.InvalidArgument],
            ['a rename into another pool', () => call('vault/many', 'Rename', new GLib.Variant('(sa{sv})', ['other/many', NO_UI])), ErrorName.InvalidArgument],
            ['destroying the pool root', () => call('vault', 'Destroy', new GLib.Variant('(a{sv})', [{ ...NO_UI, 'confirm-name': new GLib.Variant('s', 'vault') }])), ErrorName.InvalidArgument],
            ['a hold tag starting with -', () => call('vault/many', 'Hold', new GLib.Variant('(ssa{sv})', ['s0001', '-x', NO_UI])), ErrorName.InvalidArgument],
        ];
        for (const [what, f, expected] of cases) {
            it(`refuses ${what} with ${expected}`, async () => {
                const r = await f();
                expect(r.ok ? 'ok' : r.error).withContext(r.ok ? '' : r.message).toBe(expected);
                expect(await sys.hasOwner('com.sigmavault.Daemon')).toBeTrue();
            });
        }
    });
});
