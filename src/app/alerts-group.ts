// "Needs Attention" on the Dashboard: the daemon's active alerts, most
// severe first, each with Dismiss; dismissed ones fold away with Restore.
import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import type { AlertInfo } from '../shared/alert-info.js';
import { _, format, ngettext } from '../shared/i18n.js';
import type { AlertStore } from './alert-store.js';

function levelIcon(level: AlertInfo['level']): string {
    return level === 'critical' || level === 'error' ? 'dialog-error-symbolic'
        : level === 'warning' ? 'dialog-warning-symbolic' : 'dialog-information-symbolic';
}

function levelClass(level: AlertInfo['level']): string {
    return level === 'critical' || level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'accent';
}

export class AlertsGroup extends Adw.PreferencesGroup {
    static {
        GObject.registerClass({
            GTypeName: 'SigmaVaultAlertsGroup',
            Signals: { 'pool-activated': { param_types: [GObject.TYPE_STRING] } },
        }, this);
    }

    declare private _store: AlertStore;
    declare private _rows: Gtk.Widget[];

    constructor(store: AlertStore) {
        super({ title: _('Needs Attention') });
        this._store = store;
        this._rows = [];
        const changed = store.connect('changed', () => {
            this.sync();
        });
        this.connect('destroy', () => {
            store.disconnect(changed);
        });
        this.sync();
    }

    private toggle(alert: AlertInfo, dismissed: boolean): void {
        this._store.setDismissed(alert.path, dismissed).catch((e: unknown) => {
            const dialog = new Adw.AlertDialog({
                heading: dismissed ? _('Could Not Dismiss the Alert') : _('Could Not Restore the Alert'),
                body: e instanceof Error ? e.message : String(e),
            });
            dialog.add_response('close', _('_Close'));
            dialog.present(this);
        });
    }

    private row(alert: AlertInfo): Adw.ActionRow {
        const row = new Adw.ActionRow({
            // Row titles are markup; alert texts are plain.
            title: GLib.markup_escape_text(alert.title, -1),
            subtitle: GLib.markup_escape_text(alert.message, -1),
            activatable: alert.pool !== '',
        });
        const icon = new Gtk.Image({ icon_name: levelIcon(alert.level), valign: Gtk.Align.CENTER });
        icon.add_css_class(levelClass(alert.level));
        icon.update_property([Gtk.AccessibleProperty.LABEL], [alert.level]);
        row.add_prefix(icon);
        const button = new Gtk.Button({
            label: alert.dismissed ? _('Restore') : _('Dismiss'),
            valign: Gtk.Align.CENTER,
        });
        button.add_css_class('flat');
        button.update_property([Gtk.AccessibleProperty.LABEL],
            [format(alert.dismissed ? _('Restore “%s”') : _('Dismiss “%s”'), alert.title)]);
        button.connect('clicked', () => {
            this.toggle(alert, !alert.dismissed);
        });
        row.add_suffix(button);
        if (alert.pool) {
            row.connect('activated', () => {
                this.emit('pool-activated', alert.pool);
            });
        }
        return row;
    }

    private sync(): void {
        for (const r of this._rows)
            this.remove(r);
        this._rows = [];
        const active = this._store.alerts.filter(a => !a.dismissed);
        const dismissed = this._store.alerts.filter(a => a.dismissed);
        for (const alert of active)
            this._rows.push(this.row(alert));
        if (dismissed.length > 0) {
            const expander = new Adw.ExpanderRow({
                title: format(ngettext('%d dismissed alert', '%d dismissed alerts', dismissed.length), dismissed.length),
            });
            for (const alert of dismissed)
                expander.add_row(this.row(alert));
            this._rows.push(expander);
        }
        for (const r of this._rows)
            this.add(r);
        this.visible = this._rows.length > 0;
    }
}
