// sigmavaultctl pool create|layouts|candidates|importable|import|export|destroy:
// pools coming and going, through Manager1 and Pool1.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { readDisks } from '../shared/disk-info.js';
import { formatSize, healthLabel } from '../shared/format.js';
import { asHealth } from '../shared/health.js';
import { _, format, ngettext } from '../shared/i18n.js';
import {
    AUTH_TIMEOUT_MS, createPool, getLayoutChoices, importPool, listFileDevices, listImportable,
} from '../shared/pool-lifecycle-info.js';
import { LAYOUT_NAMES, type LayoutName } from '../shared/pool-layouts.js';
import { printJob, readJob, waitForJob } from './jobs.js';
import { table } from './table.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export const POOL_USAGE = _(`  sigmavaultctl pool candidates [--json]          Disks and files a new pool could use
  sigmavaultctl pool layouts DEVICE… [--json]     Usable space and fault tolerance per layout, and advice
  sigmavaultctl pool create NAME LAYOUT DEVICE… [--ashift=N] [--compression=C] [--wait] [--json]
                                                  LAYOUT: single, mirror, raidz1, raidz2 or raidz3
  sigmavaultctl pool importable [--dir=DIR…] [--json]
                                                  Pools that can be imported
  sigmavaultctl pool import NAME|ID [--dir=DIR…] [--force] [--new-name=NAME] [--wait] [--json]
  sigmavaultctl pool export NAME
  sigmavaultctl pool destroy NAME --confirm=NAME  Destroy the pool and everything on it`);

export const POOL_COMMANDS = ['candidates', 'layouts', 'create', 'importable', 'import', 'export', 'destroy'];

export class PoolUsageError extends Error {}

function layoutWord(layout: LayoutName): string {
    switch (layout) {
    case 'single': return _('single (no redundancy)');
    case 'mirror': return _('mirror');
    default: return layout;
    }
}

/** Runs a pool lifecycle command; words exclude --json. Returns the exit status. */
export async function runPoolCommand(bus: Gio.DBusConnection, words: readonly string[], json: boolean): Promise<number> {
    const [, verb, ...rest] = words;
    const flags = rest.filter(w => w.startsWith('--'));
    const args = rest.filter(w => !w.startsWith('--'));
    const values = (name: string): string[] => flags.filter(f => f.startsWith(`${name}=`)).map(f => f.slice(name.length + 1));
    const value = (name: string): string | undefined => values(name).at(-1);
    const allowed = (...names: string[]): void => {
        const bad = flags.filter(f => !names.some(n => f === n || f.startsWith(`${n}=`)));
        if (bad.length > 0)
            throw new PoolUsageError(format(_('Unknown option %s\n%s'), bad.join(' '), POOL_USAGE));
    };
    const finish = async (path: string): Promise<number> => {
        const job = flags.includes('--wait') ? await waitForJob(bus, path) : await readJob(bus, path);
        printJob(job, json);
        return job.state === 'failed' || job.state === 'interrupted' ? 1 : 0;
    };
    switch (verb) {
    case 'candidates': {
        allowed();
        const disks = (await readDisks(bus)).filter(d => d.pool === '');
        const files = await listFileDevices(bus);
        const rows = [...disks.map(d => ({ path: d.device, size: d.size, kind: 'disk', description: d.model })),
            ...files.map(f => ({ path: f.path, size: f.size, kind: 'file', description: '' }))];
        if (json) {
            print(JSON.stringify(rows, null, 2));
            return 0;
        }
        if (rows.length === 0) {
            print(_('No unused disks found.'));
            return 0;
        }
        print(table([[_('DEVICE'), _('SIZE'), _('KIND'), _('MODEL')],
            ...rows.map(r => [r.path, formatSize(r.size), r.kind === 'disk' ? _('disk') : _('file'), r.description || '-'])]));
        return 0;
    }
    case 'layouts': {
        allowed();
        if (args.length === 0)
            throw new PoolUsageError(_('Name the devices, such as /dev/disk/by-id/ata-…'));
        const c = await getLayoutChoices(bus, args);
        if (json) {
            print(JSON.stringify({
                devices: c.devices, recommended: c.recommended, explanation: c.explanation,
                choices: c.choices.map(x => ({ layout: x.layout, possible: x.possible, usable: x.usable,
                    fault_tolerance: x.faultTolerance, summary: x.summary, reason: x.reason })),
            }, null, 2));
            return 0;
        }
        print(table([[_('LAYOUT'), _('USABLE'), _('SURVIVES'), ''], ...c.choices.map(x => [
            `${x.layout === c.recommended ? '* ' : '  '}${layoutWord(x.layout)}`,
            x.possible ? formatSize(x.usable) : '-',
            x.possible ? format(ngettext('%d failed device', '%d failed devices', x.faultTolerance), x.faultTolerance) : '-',
            x.possible ? '' : x.reason])]));
        print('');
        print(c.recommended === null ? c.explanation : format(_('Recommended: %s. %s'), layoutWord(c.recommended), c.explanation));
        return 0;
    }
    case 'create': {
        allowed('--ashift', '--compression', '--wait');
        const [name, layout, ...devices] = args;
        if (name === undefined || layout === undefined || devices.length === 0)
            throw new PoolUsageError(format(_('Usage: %s'), 'sigmavaultctl pool create NAME LAYOUT DEVICE… [--ashift=N] [--compression=C] [--wait]'));
        if (!(LAYOUT_NAMES as readonly string[]).includes(layout))
            throw new PoolUsageError(format(_('Unknown layout “%s”: use single, mirror, raidz1, raidz2 or raidz3'), layout));
        const ashift = value('--ashift');
        if (ashift !== undefined && !/^[0-9]+$/.test(ashift))
            throw new PoolUsageError(_('--ashift takes a number: 0 (automatic) or 9 to 16, such as 12 for 4 KiB sectors'));
        const compression = value('--compression');
        return finish(await createPool(bus, {
            name, layout: layout as LayoutName, devices,
            ...(ashift !== undefined ? { ashift: Number(ashift) } : {}),
            ...(compression !== undefined ? { compression } : {}),
        }));
    }
    case 'importable': {
        allowed('--dir');
        const pools = await listImportable(bus, values('--dir'));
        if (json) {
            print(JSON.stringify(pools.map(p => ({ name: p.name, guid: p.guid, state: p.state, status: p.status, action: p.action,
                importable: p.importable, needs_force: p.needsForce, devices: p.devices })), null, 2));
            return 0;
        }
        if (pools.length === 0) {
            print(_('No pools to import were found.'));
            return 0;
        }
        print(table([[_('NAME'), _('ID'), _('STATE'), _('DEVICES')], ...pools.map(p => [p.name, p.guid,
            healthLabel(asHealth(p.state)), String(p.devices.filter(d => d.depth > 0 && !/^(mirror|raidz|logs|cache|spares)/.test(d.name)).length)])]));
        for (const p of pools.filter(x => x.status !== '' || !x.importable || x.needsForce))
            print(`\n${p.name}: ${[p.status, p.action].filter(t => t !== '').join(' ')}`);
        return 0;
    }
    case 'import': {
        allowed('--dir', '--force', '--new-name', '--wait');
        if (args.length !== 1)
            throw new PoolUsageError(format(_('Usage: %s'), 'sigmavaultctl pool import NAME|ID [--dir=DIR…] [--force] [--new-name=NAME] [--wait]'));
        const newName = value('--new-name');
        return finish(await importPool(bus, {
            pool: args[0] ?? '', searchDirs: values('--dir'), force: flags.includes('--force'),
            ...(newName !== undefined ? { newName } : {}),
        }));
    }
    case 'export':
    case 'destroy': {
        allowed(...(verb === 'destroy' ? ['--confirm'] : []));
        const name = args[0];
        if (name === undefined || args.length !== 1)
            throw new PoolUsageError(format(_('Usage: %s'), `sigmavaultctl pool ${verb} NAME${verb === 'destroy' ? ' --confirm=NAME' : ''}`));
        const confirm = value('--confirm');
        if (verb === 'destroy' && confirm === undefined)
            throw new PoolUsageError(format(_('Destroying pool %s deletes every dataset, snapshot and file on it. To go ahead, repeat its exact name: --confirm=%s'), name, name));
        const options: Record<string, GLib.Variant> = confirm !== undefined ? { 'confirm-name': new GLib.Variant('s', confirm) } : {};
        await bus.call(BUS_NAME, poolPath(name), POOL_IFACE, verb === 'export' ? 'Export' : 'Destroy',
            new GLib.Variant('(a{sv})', [options]), null, Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, AUTH_TIMEOUT_MS, null);
        if (json)
            print(JSON.stringify({ pool: name, [verb === 'export' ? 'exported' : 'destroyed']: true }));
        else
            print(verb === 'export' ? format(_('Exported pool %s.'), name) : format(_('Destroyed pool %s.'), name));
        return 0;
    }
    default:
        throw new PoolUsageError(POOL_USAGE);
    }
}
