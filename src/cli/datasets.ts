// sigmavaultctl dataset … and snapshot …: datasets and snapshots through
// the daemon's com.sigmavault.Dataset1 objects.
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { datasetPath } from '../shared/dbus-names.js';
import { callDataset, type DatasetInfo, getProperties, listSnapshots, readDatasets, type SnapshotRow } from '../shared/dataset-info.js';
import { formatSize } from '../shared/format.js';
import { _, format } from '../shared/i18n.js';
import { table } from './table.js';

export const DATASET_USAGE = _(`  sigmavaultctl dataset list [POOL] [--json]           Datasets with used and available space
  sigmavaultctl dataset get NAME [PROPERTY…] [--json]  Properties with their source
  sigmavaultctl dataset set NAME PROPERTY=VALUE…       Change properties (VALUE “inherit” to inherit)
  sigmavaultctl dataset create NAME [PROPERTY=VALUE…]  Create a dataset
  sigmavaultctl dataset destroy NAME [--confirm=NAME]  Show what would go; destroy with --confirm
  sigmavaultctl snapshot list DATASET [--json]         Snapshots, oldest first
  sigmavaultctl snapshot create DATASET@NAME [-r]      NAME may use %Y %m %d %H %M %S
  sigmavaultctl snapshot rollback DATASET@NAME [--destroy-newer]
  sigmavaultctl snapshot destroy DATASET@NAME…`);

export class UsageError extends Error {}

function pairs(words: readonly string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const w of words) {
        const i = w.indexOf('=');
        if (i < 1)
            throw new UsageError(format(_('Expected PROPERTY=VALUE, got “%s”'), w));
        out[w.slice(0, i)] = w.slice(i + 1);
    }
    return out;
}

function splitSnapshot(arg: string | undefined): [string, string] {
    const at = arg?.indexOf('@') ?? -1;
    if (arg === undefined || at < 1)
        throw new UsageError(_('Expected DATASET@SNAPSHOT'));
    return [arg.slice(0, at), arg.slice(at + 1)];
}

function datasetJson(d: DatasetInfo): Record<string, unknown> {
    return {
        name: d.name, pool: d.pool, type: d.type, used: d.used, available: d.available, referenced: d.referenced,
        used_by_snapshots: d.usedBySnapshots, used_by_children: d.usedByChildren, used_by_dataset: d.usedByDataset,
        mountpoint: d.mountpoint, origin: d.origin, encryption: d.encryption, key_status: d.keyStatus,
        snapshot_count: d.snapshotCount,
    };
}

async function allSnapshots(bus: Gio.DBusConnection, dataset: string): Promise<SnapshotRow[]> {
    const out: SnapshotRow[] = [];
    for (let offset = 0; ; offset += 1000) {
        const { page, total } = await listSnapshots(bus, datasetPath(dataset), offset, 1000);
        out.push(...page);
        if (page.length === 0 || out.length >= total)
            return out;
    }
}

