// The Files (Nautilus 48) context menu of SigmaVault, on a file or folder
// that lives on a mounted ZFS dataset:
//  - "Show in SigmaVault" asks the daemon which pool and dataset hold it
//    (LocatePath) and opens SigmaVault Settings on that pool (the app's
//    `show-pool` action, through D-Bus activation);
//  - "Restore Previous Version…" (files only) opens SigmaVault Settings'
//    Previous Versions dialog on it (the `previous-versions` action). The
//    dialog lives in the app because this module must not use Gtk, and
//    because the snapshot copies are read there, as the user;
//  - a "SigmaVault" submenu on any local files and folders (one or many):
//    Compress, Compress and Replace Originals, Decompress (.zst and .tar.zst files) and
//    Verify (.zst and .tar.zst files). It calls the daemon's Manager1
//    directly, which runs the work as the caller; the job's outcome is told
//    by SigmaVault Settings' background mode, not here.
//
// sigmavault-nautilus.so evaluates this module inside Nautilus's own process
// and hands Nautilus the class registered below by its GTypeName. Rules for
// living in that process:
//  - never import Gtk (Nautilus owns the toolkit and its version);
//  - never block in get_file_items(): decide from FileInfo data and the cached
//    mount table only; every D-Bus call is asynchronous;
//  - never throw into Nautilus: failures are logged with what the user can do.
//
// It is installed as <jsdir>/nautilus-extension/menu-provider.js, so the
// relative imports below resolve to the installed shared modules.
import Gettext from 'gettext';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Nautilus from 'gi://Nautilus';
import { GETTEXT_PACKAGE, LOCALEDIR } from '../src/shared/config.js';
import { BUS_NAME, ErrorName, MANAGER_IFACE, MANAGER_PATH } from '../src/shared/dbus-names.js';
import { isDictionaryName, isTempName, isZstdName } from '../src/shared/compressed-names.js';
import { appSettingsOrNull, compressDefaultsOf, compressOptions } from '../src/shared/compression-defaults.js';
import { displayBaseName, localPathBytes } from '../src/shared/uri-path.js';
import { locate } from '../src/shared/mount-lookup.js';

// Our own text domain, bound without touching Nautilus's default domain.
Gettext.bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
const _ = Gettext.domain(GETTEXT_PACKAGE).gettext;

/** SigmaVault Settings, a D-Bus activatable GApplication on the session bus. */
export const SETTINGS_APP_ID = 'com.sigmavault.Settings';
export const SETTINGS_APP_PATH = '/com/sigmavault/Settings';
/** The menu item's name: unique among all Files extensions. */
export const SHOW_ITEM_NAME = 'SigmaVault::ShowInSigmaVault';
export const VERSIONS_ITEM_NAME = 'SigmaVault::RestorePreviousVersion';
export const SUBMENU_ITEM_NAME = 'SigmaVault::Files';
export const COMPRESS_ITEM_NAME = 'SigmaVault::Compress';
export const COMPRESS_REPLACE_ITEM_NAME = 'SigmaVault::CompressReplace';
export const DECOMPRESS_ITEM_NAME = 'SigmaVault::Decompress';
export const VERIFY_ITEM_NAME = 'SigmaVault::Verify';

/** One selected item as the compression actions see it. */
export interface Selected {
    readonly name: string;
    readonly directory: boolean;
}

/** Which compression actions a selection gets. */
export interface CompressionChoice {
    readonly compress: boolean;
    /** Compress and Replace Originals: only where there is a file to replace (folders are kept). */
    readonly compressReplace: boolean;
    readonly decompress: boolean;
    readonly verify: boolean;
}

/**
 * Pure: the actions that make sense for every item of a selection.
 * Compress: nothing compressed already (a .zst would only be skipped) and
 * no dictionary (removing one with "replace" would leave the files that
 * need it undecodable). Decompress and Verify: .zst and .tar.zst files
 * (an archive unpacks to its folder).
 * Temporary files of a running job get nothing.
 */
