// sigmavaultd's disks end to end. A test root has no real disks to read, so
// stand-ins on the daemon's tool search path (SIGMAVAULT_TOOL_PATH) answer
// for lsblk, smartctl and zpool with recorded output; see
// tests/harness/disk-stand-ins.ts.
import GLib from 'gi://GLib';
import { ErrorName } from '../../src/shared/dbus-names.js';
import { DISK_IFACE, type DiskInfo, diskPath, readDisks } from '../../src/shared/disk-info.js';
import { callDaemon } from '../harness/dbus.js';
import { startDaemonWithDiskStandIns } from '../harness/disk-stand-ins.js';
import { check, run, type Service, writeFile } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

describe('sigmavaultd disks and SMART (recorded smartctl output)', () => {
    let sys: TestSystem;
    let daemon: Service;
    let dir: string;

    const disks = (): Promise<DiskInfo[]> => readDisks(sys.systemBus);
    const disk = async (name: string): Promise<DiskInfo> => {
        const d = (await disks()).find(x => x.name === name);
        if (!d)
            throw new Error(`no disk ${name}`);
        return d;
    };
    const refresh = (id: string, options: Record<string, GLib.Variant> = {}): ReturnType<typeof callDaemon> =>
        callDaemon(sys.systemBus, diskPath(id), DISK_IFACE, 'RefreshSmart', new GLib.Variant('(a{sv})', [options]));
    const calls = (): string[] => GLib.file_test(`${dir}/smartctl-calls`, GLib.FileTest.EXISTS)
        ? new TextDecoder().decode(GLib.file_get_contents(`${dir}/smartctl-calls`)[1]).split('\n').filter(l => l !== '')
        : [];

    beforeAll(async () => {
        sys = await TestSystem.start({ zfs: false });
        ({ daemon, dir } = await startDaemonWithDiskStandIns(sys, 'sigmavaultd-disks'));
    });

    afterAll(async () => {
        await daemon?.stop();
        await sys?.stop();
    });

    it('exports one object per whole disk, leaving out zram and loop devices', async () => {
        const all = await disks();
        expect(all.map(d => d.name)).toEqual(['nvme0n1', 'sda', 'sdb']);
        expect(all.map(d => d.id)).toEqual(['eui.0025385781b0a5c1', 'WDC_WD140EDFZ-11A0VA0_9RK1XXXX', 'HDS721050DLE630_MSK423Y20S3HBC']);
        const r = await callDaemon(sys.systemBus, diskPath('WDC_WD140EDFZ-11A0VA0_9RK1XXXX'), 'org.freedesktop.DBus.Properties',
            'Get', new GLib.Variant('(ss)', [DISK_IFACE, 'Device']));
        expect(r.ok && (r.value[0] as GLib.Variant).unpack()).toBe('/dev/sda');
    });

    it('passes the healthy SATA disk and shows what it is, and the pool that uses it', async () => {
        const sda = await disk('sda');
        expect(sda).toEqual(jasmine.objectContaining({
            model: 'WDC WD140EDFZ-11A0VA0', serial: '9RK1XXXX', size: 14000519643136, type: 'hdd', transport: 'sata',
            temperature: 32, powerOnHours: 1730, verdict: 'passed', reasons: [], smartAvailable: true,
            smartExitStatus: 0, pool: 'tank', vdev: 'raidz1-0',
        }));
        expect(sda.lastChecked).toBeGreaterThan(Date.now() / 1000 - 600);
    });

    it('fails the disk smartctl says is failing, with exit status 216 and the reasons', async () => {
        const sdb = await disk('sdb');
        expect(sdb.verdict).toBe('failing');
        expect(sdb.smartExitStatus).toBe(216);
        expect(sdb.model).toBe('Hitachi HDS721050DLE630');
        expect(sdb.type).toBe('hdd');
        expect(sdb.pool).toBe('');
        const text = sdb.reasons.join('\n');
        expect(text).toContain('reports that the disk is failing');
        expect(text).toContain('1975 sectors have gone bad');
        expect(text).toContain('The disk has logged 56 errors.');
        expect(sdb.reasons.at(-1)).toBe('Back up the data on this disk now and replace the disk.');
    });

    it('fails the NVMe drive with media errors although its own verdict passes', async () => {
        const nvme = await disk('nvme0n1');
        expect(nvme).toEqual(jasmine.objectContaining({ type: 'nvme', temperature: 35, powerOnHours: 12798, verdict: 'failing' }));
        expect(nvme.reasons[0]).toContain('7 errors in stored data');
    });

    it('asks smartctl with -n standby every time', () => {
        const reads = calls().filter(c => c !== '--version');
        expect(reads.length).toBeGreaterThanOrEqual(3);
        for (const c of reads)
            expect(c).toMatch(/^--json --all -n standby -- \/dev\/\S+$/);
    });

    it('lists the disks on the command line', async () => {
        const json = JSON.parse(await check(['sigmavaultctl', 'disk', 'list', '--json'])) as { name: string; verdict: string; pool: string }[];
        expect(json.map(d => [d.name, d.verdict, d.pool])).toEqual([['nvme0n1', 'failing', ''], ['sda', 'passed', 'tank'], ['sdb', 'failing', '']]);
        const text = await check(['sigmavaultctl', 'disk', 'list']);
        expect(text).toMatch(/^NAME\s+MODEL\s+SIZE\s+TYPE/);
        expect(text).toMatch(/sda\s+WDC WD140EDFZ-11A0VA0\s+14\.0\sTB\s+HDD\s+32\s°C\s+Passed\s+tank \(raidz1-0\)/);
    });

    it('refreshes SMART on request, open to every user', async () => {
        const before = calls().length;
        const r = await refresh('WDC_WD140EDFZ-11A0VA0_9RK1XXXX');
        expect(r).toEqual({ ok: true, value: ['checked'] });
        expect(calls().length).toBe(before + 1);
        const asUser = await run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--',
            'gdbus', 'call', '--system', '--dest', 'com.sigmavault.Daemon', '--object-path', diskPath('eui.0025385781b0a5c1'),
            '--method', `${DISK_IFACE}.RefreshSmart`, '{}']);
        expect(asUser.stdout.trim()).toBe("('checked',)");
    });

    it('leaves a sleeping disk asleep and keeps its last verdict', async () => {
        writeFile(`${dir}/asleep-sdb`, '');
        const r = await refresh('HDS721050DLE630_MSK423Y20S3HBC');
        expect(r).toEqual({ ok: true, value: ['asleep'] });
        const sdb = await disk('sdb');
        expect(sdb.smartState).toBe('asleep');
        expect(sdb.smartExitStatus).toBe(2);
        expect(sdb.verdict).toBe('failing');
        expect(GLib.file_test(`${dir}/woken`, GLib.FileTest.EXISTS)).withContext('smartctl was run without -n standby').toBeFalse();
        GLib.unlink(`${dir}/asleep-sdb`);
        expect(await refresh('HDS721050DLE630_MSK423Y20S3HBC')).toEqual({ ok: true, value: ['checked'] });
    });

    it('answers a repeated RefreshSmart from the last read instead of keeping the disk busy', async () => {
        await daemon.stop();
        ({ daemon, dir } = await startDaemonWithDiskStandIns(sys, 'sigmavaultd-disks-throttled', 3600));
        const before = calls().length;
        expect(await refresh('WDC_WD140EDFZ-11A0VA0_9RK1XXXX')).toEqual({ ok: true, value: ['checked'] });
        expect(calls().length).toBe(before);
    });

    describe('bad input gets a named error, never a crash', () => {
        const cases: [string, () => ReturnType<typeof callDaemon>, string][] = [
            ['an unknown option', () => refresh('eui.0025385781b0a5c1', { wake: new GLib.Variant('b', true) }), ErrorName.InvalidArgument],
            ['an option of the wrong type',
                () => refresh('eui.0025385781b0a5c1', { 'auth.no_user_interaction': new GLib.Variant('s', 'yes') }), ErrorName.InvalidArgument],
            ['wrong argument types', () => callDaemon(sys.systemBus, diskPath('eui.0025385781b0a5c1'), DISK_IFACE, 'RefreshSmart',
                new GLib.Variant('(s)', ['now'])), 'org.freedesktop.DBus.Error.InvalidArgs'],
            ['a disk that does not exist', () => refresh('nope'), 'org.freedesktop.DBus.Error.UnknownMethod'],
        ];
        for (const [what, call, expected] of cases) {
            it(`refuses ${what} with ${expected}`, async () => {
                const r = await call();
                expect(r.ok ? 'ok' : r.error).toBe(expected);
                expect(await sys.hasOwner('com.sigmavault.Daemon')).toBeTrue();
            });
        }
    });
});
