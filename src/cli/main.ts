// sigmavaultctl: everything the app can do, for scripts, ssh and tests.
//   sigmavaultctl status [--json]
//   sigmavaultctl pool list [--json]
//   sigmavaultctl disk list [--json]
//   sigmavaultctl disk selftest … / selftest-log … (src/cli/disks.ts)
//   sigmavaultctl pool scrub … / job … (src/cli/jobs.ts)
//   sigmavaultctl pool offline|online|replace|attach|detach|add … (src/cli/devices.ts)
//   sigmavaultctl dataset … / snapshot … (src/cli/datasets.ts)
//   sigmavaultctl alert … (src/cli/alerts.ts)
//   sigmavaultctl pool create|import|export|destroy|layouts … (src/cli/pools.ts)
//   sigmavaultctl file … (src/cli/files.ts)
//   sigmavaultctl pool status … / pool scrub-schedule … (src/cli/pool-status.ts)
//   sigmavaultctl compress|decompress|verify … (src/cli/compression.ts)
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME } from '../shared/dbus-names.js';
import { type DaemonSnapshot, readDaemon, remoteErrorMessage } from '../shared/daemon-client.js';
import { diskTypeLabel, formatTemperature, verdictLabel } from '../shared/disk-format.js';
import { type DiskInfo, readDisks } from '../shared/disk-info.js';
import { commandLine } from './argv.js';
import { COMPRESSION_USAGE, CompressionUsageError, runCompressionCommand } from './compression.js';
import { DISK_USAGE, DiskUsageError, runDiskCommand } from './disks.js';
import { JOB_USAGE, JobUsageError, runJobCommand } from './jobs.js';
import { DEVICE_COMMANDS, DEVICE_USAGE, DeviceUsageError, runDeviceCommand } from './devices.js';
import { ALERT_USAGE, AlertUsageError, runAlertCommand } from './alerts.js';
import { DATASET_USAGE, runDatasetCommand, UsageError } from './datasets.js';
import { POLICY_USAGE, runPolicyCommand } from './snapshot-policy.js';
import { POOL_COMMANDS, POOL_USAGE, PoolUsageError, runPoolCommand } from './pools.js';
import { FILE_USAGE, FileUsageError, runFileCommand } from './files.js';
import { POOL_STATUS_USAGE, runPoolStatusCommand, ScheduleUsageError } from './pool-status.js';
import { table } from './table.js';
import { formatPercent, formatSize, healthLabel } from '../shared/format.js';
import { capacityFraction, severity, worstHealth } from '../shared/health.js';
import { _, format } from '../shared/i18n.js';
import type { PoolInfo } from '../shared/pool-info.js';

const EXIT_USAGE = 64;
const EXIT_UNAVAILABLE = 69;

const USAGE = _(`Usage:
  sigmavaultctl status [--json]      Service, ZFS and tools, and overall health
  sigmavaultctl pool list [--json]   Pools with health and capacity
  sigmavaultctl disk list [--json]   Disks with their SMART health and pool
  sigmavaultctl --help`) + `\n${POOL_USAGE}\n${POOL_STATUS_USAGE}\n${DEVICE_USAGE}\n${DISK_USAGE}\n${DATASET_USAGE}\n${POLICY_USAGE}\n${JOB_USAGE}\n${ALERT_USAGE}\n${FILE_USAGE}\n${COMPRESSION_USAGE}`;

function poolJson(p: PoolInfo): Record<string, unknown> {
    return {
        name: p.name, guid: p.guid, health: p.health, size: p.size, allocated: p.allocated, free: p.free,
        capacity: capacityFraction(p.allocated, p.size), fragmentation: p.fragmentation,
        status: p.status, action: p.action, scan: p.scan, errors: p.errors,
        vdevs: p.vdevs.map(v => ({ depth: v.depth, name: v.name, type: v.type, state: v.state, path: v.path,
            read_errors: v.read, write_errors: v.write, checksum_errors: v.checksum })),
    };
}

