// The top-bar button: an icon for the worst pool health and a menu with one
// row per pool, one per running job with its progress, then "Open SigmaVault
// Settings".
import Clutter from 'gi://Clutter';
import GObject from 'gi://GObject';
import St from 'gi://St';
import * as PanelMenu from 'resource:///org/gnome/shell/ui/panelMenu.js';
import * as PopupMenu from 'resource:///org/gnome/shell/ui/popupMenu.js';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import type { ServiceState } from './pool-client.js';
import { describe, ICON_HEALTHY, type MenuRow } from './status.js';

const JOB_ICON = 'emblem-synchronizing-symbolic';

/** Opacity of the icon while SigmaVault cannot tell the pools' health. */
const MUTED_OPACITY = 128;

export class SigmaVaultIndicator extends PanelMenu.Button {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultIndicator' }, this);
    }

    private readonly icon: St.Icon;
    private readonly rows: PopupMenu.PopupMenuSection;

    constructor(private readonly openSettings: () => void) {
        super(0.5, _('SigmaVault'), false);

        this.icon = new St.Icon({
            icon_name: ICON_HEALTHY,
            style_class: 'system-status-icon',
            y_align: Clutter.ActorAlign.CENTER,
        });
        this.add_child(this.icon);

        const menu = this.menu as PopupMenu.PopupMenu;
        this.rows = new PopupMenu.PopupMenuSection();
        menu.addMenuItem(this.rows);
        menu.addMenuItem(new PopupMenu.PopupSeparatorMenuItem());
        menu.addAction(_('Open SigmaVault Settings'), () => {
            this.openSettings();
        });
    }

    update(state: ServiceState): void {
        const status = describe(state);
        this.icon.icon_name = status.iconName;
        this.icon.opacity = status.muted ? MUTED_OPACITY : 255;
        this.accessible_name = status.accessibleName;

        this.rows.removeAll();
        for (const row of status.rows)
            this.rows.addMenuItem(this.createRow(row));
    }

    private createRow(row: MenuRow): PopupMenu.PopupMenuItem | PopupMenu.PopupImageMenuItem {
        if (row.kind === 'info')
            return new PopupMenu.PopupMenuItem(row.text, { reactive: false, can_focus: false });
        if (row.kind === 'job') {
            const item = new PopupMenu.PopupImageMenuItem(row.text, JOB_ICON);
            item.connect('activate', () => {
                this.openSettings();
            });
            return item;
        }
        const item = new PopupMenu.PopupImageMenuItem(row.text, row.iconName);
        item.connect('activate', () => {
            this.openSettings();
        });
        return item;
    }
}
