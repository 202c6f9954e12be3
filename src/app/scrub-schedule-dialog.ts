// The pool page's "Scrub Schedule" row and its dialog: when the daemon
// scrubs the pool by itself (daily, weekly on a day or monthly on a day, at
// a time, and not more often than every N days), the next planned scrub and
// how the last one ended. The daemon keeps the schedule; this only edits it.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { remoteErrorMessage } from '../shared/daemon-client.js';
import { BUS_NAME, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { _, format, ngettext } from '../shared/i18n.js';
import type { PoolInfo } from '../shared/pool-info.js';
import { nextScrub } from '../shared/next-scrub.js';
import {
    clockText, DEFAULT_THRESHOLD_DAYS, describeSchedule, describeThreshold, formatWhen, lastScrubText, MAX_THRESHOLD_DAYS,
    type ScrubSchedule, scheduleVariants, weekdayName,
} from '../shared/scrub-schedule.js';
import type { PoolStore } from './pool-store.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

const AUTH_TIMEOUT_MS = 5 * 60 * 1000;
const FREQUENCY_ORDER = ['daily', 'weekly', 'monthly'] as const;

/** The schedule and the next run in one line, for the row and the CLI's words. */
export function scheduleSummary(pool: Pick<PoolInfo, 'scrubSchedule' | 'nextScrub'>): string {
    const s = pool.scrubSchedule;
    if (s === null)
        return _('Off — the pool is scrubbed only when you start a scrub');
    const threshold = describeThreshold(s.threshold);
    const what = threshold ? format(_('%s, %s'), describeSchedule(s), threshold) : describeSchedule(s);
    return pool.nextScrub > 0 ? format(_('%s · next %s'), what, formatWhen(pool.nextScrub)) : what;
}

function twoDigits(spin: Gtk.SpinButton): boolean {
    spin.text = String(spin.get_value_as_int()).padStart(2, '0');
    return true;
}

function clockSpin(max: number, value: number, label: string): Gtk.SpinButton {
    const spin = new Gtk.SpinButton({
        adjustment: new Gtk.Adjustment({ lower: 0, upper: max, step_increment: 1, page_increment: max > 30 ? 10 : 4 }),
        orientation: Gtk.Orientation.VERTICAL, wrap: true, numeric: true, width_chars: 2,
    });
    spin.value = value;
    spin.connect('output', twoDigits);
    spin.update_property([Gtk.AccessibleProperty.LABEL], [label]);
    return spin;
}

export class ScrubScheduleDialog extends Adw.Dialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultScrubScheduleDialog' }, this);
    }

    declare private _store: PoolStore;
    declare private _pool: PoolInfo;
    declare private _enabled: Adw.SwitchRow;
    declare private _frequency: Adw.ComboRow;
    declare private _weekday: Adw.ComboRow;
    declare private _day: Adw.SpinRow;
    declare private _time: Adw.ActionRow;
    declare private _timeButton: Gtk.MenuButton;
    declare private _hour: Gtk.SpinButton;
    declare private _minute: Gtk.SpinButton;
    declare private _threshold: Adw.SpinRow;
    declare private _save: Gtk.Button;
    declare private _next: Adw.ActionRow;

    constructor(store: PoolStore, pool: PoolInfo) {
        super({ title: _('Scrub Schedule'), content_width: 460 });
        this._store = store;
        this._pool = pool;
        const s = pool.scrubSchedule;

        const cancel = new Gtk.Button({ label: _('_Cancel'), use_underline: true });
        cancel.connect('clicked', () => {
            this.close();
        });
        this._save = new Gtk.Button({ label: _('_Save'), use_underline: true });
        this._save.add_css_class('suggested-action');
        this._save.connect('clicked', () => {
            void this.save();
        });
        const header = new Adw.HeaderBar({ show_start_title_buttons: false, show_end_title_buttons: false });
        header.pack_start(cancel);
        header.pack_end(this._save);

        const schedule = new Adw.PreferencesGroup({
            description: _('A scrub reads every block of the pool and repairs what fails its checksum. If the computer is off at the planned time, the scrub runs when SigmaVault starts again.'),
        });
        this._enabled = new Adw.SwitchRow({ title: _('Scrub _Automatically'), use_underline: true, active: s !== null });
        schedule.add(this._enabled);

        this._frequency = new Adw.ComboRow({
            title: _('_Frequency'), use_underline: true,
            model: Gtk.StringList.new([_('Daily'), _('Weekly'), _('Monthly')]),
            selected: FREQUENCY_ORDER.indexOf(s?.frequency ?? 'weekly'),
        });
        schedule.add(this._frequency);

        this._weekday = new Adw.ComboRow({
            title: _('_Day'), use_underline: true,
            model: Gtk.StringList.new([1, 2, 3, 4, 5, 6, 7].map(weekdayName)),
            selected: (s?.frequency === 'weekly' ? s.weekday : 7) - 1,
        });
        schedule.add(this._weekday);

        this._day = new Adw.SpinRow({
            title: _('Day of the _Month'), use_underline: true,
            subtitle: _('In shorter months, the last day'),
            adjustment: new Gtk.Adjustment({ lower: 1, upper: 31, step_increment: 1, page_increment: 7 }),
            value: s?.frequency === 'monthly' ? s.day : 1,
        });
        schedule.add(this._day);

        // A compact button on the row; the spin buttons open in a popover.
        this._time = new Adw.ActionRow({ title: _('Time'), subtitle: _('Local time, 24-hour clock') });
        this._hour = clockSpin(23, s?.hour ?? 0, _('Hour'));
        this._minute = clockSpin(59, s?.minute ?? 0, _('Minute'));
        const clock = new Gtk.Box({ spacing: 6, margin_top: 6, margin_bottom: 6, margin_start: 6, margin_end: 6 });
        clock.append(this._hour);
        clock.append(new Gtk.Label({ label: ':', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        clock.append(this._minute);
        this._timeButton = new Gtk.MenuButton({
            valign: Gtk.Align.CENTER, popover: new Gtk.Popover({ child: clock }), tooltip_text: _('Change the time'),
        });
        this._timeButton.update_property([Gtk.AccessibleProperty.LABEL], [_('Time')]);
        this._time.add_suffix(this._timeButton);
        this._time.activatable_widget = this._timeButton;
        for (const spin of [this._hour, this._minute]) {
            spin.connect('value-changed', () => {
                this.syncTime();
            });
        }
        schedule.add(this._time);

        this._threshold = new Adw.SpinRow({
            title: _('_Minimum Interval'), use_underline: true,
            adjustment: new Gtk.Adjustment({ lower: 0, upper: MAX_THRESHOLD_DAYS, step_increment: 1, page_increment: 7 }),
            value: s?.threshold ?? DEFAULT_THRESHOLD_DAYS,
        });
        this._threshold.connect('notify::value', () => {
            this.syncThreshold();
        });
        schedule.add(this._threshold);

        const status = new Adw.PreferencesGroup({ title: _('Status') });
        this._next = this.infoRow(_('Next Scrub'), '');
        status.add(this._next);
        status.add(this.infoRow(_('Last Scrub'), lastScrubText(pool)));

        const page = new Adw.PreferencesPage();
        page.add(schedule);
        page.add(status);
        const view = new Adw.ToolbarView({ content: page });
        view.add_top_bar(header);
        this.child = view;

        this._enabled.connect('notify::active', () => {
            this.syncVisible();
        });
        this._frequency.connect('notify::selected', () => {
            this.syncVisible();
        });
        for (const row of [this._weekday, this._day]) {
            row.connect(row instanceof Adw.ComboRow ? 'notify::selected' : 'notify::value', () => {
                this.syncNext();
            });
        }
        this.syncVisible();
        this.syncThreshold();
        this.syncTime();
    }

    private infoRow(title: string, value: string): Adw.ActionRow {
        const row = new Adw.ActionRow({ title, subtitle: value, subtitle_selectable: true });
        row.add_css_class('property');
        return row;
    }

    private syncVisible(): void {
        const on = this._enabled.active;
        const frequency = FREQUENCY_ORDER[this._frequency.selected] ?? 'weekly';
        this._frequency.sensitive = on;
        this._weekday.visible = frequency === 'weekly';
        this._day.visible = frequency === 'monthly';
        for (const row of [this._weekday, this._day, this._time, this._threshold])
            row.sensitive = on;
        this.syncNext();
    }

    private syncTime(): void {
        this._timeButton.label = clockText({ hour: this._hour.get_value_as_int(), minute: this._minute.get_value_as_int(), second: 0 });
        this.syncNext();
    }

    /**
     * The next scrub as the controls would plan it, computed as the daemon
     * does; unchanged controls show the daemon's own plan.
     */
    private syncNext(): void {
        const s = this.schedule;
        const saved = this._pool.scrubSchedule;
        let next = 0;
        if (s !== null && saved !== null && JSON.stringify(s) === JSON.stringify(saved)) {
            next = this._pool.nextScrub;
        } else if (s !== null) {
            const lastScrubEnd = Math.floor((this._pool.lastScrub?.end ?? 0) / 1e6);
            next = nextScrub(s, { setAt: Math.floor(Date.now() / 1000), lastScrubEnd, attempted: 0 },
                GLib.TimeZone.new_local()) * 1e6;
        }
        this._next.subtitle = next > 0 ? formatWhen(next) : _('None — automatic scrubs are off');
    }

    private syncThreshold(): void {
        const days = Math.round(this._threshold.value);
        this.syncNext();
        this._threshold.subtitle = days === 0
            ? _('Days; with 0, the pool is scrubbed at every planned time')
            : format(ngettext('A planned scrub is skipped within %d day of the last one',
                'A planned scrub is skipped within %d days of the last one', days), days);
    }

    /** The schedule the controls show; null when automatic scrubs are off. */
    get schedule(): ScrubSchedule | null {
        if (!this._enabled.active)
            return null;
        const base = {
            hour: this._hour.get_value_as_int(), minute: this._minute.get_value_as_int(), second: 0,
            threshold: Math.round(this._threshold.value),
        };
        switch (FREQUENCY_ORDER[this._frequency.selected] ?? 'weekly') {
        case 'daily': return { frequency: 'daily', ...base };
        case 'monthly': return { frequency: 'monthly', day: Math.round(this._day.value), ...base };
        default: return { frequency: 'weekly', weekday: this._weekday.selected + 1, ...base };
        }
    }

    /** Sets the controls as a person would (for tests and for opening with a suggestion). */
    setControls(s: ScrubSchedule | null): void {
        this._enabled.active = s !== null;
        if (s === null)
            return;
        this._frequency.selected = FREQUENCY_ORDER.indexOf(s.frequency);
        if (s.frequency === 'weekly')
            this._weekday.selected = s.weekday - 1;
        if (s.frequency === 'monthly')
            this._day.value = s.day;
        this._hour.value = s.hour;
        this._minute.value = s.minute;
        this._threshold.value = s.threshold;
    }

    /** Sends the schedule to the daemon; closes on success, else says why and stays open. */
    async save(): Promise<boolean> {
        const connection = this._store.connection;
        if (connection === null)
            return false;
        this._save.sensitive = false;
        try {
            await connection.call(BUS_NAME, poolPath(this._pool.name), POOL_IFACE, 'SetScrubSchedule',
                new GLib.Variant('(a{sv}a{sv})', [scheduleVariants(this.schedule), {}]), null,
                Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, AUTH_TIMEOUT_MS, null);
            this.close();
            return true;
        } catch (e) {
            const alert = new Adw.AlertDialog({ heading: _('Could Not Save the Scrub Schedule'), body: remoteErrorMessage(e) });
            alert.add_response('close', _('_Close'));
            alert.present(this);
            return false;
        } finally {
            this._save.sensitive = true;
        }
    }
}

/** The row on the pool page; activating it opens the dialog. */
export class ScrubScheduleRow extends Adw.ActionRow {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultScrubScheduleRow' }, this);
    }

    declare private _store: PoolStore;
    declare private _pool: PoolInfo;

    constructor(store: PoolStore, pool: PoolInfo) {
        super({ title: _('Scrub Schedule'), subtitle: scheduleSummary(pool), subtitle_lines: 2, activatable: true });
        this._store = store;
        this._pool = pool;
        this.add_suffix(new Gtk.Image({ icon_name: 'go-next-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        this.connect('activated', () => {
            this.openDialog();
        });
    }

    openDialog(): ScrubScheduleDialog {
        const dialog = new ScrubScheduleDialog(this._store, this._pool);
        // On the window: the pool page rebuilds its rows when the pool changes.
        dialog.present(this.get_root());
        return dialog;
    }
}
