// A pool on the dashboard: health icon, name, health and capacity in words,
// and a level bar.
import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { formatPercent, formatSize, healthLabel } from '../shared/format.js';
import { capacityFraction } from '../shared/health.js';
import { _, format } from '../shared/i18n.js';
import type { PoolInfo } from '../shared/pool-info.js';
import { healthCssClass, healthIconName } from './health-icon.js';

export class PoolRow extends Adw.ActionRow {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultPoolRow' }, this);
    }

    declare private _icon: Gtk.Image;
    declare private _level: Gtk.LevelBar;
    declare poolName: string;

    constructor(pool: PoolInfo) {
        super({ activatable: true });
        this.poolName = pool.name;
        this._icon = new Gtk.Image({ pixel_size: 24, valign: Gtk.Align.CENTER });
        this.add_prefix(this._icon);
        this._level = new Gtk.LevelBar({
            min_value: 0, max_value: 1, valign: Gtk.Align.CENTER, width_request: 80,
        });
        // Capacity warnings at 80 % and 90 %, as ZFS performance and safety
        // degrade past them.
        this._level.add_offset_value(Gtk.LEVEL_BAR_OFFSET_LOW, 0.8);
        this._level.add_offset_value(Gtk.LEVEL_BAR_OFFSET_HIGH, 0.9);
        this._level.add_offset_value(Gtk.LEVEL_BAR_OFFSET_FULL, 1.0);
        this.add_suffix(this._level);
        this.add_suffix(new Gtk.Image({ icon_name: 'go-next-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        this.update(pool);
    }

    update(pool: PoolInfo): void {
        const cap = capacityFraction(pool.allocated, pool.size) ?? 0;
        this.title = pool.name;
        this.subtitle = format(_('%s · %s used of %s (%s)'), healthLabel(pool.health),
            formatSize(pool.allocated), formatSize(pool.size), formatPercent(cap));
        this._icon.icon_name = healthIconName(pool.health);
        for (const c of ['success', 'warning', 'error'])
            this._icon.remove_css_class(c);
        this._icon.add_css_class(healthCssClass(pool.health));
        this._icon.update_property([Gtk.AccessibleProperty.LABEL], [healthLabel(pool.health)]);
        this._level.value = cap;
        this._level.update_property([Gtk.AccessibleProperty.LABEL], [format(_('Capacity of %s'), pool.name)]);
    }
}
