// sigmavaultctl alert …: the daemon's active alerts.
//   sigmavaultctl alert list [--all] [--json]
//   sigmavaultctl alert dismiss|restore KEY|PATH
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { ALERT_IFACE, type AlertInfo, AlertInfoSchema, sortAlerts } from '../shared/alert-info.js';
import { BUS_NAME, ROOT_PATH } from '../shared/dbus-names.js';
import { _, format } from '../shared/i18n.js';
import { table } from './table.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export const ALERT_USAGE = _(`  sigmavaultctl alert list [--all] [--json]   Active alerts (--all: with dismissed ones)
  sigmavaultctl alert dismiss|restore KEY     Dismiss an alert, or bring it back`);

export class AlertUsageError extends Error {}

async function readAlerts(bus: Gio.DBusConnection): Promise<AlertInfo[]> {
    const reply = await bus.call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects',
        null, new GLib.VariantType('(a{oa{sa{sv}}})'), Gio.DBusCallFlags.NONE, 30000, null);
    const [objects] = reply.recursiveUnpack<[Record<string, Record<string, Record<string, unknown>>>]>();
    const alerts: AlertInfo[] = [];
    for (const [path, ifaces] of Object.entries(objects)) {
        const props = ifaces[ALERT_IFACE];
        if (props)
            alerts.push({ ...AlertInfoSchema.parse(props), path });
    }
    return sortAlerts(alerts);
}

export async function runAlertCommand(bus: Gio.DBusConnection, words: readonly string[], json: boolean,
    all: boolean): Promise<void> {
    const [, verb, target] = words;
    if (verb === 'list' && words.length === 2) {
        const alerts = (await readAlerts(bus)).filter(a => all || !a.dismissed);
        if (json) {
            print(JSON.stringify(alerts.map(a => ({
                key: a.key, class: a.alertClass, level: a.level, title: a.title, message: a.message,
                pool: a.pool, first_seen: a.firstSeen, dismissed: a.dismissed, path: a.path,
            })), null, 2));
        } else if (alerts.length === 0) {
            print(_('No alerts.'));
        } else {
            print(table([[_('LEVEL'), _('KEY'), _('ALERT')],
                ...alerts.map(a => [a.dismissed ? format(_('%s (dismissed)'), a.level) : a.level, a.key, a.title])]));
        }
        return;
    }
    if ((verb === 'dismiss' || verb === 'restore') && target !== undefined && words.length === 3) {
        const alert = (await readAlerts(bus)).find(a => a.key === target || a.path === target);
        if (!alert)
            throw new AlertUsageError(format(_('No alert %s. See “sigmavaultctl alert list --all”.'), target));
        await bus.call(BUS_NAME, alert.path, ALERT_IFACE, verb === 'dismiss' ? 'Dismiss' : 'Restore',
            new GLib.Variant('(a{sv})', [{}]), null, Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, -1, null);
        return;
    }
    throw new AlertUsageError(ALERT_USAGE);
}
