// sigmavaultctl pool offline|online|replace|attach|detach|add: a pool's
// devices. Replace and attach start a resilver job; --wait follows it.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { _, format } from '../shared/i18n.js';
import { printJob, readJob, waitForJob } from './jobs.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export const DEVICE_COMMANDS = ['offline', 'online', 'replace', 'attach', 'detach', 'add'] as const;

export const DEVICE_USAGE = _(`  sigmavaultctl pool offline POOL DEVICE [--temporary]
                                     Take a device offline
  sigmavaultctl pool online POOL DEVICE [--expand]
                                     Bring a device back online
  sigmavaultctl pool replace POOL DEVICE [NEW] [--wait] [--json]
                                     Replace a device; the resilver is a job
  sigmavaultctl pool attach POOL DEVICE NEW [--wait] [--json]
                                     Mirror DEVICE onto NEW
  sigmavaultctl pool detach POOL DEVICE
                                     Take a side out of a mirror
  sigmavaultctl pool add POOL LAYOUT DEVICE... [--dry-run] [--force]
                                     Add a vdev (disk, mirror, raidz1-3, spare,
                                     cache, log, special, dedup); --force accepts
                                     weaker redundancy than the pool has`);

export class DeviceUsageError extends Error {}

const FLAGS: Readonly<Record<string, readonly string[]>> = {
    offline: ['--temporary'], online: ['--expand'], replace: ['--wait'], attach: ['--wait'], detach: [],
    add: ['--dry-run', '--force'],
};

async function call(bus: Gio.DBusConnection, pool: string, method: string, args: GLib.Variant,
    reply: string | null): Promise<GLib.Variant | null> {
    return bus.call(BUS_NAME, poolPath(pool), POOL_IFACE, method, args, reply === null ? null : new GLib.VariantType(reply),
        Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, 5 * 60 * 1000, null);
}

function done(json: boolean, result: Record<string, unknown>, text: string): void {
    print(json ? JSON.stringify(result, null, 2) : text);
}

/** Runs `pool offline|online|…` (words[0] is "pool"); returns the exit status. */
export async function runDeviceCommand(bus: Gio.DBusConnection, words: readonly string[], json: boolean): Promise<number> {
    const command = words[1] ?? '';
    // Everything after a bare "--" is an operand, even if it starts with "-".
    const rest = words.slice(2);
    const end = rest.indexOf('--');
    const head = end < 0 ? rest : rest.slice(0, end);
    const flags = head.filter(w => w.startsWith('--'));
    const operands = [...head.filter(w => !w.startsWith('--')), ...(end < 0 ? [] : rest.slice(end + 1))];
    const allowed = FLAGS[command] ?? [];
    const usage = (): DeviceUsageError => new DeviceUsageError(DEVICE_USAGE);
    if (flags.some(f => !allowed.includes(f)))
        throw usage();
    const [pool = '', device = '', ...more] = operands;
    const flag = (f: string): GLib.Variant | null => flags.includes(f) ? new GLib.Variant('b', true) : null;
    const options = (pairs: Record<string, GLib.Variant | null>): Record<string, GLib.Variant> =>
        Object.fromEntries(Object.entries(pairs).filter((e): e is [string, GLib.Variant] => e[1] !== null));
    switch (command) {
    case 'offline':
    case 'online': {
        if (operands.length !== 2)
            throw usage();
        const opts = command === 'offline' ? options({ temporary: flag('--temporary') }) : options({ expand: flag('--expand') });
        await call(bus, pool, command === 'offline' ? 'Offline' : 'Online', new GLib.Variant('(sa{sv})', [device, opts]), null);
        done(json, { pool, device, state: command },
            format(command === 'offline' ? _('%s of pool %s is offline.') : _('%s of pool %s is online.'), device, pool));
        return 0;
    }
    case 'detach':
        if (operands.length !== 2)
            throw usage();
        await call(bus, pool, 'Detach', new GLib.Variant('(sa{sv})', [device, {}]), null);
        done(json, { pool, device, state: 'detached' }, format(_('%s is detached from pool %s.'), device, pool));
        return 0;
    case 'replace':
    case 'attach': {
        if (operands.length !== 3 && !(command === 'replace' && operands.length === 2))
            throw usage();
        const reply = await call(bus, pool, command === 'replace' ? 'Replace' : 'Attach',
            new GLib.Variant('(ssa{sv})', [device, more[0] ?? '', {}]), '(o)');
        const [path] = reply?.deepUnpack<[string]>() ?? [''];
        const job = flags.includes('--wait') ? await waitForJob(bus, path) : await readJob(bus, path);
        printJob(job, json);
        return job.state === 'failed' || job.state === 'interrupted' ? 1 : 0;
    }
    case 'add': {
        if (operands.length < 3)
            throw usage();
        const devices = operands.slice(2);
        const args = new GLib.Variant('(sasa{sv})', [device, devices, options({ force: flag('--force') })]);
        if (flags.includes('--dry-run')) {
            const reply = await call(bus, pool, 'PreviewAddVdev',
                new GLib.Variant('(sasa{sv})', [device, devices, {}]), '(s)');
            const [warning] = reply?.deepUnpack<[string]>() ?? [''];
            done(json, { pool, layout: device, devices, warning },
                warning === '' ? format(_('Adding this %s vdev to pool %s keeps its redundancy.'), device, pool) : warning);
            return 0;
        }
        await call(bus, pool, 'AddVdev', args, null);
        done(json, { pool, layout: device, devices, state: 'added' }, format(_('Added a %s vdev to pool %s.'), device, pool));
        return 0;
    }
    default:
        throw usage();
    }
}
