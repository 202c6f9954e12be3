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
import { BUS_NAME, JOB_IFACE } from '../../src/shared/dbus-names.js';
import { check, run, sleep, waitFor, writeFile } from '../harness/process.js';
import { TestSession } from '../harness/session.js';
import { SettingsStandIn } from '../harness/settings-stand-in.js';
import { TestSystem } from '../harness/system.js';

/** Where `meson install` puts the provider (see nautilus-extension/meson.build). */
const INSTALLED_PROVIDER = '/usr/share/sigmavault/js/nautilus-extension/menu-provider.js';
const LABEL = 'Show in SigmaVault';
const VERSIONS = 'Restore Previous Version…';
/** Sibling of /tank whose name starts with "tank": a string prefix, not a path prefix. */
const TANKER = '/tanker';
const SUBMENU = 'SigmaVault';
/** Local files off ZFS: the compression actions are offered there too. */
const FILES = '/var/tmp/sigmavault-files-menu';

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
    /** The items of the "SigmaVault" submenu for a selection (none: no submenu). */
    const submenuItems = (...files: Nautilus.FileInfo[]): Nautilus.MenuItem[] => {
        const submenu = itemsFor(...files).find(i => i.label === SUBMENU);
        return submenu?.menu?.get_items() ?? [];
    };
    const submenuLabels = (...paths: string[]): string[] => submenuItems(...paths.map(p => TestFileInfo.path(p))).map(i => i.label);
    /** Without the submenu: the single-file items. */
    const ownLabels = (...files: Nautilus.FileInfo[]): string[] => labels(...files).filter(l => l !== SUBMENU);
    const completed = new Map<string, { success: boolean; message: string }>();
    let subscription = 0;

    /** Activates the submenu item `label` for `paths`; resolves with the job, its Completed and Operation. */
    async function activateAndWait(label: string, paths: (string | Nautilus.FileInfo)[]): Promise<{ job: string; success: boolean; message: string; operation: string }> {
        const before = new Set(completed.keys());
        const item = submenuItems(...paths.map(p => (typeof p === 'string' ? TestFileInfo.path(p) : p))).find(i => i.label === label);
        if (item === undefined)
            throw new Error(`no "${label}" in the SigmaVault submenu of ${paths.length} items`);
        item.activate();
        const [job, done] = await waitFor(`the job "${label}" starts to complete`,
            () => [...completed].find(([path]) => !before.has(path)), 60000, 50);
        const reply = await sys.systemBus.call(BUS_NAME, job, 'org.freedesktop.DBus.Properties', 'Get',
            new GLib.Variant('(ss)', [JOB_IFACE, 'Operation']), new GLib.VariantType('(v)'), Gio.DBusCallFlags.NONE, 10000, null);
        const [operation] = reply.recursiveUnpack() as [string];
        return { job, ...done, operation };
    }

    beforeAll(async () => {
        sys = await TestSystem.start();
        await sys.createPool('tank', 'mirror', 2);
        await sys.zfs('create', 'tank/data');
        writeFile('/tank/report.txt', 'quarterly numbers\n');
        writeFile('/tank/data/photo.jpg', 'not really a photo\n');
        GLib.mkdir_with_parents('/tank/folder', 0o755);
        writeFile(`${TANKER}/file.txt`, 'outside ZFS\n');
        await run(['rm', '-rf', '--', FILES]);
        GLib.mkdir_with_parents(`${FILES}/Docs`, 0o755);
        await check(['cp', '--', '/usr/share/doc/bash/README.abs-guide', '/usr/share/doc/bash/copyright', FILES]);
        await check(['cp', '--', '/usr/share/doc/bash/copyright', `${FILES}/Docs/`]);
        subscription = sys.systemBus.signal_subscribe(null, JOB_IFACE, 'Completed', null, null,
            Gio.DBusSignalFlags.NONE, (_c, _sender, path, _iface, _signal, params) => {
                const [success, message] = params.deepUnpack<[boolean, string]>();
                completed.set(path, { success, message });
            });

        // The provider opens SigmaVault Settings on the session bus of the
        // process it runs in: this test's private one.
        session = await TestSession.start('nautilus-provider');
        savedSessionBus = GLib.getenv('DBUS_SESSION_BUS_ADDRESS');
        GLib.setenv('DBUS_SESSION_BUS_ADDRESS', session.busAddress, true);
        // The session's GSettings (memory), as Files would have its session's: dconf has no
        // writer on this private bus, and would take back what a spec sets a moment later.
        GLib.setenv('GSETTINGS_BACKEND', 'memory', true);
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
        await run(['rm', '-rf', '--', TANKER, FILES]);
        if (subscription)
            sys.systemBus.signal_unsubscribe(subscription);
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

    it(`offers "${SUBMENU}" ▸, "${VERSIONS}" and "${LABEL}" for one file, "${SUBMENU}" ▸ and "${LABEL}" for one folder on the pool`, () => {
        expect(labels(TestFileInfo.path('/tank/report.txt'))).toEqual([SUBMENU, VERSIONS, LABEL]);
        expect(labels(TestFileInfo.path('/tank/folder'))).toEqual([SUBMENU, LABEL]);
        expect(labels(TestFileInfo.path('/tank'))).toEqual([SUBMENU, LABEL]);
        const [submenu, versions, show] = itemsFor(TestFileInfo.path('/tank/report.txt'));
        expect(submenu?.name).toBe(module.SUBMENU_ITEM_NAME);
        expect(versions?.name).toBe(module.VERSIONS_ITEM_NAME);
        expect(show?.name).toBe(module.SHOW_ITEM_NAME);
    });

    it('offers them for a file on a child dataset (longest mountpoint)', () => {
        expect(ownLabels(TestFileInfo.path('/tank/data/photo.jpg'))).toEqual([VERSIONS, LABEL]);
        expect(module.mountForPath(providerObject.mounts, '/tank/data/photo.jpg')?.dataset).toBe('tank/data');
        expect(module.mountForPath(providerObject.mounts, '/tank/database/x')?.dataset).toBe('tank');
    });

    it('offers only the SigmaVault submenu outside ZFS: /etc/hostname, and /tanker/file.txt (a string prefix of /tank only)', () => {
        expect(labels(TestFileInfo.path('/etc/hostname'))).toEqual([SUBMENU]);
        expect(labels(TestFileInfo.path(`${TANKER}/file.txt`))).toEqual([SUBMENU]);
        expect(labels(TestFileInfo.path('/'))).toEqual([]);
    });

    it('offers only the SigmaVault submenu for a multi-selection, whether it spans the pool and elsewhere or not', () => {
        expect(labels(TestFileInfo.path('/tank/report.txt'), TestFileInfo.path('/etc/hostname'))).toEqual([SUBMENU]);
        expect(labels(TestFileInfo.path('/tank/report.txt'), TestFileInfo.path('/tank/data/photo.jpg'))).toEqual([SUBMENU]);
        expect(labels()).toEqual([]);
    });

    it('the submenu has Compress, and Compress and Replace Originals where there is a file to replace', () => {
        const compress = ['Compress', 'Compress and Replace Originals'];
        expect(submenuLabels('/tank/report.txt')).toEqual(compress);
        expect(submenuLabels('/tank/report.txt', '/tank/folder', '/tank/data/photo.jpg')).toEqual(compress);
        // Folders are never removed after compressing, so folders alone get Compress only.
        expect(submenuLabels('/tank/folder')).toEqual(['Compress']);
        GLib.mkdir_with_parents('/tank/folder-2', 0o755);
        expect(submenuLabels('/tank/folder', '/tank/folder-2')).toEqual(['Compress']);
        const names = submenuItems(TestFileInfo.path('/tank/report.txt')).map(i => i.name);
        expect(names).toEqual([module.COMPRESS_ITEM_NAME, module.COMPRESS_REPLACE_ITEM_NAME]);
    });

    it('Decompress and Verify on .zst files and .tar.zst archives', () => {
        writeFile('/tank/report.txt.zst', 'named only\n');
        writeFile('/tank/folder.tar.zst', 'named only\n');
        writeFile('/tank/other.zst', 'named only\n');
        expect(submenuLabels('/tank/report.txt.zst')).toEqual(['Decompress', 'Verify']);
        expect(submenuLabels('/tank/report.txt.zst', '/tank/other.zst')).toEqual(['Decompress', 'Verify']);
        expect(submenuLabels('/tank/folder.tar.zst')).toEqual(['Decompress', 'Verify']);
        expect(submenuLabels('/tank/folder.tar.zst', '/tank/other.zst')).toEqual(['Decompress', 'Verify']);
        // A mix of compressed and not: no action fits all, so no submenu.
        expect(labels(TestFileInfo.path('/tank/report.txt.zst'), TestFileInfo.path('/tank/report.txt'))).toEqual([]);
        // A folder named like a .zst is neither decompressed nor compressed again.
        GLib.mkdir_with_parents('/tank/odd.zst', 0o755);
        expect(ownLabels(TestFileInfo.path('/tank/odd.zst'))).toEqual([LABEL]);
        expect(labels(TestFileInfo.path('/tank/odd.zst'))).toEqual([LABEL]);
    });

    it('no submenu on the daemon\'s temporary files or its trained dictionaries, nor on remote locations', () => {
        writeFile('/tank/.report.txt.zst.sigmavault-tmp-0123456789abcdef', 'temporary\n');
        writeFile('/tank/sigmavault-dictionary-40000.zdict', 'dictionary\n');
        expect(labels(TestFileInfo.path('/tank/.report.txt.zst.sigmavault-tmp-0123456789abcdef'))).toEqual([VERSIONS, LABEL]);
        expect(labels(TestFileInfo.path('/tank/sigmavault-dictionary-40000.zdict'))).toEqual([VERSIONS, LABEL]);
        expect(labels(TestFileInfo.path('/tank/report.txt'), TestFileInfo.path('/tank/sigmavault-dictionary-40000.zdict'))).toEqual([]);
        expect(labels(TestFileInfo.uri('sftp://example.com/tank/report.txt'), TestFileInfo.path('/tank/report.txt'))).toEqual([]);
    });

    it('Compress starts a real file-compress job as the caller; the verified .zst appears beside the original', async () => {
        const done = await activateAndWait('Compress', [`${FILES}/README.abs-guide`]);
        expect(done.success).withContext(done.message).toBeTrue();
        expect(done.operation).toBe('file-compress');
        expect(done.message).toMatch(/^Compressed 1 file — .+ → .+ \(\d+ % smaller\)\.$/);
        expect(GLib.file_test(`${FILES}/README.abs-guide.zst`, GLib.FileTest.IS_REGULAR)).toBeTrue();
        expect(GLib.file_test(`${FILES}/README.abs-guide`, GLib.FileTest.IS_REGULAR)).toBeTrue();
        expect(await check(['zstd', '-dc', '--', `${FILES}/README.abs-guide.zst`]))
            .toBe(await check(['cat', '--', `${FILES}/README.abs-guide`]));
    });

    it('Compress takes the level and the types to skip set in SigmaVault Settings, and a name that is not UTF-8 as its bytes', async () => {
        // This process's GSettings (the memory backend) are the provider's too: it runs here.
        const prefs = new Gio.Settings({ schema_id: 'com.sigmavault.Settings' });
        prefs.set_int('compression-level', 7);
        prefs.set_strv('compression-skip-types', ['iso']);
        try {
            // "café.txt" in Latin-1 (0xe9): GIO's URI escapes the byte, and a JS string could not hold the name.
            await check(['bash', '-c', 'cp -- /usr/share/doc/bash/copyright "$1/caf"$\'\\xe9\'".txt" && cp -- /usr/share/doc/bash/copyright "$1/disk.iso"', 'bash', FILES]);
            const latin1 = TestFileInfo.uri(`${Gio.File.new_for_path(FILES).get_uri()}/caf%E9.txt`);
            expect(submenuItems(latin1).map(i => i.label)).toEqual(['Compress', 'Compress and Replace Originals']);
            const done = await activateAndWait('Compress', [latin1, `${FILES}/disk.iso`]);
            expect(done.success).withContext(done.message).toBeTrue();
            const log = (await sys.systemBus.call(BUS_NAME, done.job, 'org.freedesktop.DBus.Properties', 'Get',
                new GLib.Variant('(ss)', [JOB_IFACE, 'Log']), new GLib.VariantType('(v)'), Gio.DBusCallFlags.NONE, 10000, null))
                .recursiveUnpack() as [string[]];
            const text = log[0].join('\n');
            expect(text).toContain('level 7');
            expect(text).toMatch(/disk\.iso: .*skip/i);
            expect(await run(['bash', '-c', 'cmp -- "$1/caf"$\'\\xe9\'".txt" <(zstd -dc -- "$1/caf"$\'\\xe9\'".txt.zst")', 'bash', FILES])
                .then(r => r.status)).withContext('the .zst beside the Latin-1 name decodes to it').toBe(0);
            expect(GLib.file_test(`${FILES}/disk.iso.zst`, GLib.FileTest.EXISTS)).withContext('an .iso is skipped, as set').toBeFalse();
        } finally {
            prefs.reset('compression-level');
            prefs.reset('compression-skip-types');
        }
    });

    it('Verify on that .zst succeeds (decoded and compared with the original beside it)', async () => {
        const done = await activateAndWait('Verify', [`${FILES}/README.abs-guide.zst`]);
        expect(done.success).withContext(done.message).toBeTrue();
        expect(done.operation).toBe('file-verify');
    });

    it('hands each started job to SigmaVault Settings (watch-job), and a refused request with its reason (job-refused)', async () => {
        settings.calls.length = 0;
        // README.abs-guide.zst exists now: a second Compress is refused before any job.
        const item = submenuItems(TestFileInfo.path(`${FILES}/README.abs-guide`)).find(i => i.label === 'Compress');
        item?.activate();
        await waitFor('job-refused on the Settings stand-in', () => settings.calls.find(c => c.action === 'job-refused'), 10000);
        const [refused] = settings.calls.filter(c => c.action === 'job-refused');
        const [method, subject, reason] = (refused?.parameter[0] ?? []) as string[];
        expect([method, subject]).toEqual(['Compress', `${FILES}/README.abs-guide`]);
        expect(reason).toContain('already exists; nothing would be overwritten');
        expect(reason).not.toContain('GDBus.Error');
        // The jobs of the specs before were handed over as they started.
        settings.calls.length = 0;
        await activateAndWait('Verify', [`${FILES}/README.abs-guide.zst`]);
        await waitFor('watch-job on the Settings stand-in', () => settings.calls.find(c => c.action === 'watch-job'), 10000);
    });

    it('Compress and Replace Originals on a file and a folder: copyright.zst (the file gone) and Docs.tar.zst (the folder kept)', async () => {
        const text = await check(['cat', '--', `${FILES}/copyright`]);
        const done = await activateAndWait('Compress and Replace Originals', [`${FILES}/copyright`, `${FILES}/Docs`]);
        expect(done.success).withContext(done.message).toBeTrue();
        expect(done.message).toMatch(/^Compressed 2 files — /);
        expect(GLib.file_test(`${FILES}/copyright.zst`, GLib.FileTest.IS_REGULAR)).toBeTrue();
        expect(GLib.file_test(`${FILES}/Docs.tar.zst`, GLib.FileTest.IS_REGULAR)).toBeTrue();
        expect(GLib.file_test(`${FILES}/copyright`, GLib.FileTest.EXISTS)).toBeFalse();
        // The daemon never removes folders; the job's log says to delete it once checked.
        expect(GLib.file_test(`${FILES}/Docs`, GLib.FileTest.IS_DIR)).toBeTrue();
        expect(await check(['zstd', '-dc', '--', `${FILES}/copyright.zst`])).toBe(text);
    });

    it('Decompress on copyright.zst brings the original back beside it', async () => {
        const text = await check(['zstd', '-dc', '--', `${FILES}/copyright.zst`]);
        const done = await activateAndWait('Decompress', [`${FILES}/copyright.zst`]);
        expect(done.success).withContext(done.message).toBeTrue();
        expect(done.operation).toBe('file-decompress');
        expect(await check(['cat', '--', `${FILES}/copyright`])).toBe(text);
        expect(GLib.file_test(`${FILES}/copyright.zst`, GLib.FileTest.IS_REGULAR)).toBeTrue();
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
        itemsFor(TestFileInfo.path('/tank/report.txt'))[2]?.activate();
        await waitFor('ActivateAction on the Settings stand-in', () => settings.calls.length > 0, 10000);
        expect(settings.calls).toEqual([{ action: 'show-pool', parameter: ['tank'] }]);

        settings.calls.length = 0;
        itemsFor(TestFileInfo.path('/tank/data/photo.jpg'))[2]?.activate();
        await waitFor('ActivateAction for the child dataset', () => settings.calls.length > 0, 10000);
        expect(settings.calls).toEqual([{ action: 'show-pool', parameter: ['tank'] }]);
    });

    it(`"${VERSIONS}" activates previous-versions on com.sigmavault.Settings with the path's bytes, hostile names too`, async () => {
        const hostile = '/tank/data/-n my\nphoto .jpg';
        writeFile(hostile, 'odd name\n');
        for (const path of ['/tank/report.txt', hostile]) {
            settings.calls.length = 0;
            const [, item] = itemsFor(TestFileInfo.path(path));
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
            expect(ownLabels(TestFileInfo.path('/scratch/notes.txt'))).toEqual([]);
            await sys.createPool('scratch', 'single', 1);
            writeFile('/scratch/notes.txt', 'scratch\n');
            await waitFor('/scratch in the provider\'s mounts',
                () => providerObject.mounts.some(m => m.mountpoint === '/scratch'), 10000);
            expect(labels(TestFileInfo.path('/scratch/notes.txt'))).toEqual([SUBMENU, VERSIONS, LABEL]);
            const item = itemsFor(TestFileInfo.path('/scratch/notes.txt'))[2];

            await sys.destroyPool('scratch');
            await waitFor('/scratch to leave the provider\'s mounts',
                () => !providerObject.mounts.some(m => m.mountpoint === '/scratch'), 10000);
            expect(ownLabels(TestFileInfo.path('/scratch/notes.txt'))).toEqual([]);
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
