// The Files menu provider as Nautilus uses it, run in this GJS process: the
// installed module is evaluated, its class looked up by GTypeName and
// instantiated through GObject (as sigmavault-nautilus.so and Nautilus do),
// and asked for menu items for FileInfo objects implemented here. Against
// the real daemon (D-Bus activated on a private system bus) and real
// zfs-fuse pools; SigmaVault Settings is stood in for by this test, which
// owns com.sigmavault.Settings on a private session bus and records the
// org.freedesktop.Application calls it receives.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Nautilus from 'gi://Nautilus';
import type * as ProviderModule from '../../nautilus-extension/menu-provider.js';
import { BUS_NAME } from '../../src/shared/dbus-names.js';
import { run, sleep, waitFor, writeFile } from '../harness/process.js';
import { TestSession } from '../harness/session.js';
import { SettingsStandIn } from '../harness/settings-stand-in.js';
import { TestSystem } from '../harness/system.js';

/** Where `meson install` puts the provider (see nautilus-extension/meson.build). */
const INSTALLED_PROVIDER = '/usr/share/sigmavault/js/nautilus-extension/menu-provider.js';
const LABEL = 'Show in SigmaVault';
const VERSIONS = 'Restore Previous Version…';
/** Sibling of /tank whose name starts with "tank": a string prefix, not a path prefix. */
const TANKER = '/tanker';

/** A Nautilus.FileInfo for a location, answering from the file system like NautilusFile. */
class TestFileInfo extends GObject.Object {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultTestFileInfo', Implements: [Nautilus.FileInfo] }, this);
    }

    declare private _file: Gio.File;

    constructor(file: Gio.File) {
        super();
        this._file = file;
    }

    static path(path: string): Nautilus.FileInfo {
        return new TestFileInfo(Gio.File.new_for_path(path)) as unknown as Nautilus.FileInfo;
    }

    static uri(uri: string): Nautilus.FileInfo {
        return new TestFileInfo(Gio.File.new_for_uri(uri)) as unknown as Nautilus.FileInfo;
    }

    vfunc_get_location(): Gio.File {
        return this._file;
    }

    vfunc_get_uri(): string {
        return this._file.get_uri();
    }

    vfunc_get_activation_uri(): string {
        return this._file.get_uri();
    }

    vfunc_get_uri_scheme(): string {
        return this._file.get_uri_scheme() ?? '';
    }

    vfunc_get_name(): string {
        return this._file.get_basename() ?? '';
    }

    vfunc_get_parent_uri(): string {
        return this._file.get_parent()?.get_uri() ?? '';
    }

    vfunc_get_parent_location(): Gio.File | null {
        return this._file.get_parent();
    }

    vfunc_get_parent_info(): Nautilus.FileInfo | null {
        return null;
    }

    vfunc_get_file_type(): Gio.FileType {
        return this._file.is_native() ? this._file.query_file_type(Gio.FileQueryInfoFlags.NONE, null) : Gio.FileType.UNKNOWN;
    }

    vfunc_is_directory(): boolean {
        return this.vfunc_get_file_type() === Gio.FileType.DIRECTORY;
    }

    vfunc_get_mime_type(): string {
        return this.vfunc_is_directory() ? 'inode/directory' : 'application/octet-stream';
    }

    vfunc_is_mime_type(mimeType: string): boolean {
        return mimeType === this.vfunc_get_mime_type();
    }

    vfunc_is_gone(): boolean {
        return false;
    }

    vfunc_can_write(): boolean {
        return true;
    }

    vfunc_get_mount(): Gio.Mount | null {
        return null;
    }

    vfunc_get_string_attribute(): string | null {
        return null;
    }

    vfunc_add_emblem(): void {
        // Nautilus would show it; nothing to do here.
    }

    vfunc_add_string_attribute(): void {
        // As above.
    }

    vfunc_invalidate_extension_info(): void {
        // As above.
    }
}

