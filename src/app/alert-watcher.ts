// Background mode: one notification per new alert, never a storm. An alert
// is announced once for as long as it exists (its key and FirstSeen), and
// its notification is withdrawn when the alert ends or is dismissed.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import type { AlertInfo } from '../shared/alert-info.js';
import { _ } from '../shared/i18n.js';

export function notificationId(alert: Pick<AlertInfo, 'key'>): string {
    return `alert-${alert.key}`;
}

/** What the watcher needs from the store: the alerts now, and word of changes. */
export interface AlertSource {
    readonly ready: boolean;
    readonly alerts: readonly AlertInfo[];
    connect(signal: 'changed', callback: () => void): number;
    disconnect(id: number): void;
}

/** Alert classes whose notification offers Start Scrub. */
export const SCRUB_HELPS: ReadonlySet<string> = new Set(['device-errors', 'scrub-errors', 'scrub-overdue']);

const PRIORITY: Readonly<Record<AlertInfo['level'], Gio.NotificationPriority>> = {
    info: Gio.NotificationPriority.LOW,
    warning: Gio.NotificationPriority.NORMAL,
    error: Gio.NotificationPriority.HIGH,
    critical: Gio.NotificationPriority.URGENT,
};

export class AlertWatcher {
    /** key → FirstSeen of the alerts already announced. */
    private readonly announced = new Map<string, number>();
    private handler = 0;

    constructor(private readonly app: Gio.Application, private readonly source: AlertSource,
        private readonly settings: Gio.Settings | null) {}

    start(): void {
        this.handler = this.source.connect('changed', () => {
            this.check();
        });
        this.check();
    }

    stop(): void {
        if (this.handler)
            this.source.disconnect(this.handler);
        this.handler = 0;
    }

    private check(): void {
        if (!this.source.ready)
            return;
        const live = new Map(this.source.alerts.filter(a => !a.dismissed).map(a => [a.key, a]));
        for (const [key, firstSeen] of [...this.announced]) {
            const alert = live.get(key);
            if (!alert || alert.firstSeen !== firstSeen) {
                this.app.withdraw_notification(notificationId({ key }));
                this.announced.delete(key);
            }
        }
        for (const alert of live.values()) {
            if (this.announced.has(alert.key))
                continue;
            this.announced.set(alert.key, alert.firstSeen);
            this.notify(alert);
        }
    }

    private notify(alert: AlertInfo): void {
        if (this.settings && !this.settings.get_boolean('notify-pool-health'))
            return;
        const n = new Gio.Notification();
        n.set_title(alert.title);
        n.set_body(alert.message);
        n.set_priority(PRIORITY[alert.level]);
        n.set_icon(new Gio.ThemedIcon({
            name: alert.level === 'critical' || alert.level === 'error' ? 'dialog-error-symbolic' : 'dialog-warning-symbolic',
        }));
        if (alert.pool) {
            const pool = new GLib.Variant('s', alert.pool);
            n.set_default_action_and_target('app.show-pool', pool);
            n.add_button_with_target(_('Open Pool'), 'app.show-pool', pool);
        }
        // Errors on a device or found by a scrub: a scrub repairs what redundancy can.
        // A missed scheduled scrub: run it now.
        if (alert.pool && SCRUB_HELPS.has(alert.alertClass))
            n.add_button_with_target(_('Start Scrub'), 'app.start-scrub', new GLib.Variant('s', alert.pool));
        n.add_button_with_target(_('Dismiss'), 'app.dismiss-alert', new GLib.Variant('s', alert.path));
        this.app.send_notification(notificationId(alert), n);
    }
}
