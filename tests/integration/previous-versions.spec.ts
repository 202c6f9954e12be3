// "Previous Versions" end to end on zfs-fuse: the real daemon (D-Bus
// activated on a private system bus, polkitd with test rules) opens the
// snapshots for reading (read-only clones: zfs-fuse has no .zfs directory),
// and sigmavaultctl, run as root or as the unprivileged svuser, lists and
// restores versions reading the snapshot copies itself.
import GLib from 'gi://GLib';
import { BUS_NAME, DATASET_IFACE, datasetPath, MANAGER_IFACE, MANAGER_PATH } from '../../src/shared/dbus-names.js';
import { readDatasets } from '../../src/shared/dataset-info.js';
import { callDaemon } from '../harness/dbus.js';
import { check, run, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

const DIR = '/tank/docs';
const FILE = `${DIR}/report.txt`;
const NO_UI = { 'auth.no_user_interaction': new GLib.Variant('b', true) };

interface VersionsJson {
    path: string;
    dataset: string;
    searched: number;
    total: number;
    versions: { size: number; mtime_us: number; mode: number; sha256: string | null; path: string; snapshots: { name: string }[] }[];
}

const asSvuser = ['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--'];

async function ctl(user: 'root' | 'svuser', ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    return run([...(user === 'svuser' ? asSvuser : []), 'sigmavaultctl', ...args]);
}

async function versions(user: 'root' | 'svuser', path: string): Promise<VersionsJson> {
    const r = await ctl(user, 'file', 'versions', '--json', '--', path);
    if (r.status !== 0)
        throw new Error(`sigmavaultctl file versions ${path} as ${user}: ${r.stderr}`);
    return JSON.parse(r.stdout) as VersionsJson;
}

async function restore(user: 'root' | 'svuser', path: string, snapshot: string, replace = false): Promise<{ restored: string; kept: string | null }> {
    const r = await ctl(user, 'file', 'restore', '--json', ...(replace ? ['--replace'] : []), '--', path, snapshot);
    if (r.status !== 0)
        throw new Error(`sigmavaultctl file restore as ${user}: ${r.stderr}`);
    return JSON.parse(r.stdout) as { restored: string; kept: string | null };
}

const sha256 = async (path: string): Promise<string> => (await check(['sha256sum', '--', path])).split(' ')[0] ?? '';
const statOf = async (path: string): Promise<string> => (await check(['stat', '-c', '%a %Y %U', '--', path])).trim();
const listDir = (dir: string): string[] => {
    const d = GLib.Dir.open(dir, 0);
    const out: string[] = [];
    for (let n = d.read_name(); n !== null; n = d.read_name())
        out.push(n);
    d.close();
    return out.sort();
};

/** Writes `text` into `path` with modification time `stamp` (touch -d). */
async function writeVersion(path: string, text: string, stamp: string, mode = '644'): Promise<void> {
    GLib.file_set_contents(path, text);
    await check(['chmod', mode, '--', path]);
    await check(['touch', '-d', stamp, '--', path]);
}

describe('previous versions of files in snapshots (zfs-fuse)', () => {
    let sys: TestSystem;
    const snap = (name: string): Promise<string> => sys.zfs('snapshot', `tank/docs@${name}`);

    beforeAll(async () => {
        sys = await TestSystem.start();
        await sys.createPool('tank', 'single', 1, 256);
        await sys.zfs('create', 'tank/docs');
        // v1, then v2 (kept by two snapshots, then only touched: same
        // content, new mtime), then v3, the current one, also in a snapshot.
        await writeVersion(FILE, 'alpha\n', '2026-11-01 10:00', '640');
        await snap('v1');
        await writeVersion(FILE, 'second version\n', '2026-11-10 10:00');
        await snap('v2a');
        await snap('v2b');
        await check(['touch', '-d', '2026-11-20 10:00', '--', FILE]);
        await snap('v2touched');
        await writeVersion(FILE, 'gamma\n', '2026-11-30 10:00');
        await snap('v3');
    }, 120000);

    afterAll(async () => {
        await sys?.stop();
    });

    it('lists exactly the differing versions, newest first; identical ones once, with every snapshot holding them', async () => {
        const list = await versions('root', FILE);
        expect(list.dataset).toBe('tank/docs');
        expect(list.total).toBe(5);
        expect(list.searched).toBe(5);
        expect(list.versions.map(v => v.snapshots.map(s => s.name))).toEqual([['v2touched', 'v2b', 'v2a'], ['v1']]);
        expect(list.versions.map(v => v.size)).toEqual([15, 6]);
        expect(list.versions[1]?.mode).toBe(0o640);
        const touched = Number((await check(['date', '-d', '2026-11-20 10:00', '+%s'])).trim());
        expect(list.versions[0]?.mtime_us).toBe(touched * 1e6);
        // v1 has the current size, so its content was compared.
        expect(list.versions[1]?.sha256).toBe(await sha256(list.versions[1]?.path ?? ''));
        const text = await check(['sigmavaultctl', 'file', 'versions', FILE]);
        expect(text).toContain('v2touched, v2b, v2a');
    });

    it('reads the snapshots through read-only clones the daemon hides from clients', async () => {
        const reply = await callDaemon(sys.systemBus, datasetPath('tank/docs'), DATASET_IFACE, 'SnapshotDirectories',
            new GLib.Variant('(a{sv})', [{ limit: new GLib.Variant('u', 2) }]));
        if (!reply.ok)
            throw new Error(reply.message);
        const [mountpoint, rows, total] = reply.value as [string, [string, number, string][], number];
        expect(mountpoint).toBe(DIR);
        expect(total).toBe(5);
        expect(rows.map(r => r[0])).toEqual(['v3', 'v2touched']);
        const dir = rows[0]?.[2] ?? '';
        expect(dir.startsWith('/run/sigmavault/snapshots/')).withContext(dir).toBeTrue();
        expect(await sha256(`${dir}/report.txt`)).toBe(await sha256(FILE));
        const write = await run(['touch', '--', `${dir}/new-file`]);
        expect(write.stderr).toContain('Read-only file system');
        // Clients never see the views as datasets or mounts.
        expect((await readDatasets(sys.systemBus)).map(d => d.name)).toEqual(['tank', 'tank/docs']);
        const mounts = await sys.systemBus.call(BUS_NAME, MANAGER_PATH, 'org.freedesktop.DBus.Properties', 'Get',
            new GLib.Variant('(ss)', [MANAGER_IFACE, 'Mounts']), null, 0, -1, null);
        const listed = mounts.recursiveUnpack<[[string, string, string][]]>()[0];
        expect(listed.map(m => m[0]).sort()).toEqual(['tank', 'tank/docs']);
    });

    it('restores beside: a byte-identical copy under a new name with the version’s mode and mtime; the current file untouched', async () => {
        const list = await versions('root', FILE);
        const before = await sha256(FILE);
        const v1 = list.versions[1];
        const first = await restore('root', FILE, 'v1');
        expect(GLib.path_get_dirname(first.restored)).toBe(DIR);
        expect(GLib.path_get_basename(first.restored)).toMatch(/^report \(restored \d{4}-\d\d-\d\d \d\d:\d\d\)\.txt$/);
        expect(first.kept).toBeNull();
        expect(await sha256(first.restored)).toBe(v1?.sha256 ?? '');
        expect(await statOf(first.restored)).toBe(`640 ${Math.floor((v1?.mtime_us ?? 0) / 1e6)} root`);
        expect(await sha256(FILE)).toBe(before);
        // Again: never over the first copy, a free name instead.
        const second = await restore('root', FILE, 'v1');
        expect(second.restored).toBe(first.restored.replace(/\)\.txt$/, ' 2).txt'));
        expect(await sha256(first.restored)).toBe(v1?.sha256 ?? '');
        // No temporary left behind.
        expect(listDir(DIR).filter(n => n.startsWith('.sigmavault-restore-'))).toEqual([]);
        for (const p of [first.restored, second.restored])
            GLib.unlink(p);
    });

    it('replaces the current file only when asked, keeping it under a free name', async () => {
        const current = await sha256(FILE);
        const v2 = (await versions('root', FILE)).versions[0];
        const r = await restore('root', FILE, 'v2b', true);
        expect(r.restored).toBe(FILE);
        expect(GLib.path_get_basename(r.kept ?? '')).toMatch(/^report \(replaced \d{4}-\d\d-\d\d \d\d:\d\d\)\.txt$/);
        expect(await sha256(FILE)).toBe(v2?.sha256 ?? await sha256(v2?.path ?? ''));
        expect(await sha256(r.kept ?? '')).toBe(current);
        // Now v3 (in the kept file and snapshot v3) is an earlier version, v2 is current.
        const after = await versions('root', FILE);
        expect(after.versions.map(v => v.snapshots[0]?.name)).toEqual(['v3', 'v1']);
        GLib.unlink(r.kept ?? '');
    });

    it('svuser cannot list or restore a file it cannot read, and sees no version it could not read', async () => {
        await writeVersion(`${DIR}/secret.txt`, 'root only, old\n', '2026-11-01 10:00', '600');
        await snap('secret1');
        await writeVersion(`${DIR}/secret.txt`, 'root only\n', '2026-11-02 10:00', '600');
        const listing = await ctl('svuser', 'file', 'versions', '--', `${DIR}/secret.txt`);
        expect(listing.status).toBe(1);
        expect(listing.stderr).toContain('You cannot read');
        const restoring = await ctl('svuser', 'file', 'restore', '--', `${DIR}/secret.txt`, 'secret1');
        expect(restoring.status).toBe(1);
        expect(listDir(DIR).filter(n => n.startsWith('secret'))).toEqual(['secret.txt']);
        // Root sees the version.
        expect((await versions('root', `${DIR}/secret.txt`)).versions.length).toBe(1);

        // A file svuser owns in a folder it owns: it lists and restores, as itself.
        GLib.mkdir_with_parents(`${DIR}/svuser`, 0o755);
        await check(['chown', 'svuser:svuser', '--', `${DIR}/svuser`]);
        const mine = `${DIR}/svuser/notes.txt`;
        await writeVersion(mine, 'was private\n', '2026-11-01 10:00', '600');
        await check(['chown', 'svuser:svuser', '--', mine]);
        await snap('notes1');
        await writeVersion(mine, 'now public, once\n', '2026-11-02 10:00', '644');
        await snap('notes2');
        await check(['chown', 'root:root', '--', mine]);
        await writeVersion(mine, 'now public\n', '2026-11-03 10:00', '644');
        // notes1's copy was svuser's own; notes2's is root's but readable; both show.
        const own = await versions('svuser', mine);
        expect(own.versions.map(v => v.snapshots[0]?.name)).toEqual(['notes2', 'notes1']);
        const back = await restore('svuser', mine, 'notes1');
        expect(await statOf(back.restored)).toMatch(/^600 \d+ svuser$/);
        expect(GLib.file_get_contents(back.restored)[1]).toEqual(new TextEncoder().encode('was private\n'));
        // Once a copy is root's and private, svuser no longer sees that version.
        await writeVersion(mine, 'hidden\n', '2026-11-04 10:00', '600');
        await snap('notes3');
        await writeVersion(mine, 'now public again\n', '2026-11-05 10:00', '644');
        expect((await versions('svuser', mine)).versions.map(v => v.snapshots[0]?.name)).toEqual(['notes2', 'notes1']);
        expect((await versions('root', mine)).versions.map(v => v.snapshots[0]?.name)).toEqual(['notes3', 'notes2', 'notes1']);
        // svuser cannot write in root's folder: nothing is restored there, nothing left behind.
        const denied = await ctl('svuser', 'file', 'restore', '--', FILE, 'v3');
        expect(denied.status).toBe(1);
        expect(denied.stderr).toContain('Could not write in');
    });

    it('handles hostile names: spaces, a leading “-”, a newline', async () => {
        const dir = `${DIR}/-rf odd dir`;
        GLib.mkdir_with_parents(dir, 0o755);
        const name = `${dir}/-n my\nreport .txt`;
        await writeVersion(name, 'hostile one\n', '2026-11-01 10:00');
        await snap('hostile1');
        await writeVersion(name, 'hostile two, longer\n', '2026-11-02 10:00');
        const list = await versions('root', name);
        expect(list.versions.map(v => v.snapshots[0]?.name)).toEqual(['hostile1']);
        const r = await restore('root', name, 'hostile1');
        expect(GLib.path_get_basename(r.restored)).toMatch(/^-n my\nreport {2}\(restored [^)]+\)\.txt$/);
        expect(GLib.file_get_contents(r.restored)[1]).toEqual(new TextEncoder().encode('hostile one\n'));
        expect(GLib.file_get_contents(name)[1]).toEqual(new TextEncoder().encode('hostile two, longer\n'));
    });

    it('destroying a snapshot that is open for reading works (its view goes first)', async () => {
        await versions('root', FILE);
        const r = await callDaemon(sys.systemBus, datasetPath('tank/docs'), DATASET_IFACE, 'DestroySnapshots',
            new GLib.Variant('(asa{sv})', [['v2a'], NO_UI]));
        expect(r.ok ? 'ok' : r.message).toBe('ok');
        expect((await versions('root', FILE)).versions.some(v => v.snapshots.some(s => s.name === 'v2a'))).toBeFalse();
    });

    it('a restarted daemon destroys the views a killed one left', async () => {
        await versions('root', FILE);
        const pid = await sys.ownerPid(BUS_NAME);
        await check(['kill', '-KILL', String(pid)]);
        await waitFor('the daemon to be gone', async () => !await sys.hasOwner(BUS_NAME), 10000);
        expect(await sys.zfs('list', '-H', '-o', 'name')).toContain('tank/.sigmavault-views/v');
        await sys.systemBus.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'StartServiceByName',
            new GLib.Variant('(su)', [BUS_NAME, 0]), null, 0, 60000, null);
        await waitFor('the daemon', () => sys.hasOwner(BUS_NAME), 30000);
        expect(await sys.zfs('list', '-H', '-o', 'name')).not.toContain('tank/.sigmavault-views');
    });
});