function printPools(snapshot: DaemonSnapshot, json: boolean): void {
    if (json) {
        print(JSON.stringify(snapshot.pools.map(poolJson), null, 2));
        return;
    }
    if (snapshot.pools.length === 0) {
        print(snapshot.manager.zfsAvailable ? _('No pools yet.') : snapshot.manager.zfsStatus);
        return;
    }
    const header = [_('NAME'), _('HEALTH'), _('SIZE'), _('ALLOCATED'), _('FREE'), _('CAPACITY'), _('FRAGMENTATION')];
    print(table([header, ...snapshot.pools.map(p => {
        const cap = capacityFraction(p.allocated, p.size);
        return [p.name, healthLabel(p.health), formatSize(p.size), formatSize(p.allocated), formatSize(p.free),
            cap === null ? '-' : formatPercent(cap), p.fragmentation === null ? '-' : formatPercent(p.fragmentation / 100)];
    })]));
}

function printDisks(disks: readonly DiskInfo[], json: boolean): void {
    if (json) {
        print(JSON.stringify(disks.map(d => ({
            id: d.id, name: d.name, device: d.device, model: d.model, serial: d.serial, wwn: d.wwn, firmware: d.firmware,
            size: d.size, type: d.type, transport: d.transport, temperature: d.temperature, power_on_hours: d.powerOnHours,
            pool: d.pool, vdev: d.vdev, verdict: d.verdict, reasons: d.reasons, smart_available: d.smartAvailable,
            smart_state: d.smartState, smart_exit_status: d.smartExitStatus, last_checked: d.lastChecked,
        })), null, 2));
        return;
    }
    if (disks.length === 0) {
        print(_('No disks found.'));
        return;
    }
    const header = [_('NAME'), _('MODEL'), _('SIZE'), _('TYPE'), _('TEMPERATURE'), _('HEALTH'), _('POOL')];
    print(table([header, ...disks.map(d => [d.name, d.model || '-', formatSize(d.size), diskTypeLabel(d.type),
        d.temperature === null ? '-' : formatTemperature(d.temperature), verdictLabel(d.verdict),
        d.pool ? `${d.pool} (${d.vdev})` : '-'])]));
    for (const d of disks.filter(x => x.verdict === 'warning' || x.verdict === 'failing')) {
        print('');
        print(format(_('%s: %s'), d.name, verdictLabel(d.verdict)));
        for (const r of d.reasons)
            print(`  ${r}`);
    }
}

function printStatus(snapshot: DaemonSnapshot, json: boolean): void {
    const { manager, pools } = snapshot;
    const overall = worstHealth(pools.map(p => p.health));
    if (json) {
        print(JSON.stringify({
            version: manager.version,
            zfs: { available: manager.zfsAvailable, implementation: manager.zfsImplementation,
                status: manager.zfsStatus, json: manager.zfsJson },
            health: overall,
            pools: pools.map(p => ({ name: p.name, health: p.health })),
            tools: manager.tools,
        }, null, 2));
        return;
    }
    print(format(_('SigmaVault %s'), manager.version));
    print(manager.zfsAvailable
        ? format(_('ZFS: %s'), manager.zfsImplementation)
        : format(_('ZFS: unavailable — %s'), manager.zfsStatus));
    const unhealthy = pools.filter(p => severity(p.health) > 0);
    print(format(_('Pools: %d, %d need attention'), pools.length, unhealthy.length));
    for (const p of unhealthy)
        print(`  ${p.name}: ${healthLabel(p.health)}`);
    print(_('Tools:'));
    for (const t of manager.tools)
        print(`  ${t.name}: ${t.present ? `${t.version || _('installed')} (${t.path})` : _('not installed')}`);
}