describe('Files menu provider (installed module, real daemon and zfs-fuse)', () => {
    let sys: TestSystem;
    let session: TestSession;
    let settings: SettingsStandIn;
    let module: typeof ProviderModule;
    let provider: Nautilus.MenuProvider;
    let providerObject: ProviderModule.SigmaVaultMenuProvider;
    let daemonOwnedBeforeProvider = true;
    let savedSessionBus: string | null = null;

    const itemsFor = (...files: Nautilus.FileInfo[]): Nautilus.MenuItem[] => provider.get_file_items(files) ?? [];
    const labels = (...files: Nautilus.FileInfo[]): string[] => itemsFor(...files).map(i => i.label);

    beforeAll(async () => {
        sys = await TestSystem.start();
        await sys.createPool('tank', 'mirror', 2);
        await sys.zfs('create', 'tank/data');
        writeFile('/tank/report.txt', 'quarterly numbers\n');
        writeFile('/tank/data/photo.jpg', 'not really a photo\n');
        GLib.mkdir_with_parents('/tank/folder', 0o755);
        writeFile(`${TANKER}/file.txt`, 'outside ZFS\n');

        // The provider opens SigmaVault Settings on the session bus of the
        // process it runs in: this test's private one.
        session = await TestSession.start('nautilus-provider');
        savedSessionBus = GLib.getenv('DBUS_SESSION_BUS_ADDRESS');
        GLib.setenv('DBUS_SESSION_BUS_ADDRESS', session.busAddress, true);
        settings = await SettingsStandIn.start(session.sessionBus);
        // The provider uses this process's shared bus connections, as it does
        // Nautilus's. GLib ends a process whose shared connection is closed by
        // the bus; here the buses go away first, at the end of the test.
        Gio.bus_get_sync(Gio.BusType.SYSTEM, null).set_exit_on_close(false);
        Gio.bus_get_sync(Gio.BusType.SESSION, null).set_exit_on_close(false);

        daemonOwnedBeforeProvider = await sys.hasOwner(BUS_NAME);
        module = await import(Gio.File.new_for_path(INSTALLED_PROVIDER).get_uri()) as typeof ProviderModule;
        const gtype = GObject.type_from_name('SigmaVaultMenuProvider');
        const instance = GObject.Object.newv(gtype, []);
        if (!(instance instanceof module.SigmaVaultMenuProvider))
            throw new Error('SigmaVaultMenuProvider did not construct to its own class');
        providerObject = instance;
        provider = instance as unknown as Nautilus.MenuProvider;
        await waitFor('the provider to have the daemon\'s mount table',
            () => providerObject.mounts.some(m => m.mountpoint === '/tank/data'), 20000);
    });

    afterAll(async () => {
        await settings?.stop().catch(() => undefined);
        await session?.stop();
        if (savedSessionBus === null)
            GLib.unsetenv('DBUS_SESSION_BUS_ADDRESS');
        else
            GLib.setenv('DBUS_SESSION_BUS_ADDRESS', savedSessionBus, true);
        await run(['rm', '-rf', '--', TANKER]);
        if (sys) {
            await sys.stopDaemon().catch(() => undefined);
            await sys.destroyPool('tank').catch(() => undefined);
            await sys.stop();
        }
    });

    it('registers the GType SigmaVaultMenuProvider, a Nautilus.MenuProvider (what the C module checks)', () => {
        const gtype = GObject.type_from_name('SigmaVaultMenuProvider');
        expect(GObject.type_is_a(gtype, Nautilus.MenuProvider.$gtype)).toBeTrue();
        expect(provider instanceof Nautilus.MenuProvider).toBeTrue();
    });

    it('D-Bus activates the daemon on the system bus and caches its Mounts (dataset, mountpoint, pool)', async () => {
        expect(daemonOwnedBeforeProvider).toBeFalse();
        expect(await sys.hasOwner(BUS_NAME)).toBeTrue();
        expect(providerObject.connected).toBeTrue();
        const mounts = providerObject.mounts.filter(m => m.pool === 'tank')
            .map(m => [m.dataset, m.mountpoint, m.pool]).sort();
        expect(mounts).toEqual([['tank', '/tank', 'tank'], ['tank/data', '/tank/data', 'tank']]);
    });

    it(`offers "${VERSIONS}" and "${LABEL}" for one file, only "${LABEL}" for one folder on the pool`, () => {
        expect(labels(TestFileInfo.path('/tank/report.txt'))).toEqual([VERSIONS, LABEL]);
        expect(labels(TestFileInfo.path('/tank/folder'))).toEqual([LABEL]);
        expect(labels(TestFileInfo.path('/tank'))).toEqual([LABEL]);
        const [versions, show] = itemsFor(TestFileInfo.path('/tank/report.txt'));
        expect(versions?.name).toBe(module.VERSIONS_ITEM_NAME);
        expect(show?.name).toBe(module.SHOW_ITEM_NAME);
    });

    it('offers them for a file on a child dataset (longest mountpoint)', () => {
        expect(labels(TestFileInfo.path('/tank/data/photo.jpg'))).toEqual([VERSIONS, LABEL]);
        expect(module.mountForPath(providerObject.mounts, '/tank/data/photo.jpg')?.dataset).toBe('tank/data');
        expect(module.mountForPath(providerObject.mounts, '/tank/database/x')?.dataset).toBe('tank');
    });

    it('offers nothing outside ZFS: /etc/hostname, and /tanker/file.txt (a string prefix of /tank only)', () => {
        expect(labels(TestFileInfo.path('/etc/hostname'))).toEqual([]);
        expect(labels(TestFileInfo.path(`${TANKER}/file.txt`))).toEqual([]);
        expect(labels(TestFileInfo.path('/'))).toEqual([]);
    });

    it('offers nothing for a multi-selection, whether it spans the pool and elsewhere or not', () => {
        expect(labels(TestFileInfo.path('/tank/report.txt'), TestFileInfo.path('/etc/hostname'))).toEqual([]);
        expect(labels(TestFileInfo.path('/tank/report.txt'), TestFileInfo.path('/tank/data/photo.jpg'))).toEqual([]);
        expect(labels()).toEqual([]);
    });

    it('offers nothing for locations that are not local files (sftp://, trash:///)', () => {
        expect(labels(TestFileInfo.uri('sftp://example.com/tank/report.txt'))).toEqual([]);
        expect(labels(TestFileInfo.uri('trash:///report.txt'))).toEqual([]);
    });

    it('offers "Show in SigmaVault" (only) in the background menu of a folder on the pool, not of one elsewhere', () => {
        expect((provider.get_background_items(TestFileInfo.path('/tank/folder')) ?? []).map(i => i.label)).toEqual([LABEL]);
        expect(provider.get_background_items(TestFileInfo.path('/etc')) ?? []).toEqual([]);
    });

    it('on activate asks the daemon (LocatePath) and activates show-pool \'tank\' on com.sigmavault.Settings', async () => {
        settings.calls.length = 0;
        itemsFor(TestFileInfo.path('/tank/report.txt'))[1]?.activate();
        await waitFor('ActivateAction on the Settings stand-in', () => settings.calls.length > 0, 10000);
        expect(settings.calls).toEqual([{ action: 'show-pool', parameter: ['tank'] }]);

        settings.calls.length = 0;
        itemsFor(TestFileInfo.path('/tank/data/photo.jpg'))[1]?.activate();
        await waitFor('ActivateAction for the child dataset', () => settings.calls.length > 0, 10000);
        expect(settings.calls).toEqual([{ action: 'show-pool', parameter: ['tank'] }]);
    });

    it(`"${VERSIONS}" activates previous-versions on com.sigmavault.Settings with the path's bytes, hostile names too`, async () => {
        const hostile = '/tank/data/-n my\nphoto .jpg';
        writeFile(hostile, 'odd name\n');
        for (const path of ['/tank/report.txt', hostile]) {
            settings.calls.length = 0;
            const [item] = itemsFor(TestFileInfo.path(path));
            expect(item?.label).toBe(VERSIONS);
            item?.activate();
            await waitFor('ActivateAction previous-versions', () => settings.calls.length > 0, 10000);
            expect(settings.calls).toEqual([{ action: 'previous-versions', parameter: [new TextEncoder().encode(path)] }]);
        }
    });

    it('follows Mounts as pools come and go (g-properties-changed) and emits items-updated', async () => {
        let updates = 0;
        const id = providerObject.connect('items-updated', () => {
            updates++;
        });
        try {
            expect(labels(TestFileInfo.path('/scratch/notes.txt'))).toEqual([]);
            await sys.createPool('scratch', 'single', 1);
            writeFile('/scratch/notes.txt', 'scratch\n');
            await waitFor('/scratch in the provider\'s mounts',
                () => providerObject.mounts.some(m => m.mountpoint === '/scratch'), 10000);
            expect(labels(TestFileInfo.path('/scratch/notes.txt'))).toEqual([VERSIONS, LABEL]);
            const item = itemsFor(TestFileInfo.path('/scratch/notes.txt'))[1];

            await sys.destroyPool('scratch');
            await waitFor('/scratch to leave the provider\'s mounts',
                () => !providerObject.mounts.some(m => m.mountpoint === '/scratch'), 10000);
            expect(labels(TestFileInfo.path('/scratch/notes.txt'))).toEqual([]);
            expect(updates).toBeGreaterThanOrEqual(2);

            // A menu built before the pool went away: activating it fails in
            // the daemon (NotFound), is logged, and opens nothing.
            settings.calls.length = 0;
            item?.activate();
            await sleep(1500);
            expect(settings.calls).toEqual([]);
        } finally {
            providerObject.disconnect(id);
        }
    });
});
