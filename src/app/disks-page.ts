// Disks: every whole disk with its model, size, kind, temperature, SMART
// verdict (icon, word and reasons) and the pool that uses it. A row opens
// to the reasons and details, and can ask for a fresh check, which never
// wakes a sleeping disk.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { BUS_NAME } from '../shared/dbus-names.js';
import { diskTypeLabel, formatPowerOnTime, formatTemperature, verdictLabel } from '../shared/disk-format.js';
import { DISK_IFACE, type DiskInfo, type DiskVerdict, diskPath } from '../shared/disk-info.js';
import { formatSize } from '../shared/format.js';
import { _, format, ngettext } from '../shared/i18n.js';
import type { PoolStore } from './pool-store.js';
import { SelfTestDialog, selfTestSummary } from './self-test-dialog.js';
import type { JobInfo } from '../shared/job-info.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export function verdictIconName(verdict: DiskVerdict): string {
    switch (verdict) {
    case 'passed': return 'object-select-symbolic';
    case 'warning': return 'dialog-warning-symbolic';
    case 'failing': return 'dialog-error-symbolic';
    case 'unknown': return 'dialog-question-symbolic';
    }
}

function verdictCssClass(verdict: DiskVerdict): string | null {
    switch (verdict) {
    case 'passed': return 'success';
    case 'warning': return 'warning';
    case 'failing': return 'error';
    case 'unknown': return null;
    }
}

function smartStateText(d: DiskInfo): string {
    switch (d.smartState) {
    case 'asleep': return _('Asleep — not woken to check');
    case 'unavailable': return _('SMART data not available');
    case 'not-installed': return _('smartctl is not installed');
    case 'pending': return _('Not checked yet');
    default: return d.lastChecked > 0
        ? GLib.DateTime.new_from_unix_local(d.lastChecked).format(_('%e %B %Y, %H:%M'))?.trim() ?? ''
        : '';
    }
}

/** One line under the title: size, kind, temperature, pool. */
export function diskSummary(d: DiskInfo): string {
    const parts = [formatSize(d.size), diskTypeLabel(d.type)];
    if (d.transport && d.transport !== 'nvme')
        parts[1] = format(_('%s over %s'), diskTypeLabel(d.type), d.transport.toUpperCase());
    if (d.temperature !== null)
        parts.push(formatTemperature(d.temperature));
    parts.push(d.pool ? format(_('In pool %s (%s)'), d.pool, d.vdev) : _('Not in a pool'));
    return parts.join(' · ');
}

function propertyRow(title: string, value: string): Adw.ActionRow {
    const row = new Adw.ActionRow({ title, subtitle: value, subtitle_selectable: true });
    row.add_css_class('property');
    return row;
}

class DiskRow extends Adw.ExpanderRow {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultDiskRow' }, this);
    }

    constructor(d: DiskInfo, job: JobInfo | null, onRefresh: (d: DiskInfo, button: Gtk.Button) => void,
        onSelfTests: (d: DiskInfo) => void) {
        super({ title: d.model || d.name, subtitle: diskSummary(d), title_lines: 2, subtitle_lines: 2 });
        const icon = new Gtk.Image({ icon_name: verdictIconName(d.verdict), pixel_size: 24, valign: Gtk.Align.CENTER });
        const css = verdictCssClass(d.verdict);
        if (css)
            icon.add_css_class(css);
        icon.update_property([Gtk.AccessibleProperty.LABEL], [verdictLabel(d.verdict)]);
        this.add_prefix(icon);
        const word = new Gtk.Label({ label: verdictLabel(d.verdict), valign: Gtk.Align.CENTER });
        if (css)
            word.add_css_class(css);
        this.add_suffix(word);

        // What was found, then (the last reason of a warning or failing
        // disk) what to do, in bold.
        d.reasons.forEach((reason, i) => {
            const advice = i === d.reasons.length - 1 && (d.verdict === 'warning' || d.verdict === 'failing');
            const row = new Adw.ActionRow({
                title: advice ? `<b>${GLib.markup_escape_text(reason, -1)}</b>` : reason,
                use_markup: advice,
                title_lines: 0,
                activatable: false,
            });
            this.add_row(row);
        });
        this.add_row(propertyRow(_('Device'), d.device));
        if (d.serial)
            this.add_row(propertyRow(_('Serial Number'), d.serial));
        if (d.firmware)
            this.add_row(propertyRow(_('Firmware'), d.firmware));
        if (d.powerOnHours !== null)
            this.add_row(propertyRow(_('Powered On For'), formatPowerOnTime(d.powerOnHours)));
        const checked = new Adw.ActionRow({ title: _('Last Checked'), subtitle: smartStateText(d) });
        checked.add_css_class('property');
        const button = new Gtk.Button({ label: _('_Check Now'), use_underline: true, valign: Gtk.Align.CENTER });
        button.update_property([Gtk.AccessibleProperty.DESCRIPTION],
            [format(_('Read the SMART data of %s again; a sleeping disk is not woken'), d.model || d.name)]);
        button.connect('clicked', () => {
            onRefresh(d, button);
        });
        checked.add_suffix(button);
        this.add_row(checked);
        const tests = new Adw.ActionRow({ title: _('Self-_Tests'), use_underline: true, subtitle: selfTestSummary(d, job),
            activatable: true });
        tests.add_suffix(new Gtk.Image({ icon_name: 'go-next-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        tests.connect('activated', () => {
            onSelfTests(d);
        });
        this.add_row(tests);
        // Partitioning and formatting are GNOME Disks' job, when it is installed.
        const disks = Gio.DesktopAppInfo.new(DISKS_APP_ID);
        if (disks !== null) {
            const open = new Adw.ButtonRow({ title: _('_Open in Disks'), use_underline: true, end_icon_name: 'external-link-symbolic' });
            open.connect('activated', () => {
                openInDisks(disks, d.device);
            });
            this.add_row(open);
        }
    }
}

