// SMART verdicts become alerts: the real daemon with recorded smartctl
// output standing in for the drives (tests/harness/disk-stand-ins.ts).
import Gio from 'gi://Gio';
import { BUS_NAME, ROOT_PATH } from '../../src/shared/dbus-names.js';
import { startDaemonWithDiskStandIns } from '../harness/disk-stand-ins.js';
import { type Service, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

describe('disk alerts', () => {
    let sys: TestSystem;
    let daemon: Service;

    async function alerts(): Promise<Record<string, Record<string, unknown>>> {
        const reply = await sys.systemBus.call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager',
            'GetManagedObjects', null, null, Gio.DBusCallFlags.NONE, 30000, null);
        const [objects] = reply.recursiveUnpack<[Record<string, Record<string, Record<string, unknown>>>]>();
        const out: Record<string, Record<string, unknown>> = {};
        for (const ifaces of Object.values(objects)) {
            const a = ifaces['com.sigmavault.Alert1'];
            if (a)
                out[String(a.Key)] = a;
        }
        return out;
    }

    beforeAll(async () => {
        sys = await TestSystem.start({ zfs: false });
        ({ daemon } = await startDaemonWithDiskStandIns(sys, 'sigmavaultd-disk-alerts'));
    });

    afterAll(async () => {
        await daemon?.stop();
        await sys?.stop();
    });

    it('raises a critical alert for each failing disk and none for the healthy one', async () => {
        const all = await waitFor('the SMART alerts', async () => {
            const a = await alerts();
            return Object.keys(a).filter(k => k.startsWith('smart-failing:')).length === 2 ? a : undefined;
        }, 20000, 250);
        const hitachi = all['smart-failing:HDS721050DLE630_MSK423Y20S3HBC'];
        expect(hitachi?.Level).toBe('critical');
        expect(hitachi?.Title).toBe('Disk Hitachi HDS721050DLE630 (/dev/sdb) is failing');
        expect(String(hitachi?.Message)).toContain('Back up the data on this disk now');
        expect(all['smart-failing:eui.0025385781b0a5c1']?.Level).toBe('critical');
        expect(Object.keys(all).some(k => k.includes('WDC_WD140EDFZ'))).toBeFalse();
    });
});
