// /com/sigmavault/Daemon/datasets/<escaped name>: com.sigmavault.Dataset1.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { DATASET_IFACE, datasetPath } from '../../shared/dbus-names.js';
import type { Dataset } from '../zfs/dataset-model.js';
import { ExportedInterface, interfaceInfo, type MethodHandler } from '../objects/exported-interface.js';
import { ExportedObject } from '../objects/object-server.js';

export const DATASET_METHODS = [
    'GetProperties', 'SetProperties', 'CreateChild', 'Rename', 'PreviewDestroy', 'Destroy', 'LoadKey', 'UnloadKey',
    'ListSnapshots', 'CreateSnapshot', 'RollbackPreview', 'Rollback', 'CloneSnapshot', 'DestroySnapshots', 'Hold', 'Release',
    'SetSnapshotPolicy', 'PreviewPrune',
    'SnapshotDirectories',
] as const;
export type DatasetMethod = (typeof DATASET_METHODS)[number];

/** A handler gets the dataset's current name, so a renamed object never acts on its old name. */
export type DatasetHandler = (dataset: string, args: unknown[], invocation: Gio.DBusMethodInvocation) => Promise<GLib.Variant | null>;

function properties(d: Dataset, snapshotCount: number, features: readonly string[]): Record<string, GLib.Variant> {
    return {
        Name: new GLib.Variant('s', d.name),
        Pool: new GLib.Variant('s', d.pool),
        Type: new GLib.Variant('s', d.type),
        Used: new GLib.Variant('t', d.used),
        Available: new GLib.Variant('t', d.available),
        Referenced: new GLib.Variant('t', d.referenced),
        UsedBySnapshots: new GLib.Variant('t', d.usedBySnapshots),
        UsedByChildren: new GLib.Variant('t', d.usedByChildren),
        UsedByDataset: new GLib.Variant('t', d.usedByDataset),
        Mountpoint: new GLib.Variant('s', d.mountpoint),
        Origin: new GLib.Variant('s', d.origin),
        Encryption: new GLib.Variant('s', d.encryption),
        KeyStatus: new GLib.Variant('s', d.keyStatus),
        SnapshotCount: new GLib.Variant('u', snapshotCount),
        Features: new GLib.Variant('as', [...features]),
    };
}

export class DatasetObject {
    readonly object: ExportedObject;
    private readonly iface: ExportedInterface;

    /**
     * `extra` are properties kept elsewhere (the snapshot policy's, from
     * src/service/snapshots/snapshot-policies.ts).
     */
    constructor(private dataset: Dataset, snapshotCount: number, features: readonly string[],
        methods: Readonly<Record<DatasetMethod, DatasetHandler>>, extra: Readonly<Record<string, GLib.Variant>>) {
        const bound: Record<string, MethodHandler> = {};
        for (const m of DATASET_METHODS)
            bound[m] = (args, inv) => methods[m](this.dataset.name, args, inv);
        this.iface = new ExportedInterface(interfaceInfo(DATASET_IFACE), bound);
        this.iface.set({ ...properties(dataset, snapshotCount, features), ...extra });
        this.object = new ExportedObject(datasetPath(dataset.name), [this.iface]);
    }

    get path(): string {
        return this.object.path;
    }

    get name(): string {
        return this.dataset.name;
    }

    update(dataset: Dataset, snapshotCount: number, features: readonly string[]): void {
        this.dataset = dataset;
        this.iface.set(properties(dataset, snapshotCount, features));
    }

    /** Sets properties kept elsewhere; PropertiesChanged only for those that changed. */
    setExtra(extra: Readonly<Record<string, GLib.Variant>>): void {
        this.iface.set(extra);
    }
}
