// Pool lifecycle end to end: the real daemon on a private system bus,
// polkitd with test rules, zfs-fuse on sparse files, and the CLI. Pools are
// created, exported, imported back and destroyed through the daemon only.
import GLib from 'gi://GLib';
import { ErrorName, MANAGER_IFACE, MANAGER_PATH, POOL_IFACE, poolPath } from '../../src/shared/dbus-names.js';
import { readDaemon } from '../../src/shared/daemon-client.js';
import { readJobs } from '../../src/shared/job-info.js';
import type { PoolInfo } from '../../src/shared/pool-info.js';
import { getLayoutChoices, listImportable } from '../../src/shared/pool-lifecycle-info.js';
import { callDaemon, type CallOutcome } from '../harness/dbus.js';
import { check, run, waitFor, writeFile } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

const NO_UI = { 'auth.no_user_interaction': new GLib.Variant('b', true) };
const MiB = 1024 * 1024;
/** Sorts before the harness's rules (00-sigmavault-test.rules), so it decides first. */
const ASK_ADMIN_RULES = '/etc/polkit-1/rules.d/00-0-sigmavault-pools-test.rules';

describe('pool lifecycle', () => {
    let sys: TestSystem;

    beforeAll(async () => {
        sys = await TestSystem.start();
    });

    afterAll(async () => {
        GLib.unlink(ASK_ADMIN_RULES);
        await sys.stop();
    });

    const manager = (method: string, args: GLib.Variant): Promise<CallOutcome> =>
        callDaemon(sys.systemBus, MANAGER_PATH, MANAGER_IFACE, method, args);
    const onPool = (name: string, method: string, options: Record<string, GLib.Variant>): Promise<CallOutcome> =>
        callDaemon(sys.systemBus, poolPath(name), POOL_IFACE, method, new GLib.Variant('(a{sv})', [options]));
    const create = (name: string, layout: string, devices: string[], options: Record<string, GLib.Variant> = {}): Promise<CallOutcome> =>
        manager('CreatePool', new GLib.Variant('(ssasa{sv})', [name, layout, devices, { ...NO_UI, ...options }]));
    const pool = async (name: string): Promise<PoolInfo | undefined> =>
        (await readDaemon(sys.systemBus)).pools.find(p => p.name === name);
    const errorOf = (r: CallOutcome): string => (r.ok ? 'ok' : r.error);
    const asSvuser = (...argv: string[]): ReturnType<typeof run> =>
        run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--', ...argv]);
    const gdbusAsSvuser = (path: string, method: string, ...args: string[]): ReturnType<typeof run> =>
        asSvuser('gdbus', 'call', '--system', '--dest', 'com.sigmavault.Daemon', '--object-path', path, '--method', method, ...args);

    /** Waits for the job at `path` to end; returns its state and message. */
    async function jobResult(path: string): Promise<{ state: string; message: string }> {
        return waitFor(`job ${path} to end`, async () => {
            const job = (await readJobs(sys.systemBus)).find(j => j.path === path);
            return job && job.state !== 'running' ? { state: job.state, message: job.message } : undefined;
        }, 30000, 100);
    }

    it('shows every layout for the chosen devices with usable space, fault tolerance and advice in words', async () => {
        const files = await sys.sparseFiles('choices', 4, 128);
        const c = await getLayoutChoices(sys.systemBus, files);
        expect(c.devices).toEqual(files.map(path => ({ path, size: 128 * MiB })));
        expect(c.choices.map(x => [x.layout, x.possible, x.faultTolerance])).toEqual([
            ['single', true, 0], ['mirror', true, 3], ['raidz1', true, 1], ['raidz2', true, 2], ['raidz3', false, 3]]);
        expect(c.choices.find(x => x.layout === 'raidz1')?.usable).toBe(Math.floor(3 * 128 * MiB * 31 / 32));
        expect(c.recommended).toBe('raidz1');
        expect(c.explanation).toContain('RAID-Z1 gives three devices’ worth of space');
        // The CLI shows the same, from the same daemon call.
        const cli = JSON.parse(await check(['sigmavaultctl', 'pool', 'layouts', ...files, '--json'])) as
            { recommended: string; explanation: string; choices: { layout: string; usable: number }[] };
        expect(cli.recommended).toBe('raidz1');
        expect(cli.explanation).toBe(c.explanation);
        expect(cli.choices.map(x => x.usable)).toEqual(c.choices.map(x => x.usable));
        expect(await check(['sigmavaultctl', 'pool', 'layouts', ...files])).toContain('Recommended: raidz1.');
        // Anyone may ask (it changes nothing), and the files are listed as candidates.
        const r = await asSvuser('sigmavaultctl', 'pool', 'candidates', '--json');
        expect(r.status).withContext(r.stderr).toBe(0);
        const candidates = JSON.parse(r.stdout) as { path: string; kind: string }[];
        expect(candidates.filter(x => x.kind === 'file').map(x => x.path)).toEqual(jasmine.arrayContaining(files));
    });

    it('refuses paths that are not allowed devices, before touching them', async () => {
        const [good] = await sys.sparseFiles('refuse', 1, 128);
        const link = `${sys.poolDir}/refuse/escape`;
        await check(['ln', '-sf', '--', '/etc/passwd', link]);
        writeFile(`${sys.poolDir}/refuse/small`, 'tiny');
        const cases: [string[], string][] = [
            [['/etc/passwd'], ErrorName.InvalidArgument],
            [['relative/file'], ErrorName.InvalidArgument],
            [[`${sys.poolDir}/../../etc/passwd`], ErrorName.InvalidArgument],
            [['/dev/null'], ErrorName.InvalidArgument],
            [[link], ErrorName.InvalidArgument],
            [[`${sys.poolDir}/refuse/missing`], ErrorName.NotFound],
            [[good ?? '', good ?? ''], ErrorName.InvalidArgument],
            [[], ErrorName.InvalidArgument],
        ];
        for (const [devices, expected] of cases) {
            const r = await manager('GetLayoutChoices', new GLib.Variant('(asa{sv})', [devices, {}]));
            expect(errorOf(r)).withContext(devices.join(' ')).toBe(expected);
        }
        const small = await getLayoutChoices(sys.systemBus, [`${sys.poolDir}/refuse/small`]);
        expect(small.recommended).toBeNull();
        expect(small.choices.every(x => !x.possible)).toBeTrue();
        expect(await sys.hasOwner('com.sigmavault.Daemon')).toBeTrue();
    });

    it('creates a RAID-Z1 pool from sparse files as a job, with ashift and the compression zfs-fuse has', async () => {
        const files = await sys.sparseFiles('vault', 3, 128);
        sys.adoptPool('vault');
        // zstd is what SigmaVault prefers; zfs-fuse (pool version 23) has no zstd, and says so.
        const zstd = await create('vault', 'raidz1', files, { compression: new GLib.Variant('s', 'zstd') });
        expect(errorOf(zstd)).toBe(ErrorName.ToolUnavailable);
        for (const [name, layout, devices] of [['9lives', 'raidz1', files], ['mirror2', 'mirror', files], ['-f', 'single', files],
            ['vault', 'raidz9', files], ['vault', 'raidz2', files.slice(0, 3)], ['vault', 'mirror', files.slice(0, 1)]] as const) {
            const r = await create(name, layout, [...devices]);
            expect(errorOf(r)).withContext(`${name} ${layout}`).toBe(ErrorName.InvalidArgument);
        }
        expect(errorOf(await create('vault', 'raidz1', files, { ashift: new GLib.Variant('i', 17) }))).toBe(ErrorName.InvalidArgument);

        const r = await create('vault', 'raidz1', files, { ashift: new GLib.Variant('i', 12) });
        expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
        const job = r.ok ? r.value[0] as string : '';
        const result = await jobResult(job);
        expect(result.state).withContext(result.message).toBe('succeeded');
        expect(result.message).toMatch(/^Created pool vault: RAID-Z1 of 3 devices, about .* usable, compression lzjb\.$/);
        // The object is there when the job says it is done.
        const vault = await pool('vault');
        expect(vault?.vdevs.map(v => [v.depth, v.type])).toEqual([[0, 'root'], [1, 'raidz1'], [2, 'file'], [2, 'file'], [2, 'file']]);
        expect(await sys.zpool('get', 'ashift', 'vault')).toMatch(/ashift\s+12\s+local/);
        expect(await sys.zfs('get', '-H', '-o', 'value,source', 'compression', 'vault')).toBe('lzjb\tlocal\n');
        expect(errorOf(await create('vault', 'single', [files[0] ?? '']))).toBe(ErrorName.InvalidArgument);
        // Its devices are no longer offered.
        const c = await manager('GetLayoutChoices', new GLib.Variant('(asa{sv})', [[files[0] ?? ''], {}]));
        expect(c.ok ? 'ok' : c.message).toContain('belongs to pool vault');
    });

    it('creates a mirror through the CLI and waits for the job', async () => {
        const files = await sys.sparseFiles('pair', 2, 128);
        sys.adoptPool('pair');
        const r = await run(['sigmavaultctl', 'pool', 'create', 'pair', 'mirror', ...files, '--wait', '--json']);
        expect(r.status).withContext(r.stderr).toBe(0);
        const job = JSON.parse(r.stdout) as { state: string; operation: string; message: string };
        expect(job.operation).toBe('pool-create');
        expect(job.state).withContext(job.message).toBe('succeeded');
        expect((await pool('pair'))?.vdevs.map(v => v.type)).toEqual(['root', 'mirror', 'file', 'file']);
        const fail = await run(['sigmavaultctl', 'pool', 'create', 'pair2', 'mirror', ...files, '--wait']);
        expect(fail.status).not.toBe(0);
        expect(fail.stderr).toContain('belongs to pool pair');
    });

    it('exports a pool, lists it as importable with its guid as a string, and imports it back by guid', async () => {
        const before = await pool('pair');
        const guid = before?.guid ?? '';
        expect(guid).toMatch(/^[0-9]+$/);
        const exported = await onPool('pair', 'Export', NO_UI);
        expect(exported.ok).withContext(JSON.stringify(exported)).toBeTrue();
        expect(await pool('pair')).toBeUndefined();

        const dir = `${sys.poolDir}/pair`;
        const found = await listImportable(sys.systemBus, [dir]);
        expect(found.map(p => [p.name, p.guid, p.state, p.importable, p.needsForce])).toEqual([['pair', guid, 'ONLINE', true, false]]);
        expect(found[0]?.devices.map(d => d.name)).toEqual(['pair', 'mirror-0', `${dir}/disk0`, `${dir}/disk1`]);
        const cli = JSON.parse(await check(['sigmavaultctl', 'pool', 'importable', `--dir=${dir}`, '--json'])) as { guid: string }[];
        expect(cli.map(p => p.guid)).toEqual([guid]);
        // Search directories are only where pool devices may be.
        const outside = await manager('ListImportablePools', new GLib.Variant('(a{sv})', [{ 'search-dirs': new GLib.Variant('as', ['/etc']) }]));
        expect(errorOf(outside)).toBe(ErrorName.InvalidArgument);
        const missing = await manager('ImportPool', new GLib.Variant('(sa{sv})', ['nosuch',
            { ...NO_UI, 'search-dirs': new GLib.Variant('as', [dir]) }]));
        expect(errorOf(missing)).toBe(ErrorName.NotFound);

        const r = await manager('ImportPool', new GLib.Variant('(sa{sv})', [guid, { ...NO_UI, 'search-dirs': new GLib.Variant('as', [dir]) }]));
        expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
        const result = await jobResult(r.ok ? r.value[0] as string : '');
        expect(result).toEqual({ state: 'succeeded', message: 'Imported pool pair.' });
        expect((await pool('pair'))?.guid).toBe(guid);

        // And once more by name, through the CLI.
        await check(['sigmavaultctl', 'pool', 'export', 'pair']);
        expect(await pool('pair')).toBeUndefined();
        const imported = await run(['sigmavaultctl', 'pool', 'import', 'pair', `--dir=${dir}`, '--wait']);
        expect(imported.status).withContext(imported.stderr).toBe(0);
        expect(imported.stdout).toContain('Imported pool pair.');
        expect((await pool('pair'))?.guid).toBe(guid);
    });

    it('refuses a destroy without the exact name, and asks for an administrator every time', async () => {
        for (const options of [{ ...NO_UI }, { ...NO_UI, 'confirm-name': new GLib.Variant('s', 'Pair') },
            { ...NO_UI, 'confirm-name': new GLib.Variant('s', 'pai') }]) {
            const r = await onPool('pair', 'Destroy', options);
            expect(errorOf(r)).toBe(ErrorName.InvalidArgument);
        }
        const cli = await run(['sigmavaultctl', 'pool', 'destroy', 'pair']);
        expect(cli.status).toBe(64);
        expect(cli.stderr).toContain('--confirm=pair');

        // The shipped policy: an administrator, every time (auth_admin, not auth_admin_keep).
        const policy = await check(['pkaction', '--verbose', '--action-id', 'com.sigmavault.pool.destroy']);
        expect(policy).toMatch(/implicit active:\s+auth_admin\n/);
        // Where polkit wants an administrator's password and nobody can give one, the destroy is refused,
        // even for someone allowed to manage pools. (polkit answers yes to root before any rule, so svuser it is.)
        writeFile(ASK_ADMIN_RULES, `polkit.addRule(function (action, subject) {
    if (subject.user !== "svuser")
        return polkit.Result.NOT_HANDLED;
    if (action.id === "com.sigmavault.pool.destroy")
        return polkit.Result.AUTH_ADMIN;
    if (action.id === "com.sigmavault.pool.manage")
        return polkit.Result.YES;
    return polkit.Result.NOT_HANDLED;
});
`);
        const svuserMay = async (action: string): Promise<boolean> =>
            (await asSvuser('sh', '-c', `exec pkcheck --action-id ${action} --process $$`)).status === 0;
        try {
            await waitFor('polkit to load the rule', () => svuserMay('com.sigmavault.pool.manage'), 15000, 200);
            const r = await gdbusAsSvuser(poolPath('pair'), `${POOL_IFACE}.Destroy`,
                "{'confirm-name': <'pair'>, 'auth.no_user_interaction': <true>}");
            expect(r.stderr).toContain(ErrorName.NotAuthorized);
            expect(r.stderr).toContain('Authentication is required');
            // The same user may do what pool.manage covers.
            const clear = await gdbusAsSvuser(poolPath('pair'), `${POOL_IFACE}.ClearErrors`, "{'auth.no_user_interaction': <true>}");
            expect(clear.status).withContext(clear.stderr).toBe(0);
        } finally {
            GLib.unlink(ASK_ADMIN_RULES);
        }
        expect(await pool('pair')).toBeDefined();
        await waitFor('polkit to drop the rule', async () => !await svuserMay('com.sigmavault.pool.manage'), 15000, 200);
    });

    it('refuses an unprivileged user every change, but lets them look', async () => {
        const [spare] = await sys.sparseFiles('svuser', 1, 128);
        const changes: [string, string, string[]][] = [
            [poolPath('pair'), `${POOL_IFACE}.Destroy`, ["{'confirm-name': <'pair'>}"]],
            [poolPath('pair'), `${POOL_IFACE}.Export`, ['{}']],
            [MANAGER_PATH, `${MANAGER_IFACE}.CreatePool`, ['mine', 'single', `['${spare ?? ''}']`, '{}']],
        ];
        for (const [path, method, args] of changes) {
            const r = await gdbusAsSvuser(path, method, ...args);
            expect(r.stderr).withContext(method).toContain(ErrorName.NotAuthorized);
        }
        const cli = await asSvuser('sigmavaultctl', 'pool', 'destroy', 'pair', '--confirm=pair');
        expect(cli.status).toBe(1);
        expect(cli.stderr).toContain('not allowed');
        const reads = await asSvuser('sigmavaultctl', 'pool', 'importable', '--json');
        expect(reads.status).withContext(reads.stderr).toBe(0);
        expect(await pool('pair')).toBeDefined();
        expect(await pool('mine')).toBeUndefined();
    });

    it('destroys a pool given its exact name, as root', async () => {
        await check(['sigmavaultctl', 'pool', 'destroy', 'vault', '--confirm=vault']);
        sys.forgetPool('vault');
        expect(await pool('vault')).toBeUndefined();
        const r = await onPool('pair', 'Destroy', { ...NO_UI, 'confirm-name': new GLib.Variant('s', 'pair') });
        expect(r.ok).withContext(JSON.stringify(r)).toBeTrue();
        sys.forgetPool('pair');
        expect((await readDaemon(sys.systemBus)).pools.map(p => p.name)).toEqual([]);
        // Destroyed pools are not offered for import.
        expect(await listImportable(sys.systemBus, [`${sys.poolDir}/pair`])).toEqual([]);
    });
});
