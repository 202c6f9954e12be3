// "Create Pool": a guided dialog in four steps on an Adw.NavigationView —
// pick the devices (disks from the Disk1 inventory and, in tests and demos,
// the sparse files the daemon offers), choose a layout (usable space and
// fault tolerance of each, the daemon's recommendation in words), name the
// pool and set its options, then follow the creation job to its end.
import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { diskTypeLabel } from '../shared/disk-format.js';
import { formatSize } from '../shared/format.js';
import { _, format, ngettext } from '../shared/i18n.js';
import { jobStateLabel } from '../shared/job-format.js';
import { isRunning } from '../shared/job-info.js';
import { createPool, getLayoutChoices, type LayoutChoices, listFileDevices } from '../shared/pool-lifecycle-info.js';
import { faultToleranceText, layoutLabel, type LayoutName } from '../shared/pool-layouts.js';
import type { PoolStore } from './pool-store.js';

/** What the daemon will accept as a pool name, checked as the person types (the daemon checks it again). */
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]*$/;

const ASHIFTS: readonly [number, string][] = [
    [0, _('Automatic')], [9, _('512 bytes (ashift 9)')], [12, _('4 KiB (ashift 12)')], [13, _('8 KiB (ashift 13)')],
];

interface Candidate {
    readonly path: string;
    readonly title: string;
    readonly subtitle: string;
    readonly inUse: string;
}

function page(title: string, tag: string, content: Gtk.Widget, action: Gtk.Button | null): Adw.NavigationPage {
    const view = new Adw.ToolbarView();
    const header = new Adw.HeaderBar();
    if (action)
        header.pack_end(action);
    view.add_top_bar(header);
    view.set_content(content);
    return new Adw.NavigationPage({ title, tag, child: view });
}

function nextButton(label: string): Gtk.Button {
    const b = new Gtk.Button({ label, use_underline: true, sensitive: false });
    b.add_css_class('suggested-action');
    return b;
}

