// Alerts end to end: raised by the real daemon from real zfs-fuse pools,
// one per condition, cleared by themselves, dismissals authorized by polkit
// and remembered across a daemon restart.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, ErrorName, ROOT_PATH } from '../../src/shared/dbus-names.js';
import { callDaemon } from '../harness/dbus.js';
import { check, run, waitFor } from '../harness/process.js';
import { TestSystem } from '../harness/system.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const ALERT_IFACE = 'com.sigmavault.Alert1';

interface Alert {
    readonly path: string;
    readonly key: string;
    readonly level: string;
    readonly title: string;
    readonly dismissed: boolean;
}

describe('storage alerts', () => {
    let sys: TestSystem;
    let disks: string[];

    async function alerts(): Promise<Alert[]> {
        const reply = await sys.systemBus.call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager',
            'GetManagedObjects', null, null, Gio.DBusCallFlags.NONE, 30000, null);
        const [objects] = reply.recursiveUnpack<[Record<string, Record<string, Record<string, unknown>>>]>();
        return Object.entries(objects)
            .filter(([, ifaces]) => ALERT_IFACE in ifaces)
            .map(([path, ifaces]) => {
                const a = ifaces[ALERT_IFACE] ?? {};
                return { path, key: String(a.Key), level: String(a.Level), title: String(a.Title), dismissed: a.Dismissed === true };
            });
    }

    const alertFor = async (key: string): Promise<Alert | undefined> => (await alerts()).find(a => a.key === key);

    beforeAll(async () => {
        sys = await TestSystem.start();
        disks = await sys.createPool('tank', 'mirror', 2);
        await check(['rm', '-f', '/var/lib/sigmavault/alerts.json']);
    });

    afterAll(async () => {
        await sys.stop();
    });

    it('raises nothing for a healthy pool', async () => {
        expect(await alerts()).toEqual([]);
    });

    it('raises one alert when a device goes offline and clears it when it returns', async () => {
        await sys.zpool('offline', 'tank', disks[1] ?? '');
        const alert = await waitFor('the pool-unhealthy alert', () => alertFor('pool-unhealthy:tank'), 10000);
        expect(alert.level).toBe('warning');
        expect(alert.title).toBe('Pool tank is degraded');
        // The daemon keeps seeing the condition: still one alert, same object.
        await new Promise(r => setTimeout(r, 1500));
        const again = (await alerts()).filter(a => a.key === 'pool-unhealthy:tank');
        expect(again.map(a => a.path)).toEqual([alert.path]);
        await sys.zpool('online', 'tank', disks[1] ?? '');
        await waitFor('the alert to clear', async () => await alertFor('pool-unhealthy:tank') === undefined, 10000);
    });

    // zfs-fuse does not give a deleted file's space back while the kernel
    // holds its inode, so the alert is cleared here by the pool going away.
    it('raises a capacity alert when a pool fills past 80 % and withdraws it when the pool goes', async () => {
        // zfs-fuse keeps about 32 MiB of any pool to itself, so the pool is
        // big enough for 80 % to be reachable.
        await sys.createPool('small', 'single', 1, 256);
        // Incompressible data, so the pool really fills.
        await run(['dd', 'if=/dev/urandom', 'of=/small/fill', 'bs=1M', 'count=210', 'status=none']);
        await check(['sync']);
        const alert = await waitFor('the capacity alert', () => alertFor('pool-capacity:small'), 30000, 500);
        expect(['warning', 'error', 'critical']).toContain(alert.level);
        expect(alert.title).toMatch(/^Pool small is \d+ % full$/);
        await sys.destroyPool('small');
        await waitFor('the capacity alert to go', async () => await alertFor('pool-capacity:small') === undefined, 10000);
    });

    it('lets root dismiss and restore an alert, refuses an unprivileged user, and remembers across a restart', async () => {
        await sys.zpool('offline', 'tank', disks[1] ?? '');
        const alert = await waitFor('the pool-unhealthy alert', () => alertFor('pool-unhealthy:tank'), 10000);
        const asUser = await run(['setpriv', '--reuid=svuser', '--regid=svuser', '--init-groups', '--',
            'gdbus', 'call', '--system', '--dest', BUS_NAME, '--object-path', alert.path,
            '--method', `${ALERT_IFACE}.Dismiss`, '{}']);
        expect(asUser.stderr).toContain(ErrorName.NotAuthorized);
        const bad = await callDaemon(sys.systemBus, alert.path, ALERT_IFACE, 'Dismiss',
            new GLib.Variant('(a{sv})', [{ nope: new GLib.Variant('b', true) }]));
        expect(bad.ok ? 'ok' : bad.error).toBe(ErrorName.InvalidArgument);

        const ok = await callDaemon(sys.systemBus, alert.path, ALERT_IFACE, 'Dismiss', new GLib.Variant('(a{sv})', [{}]));
        expect(ok.ok).toBeTrue();
        expect((await alertFor('pool-unhealthy:tank'))?.dismissed).toBeTrue();
        expect(await check(['cat', '/var/lib/sigmavault/alerts.json'])).toContain('pool-unhealthy:tank');

        await sys.stopDaemon();
        const after = await waitFor('the alert after a restart', () => alertFor('pool-unhealthy:tank'), 15000);
        expect(after.dismissed).toBeTrue();

        await callDaemon(sys.systemBus, after.path, ALERT_IFACE, 'Restore', new GLib.Variant('(a{sv})', [{}]));
        expect((await alertFor('pool-unhealthy:tank'))?.dismissed).toBeFalse();
        await sys.zpool('online', 'tank', disks[1] ?? '');
    });
});