export function compressionChoice(selection: readonly Selected[]): CompressionChoice {
    const none = { compress: false, compressReplace: false, decompress: false, verify: false };
    if (selection.length === 0 || selection.some(s => s.name === '' || isTempName(s.name)))
        return none;
    const zstdFile = (s: Selected): boolean => !s.directory && isZstdName(s.name);
    const compress = selection.every(s => !isZstdName(s.name) && !(!s.directory && isDictionaryName(s.name)));
    return {
        compress,
        compressReplace: compress && selection.some(s => !s.directory),
        decompress: selection.every(zstdFile),
        verify: selection.every(zstdFile),
    };
}

/** A mounted ZFS dataset, as the daemon's Manager1.Mounts property lists it. */
export interface ZfsMount {
    readonly dataset: string;
    readonly mountpoint: string;
    readonly pool: string;
}

/** The mount holding `path` (longest whole-component mountpoint prefix). */
export const mountForPath = (mounts: readonly ZfsMount[], path: string): ZfsMount | null => locate(mounts, path);

/** Reads Manager1.Mounts from a variant, accepting only its contract type a(sss). */
export function mountsFromVariant(value: GLib.Variant | null): ZfsMount[] {
    if (value === null || value.get_type_string() !== 'a(sss)')
        return [];
    return value.deepUnpack<[string, string, string][]>()
        .map(([dataset, mountpoint, pool]) => ({ dataset, mountpoint, pool }));
}

/** The Manager1 methods the submenu calls. */
type Method = 'Compress' | 'Decompress' | 'Verify';

/** What went wrong, in the daemon's words (without GDBus's prefix). */
function reasonOf(e: unknown): string {
    if (e instanceof GLib.Error) {
        if (Gio.DBusError.is_remote_error(e))
            Gio.DBusError.strip_remote_error(e); // in place
        return e.message;
    }
    return e instanceof Error ? e.message : String(e);
}

/** The reason and, for the log, the D-Bus error name. */
function describe(e: unknown): string {
    const remote = e instanceof GLib.Error ? Gio.DBusError.get_remote_error(e) : null;
    const reason = reasonOf(e);
    return remote === null ? reason : `${reason} [${remote}]`;
}

function warn(message: string): void {
    console.warn(`SigmaVault (Files menu): ${message}`);
}

export class SigmaVaultMenuProvider extends GObject.Object {
    static {
        GObject.registerClass({
            GTypeName: 'SigmaVaultMenuProvider',
            Implements: [Nautilus.MenuProvider],
        }, this);
    }

    // Nautilus.MenuProvider's method, which GJS puts on implementing classes.
    declare readonly emit_items_updated_signal: Nautilus.MenuProvider['emit_items_updated_signal'];

    declare private _proxy: Gio.DBusProxy | null;
    declare private _mounts: ZfsMount[];
    declare private _connecting: boolean;

    constructor() {
        super();
        this._proxy = null;
        this._mounts = [];
        this._connecting = false;
        this.connectToDaemon();
    }

    /** The mounted ZFS datasets as last reported by the daemon. */
    get mounts(): readonly ZfsMount[] {
        return this._mounts;
    }

    /** Whether the daemon has been reached and the mount table is being followed. */
    get connected(): boolean {
        return this._proxy !== null;
    }

    private connectToDaemon(): void {
        if (this._connecting || this._proxy !== null)
            return;
        this._connecting = true;
        // The daemon is D-Bus activated: constructing the proxy starts it if
        // it is not running. GET_INVALIDATED_PROPERTIES keeps the cache right
        // whether it emits new values or only invalidates them.
        Gio.DBusProxy.new_for_bus(Gio.BusType.SYSTEM, Gio.DBusProxyFlags.GET_INVALIDATED_PROPERTIES, null,
            BUS_NAME, MANAGER_PATH, MANAGER_IFACE, null, (_source, result) => {
                this._connecting = false;
                try {
                    this.followDaemon(Gio.DBusProxy.new_for_bus_finish(result));
                } catch (e) {
                    warn(`cannot reach the SigmaVault service on the system bus (${describe(e)}). ` +
                        '"Show in SigmaVault" stays hidden; check that SigmaVault is installed and that ' +
                        'the system bus is running, then restart Files (nautilus -q).');
                }
            });
    }