export class CreatePoolDialog extends Adw.Dialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultCreatePoolDialog' }, this);
    }

    declare private _store: PoolStore;
    declare private _nav: Adw.NavigationView;
    declare private _devicesGroup: Adw.PreferencesGroup;
    declare private _filesGroup: Adw.PreferencesGroup;
    declare private _checks: Map<string, Gtk.CheckButton>;
    declare private _devicesNext: Gtk.Button;
    declare private _layoutBin: Adw.Bin;
    declare private _layoutNext: Gtk.Button;
    declare private _choices: LayoutChoices | null;
    declare private _layout: LayoutName | null;
    declare private _name: Adw.EntryRow;
    declare private _ashift: Adw.ComboRow;
    declare private _compression: Adw.ComboRow;
    declare private _compressions: string[];
    declare private _summary: Adw.ActionRow;
    declare private _create: Gtk.Button;
    declare private _progress: Adw.StatusPage;
    declare private _progressPage: Adw.NavigationPage;
    declare private _bar: Gtk.ProgressBar;
    declare private _jobPath: string;
    declare private _jobsId: number;
    declare private _pulseId: number;
    declare private _openPool: Gtk.Button;
    /** Called with the new pool's name by "Open Pool". */
    declare onOpenPool: ((name: string) => void) | null;

    constructor(store: PoolStore) {
        super({ title: _('Create Pool'), content_width: 600, content_height: 680 });
        this._store = store;
        this._checks = new Map();
        this._choices = null;
        this._layout = null;
        this._jobPath = '';
        this._jobsId = 0;
        this._pulseId = 0;
        this.onOpenPool = null;
        this._nav = new Adw.NavigationView();
        this._nav.add(this.devicesPage());
        this.set_child(this._nav);
        this.connect('closed', () => {
            this.stopFollowing();
        });
        void this.loadDevices();
    }

    // --- Step 1: devices ----------------------------------------------------------

    private devicesPage(): Adw.NavigationPage {
        const prefs = new Adw.PreferencesPage();
        this._devicesGroup = new Adw.PreferencesGroup({
            title: _('Disks'),
            description: _('Everything on the disks you choose is erased. Disks already in a pool cannot be chosen.'),
        });
        this._filesGroup = new Adw.PreferencesGroup({
            title: _('Files'),
            description: _('Sparse files standing in for disks, for trying SigmaVault out. Not for data you want to keep.'),
            visible: false,
        });
        prefs.add(this._devicesGroup);
        prefs.add(this._filesGroup);
        this._devicesNext = nextButton(_('_Next'));
        this._devicesNext.connect('clicked', () => {
            void this.showLayouts();
        });
        return page(_('Choose Devices'), 'devices', prefs, this._devicesNext);
    }

    private async loadDevices(): Promise<void> {
        const disks: Candidate[] = this._store.disks.map(d => ({
            path: d.device,
            title: d.model || d.name,
            subtitle: [d.device, formatSize(d.size), diskTypeLabel(d.type)].join(' · '),
            inUse: d.pool ? format(_('In pool %s'), d.pool) : '',
        }));
        for (const c of disks)
            this._devicesGroup.add(this.deviceRow(c));
        if (disks.length === 0)
            this._devicesGroup.add(new Adw.ActionRow({ title: _('No disks found'), subtitle: _('Connect a disk to create a pool on it.') }));
        const bus = this._store.connection;
        if (bus === null)
            return;
        try {
            const files = await listFileDevices(bus);
            for (const f of files) {
                this._filesGroup.add(this.deviceRow({
                    path: f.path, title: GLib.path_get_basename(f.path),
                    subtitle: `${GLib.path_get_dirname(f.path)} · ${formatSize(f.size)}`, inUse: '',
                }));
            }
            this._filesGroup.visible = files.length > 0;
        } catch (e) {
            console.warn(`Could not list file devices: ${remoteErrorMessage(e)}`);
        }
    }

    private deviceRow(c: Candidate): Adw.ActionRow {
        const row = new Adw.ActionRow({ title: GLib.markup_escape_text(c.title, -1), subtitle: c.inUse || c.subtitle, sensitive: c.inUse === '' });
        const check = new Gtk.CheckButton({ valign: Gtk.Align.CENTER });
        check.update_property([Gtk.AccessibleProperty.LABEL], [c.title]);
        // Prefixes show in the reverse order of adding: the check box comes first.
        row.add_prefix(new Gtk.Image({
            icon_name: c.path.startsWith('/dev/') ? 'drive-harddisk-symbolic' : 'text-x-generic-symbolic',
            accessible_role: Gtk.AccessibleRole.PRESENTATION,
        }));
        row.add_prefix(check);
        row.activatable_widget = check;
        check.connect('toggled', () => {
            this._devicesNext.sensitive = this.selected.length > 0;
        });
        this._checks.set(c.path, check);
        return row;
    }

    /** The chosen devices, in the order shown. */
    get selected(): string[] {
        return [...this._checks].filter(([, c]) => c.active).map(([p]) => p);
    }

    /** Devices offered (for tests). */
    get offered(): string[] {
        return [...this._checks.keys()];
    }

    selectDevices(paths: readonly string[]): void {
        for (const [p, c] of this._checks)
            c.active = paths.includes(p);
    }

    /** Resolves when the file devices are listed (for tests). */
    async waitForDevices(count: number): Promise<void> {
        for (let i = 0; i < 100 && this._checks.size < count; i++)
            await new Promise(r => GLib.timeout_add(GLib.PRIORITY_DEFAULT, 50, () => { r(null); return GLib.SOURCE_REMOVE; }));
    }

    // --- Step 2: layout ---------------------------------------------------------------

    async showLayouts(): Promise<void> {
        // Back and Next again with other devices: nothing of the last choice stays.
        this._layout = null;
        this._choices = null;
        this._layoutBin = new Adw.Bin({ child: new Adw.Spinner() });
        this._layoutNext = nextButton(_('_Next'));
        this._layoutNext.connect('clicked', () => {
            this.showOptions();
        });
        this._nav.push(page(_('Choose a Layout'), 'layout', this._layoutBin, this._layoutNext));
        const bus = this._store.connection;
        if (bus === null)
            return;
        try {
            this._choices = await getLayoutChoices(bus, this.selected);
        } catch (e) {
            this._layoutBin.set_child(new Adw.StatusPage({
                icon_name: 'dialog-error-symbolic', title: _('These Devices Cannot Be Used'), description: remoteErrorMessage(e),
            }));
            return;
        }
        this.buildLayouts(this._choices);
    }

    private buildLayouts(c: LayoutChoices): void {
        const prefs = new Adw.PreferencesPage();
        const total = c.devices.reduce((a, d) => a + d.size, 0);
        const advice = new Adw.PreferencesGroup({
            title: c.recommended === null ? _('No Layout Possible') : format(_('Recommended: %s'), layoutLabel(c.recommended)),
            description: c.explanation,
        });
        prefs.add(advice);
        const group = new Adw.PreferencesGroup({
            title: _('Layouts'),
            description: format(ngettext('%d device, %s in all. Usable space is an estimate, after parity or copies and the space ZFS keeps in reserve.',
                '%d devices, %s in all. Usable space is an estimate, after parity or copies and the space ZFS keeps in reserve.', c.devices.length),
            c.devices.length, formatSize(total)),
        });
        let first: Gtk.CheckButton | null = null;
        for (const choice of c.choices) {
            const row = new Adw.ActionRow({
                title: layoutLabel(choice.layout),
                subtitle: choice.possible ? choice.summary : choice.reason,
                subtitle_lines: 0,
                sensitive: choice.possible,
            });
            const radio: Gtk.CheckButton = new Gtk.CheckButton({ valign: Gtk.Align.CENTER, ...(first ? { group: first } : {}) });
            first ??= radio;
            radio.update_property([Gtk.AccessibleProperty.LABEL], [layoutLabel(choice.layout)]);
            row.add_prefix(radio);
            row.activatable_widget = radio;
            if (choice.possible) {
                const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, valign: Gtk.Align.CENTER, spacing: 2 });
                const usable = new Gtk.Label({ label: formatSize(choice.usable), xalign: 1 });
                usable.add_css_class('heading');
                const tolerance = new Gtk.Label({ label: faultToleranceText(choice.faultTolerance), xalign: 1, wrap: true, max_width_chars: 14, justify: Gtk.Justification.RIGHT });
                tolerance.add_css_class('caption');
                tolerance.add_css_class(choice.faultTolerance === 0 ? 'warning' : 'dim-label');
                box.append(usable);
                box.append(tolerance);
                row.add_suffix(box);
            }
            radio.connect('toggled', () => {
                if (radio.active)
                    this._layout = choice.layout;
                this._layoutNext.sensitive = this._layout !== null;
            });
            radio.active = choice.layout === c.recommended;
            group.add(row);
        }
        prefs.add(group);
        this._layoutBin.set_child(prefs);
    }

    get layout(): LayoutName | null {
        return this._layout;
    }

    get choices(): LayoutChoices | null {
        return this._choices;
    }

    // --- Step 3: name and options ----------------------------------------------------------

    showOptions(): void {
        const prefs = new Adw.PreferencesPage();
        const naming = new Adw.PreferencesGroup({
            description: _('The pool’s name is also where it appears: a pool named “tank” is at /tank.'),
        });
        this._name = new Adw.EntryRow({ title: _('Pool Name'), text: this.suggestName() });
        this._name.connect('changed', () => {
            this.validate();
        });
        this._name.connect('entry-activated', () => {
            if (this._create.sensitive)
                void this.create();
        });
        naming.add(this._name);
        prefs.add(naming);

        const options = new Adw.PreferencesGroup({ title: _('Options') });
        this._ashift = new Adw.ComboRow({
            title: _('Sector Size'),
            subtitle: _('Automatic asks the disks; 4 KiB suits most'),
            model: Gtk.StringList.new(ASHIFTS.map(([, label]) => label)),
        });
        options.add(this._ashift);
        const openzfs = this._store.manager?.zfsImplementation.startsWith('OpenZFS') ?? false;
        // zstd where the ZFS has it; zfs-fuse (pool version 23) has lzjb and gzip only.
        this._compressions = openzfs ? ['zstd', 'lz4', 'gzip', 'off'] : ['lzjb', 'gzip', 'off'];
        this._compression = new Adw.ComboRow({
            title: _('Compression'),
            subtitle: openzfs ? _('zstd saves space and is fast')
                : _('This ZFS has no zstd; lzjb is fast'),
            model: Gtk.StringList.new(this._compressions),
        });
        options.add(this._compression);
        prefs.add(options);

        const summaryGroup = new Adw.PreferencesGroup({ title: _('Summary') });
        this._summary = new Adw.ActionRow({ subtitle_lines: 4 });
        this._summary.add_css_class('property');
        summaryGroup.add(this._summary);
        prefs.add(summaryGroup);

        this._create = nextButton(_('C_reate'));
        this._create.connect('clicked', () => {
            void this.create();
        });
        this._nav.push(page(_('Name and Options'), 'options', prefs, this._create));
        this.validate();
    }

    private suggestName(): string {
        const taken = new Set(this._store.pools.map(p => p.name));
        for (const n of ['tank', 'vault', 'data', 'storage'])
            if (!taken.has(n))
                return n;
        return '';
    }

    set poolName(name: string) {
        this._name.text = name;
    }

    private validate(): void {
        const name = this._name.text;
        const taken = this._store.pools.some(p => p.name === name);
        const ok = NAME_PATTERN.test(name) && !taken;
        if (ok || name === '')
            this._name.remove_css_class('error');
        else
            this._name.add_css_class('error');
        const choice = this._choices?.choices.find(c => c.layout === this._layout);
        const devices = this._choices?.devices.length ?? 0;
        this._summary.title = this._layout === null ? '' : format(ngettext('%s of %d device', '%s of %d devices', devices),
            layoutLabel(this._layout), devices);
        this._summary.subtitle = taken ? format(_('A pool named %s already exists.'), name)
            : !ok && name !== '' ? _('A pool name starts with a letter and may contain letters, digits and _ - . :')
            : choice ? `${formatSize(choice.usable)} · ${faultToleranceText(choice.faultTolerance)} · ${format(_('mounted at /%s'), name || '…')}` : '';
        this._create.sensitive = ok;
    }

    // --- Step 4: the job --------------------------------------------------------------------------

    async create(): Promise<void> {
        const bus = this._store.connection;
        if (bus === null || this._layout === null)
            return;
        const name = this._name.text;
        const ashift = ASHIFTS[this._ashift.selected]?.[0] ?? 0;
        const compression = this._compressions[this._compression.selected] ?? this._compressions[0] ?? 'off';
        this._create.sensitive = false;
        let job: string;
        try {
            job = await createPool(bus, { name, layout: this._layout, devices: this.selected, ...(ashift > 0 ? { ashift } : {}), compression });
        } catch (e) {
            this._create.sensitive = true;
            const alert = new Adw.AlertDialog({ heading: _('Could Not Create the Pool'), body: remoteErrorMessage(e) });
            alert.add_response('close', _('_Close'));
            alert.present(this);
            return;
        }
        this._jobPath = job;
        this._bar = new Gtk.ProgressBar({ width_request: 240, halign: Gtk.Align.CENTER });
        this._bar.update_property([Gtk.AccessibleProperty.LABEL], [_('Progress')]);
        this._openPool = new Gtk.Button({ label: _('_Open Pool'), use_underline: true, halign: Gtk.Align.CENTER, visible: false });
        this._openPool.add_css_class('pill');
        this._openPool.add_css_class('suggested-action');
        this._openPool.connect('clicked', () => {
            this.close();
            this.onOpenPool?.(name);
        });
        const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 24 });
        box.append(this._bar);
        box.append(this._openPool);
        this._progress = new Adw.StatusPage({
            icon_name: 'drive-multidisk-symbolic', title: format(_('Creating “%s”…'), name), child: box,
        });
        this._progressPage = page(_('Creating'), 'progress', this._progress, null);
        this._progressPage.can_pop = false;
        this._nav.push(this._progressPage);
        this._jobsId = this._store.connect('jobs-changed', () => {
            this.follow(name);
        });
        this._pulseId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 150, () => {
            this._bar.pulse();
            return GLib.SOURCE_CONTINUE;
        });
        this.follow(name);
    }

    /** The state of the creation job as shown: '' until it is known. */
    get jobState(): string {
        return this._store.jobs.find(j => j.path === this._jobPath)?.state ?? '';
    }

    private follow(name: string): void {
        const job = this._store.jobs.find(j => j.path === this._jobPath);
        if (job === undefined || isRunning(job))
            return;
        this.stopFollowing();
        this._bar.visible = false;
        if (job.state === 'succeeded') {
            this._progress.icon_name = 'object-select-symbolic';
            this._progress.title = format(_('“%s” Is Ready'), name);
            this._progressPage.title = _('Pool Created');
            this._progress.description = job.message;
            this._openPool.visible = true;
        } else {
            this._progress.icon_name = 'dialog-error-symbolic';
            this._progress.title = format(_('Pool Creation %s'), jobStateLabel(job.state));
            this._progress.description = job.message;
            this._progressPage.title = _('Not Created');
            // Back to the options, to change what failed.
            this._progressPage.can_pop = true;
        }
    }

    private stopFollowing(): void {
        if (this._jobsId)
            this._store.disconnect(this._jobsId);
        this._jobsId = 0;
        if (this._pulseId)
            GLib.source_remove(this._pulseId);
        this._pulseId = 0;
    }
}
