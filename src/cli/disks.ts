// sigmavaultctl disk selftest … and disk selftest-log …: SMART self-tests.
//   sigmavaultctl disk selftest DISK --short|--long|--conveyance [--wait] [--json]
//   sigmavaultctl disk selftest-log DISK [--json]
// DISK is a kernel name (sda), a device node (/dev/sda) or a disk id.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME } from '../shared/dbus-names.js';
import { selfTestResultLabel, selfTestTypeLabel } from '../shared/disk-format.js';
import { DISK_IFACE, type DiskInfo, diskPath, readDisks, type SelfTestLogEntry } from '../shared/disk-info.js';
import { _, format } from '../shared/i18n.js';
import { printJob, readJob, waitForJob } from './jobs.js';
import { table } from './table.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export const DISK_USAGE = _(`  sigmavaultctl disk selftest DISK --short|--long|--conveyance [--wait] [--json]
                                     Start a SMART self-test (DISK: sda, /dev/sda or its id)
  sigmavaultctl disk selftest-log DISK [--json]
                                     The disk's self-test log, newest first`);

export class DiskUsageError extends Error {}

const TYPES = ['--short', '--long', '--conveyance'] as const;

async function findDisk(bus: Gio.DBusConnection, name: string): Promise<DiskInfo> {
    const disks = await readDisks(bus);
    const found = disks.find(d => d.name === name || d.device === name || d.id === name);
    if (found === undefined)
        throw new Error(format(_('No disk %s. “sigmavaultctl disk list” shows the disks.'), name));
    return found;
}

function entryJson(e: SelfTestLogEntry): Record<string, unknown> {
    return { type: e.type, description: e.description, result: e.result, status: e.status,
        lifetime_hours: e.lifetimeHours, remaining_percent: e.remainingPercent, lba: e.lba };
}

function printLog(d: DiskInfo, json: boolean): void {
    if (json) {
        print(JSON.stringify(d.selfTestLog.map(entryJson), null, 2));
        return;
    }
    if (d.selfTestLog.length === 0) {
        print(d.selfTestTypes.length === 0
            ? format(_('%s reports no self-tests.'), d.name)
            : format(_('No self-tests logged on %s yet.'), d.name));
        return;
    }
    const header = [_('#'), _('TEST'), _('RESULT'), _('STATUS'), _('HOURS'), _('LEFT'), _('FIRST BAD LBA')];
    print(table([header, ...d.selfTestLog.map((e, i) => [String(i + 1), selfTestTypeLabel(e.type), selfTestResultLabel(e.result),
        e.status || '–', e.lifetimeHours === null ? '–' : String(e.lifetimeHours),
        e.remainingPercent === null || e.remainingPercent === 0 ? '–' : format(_('%d %%'), e.remainingPercent),
        e.lba === null ? '–' : String(e.lba)])]));
}

/** Runs `disk selftest` or `disk selftest-log`; returns the exit status. */
export async function runDiskCommand(bus: Gio.DBusConnection, words: readonly string[], json: boolean): Promise<number> {
    const flags = words.slice(2).filter(w => w.startsWith('--'));
    const operands = words.slice(2).filter(w => !w.startsWith('--'));
    const name = operands[0] ?? '';
    if (words[1] === 'selftest-log') {
        if (operands.length !== 1 || flags.length > 0)
            throw new DiskUsageError(format(_('Usage: %s'), 'sigmavaultctl disk selftest-log DISK [--json]'));
        printLog(await findDisk(bus, name), json);
        return 0;
    }
    const types = flags.filter(f => (TYPES as readonly string[]).includes(f));
    const unknown = flags.filter(f => f !== '--wait' && !(TYPES as readonly string[]).includes(f));
    if (operands.length !== 1 || types.length !== 1 || unknown.length > 0)
        throw new DiskUsageError(format(_('Usage: %s'), 'sigmavaultctl disk selftest DISK --short|--long|--conveyance [--wait] [--json]'));
    const disk = await findDisk(bus, name);
    const reply = await bus.call(BUS_NAME, diskPath(disk.id), DISK_IFACE, 'StartSelfTest',
        new GLib.Variant('(sa{sv})', [(types[0] ?? '').slice(2), {}]), new GLib.VariantType('(o)'),
        Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, 5 * 60 * 1000, null);
    const [path] = reply.deepUnpack<[string]>();
    const job = flags.includes('--wait') ? await waitForJob(bus, path) : await readJob(bus, path);
    printJob(job, json);
    return job.state === 'failed' || job.state === 'interrupted' ? 1 : 0;
}