const DISKS_APP_ID = 'org.gnome.DiskUtility.desktop';

/** Starts GNOME Disks on the device (its --block-device option), as the desktop file's executable. */
function openInDisks(app: Gio.DesktopAppInfo, device: string): void {
    try {
        Gio.Subprocess.new([app.get_executable(), '--block-device', device], Gio.SubprocessFlags.NONE);
    } catch (e) {
        console.warn(`Could not start GNOME Disks: ${e instanceof Error ? e.message : String(e)}`);
    }
}

export class DisksPage extends Adw.Bin {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultDisksPage' }, this);
    }

    declare private _store: PoolStore;
    declare private _stack: Gtk.Stack;
    declare private _group: Adw.PreferencesGroup;
    declare private _unreachable: Adw.StatusPage;
    declare private _rows: Gtk.Widget[];
    declare private _expanded: Set<string>;
    declare private _seen: Set<string>;
    declare private _toasts: Adw.ToastOverlay;

    constructor(store: PoolStore) {
        super();
        this._store = store;
        this._rows = [];
        this._expanded = new Set();
        this._seen = new Set();
        this._stack = new Gtk.Stack({ transition_type: Gtk.StackTransitionType.CROSSFADE });

        const loading = new Adw.StatusPage({ title: _('Connecting to the Storage Service…') });
        loading.set_child(new Adw.Spinner({ width_request: 32, height_request: 32 }));
        this._stack.add_named(loading, 'loading');
        this._unreachable = new Adw.StatusPage({
            icon_name: 'network-offline-symbolic',
            title: _('Storage Service Not Reachable'),
        });
        this._stack.add_named(this._unreachable, 'unreachable');
        this._stack.add_named(new Adw.StatusPage({
            icon_name: 'drive-harddisk-symbolic',
            title: _('No Disks Found'),
            description: _('Disks connected to this computer will appear here, with their health.'),
        }), 'empty');

        const page = new Adw.PreferencesPage();
        // The header bar already says "Disks": the group only sums up.
        this._group = new Adw.PreferencesGroup();
        page.add(this._group);
        this._stack.add_named(page, 'disks');
        this._toasts = new Adw.ToastOverlay({ child: this._stack });
        this.set_child(this._toasts);

        const changed = store.connect('changed', () => {
            this.sync();
        });
        this.connect('destroy', () => {
            store.disconnect(changed);
        });
        this.sync();
    }

    private sync(): void {
        const store = this._store;
        if (store.state === 'connecting') {
            this._stack.visible_child_name = 'loading';
            return;
        }
        if (store.state === 'unreachable') {
            this._unreachable.description = format(
                _('SigmaVault Settings could not reach the storage service. Make sure the “sigmavault-daemon” package is installed. (%s)'),
                store.error);
            this._stack.visible_child_name = 'unreachable';
            return;
        }
        const disks = store.disks;
        if (disks.length === 0) {
            this._stack.visible_child_name = 'empty';
            return;
        }
        // Rows are rebuilt on change (a handful of disks); which ones are
        // open is kept.
        for (const row of this._rows)
            this._group.remove(row);
        this._rows = disks.map(d => {
            // A failing disk opens to its reasons the first time it is shown.
            if (!this._seen.has(d.id) && d.verdict === 'failing')
                this._expanded.add(d.id);
            this._seen.add(d.id);
            const job = store.jobs.find(j => j.lock === `selftest:${d.id}` && j.state === 'running') ?? null;
            const row = new DiskRow(d, job, (disk, button) => {
                void this.refresh(disk, button);
            }, disk => {
                new SelfTestDialog(this._store, disk.id).present(this);
            });
            row.expanded = this._expanded.has(d.id);
            row.connect('notify::expanded', () => {
                if (row.expanded)
                    this._expanded.add(d.id);
                else
                    this._expanded.delete(d.id);
            });
            this._group.add(row);
            return row;
        });
        const attention = disks.filter(d => d.verdict === 'warning' || d.verdict === 'failing').length;
        this._group.description = attention === 0
            ? _('Every disk passes its health checks.')
            : format(ngettext('%d disk needs attention.', '%d disks need attention.', attention), attention);
        this._stack.visible_child_name = 'disks';
    }

    private async refresh(d: DiskInfo, button: Gtk.Button): Promise<void> {
        button.sensitive = false;
        try {
            const reply = await Gio.DBus.system.call(BUS_NAME, diskPath(d.id), DISK_IFACE, 'RefreshSmart',
                new GLib.Variant('(a{sv})', [{}]), new GLib.VariantType('(s)'), Gio.DBusCallFlags.NONE, 120000, null);
            const [state] = reply.deepUnpack<[string]>();
            if (state === 'asleep')
                this._toasts.add_toast(new Adw.Toast({ title: format(_('%s is asleep and was not woken'), d.model || d.name) }));
        } catch (e) {
            this._toasts.add_toast(new Adw.Toast({ title: format(_('Could not check %s: %s'), d.model || d.name, remoteErrorMessage(e)) }));
        } finally {
            button.sensitive = true;
        }
    }
}