    private followDaemon(proxy: Gio.DBusProxy): void {
        this._proxy = proxy;
        proxy.connect('g-properties-changed', (_p, changed: GLib.Variant, invalidated: string[]) => {
            if (changed.lookup_value('Mounts', null) !== null || invalidated.includes('Mounts'))
                this.updateMounts();
        });
        // The daemon restarting (or exiting): GDBusProxy drops its cache when
        // the name loses its owner and reloads it before notifying a new one.
        proxy.connect('notify::g-name-owner', () => {
            this.updateMounts();
        });
        this.updateMounts();
    }

    private updateMounts(): void {
        const mounts = mountsFromVariant(this._proxy?.get_cached_property('Mounts') ?? null);
        const same = mounts.length === this._mounts.length &&
            mounts.every((m, i) => {
                const o = this._mounts[i];
                return o !== undefined && o.dataset === m.dataset && o.mountpoint === m.mountpoint && o.pool === m.pool;
            });
        if (same)
            return;
        this._mounts = mounts;
        console.debug(`SigmaVault (Files menu): ${mounts.length} ZFS mount(s) known`);
        // The libnautilus-extension way to say the items may have changed.
        // Nautilus 48 itself asks providers again when the selection or the
        // folder changes, so a menu built before the daemon answered (right
        // after Files started) gains the item at the next selection.
        this.emit_items_updated_signal();
    }

    /** The local path of a Files item as text; null for remote and virtual locations, and for a name that is not UTF-8 (which a JS string cannot hold). */
    private static localPath(file: Nautilus.FileInfo): string | null {
        const bytes = file.get_uri_scheme() === 'file' ? localPathBytes(file.get_uri()) : null;
        try {
            return bytes === null ? null : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
            return null;
        }
    }

    /**
     * For `file` on a mounted ZFS dataset: "Restore Previous Version…" (a
     * file, in the selection's menu) and "Show in SigmaVault"; else nothing.
     * "Show in SigmaVault" comes last: it is the item next to Properties.
     */
    private itemsFor(file: Nautilus.FileInfo, background = false): Nautilus.MenuItem[] {
        const path = SigmaVaultMenuProvider.localPath(file);
        const mount = path !== null ? mountForPath(this._mounts, path) : null;
        if (path === null || mount === null)
            return [];
        const items: Nautilus.MenuItem[] = [];
        if (!background && !file.is_directory()) {
            console.debug(`SigmaVault (Files menu): offering "Restore Previous Version…" for ${path} (dataset ${mount.dataset})`);
            const versions = new Nautilus.MenuItem({
                name: VERSIONS_ITEM_NAME,
                label: _('Restore Previous Version…'),
                tip: _('See the versions of this file kept in snapshots, and open or restore one'),
            });
            versions.connect('activate', () => {
                this.activateSettings('previous-versions', new GLib.Variant('ay', new TextEncoder().encode(path)),
                    `sigmavault-settings --previous-versions ${GLib.shell_quote(path)}`);
            });
            items.push(versions);
        }
        console.debug(`SigmaVault (Files menu): offering "Show in SigmaVault" for ${path} (dataset ${mount.dataset})`);
        const item = new Nautilus.MenuItem({
            name: SHOW_ITEM_NAME,
            label: _('Show in SigmaVault'),
            tip: file.is_directory()
                ? _('Open the storage pool that holds this folder in SigmaVault Settings')
                : _('Open the storage pool that holds this file in SigmaVault Settings'),
        });
        item.connect('activate', () => {
            this.showInSigmaVault(path);
        });
        items.push(item);
        return items;
    }

