// SigmaVault Settings. D-Bus activatable; `--background` keeps it running
// without a window to post notifications (started at login).
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { APP_ID, VERSION } from '../shared/config.js';
import { BUS_NAME, MANAGER_IFACE, MANAGER_PATH, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { _, format } from '../shared/i18n.js';
import { AlertStore } from './alert-store.js';
import { AlertWatcher } from './alert-watcher.js';
import { PoolStore } from './pool-store.js';
import { PreviousVersionsDialog } from './previous-versions-dialog.js';
import { appSettingsOrNull } from '../shared/compression-defaults.js';
import { saveScreenshot } from './screenshot.js';
import { COMPRESSION, SettingsWindow } from './window.js';
import { JobDetailsDialog } from './job-details-dialog.js';
import { CompressedFileDialog } from './compressed-file-dialog.js';
import { fileUri } from './job-notice.js';
import { jobNotificationId, JobNotifier } from './job-notifier.js';
import type { JobInfo } from '../shared/job-info.js';
import { baseName } from '../shared/job-format.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');
Gio._promisify(Gio, 'bus_get', 'bus_get_finish');
Gio._promisify(Gio.File.prototype, 'trash_async', 'trash_finish');

const FILE_MANAGER = 'org.freedesktop.FileManager1';

export class Application extends Adw.Application {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultApplication' }, this);
    }

    declare private _store: PoolStore;
    declare private _watcher: AlertWatcher | null;
    declare private _alerts: AlertStore;
    declare private _screenshot: string | null;
    declare private _settings: Gio.Settings | null;
    declare private _jobNotifier: JobNotifier | null;

    constructor() {
        super({ application_id: APP_ID, flags: Gio.ApplicationFlags.DEFAULT_FLAGS });
        this._store = new PoolStore();
        this._watcher = null;
        this._alerts = AlertStore.getDefault();
        this._screenshot = null;
        this._settings = null;
        this._jobNotifier = null;

        this.add_main_option('background', 0, GLib.OptionFlags.NONE, GLib.OptionArg.NONE,
            _('Run without a window and notify when a pool needs attention'), null);
        this.add_main_option('screenshot', 0, GLib.OptionFlags.NONE, GLib.OptionArg.FILENAME,
            _('Save a PNG of the window once it shows the pools, then quit'), _('FILE'));
        this.add_main_option('pool', 0, GLib.OptionFlags.NONE, GLib.OptionArg.STRING,
            _('Open on this pool'), _('NAME'));
        this.add_main_option('previous-versions', 0, GLib.OptionFlags.NONE, GLib.OptionArg.FILENAME,
            _('Show the previous versions of this file'), _('FILE'));
        this.add_main_option('version', 0, GLib.OptionFlags.NONE, GLib.OptionArg.NONE, _('Show the version'), null);

        const showPool = new Gio.SimpleAction({ name: 'show-pool', parameter_type: new GLib.VariantType('s') });
        showPool.connect('activate', (_a, param) => {
            this.window().showSection(param?.unpack<string>() ?? '');
            this.window().present();
        });
        this.add_action(showPool);
        // From Files' "Restore Previous Version…": the path as bytes (file names need not be UTF-8).
        const versions = new Gio.SimpleAction({ name: 'previous-versions', parameter_type: new GLib.VariantType('ay') });
        versions.connect('activate', (_a, param) => {
            // deepUnpack, not get_bytestring: that gives "" for bytes without a trailing NUL.
            const raw = param?.deepUnpack();
            const bytes = raw instanceof Uint8Array ? raw : new Uint8Array();
            this.showPreviousVersions(new TextDecoder().decode(bytes.at(-1) === 0 ? bytes.subarray(0, -1) : bytes));
        });
        this.add_action(versions);
        const background = new Gio.SimpleAction({ name: 'background' });
        background.connect('activate', () => {
            this.startBackground();
        });
        this.add_action(background);
        const dismiss = new Gio.SimpleAction({ name: 'dismiss-alert', parameter_type: new GLib.VariantType('s') });
        dismiss.connect('activate', (_a, param) => {
            const path = param?.unpack<string>() ?? '';
            this._alerts.setDismissed(path, true).catch((e: unknown) => {
                console.warn(`Could not dismiss the alert: ${e instanceof Error ? e.message : String(e)}`);
            });
        });
        this.add_action(dismiss);
        const scrub = new Gio.SimpleAction({ name: 'start-scrub', parameter_type: new GLib.VariantType('s') });
        scrub.connect('activate', (_a, param) => {
            void this.startScrub(param?.unpack<string>() ?? '');
        });
        this.add_action(scrub);
        // Compression jobs: from their notifications, and "watch-job" from Files.
        const jobActions: Record<string, (path: string) => void> = {
            'show-job': path => {
                this.showJob(path);
            },
            'show-job-in-files': path => {
                void this.showJobInFiles(path);
            },
            'undo-job': path => {
                void this.undoJob(path);
            },
            'watch-job': path => {
                this.startBackground();
                this._jobNotifier?.watch(path);
            },
        };
        for (const [name, handler] of Object.entries(jobActions)) {
            const action = new Gio.SimpleAction({ name, parameter_type: new GLib.VariantType('s') });
            action.connect('activate', (_a, param) => {
                handler(param?.unpack<string>() ?? '');
            });
            this.add_action(action);
        }
        // From Files: the daemon refused a request before any job (a result name taken, no permission…).
        const refused = new Gio.SimpleAction({ name: 'job-refused', parameter_type: new GLib.VariantType('(sss)') });
        refused.connect('activate', (_a, param) => {
            const [method, subject, reason] = param?.deepUnpack<[string, string, string]>() ?? ['', '', ''];
            this.notifyRefused(method, subject, reason);
        });
        this.add_action(refused);
        const quit = new Gio.SimpleAction({ name: 'quit' });
        quit.connect('activate', () => {
            this.quit();
        });
        this.add_action(quit);
        this.set_accels_for_action('app.quit', ['<Control>q']);
        this.set_accels_for_action('window.close', ['<Control>w']);
    }

    override vfunc_handle_local_options(options: GLib.VariantDict): number {
        if (options.contains('version')) {
            print(`sigmavault-settings ${VERSION}`);
            return 0;
        }
        const shot = options.lookup_value('screenshot', null);
        if (shot) {
            // A screenshot run is its own instance, never a remote call.
            this._screenshot = new TextDecoder().decode(shot.get_bytestring()).replace(/\0$/, '');
            this.flags |= Gio.ApplicationFlags.NON_UNIQUE;
            return -1;
        }
        // --background and --pool go to the running instance, if any, as
        // actions: one process holds the window and the notifications.
        const pool = options.lookup_value('pool', null)?.unpack<string>();
        const background = options.contains('background');
        const file = options.lookup_value('previous-versions', null)?.get_bytestring();
        if (pool === undefined && !background && file === undefined)
            return -1;
        this.register(null);
        if (file !== undefined) {
            // Relative to where the command was run.
            const path = Gio.File.new_for_commandline_arg(new TextDecoder().decode(file).replace(/\0$/, '')).get_path() ?? '';
            this.activate_action('previous-versions', new GLib.Variant('ay', new TextEncoder().encode(path)));
        }
        if (background)
            this.activate_action('background', null);
        if (pool !== undefined)
            this.activate_action('show-pool', new GLib.Variant('s', pool));
        return 0;
    }

    override vfunc_startup(): void {
        super.vfunc_startup();
        this._settings = appSettingsOrNull();
        void this._store.connectToDaemon();
        if (this._screenshot === null) {
            this._jobNotifier = new JobNotifier(this, this._store, new Gio.Credentials().get_unix_user(), this._settings);
            this._jobNotifier.start();
        }
    }

    override vfunc_activate(): void {
        this.window().present();
        if (this._screenshot)
            this.screenshotWhenReady(this._screenshot);
    }

    window(): SettingsWindow {
        const existing = this.get_windows().find(w => w instanceof SettingsWindow);
        if (existing)
            return existing;
        return new SettingsWindow(this, this._store);
    }

    /** The Previous Versions dialog of `path` over the main window. */
    showPreviousVersions(path: string): PreviousVersionsDialog {
        const win = this.window();
        win.present();
        const dialog = new PreviousVersionsDialog(path, this._store.connection);
        dialog.present(win);
        void dialog.load();
        return dialog;
    }

    /** From a notification: start a scrub; if that fails, say so in another notification. */
    private async startScrub(pool: string): Promise<void> {
        try {
            const connection = this._store.connection ?? await Gio.bus_get(Gio.BusType.SYSTEM, null);
            await connection.call(BUS_NAME, poolPath(pool), POOL_IFACE, 'Scrub', new GLib.Variant('(sa{sv})', ['start', {}]),
                null, Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, 5 * 60 * 1000, null);
        } catch (e) {
            const n = new Gio.Notification();
            n.set_title(format(_('Could not start a scrub of pool %s'), pool));
            n.set_body(remoteErrorMessage(e));
            n.set_default_action_and_target('app.show-pool', new GLib.Variant('s', pool));
            this.send_notification(`scrub-failed-${pool}`, n);
        }
    }

    private job(path: string): JobInfo | null {
        const job = this._store.jobs.find(j => j.path === path) ?? null;
        if (job === null)
            this.say(path, _('This job is no longer in the history'), _('SigmaVault keeps the last 100 jobs.'));
        return job;
    }

    /** A follow-up notification in place of the job's own. */
    private say(path: string, title: string, body: string): void {
        const n = new Gio.Notification();
        n.set_title(title);
        n.set_body(body);
        this.send_notification(jobNotificationId(path), n);
    }

    /** "Could not compress report.txt" with the daemon's reason; it opens the Compression page. */
    notifyRefused(method: string, subject: string, reason: string): void {
        const name = baseName(subject);
        const n = new Gio.Notification();
        n.set_title(method === 'Decompress' ? format(_('Could not decompress %s'), name)
            : method === 'Verify' ? format(_('Could not verify %s'), name) : format(_('Could not compress %s'), name));
        n.set_body(reason);
        n.set_icon(new Gio.ThemedIcon({ name: 'dialog-error-symbolic' }));
        n.set_default_action_and_target('app.show-pool', new GLib.Variant('s', COMPRESSION));
        this.send_notification(`refused-${subject}`, n);
    }

    /** The Compression page with the job's details over it. */
    showJob(path: string): JobDetailsDialog | null {
        const win = this.window();
        win.showSection(COMPRESSION);
        win.present();
        const job = this.job(path);
        if (job === null)
            return null;
        const dialog = new JobDetailsDialog(job, () => {
            void this.showJobInFiles(path);
        }, file => {
            new CompressedFileDialog(file).present(win);
        });
        dialog.present(win);
        return dialog;
    }

    /** The files a job wrote, selected in Files (org.freedesktop.FileManager1). */
    private async showJobInFiles(path: string): Promise<void> {
        const job = this.job(path);
        if (job === null)
            return;
        try {
            const session = await Gio.bus_get(Gio.BusType.SESSION, null);
            await session.call(FILE_MANAGER, '/org/freedesktop/FileManager1', FILE_MANAGER, 'ShowItems',
                new GLib.Variant('(ass)', [job.outputs.map(fileUri), '']), null, Gio.DBusCallFlags.NONE, -1, null);
        } catch (e) {
            this.say(path, _('Could not open Files'), remoteErrorMessage(e));
        }
    }

    /**
     * Undo, as the user and never losing a file: copies beside kept
     * originals go to the Trash; originals replaced by .zst files are
     * decompressed back by the daemon (verified, like any job).
     */
    private async undoJob(path: string): Promise<void> {
        const job = this.job(path);
        if (job === null)
            return;
        if (job.undoKind === 'restore-originals') {
            try {
                const connection = this._store.connection ?? await Gio.bus_get(Gio.BusType.SYSTEM, null);
                const reply = await connection.call(BUS_NAME, MANAGER_PATH, MANAGER_IFACE, 'Decompress',
                    new GLib.Variant('(aaya{sv})', [job.outputs, { replace: new GLib.Variant('b', true) }]),
                    new GLib.VariantType('(o)'), Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, 5 * 60 * 1000, null);
                this.withdraw_notification(jobNotificationId(path));
                this._jobNotifier?.watch(reply.deepUnpack<[string]>()[0]);
            } catch (e) {
                this.say(path, _('Could not restore the originals'), remoteErrorMessage(e));
            }
            return;
        }
        if (job.undoKind !== 'remove-copies')
            return;
        const failures: string[] = [];
        for (const output of job.outputs) {
            const file = Gio.File.new_for_uri(fileUri(output));
            try {
                await file.trash_async(GLib.PRIORITY_DEFAULT, null);
            } catch (e) {
                // Already gone is what Undo wants.
                if (!(e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND)))
                    failures.push(`${file.get_parse_name()}: ${e instanceof Error ? e.message : String(e)}`);
            }
        }
        if (failures.length > 0)
            this.say(path, _('Could not move the copies to the Trash'), failures.join('\n'));
        else
            this.say(path, _('Undone'), _('The copies are in the Trash; the originals were never touched.'));
    }

    startBackground(): void {
        if (this._watcher)
            return;
        this.hold();
        this._watcher = new AlertWatcher(this, this._alerts, this._settings);
        this._watcher.start();
    }

    private screenshotWhenReady(path: string): void {
        // A picture of the final state, not of a transition halfway.
        const gtkSettings = Gtk.Settings.get_default();
        if (gtkSettings)
            gtkSettings.gtk_enable_animations = false;
        const save = (): void => {
            // After the frame that lays out the new rows has been drawn.
            const win = this.window();
            const id = win.get_frame_clock()?.connect('after-paint', () => {
                win.get_frame_clock()?.disconnect(id ?? 0);
                GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
                    try {
                        saveScreenshot(win, path);
                        print(path);
                    } catch (e) {
                        printerr(`Could not save the screenshot: ${e instanceof Error ? e.message : String(e)}`);
                    }
                    this.quit();
                    return GLib.SOURCE_REMOVE;
                });
            });
            win.queue_draw();
        };
        if (this._store.state !== 'connecting') {
            save();
        } else {
            const id = this._store.connect('changed', () => {
                this._store.disconnect(id);
                save();
            });
        }
    }
}
