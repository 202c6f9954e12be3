// Background mode: turns the daemon's pool changes into notifications. A
// pool is announced once each time its health gets worse, never repeatedly
// while it stays the same.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { healthExplanation, poolHealthTitle } from '../shared/format.js';
import { gotWorse, type Health, severity } from '../shared/health.js';
import { _ } from '../shared/i18n.js';
import type { PoolStore } from './pool-store.js';

export function notificationId(pool: string): string {
    return `pool-health-${pool}`;
}

export class HealthWatcher {
    private readonly last = new Map<string, Health>();
    private handler = 0;

    constructor(private readonly app: Gio.Application, private readonly store: PoolStore,
        private readonly settings: Gio.Settings | null) {}

    start(): void {
        this.handler = this.store.connect('changed', () => {
            this.check();
        });
        this.check();
    }

    stop(): void {
        if (this.handler)
            this.store.disconnect(this.handler);
        this.handler = 0;
    }

    private check(): void {
        if (this.store.state !== 'ready')
            return;
        const seen = new Set<string>();
        for (const pool of this.store.pools) {
            seen.add(pool.name);
            const before = this.last.get(pool.name);
            this.last.set(pool.name, pool.health);
            if (gotWorse(before, pool.health))
                this.notify(pool.name, pool.health);
            else if (before !== undefined && severity(pool.health) === 0 && severity(before) > 0)
                this.app.withdraw_notification(notificationId(pool.name));
        }
        for (const name of [...this.last.keys()]) {
            if (!seen.has(name))
                this.last.delete(name);
        }
    }

    private notify(pool: string, health: Health): void {
        if (this.settings && !this.settings.get_boolean('notify-pool-health'))
            return;
        const n = new Gio.Notification();
        n.set_title(poolHealthTitle(pool, health));
        n.set_body(healthExplanation(health));
        n.set_priority(severity(health) > 1 ? Gio.NotificationPriority.URGENT : Gio.NotificationPriority.HIGH);
        n.set_icon(new Gio.ThemedIcon({ name: 'dialog-warning-symbolic' }));
        const target = new GLib.Variant('s', pool);
        n.set_default_action_and_target('app.show-pool', target);
        n.add_button_with_target(_('Open Pool'), 'app.show-pool', target);
        this.app.send_notification(notificationId(pool), n);
    }
}