    /** The "SigmaVault" submenu for local files and folders, or null where no action fits. */
    private compressionSubmenu(files: Nautilus.FileInfo[]): Nautilus.MenuItem | null {
        // Exact bytes from the URI: a name that is not UTF-8 reaches the daemon as it is on the disk.
        const paths: Uint8Array[] = [];
        const selection: Selected[] = [];
        for (const file of files) {
            const path = file.get_uri_scheme() === 'file' ? localPathBytes(file.get_uri()) : null;
            if (path === null || path.length <= 1)
                return null;
            paths.push(path);
            selection.push({ name: displayBaseName(path), directory: file.is_directory() });
        }
        const choice = compressionChoice(selection);
        if (!choice.compress && !choice.decompress && !choice.verify)
            return null;
        const one = files.length === 1;
        const menu = new Nautilus.Menu();
        const add = (name: string, label: string, tip: string, method: Method, replace: boolean | null): void => {
            const item = new Nautilus.MenuItem({ name, label, tip });
            item.connect('activate', () => {
                this.startJob(method, paths, replace);
            });
            menu.append_item(item);
        };
        if (choice.compress) {
            add(COMPRESS_ITEM_NAME, _('Compress'), one
                ? _('Make a verified .zst copy beside it; the original stays')
                : _('Make verified .zst copies beside them; the originals stay'), 'Compress', false);
        }
        if (choice.compressReplace) {
            // The daemon keeps folders (their .tar.zst is made, the folder stays).
            add(COMPRESS_REPLACE_ITEM_NAME, _('Compress and Replace Originals'), one
                ? _('Make a verified .zst copy beside it, then remove the original file')
                : _('Make verified .zst copies beside them, then remove the original files (folders are kept)'), 'Compress', true);
        }
        if (choice.decompress) {
            add(DECOMPRESS_ITEM_NAME, _('Decompress'), one
                ? _('Restore the original beside the .zst file; the .zst stays')
                : _('Restore the originals beside the .zst files; the .zst files stay'), 'Decompress', null);
        }
        if (choice.verify) {
            add(VERIFY_ITEM_NAME, _('Verify'), one
                ? _('Decode it fully and compare it with the original where that is still beside it')
                : _('Decode them fully and compare them with the originals where those are still beside them'),
            'Verify', null);
        }
        console.debug(`SigmaVault (Files menu): offering the SigmaVault submenu for ${paths.length} item(s) ` +
            `(compress ${choice.compress}, decompress ${choice.decompress}, verify ${choice.verify})`);
        const submenu = new Nautilus.MenuItem({
            name: SUBMENU_ITEM_NAME,
            label: _('SigmaVault'),
            tip: _('Compress, decompress or verify with SigmaVault'),
        });
        submenu.set_submenu(menu);
        return submenu;
    }

    vfunc_get_file_items(files: Nautilus.FileInfo[]): Nautilus.MenuItem[] {
        try {
            const [file] = files;
            // The submenu comes first, so that the single-file items keep
            // their places next to Properties.
            const submenu = this.compressionSubmenu(files);
            return [
                ...submenu !== null ? [submenu] : [],
                ...files.length === 1 && file !== undefined ? this.itemsFor(file) : [],
            ];
        } catch (e) {
            warn(`could not build the menu (${describe(e)}).`);
            return [];
        }
    }

    vfunc_get_background_items(currentFolder: Nautilus.FileInfo): Nautilus.MenuItem[] {
        try {
            return this.itemsFor(currentFolder, true);
        } catch (e) {
            warn(`could not build the menu (${describe(e)}).`);
            return [];
        }
    }

