import { diskAlerts, poolAlerts, scanErrors } from '../../src/service/alerts/rules.js';
import type { DiskProperties } from '../../src/service/disks/disk-object.js';
import type { Pool, Vdev } from '../../src/service/zfs/model.js';

const disk = (name: string, errors: [number, number, number] = [0, 0, 0]): Vdev => ({
    name, type: 'file', state: 'ONLINE', path: name, readErrors: errors[0], writeErrors: errors[1],
    checksumErrors: errors[2], children: [],
});

function pool(overrides: Partial<Pool> = {}, leaves: Vdev[] = [disk('/d/a'), disk('/d/b')]): Pool {
    const root: Vdev = { ...disk('tank'), type: 'root', path: null, children: [{ ...disk('mirror-0'), type: 'mirror', path: null, children: leaves }] };
    return {
        name: 'tank', guid: '1', health: 'ONLINE', size: 1000, allocated: 100, free: 900, fragmentation: null,
        status: { name: 'tank', state: 'ONLINE', status: '', action: '', scan: 'none requested', errors: '', root },
        ...overrides,
    };
}

describe('pool alert rules', () => {
    it('raise nothing for a healthy, roomy pool', () => {
        expect(poolAlerts([pool()])).toEqual([]);
    });

    it('raise one pool-unhealthy alert whose level follows the severity', () => {
        const p = pool();
        const degraded = poolAlerts([{ ...p, status: p.status && { ...p.status, state: 'DEGRADED', action: 'Online the device.' } }]);
        expect(degraded.map(a => [a.key, a.level, a.title, a.message])).toEqual([
            ['pool-unhealthy:tank', 'warning', 'Pool tank is degraded', 'Online the device.']]);
        const faulted = poolAlerts([{ ...p, status: p.status && { ...p.status, state: 'FAULTED' } }]);
        expect(faulted[0]?.level).toBe('critical');
    });

    it('step capacity alerts at 80, 90 and 95 % under one key', () => {
        const at = (allocated: number): string[] => poolAlerts([pool({ allocated })]).map(a => `${a.key} ${a.level}`);
        expect(at(799)).toEqual([]);
        expect(at(800)).toEqual(['pool-capacity:tank warning']);
        expect(at(900)).toEqual(['pool-capacity:tank error']);
        expect(at(960)).toEqual(['pool-capacity:tank critical']);
        expect(poolAlerts([pool({ allocated: 920 })])[0]?.title).toBe('Pool tank is 92 % full');
    });

    it('name each device with errors, once per device', () => {
        const alerts = poolAlerts([pool({}, [disk('/d/a'), disk('/d/b', [0, 0, 12])])]);
        expect(alerts.map(a => a.key)).toEqual(['device-errors:tank:/d/b']);
        expect(alerts[0]?.message).toContain('/d/b: 0 read, 0 write and 12 checksum errors');
    });

    it('read scrub errors from the scan line', () => {
        expect(scanErrors('scrub repaired 0B in 11:16:03 with 0 errors on Sun Feb 12 11:40:04 2023')).toBe(0);
        expect(scanErrors('scrub repaired 4K in 0h0m with 3 errors on Tue Nov 22')).toBe(3);
        expect(scanErrors('none requested')).toBeNull();
        const p = pool();
        const alerts = poolAlerts([{ ...p, status: p.status && { ...p.status, scan: 'scrub repaired 0 in 0h0m with 2 errors on x' } }]);
        expect(alerts.map(a => a.key)).toEqual(['scrub-errors:tank']);
    });
});

describe('disk alert rules', () => {
    const base: DiskProperties = {
        id: 'WDC_1', name: 'sda', device: '/dev/sda', model: 'WDC WD140', serial: '1', wwn: '', firmware: '', size: 1,
        type: 'hdd', transport: 'sata', temperature: 35, powerOnHours: 1, pool: 'tank', vdev: 'mirror-0',
        verdict: 'passed', reasons: [], smartAvailable: true, smartState: 'checked', smartExitStatus: 0, lastChecked: 1,
        selfTestTypes: [], selfTestRunning: false, selfTestRemaining: null, selfTestLog: [],
    };

    it('raise nothing for a passing, cool disk', () => {
        expect(diskAlerts([base])).toEqual([]);
    });

    it('raise a critical alert for a failing disk, with the verdict\'s reasons', () => {
        const [a] = diskAlerts([{ ...base, verdict: 'failing', reasons: ['Reallocated sectors: 1975.'] }]);
        expect(a?.key).toBe('smart-failing:WDC_1');
        expect(a?.level).toBe('critical');
        expect(a?.title).toBe('Disk WDC WD140 (/dev/sda) is failing');
        expect(a?.message).toContain('Reallocated sectors: 1975.');
        expect(a?.pool).toBe('tank');
        expect(diskAlerts([{ ...base, verdict: 'warning' }])[0]?.level).toBe('warning');
    });

    it('warn about hot disks by kind of drive', () => {
        expect(diskAlerts([{ ...base, temperature: 49 }])).toEqual([]);
        expect(diskAlerts([{ ...base, temperature: 52 }]).map(a => a.level)).toEqual(['warning']);
        expect(diskAlerts([{ ...base, temperature: 61 }]).map(a => a.level)).toEqual(['critical']);
        expect(diskAlerts([{ ...base, type: 'nvme', temperature: 61 }])).toEqual([]);
    });
});