/** Runs a dataset or snapshot command; words exclude --json. */
export async function runDatasetCommand(bus: Gio.DBusConnection, words: string[], json: boolean): Promise<void> {
    const [noun, verb, ...rest] = words;
    const flags = rest.filter(w => w.startsWith('-'));
    const args = rest.filter(w => !w.startsWith('-'));
    const flag = (name: string): string | undefined => {
        const f = flags.find(x => x === name || x.startsWith(`${name}=`));
        return f === undefined ? undefined : f.slice(name.length + 1);
    };
    const path = (name: string | undefined): string => {
        if (name === undefined)
            throw new UsageError(_('Name a dataset'));
        return datasetPath(name);
    };
    const command = `${noun ?? ''} ${verb ?? ''}`;
    switch (command) {
    case 'dataset list': {
        const all = (await readDatasets(bus)).filter(d => args[0] === undefined || d.pool === args[0]);
        if (json) {
            print(JSON.stringify(all.map(datasetJson), null, 2));
            return;
        }
        print(table([[_('NAME'), _('USED'), _('AVAILABLE'), _('REFERENCED'), _('SNAPSHOTS'), _('MOUNTPOINT')],
            ...all.map(d => [d.name, formatSize(d.used), formatSize(d.available), formatSize(d.referenced),
                format(_('%d (%s)'), d.snapshotCount, formatSize(d.usedBySnapshots)), d.mountpoint || '-'])]));
        return;
    }
    case 'dataset get': {
        const props = (await getProperties(bus, path(args[0]))).filter(p => args.length < 2 || args.slice(1).includes(p.property));
        if (json) {
            print(JSON.stringify(props.map(p => ({ property: p.property, value: p.value, source: p.source, inherited_from: p.inheritedFrom })), null, 2));
            return;
        }
        print(table([[_('PROPERTY'), _('VALUE'), _('SOURCE')], ...props.map(p => [p.property, p.value,
            p.source === 'inherited' ? format(_('inherited from %s'), p.inheritedFrom) : p.source === 'none' ? '-' : p.source])]));
        return;
    }
    case 'dataset set':
        await callDataset(bus, path(args[0]), 'SetProperties', new GLib.Variant('(a{ss}a{sv})', [pairs(args.slice(1)), {}]));
        return;
    case 'dataset create': {
        const name = args[0] ?? '';
        const slash = name.indexOf('/');
        if (slash < 1)
            throw new UsageError(_('Name the new dataset in full, such as tank/photos'));
        // Created under the pool's root dataset; missing parents are made too.
        const reply = await callDataset(bus, datasetPath(name.slice(0, slash)), 'CreateChild',
            new GLib.Variant('(sa{ss}a{sv})', [name.slice(slash + 1), pairs(args.slice(1)), {}]));
        if (json)
            print(JSON.stringify({ name, path: reply.deepUnpack<[string]>()[0] }));
        return;
    }
    case 'dataset destroy': {
        const confirm = flag('--confirm');
        if (confirm === undefined) {
            const [children, snapshots, clones] = (await callDataset(bus, path(args[0]), 'PreviewDestroy',
                new GLib.Variant('(a{sv})', [{}]))).deepUnpack<[string[], string[], string[]]>();
            print(format(_('Destroying %s would also destroy %d datasets, %d snapshots and %d clones:'),
                args[0] ?? '', children.length, snapshots.length, clones.length));
            for (const n of [...children, ...clones, ...snapshots])
                print(`  ${n}`);
            throw new UsageError(format(_('To destroy it, repeat its exact name: --confirm=%s'), args[0] ?? ''));
        }
        await callDataset(bus, path(args[0]), 'Destroy', new GLib.Variant('(a{sv})', [{ 'confirm-name': new GLib.Variant('s', confirm) }]));
        return;
    }
    case 'snapshot list': {
        const rows = await allSnapshots(bus, args[0] ?? '');
        if (json) {
            print(JSON.stringify(rows.map(s => ({ name: `${args[0] ?? ''}@${s.name}`, createtxg: s.createtxg, creation: s.creation,
                used: s.used, referenced: s.referenced, holds: s.holds })), null, 2));
            return;
        }
        print(table([[_('NAME'), _('CREATED'), _('USED'), _('REFERENCED'), _('HOLDS')], ...rows.map(s => [
            `${args[0] ?? ''}@${s.name}`, GLib.DateTime.new_from_unix_local(s.creation)?.format('%Y-%m-%d %H:%M') ?? '',
            formatSize(s.used), formatSize(s.referenced), String(s.holds)])]));
        return;
    }
    case 'snapshot create': {
        const [ds, name] = splitSnapshot(args[0]);
        const reply = await callDataset(bus, datasetPath(ds), 'CreateSnapshot',
            new GLib.Variant('(sba{sv})', [name, flags.includes('-r'), {}]));
        print(reply.deepUnpack<[string]>()[0]);
        return;
    }
    case 'snapshot rollback': {
        const [ds, name] = splitSnapshot(args[0]);
        const options: Record<string, GLib.Variant> = flags.includes('--destroy-newer') ? { 'destroy-newer': new GLib.Variant('b', true) } : {};
        await callDataset(bus, datasetPath(ds), 'Rollback', new GLib.Variant('(sa{sv})', [name, options]));
        return;
    }
    case 'snapshot destroy': {
        const byDataset = new Map<string, string[]>();
        for (const a of args) {
            const [ds, name] = splitSnapshot(a);
            byDataset.set(ds, [...byDataset.get(ds) ?? [], name]);
        }
        if (byDataset.size === 0)
            throw new UsageError(_('Name the snapshots to destroy'));
        for (const [ds, names] of byDataset)
            await callDataset(bus, datasetPath(ds), 'DestroySnapshots', new GLib.Variant('(asa{sv})', [names, {}]));
        return;
    }
    default:
        throw new UsageError(format(_('Unknown command: %s'), words.join(' ')));
    }
}
