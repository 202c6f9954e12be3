// /com/sigmavault/Daemon/Manager: com.sigmavault.Manager1.
import GLib from 'gi://GLib';
import { MANAGER_IFACE, MANAGER_PATH } from '../../shared/dbus-names.js';
import { VERSION } from '../../shared/config.js';
import type { ZfsState } from '../zfs/backend.js';
import type { Mount } from '../zfs/mounts.js';
import type { ToolInfo } from '../tool-versions.js';
import { ExportedInterface, interfaceInfo, type MethodHandler } from './exported-interface.js';
import { ExportedObject } from './object-server.js';

export const MANAGER_METHODS = ['LocatePath', 'GetLayoutChoices', 'ListFileDevices', 'CreatePool', 'ListImportablePools', 'ImportPool',
    'Compress', 'Decompress', 'Verify'] as const;
export type ManagerMethod = (typeof MANAGER_METHODS)[number];

export class ManagerObject {
    readonly object: ExportedObject;
    private readonly iface: ExportedInterface;

    constructor(methods: Readonly<Record<ManagerMethod, MethodHandler>>) {
        this.iface = new ExportedInterface(interfaceInfo(MANAGER_IFACE), methods);
        this.iface.set({
            Version: new GLib.Variant('s', VERSION),
            ZfsAvailable: new GLib.Variant('b', false),
            ZfsImplementation: new GLib.Variant('s', ''),
            ZfsStatus: new GLib.Variant('s', 'Checking for ZFS…'),
            ZfsJson: new GLib.Variant('b', false),
            Mounts: new GLib.Variant('a(sss)', []),
            Tools: new GLib.Variant('a(sbss)', []),
        });
        this.object = new ExportedObject(MANAGER_PATH, [this.iface]);
    }

    setZfs(state: ZfsState): void {
        this.iface.set({
            ZfsAvailable: new GLib.Variant('b', state.available),
            ZfsImplementation: new GLib.Variant('s', state.available ? state.implementation : ''),
            ZfsStatus: new GLib.Variant('s', state.available ? '' : state.reason),
            ZfsJson: new GLib.Variant('b', state.available && state.json),
        });
    }

    setMounts(mounts: readonly Mount[]): void {
        this.iface.set({ Mounts: new GLib.Variant('a(sss)', mounts.map(m => [m.dataset, m.mountpoint, m.pool] as [string, string, string])) });
    }

    setTools(tools: readonly ToolInfo[]): void {
        this.iface.set({ Tools: new GLib.Variant('a(sbss)', tools.map(t => [t.name, t.path !== null, t.version, t.path ?? ''] as [string, boolean, string, string])) });
    }
}
