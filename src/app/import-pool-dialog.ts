// "Import Pool": the pools ZFS finds on this computer's disks (and, in tests
// and demos, in the directories of the daemon's file devices) that can be
// imported, each with its state and devices, and Import, which runs as a job.
import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { healthLabel } from '../shared/format.js';
import { asHealth } from '../shared/health.js';
import { _, format, ngettext } from '../shared/i18n.js';
import { isRunning } from '../shared/job-info.js';
import { type ImportableInfo, importPool, listFileDevices, listImportable } from '../shared/pool-lifecycle-info.js';
import { healthCssClass } from './health-icon.js';
import type { PoolStore } from './pool-store.js';

interface Found extends ImportableInfo {
    /** Where it was found: [] for the default places, else the directories searched. */
    readonly searchDirs: string[];
}

function leafCount(p: ImportableInfo): number {
    return p.devices.filter((d, i) => d.depth > 0 && (p.devices[i + 1]?.depth ?? 0) <= d.depth && d.state !== '').length;
}

export class ImportPoolDialog extends Adw.Dialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultImportPoolDialog' }, this);
    }

    declare private _store: PoolStore;
    declare private _bin: Adw.Bin;
    declare private _toasts: Adw.ToastOverlay;
    declare private _found: Found[];
    declare private _jobsId: number;
    declare private _waiting: Map<string, { name: string; row: Adw.ActionRow; spinner: Adw.Spinner; button: Gtk.Button }>;
    /** Called with the pool's name once it is imported. */
    declare onImported: ((name: string) => void) | null;

    constructor(store: PoolStore) {
        super({ title: _('Import Pool'), content_width: 560, content_height: 440 });
        this._store = store;
        this._found = [];
        this._jobsId = 0;
        this._waiting = new Map();
        this.onImported = null;
        this._bin = new Adw.Bin({ child: new Adw.Spinner() });
        this._toasts = new Adw.ToastOverlay({ child: this._bin });
        const view = new Adw.ToolbarView();
        const header = new Adw.HeaderBar();
        const refresh = new Gtk.Button({ icon_name: 'view-refresh-symbolic', tooltip_text: _('Look Again') });
        refresh.update_property([Gtk.AccessibleProperty.LABEL], [_('Look again for pools')]);
        refresh.connect('clicked', () => {
            void this.reload();
        });
        header.pack_start(refresh);
        view.add_top_bar(header);
        view.set_content(this._toasts);
        this.set_child(view);
        this._jobsId = store.connect('jobs-changed', () => {
            this.follow();
        });
        this.connect('closed', () => {
            if (this._jobsId)
                store.disconnect(this._jobsId);
            this._jobsId = 0;
        });
        void this.reload();
    }

    get found(): Found[] {
        return this._found;
    }

    async reload(): Promise<void> {
        const bus = this._store.connection;
        if (bus === null)
            return;
        this._bin.set_child(new Adw.Spinner());
        try {
            // Disks are searched where ZFS looks by default; file devices where the daemon keeps them.
            const dirs = [...new Set((await listFileDevices(bus)).map(f => GLib.path_get_dirname(f.path)))];
            const found: Found[] = (await listImportable(bus)).map(p => ({ ...p, searchDirs: [] }));
            if (dirs.length > 0) {
                for (const p of await listImportable(bus, dirs)) {
                    if (!found.some(f => f.guid === p.guid))
                        found.push({ ...p, searchDirs: dirs });
                }
            }
            this._found = found;
            this.build();
        } catch (e) {
            this._bin.set_child(new Adw.StatusPage({
                icon_name: 'dialog-error-symbolic', title: _('Could Not Look for Pools'), description: remoteErrorMessage(e),
            }));
        }
    }

    private build(): void {
        if (this._found.length === 0) {
            this._bin.set_child(new Adw.StatusPage({
                icon_name: 'drive-multidisk-symbolic',
                title: _('No Pools to Import'),
                description: _('Pools exported from this or another computer appear here once their disks are connected.'),
            }));
            return;
        }
        const page = new Adw.PreferencesPage();
        const group = new Adw.PreferencesGroup({
            title: _('Pools Found'),
            description: _('Importing makes a pool and its datasets available on this computer.'),
        });
        for (const p of this._found)
            group.add(this.row(p));
        page.add(group);
        this._bin.set_child(page);
    }

    private row(p: Found): Adw.ActionRow {
        const health = asHealth(p.state);
        const n = leafCount(p);
        const parts = [format(ngettext('%d device', '%d devices', n), n), format(_('ID %s'), p.guid)];
        const row = new Adw.ActionRow({
            title: GLib.markup_escape_text(p.name, -1),
            subtitle: [parts.join(' · '), p.status].filter(t => t !== '').join('\n'),
            subtitle_lines: 4,
            subtitle_selectable: true,
        });
        const state = new Gtk.Label({ label: healthLabel(health), valign: Gtk.Align.CENTER });
        state.add_css_class(healthCssClass(health));
        row.add_suffix(state);
        const spinner = new Adw.Spinner({ visible: false, valign: Gtk.Align.CENTER });
        row.add_suffix(spinner);
        const button = new Gtk.Button({ label: _('_Import'), use_underline: true, valign: Gtk.Align.CENTER, sensitive: p.importable });
        button.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Import %s'), p.name)]);
        if (!p.importable)
            button.tooltip_text = p.action;
        button.connect('clicked', () => {
            void this.confirmImport(p, row, spinner, button);
        });
        row.add_suffix(button);
        return row;
    }

    /** Imports `p`; a pool last used by another system asks first. */
    async confirmImport(p: Found, row: Adw.ActionRow | null = null, spinner: Adw.Spinner | null = null,
        button: Gtk.Button | null = null): Promise<void> {
        if (p.needsForce) {
            const alert = new Adw.AlertDialog({
                heading: format(_('Import “%s” Anyway?'), p.name),
                body: _('This pool was last used by another computer and was not exported there. If that computer still uses it, ' +
                    'importing it here as well destroys it. Import only if it is switched off or no longer uses the pool.'),
            });
            alert.add_response('cancel', _('_Cancel'));
            alert.add_response('import', _('_Import Anyway'));
            alert.set_response_appearance('import', Adw.ResponseAppearance.DESTRUCTIVE);
            alert.close_response = 'cancel';
            const response = await new Promise<string>(resolve => {
                alert.connect('response', (_a, r) => {
                    resolve(r);
                });
                alert.present(this);
            });
            if (response !== 'import')
                return;
        }
        const bus = this._store.connection;
        if (bus === null)
            return;
        if (button)
            button.sensitive = false;
        try {
            const job = await importPool(bus, { pool: p.guid, searchDirs: p.searchDirs, force: p.needsForce });
            if (row && spinner && button) {
                spinner.visible = true;
                this._waiting.set(job, { name: p.name, row, spinner, button });
            } else {
                this._waiting.set(job, { name: p.name, row: new Adw.ActionRow(), spinner: new Adw.Spinner(), button: new Gtk.Button() });
            }
            this.follow();
        } catch (e) {
            if (button)
                button.sensitive = true;
            this._toasts.add_toast(new Adw.Toast({ title: remoteErrorMessage(e), timeout: 10 }));
        }
    }

    private follow(): void {
        for (const [path, w] of this._waiting) {
            const job = this._store.jobs.find(j => j.path === path);
            if (job === undefined || isRunning(job))
                continue;
            this._waiting.delete(path);
            w.spinner.visible = false;
            if (job.state === 'succeeded') {
                this.onImported?.(w.name);
                this.close();
                return;
            }
            w.button.sensitive = true;
            this._toasts.add_toast(new Adw.Toast({ title: job.message, timeout: 10 }));
        }
    }
}