async function main(argv: string[]): Promise<number> {
    if (argv[0] === 'file') {
        // File names may look like options: nothing after `--` is one.
        const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
        const words = argv.filter((a, i) => i >= end || a !== '--json').slice(1);
        try {
            await runFileCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words, argv.slice(0, end).includes('--json'));
            return 0;
        } catch (e) {
            printerr(e instanceof FileUsageError ? `${e.message}\n${FILE_USAGE}` : remoteErrorMessage(e));
            return e instanceof FileUsageError ? EXIT_USAGE : 1;
        }
    }
    const json = argv.includes('--json');
    const words = argv.filter(a => a !== '--json');
    if (words.length === 0 || words.includes('--help') || words.includes('-h')) {
        print(USAGE);
        return words.length === 0 ? EXIT_USAGE : 0;
    }
    const command = words.join(' ');
    if (words[0] === 'job' || (words[0] === 'pool' && words[1] === 'scrub')) {
        try {
            return await runJobCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words, json);
        } catch (e) {
            printerr(e instanceof JobUsageError ? e.message : remoteErrorMessage(e));
            return e instanceof JobUsageError ? EXIT_USAGE : 1;
        }
    }
    if (words[0] === 'pool' && (words[1] === 'status' || words[1] === 'scrub-schedule')) {
        try {
            await runPoolStatusCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words, json);
            return 0;
        } catch (e) {
            printerr(e instanceof ScheduleUsageError ? e.message : remoteErrorMessage(e));
            return e instanceof ScheduleUsageError ? EXIT_USAGE : 1;
        }
    }
    if (words[0] === 'compress' || words[0] === 'decompress' || words[0] === 'verify') {
        try {
            return await runCompressionCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words, json);
        } catch (e) {
            printerr(e instanceof CompressionUsageError ? e.message : remoteErrorMessage(e));
            return e instanceof CompressionUsageError ? EXIT_USAGE : 1;
        }
    }
    if (words[0] === 'disk' && (words[1] === 'selftest' || words[1] === 'selftest-log')) {
        try {
            return await runDiskCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words, json);
        } catch (e) {
            printerr(e instanceof DiskUsageError ? e.message : remoteErrorMessage(e));
            return e instanceof DiskUsageError ? EXIT_USAGE : 1;
        }
    }
    if (words[0] === 'pool' && POOL_COMMANDS.includes(words[1] ?? '')) {
        try {
            return await runPoolCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words, json);
        } catch (e) {
            printerr(e instanceof PoolUsageError ? e.message : remoteErrorMessage(e));
            return e instanceof PoolUsageError ? EXIT_USAGE : 1;
        }
    }
    if (words[0] === 'pool' && (DEVICE_COMMANDS as readonly string[]).includes(words[1] ?? '')) {
        try {
            return await runDeviceCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words, json);
        } catch (e) {
            printerr(e instanceof DeviceUsageError ? e.message : remoteErrorMessage(e));
            return e instanceof DeviceUsageError ? EXIT_USAGE : 1;
        }
    }
    if (words[0] === 'alert') {
        try {
            await runAlertCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words.filter(w => w !== '--all'), json,
                words.includes('--all'));
            return 0;
        } catch (e) {
            printerr(e instanceof AlertUsageError ? e.message : remoteErrorMessage(e));
            return e instanceof AlertUsageError ? EXIT_USAGE : 1;
        }
    }
    if (words[0] === 'dataset' || words[0] === 'snapshot') {
        try {
            if (words[0] === 'snapshot' && words[1] === 'policy')
                await runPolicyCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words.slice(2), json);
            else
                await runDatasetCommand(Gio.bus_get_sync(Gio.BusType.SYSTEM, null), words, json);
            return 0;
        } catch (e) {
            printerr(e instanceof UsageError ? e.message : remoteErrorMessage(e));
            return e instanceof UsageError ? EXIT_USAGE : 1;
        }
    }
    if (command !== 'status' && command !== 'pool list' && command !== 'disk list') {
        printerr(format(_('Unknown command: %s'), command));
        printerr(USAGE);
        return EXIT_USAGE;
    }
    let snapshot: DaemonSnapshot;
    try {
        const bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, null);
        if (command === 'disk list') {
            printDisks(await readDisks(bus), json);
            return 0;
        }
        snapshot = await readDaemon(bus);
    } catch (e) {
        printerr(format(_('Cannot reach the SigmaVault service (%s): %s'), BUS_NAME, remoteErrorMessage(e)));
        return EXIT_UNAVAILABLE;
    }
    if (command === 'status')
        printStatus(snapshot, json);
    else
        printPools(snapshot, json);
    return 0;
}

const loop = new GLib.MainLoop(null, false);
let code = 0;
main(commandLine()).then(c => {
    code = c;
}).catch((e: unknown) => {
    printerr(e instanceof Error ? e.message : String(e));
    code = 1;
}).finally(() => {
    loop.quit();
});
loop.run();
// The legacy module: evaluating the 'system' ES module reads ARGV, which
// crashes gjs when an argument is not UTF-8 (see argv.ts).
imports.system.exit(code);