    /**
     * Starts a Manager1 compression job on `paths`. The daemon runs it as
     * the caller (this Files process's user) and returns its Job1 at once.
     * Compress takes the level and the types to skip set in SigmaVault
     * Settings; whether originals go is the item's (null: not a Compress).
     */
    startJob(method: Method, paths: readonly Uint8Array[], replace: boolean | null): void {
        const options = replace === null ? {} : compressOptions({ ...compressDefaultsOf(appSettingsOrNull()), replace });
        // `ay` carries each path's bytes, without a terminating NUL.
        const args = new GLib.Variant('(aaya{sv})', [[...paths], options]);
        const decoder = new TextDecoder('utf-8', { fatal: false });
        const what = paths.length === 1 ? decoder.decode(paths[0]) : `${paths.length} items`;
        Gio.bus_get(Gio.BusType.SYSTEM, null, (_source, busResult) => {
            let bus: Gio.DBusConnection;
            try {
                bus = Gio.bus_get_finish(busResult);
            } catch (e) {
                warn(`cannot reach the system bus to ${method.toLowerCase()} ${what} (${describe(e)}).`);
                return;
            }
            bus.call(BUS_NAME, MANAGER_PATH, MANAGER_IFACE, method, args, new GLib.VariantType('(o)'),
                Gio.DBusCallFlags.NONE, -1, null, (_b, result) => {
                    try {
                        const [job] = bus.call_finish(result).deepUnpack<[string]>();
                        console.debug(`SigmaVault (Files menu): ${method} of ${what} started as ${job}`);
                        // SigmaVault Settings posts the notification when it ends.
                        this.activateSettings('watch-job', new GLib.Variant('s', job), 'sigmavaultctl job list');
                    } catch (e) {
                        const details = describe(e);
                        warn(`could not ${method.toLowerCase()} ${what} (${details}). ` +
                            `"sigmavaultctl ${method.toLowerCase()} PATH…" in a terminal does the same and says why.`);
                        // The person who chose the item learns why from a notification.
                        this.activateSettings('job-refused', new GLib.Variant('(sss)', [method, what, reasonOf(e)]),
                            `sigmavaultctl ${method.toLowerCase()} PATH…`);
                    }
                });
        });
    }

    /** Asks the daemon where `path` is, then opens SigmaVault Settings on that pool. */
    showInSigmaVault(path: string): void {
        const proxy = this._proxy;
        if (proxy === null) {
            warn(`cannot show ${path}: the SigmaVault service is not reachable. ` +
                'Check that SigmaVault is installed (systemctl status sigmavaultd), then try again.');
            this.connectToDaemon();
            return;
        }
        // `ay` carries the path's bytes, without a terminating NUL.
        const args = new GLib.Variant('(aya{sv})', [new TextEncoder().encode(path), {}]);
        proxy.call('LocatePath', args, Gio.DBusCallFlags.NONE, -1, null, (_p, result) => {
            let poolName: string;
            try {
                const reply = proxy.call_finish(result);
                [, poolName] = reply.deepUnpack<[string, string, string]>();
            } catch (e) {
                const notFound = e instanceof GLib.Error && Gio.DBusError.get_remote_error(e) === ErrorName.NotFound;
                warn(notFound
                    ? `${describe(e)} The dataset may have been unmounted or its pool exported; reload the folder.`
                    : `could not find the pool holding ${path} (${describe(e)}). ` +
                      'Open SigmaVault Settings from the Activities overview to check the service.');
                return;
            }
            this.activateSettings('show-pool', new GLib.Variant('s', poolName), `sigmavault-settings --pool ${poolName}`);
        });
    }

    /** Activates an action of SigmaVault Settings (the app starts on demand); `command` does the same in a terminal. */
    private activateSettings(action: string, parameter: GLib.Variant, command: string): void {
        Gio.bus_get(Gio.BusType.SESSION, null, (_source, busResult) => {
            let bus: Gio.DBusConnection;
            try {
                bus = Gio.bus_get_finish(busResult);
            } catch (e) {
                warn(`cannot reach the session bus to open SigmaVault Settings (${describe(e)}). ` +
                    `Run "${command}" instead.`);
                return;
            }
            const params = new GLib.Variant('(sava{sv})', [action, [parameter], {}]);
            bus.call(SETTINGS_APP_ID, SETTINGS_APP_PATH, 'org.freedesktop.Application', 'ActivateAction',
                params, null, Gio.DBusCallFlags.NONE, -1, null, (_b, result) => {
                    try {
                        bus.call_finish(result);
                    } catch (e) {
                        warn(`could not open SigmaVault Settings (${action}) (${describe(e)}). ` +
                            'Check that SigmaVault Settings is installed; running ' +
                            `"${command}" in a terminal shows why it does not start.`);
                    }
                });
        });
    }
}
