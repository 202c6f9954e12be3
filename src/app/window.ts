// The main window: a sidebar (Dashboard, then each pool) and the content,
// collapsing to one pane on narrow screens.
import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { _, format } from '../shared/i18n.js';
import { CompressionPage } from './compression-page.js';
import { DashboardPage } from './dashboard-page.js';
import { DatasetsPage } from './datasets-page.js';
import { DisksPage } from './disks-page.js';
import { healthIconName } from './health-icon.js';
import { JobsPage } from './jobs-page.js';
import { PoolPage } from './pool-page.js';
import type { PoolStore } from './pool-store.js';

const DASHBOARD = '';
/** Running and recent jobs; not a pool name, those begin with a letter. */
const JOBS = ':jobs';
/** Not a pool name: those begin with a letter. */
const DISKS = ':disks';
/** The Compression page's name for showSection. */
export const COMPRESSION = ':compression';

export class SettingsWindow extends Adw.ApplicationWindow {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultSettingsWindow' }, this);
    }

    declare private _store: PoolStore;
    declare private _split: Adw.NavigationSplitView;
    declare private _sidebarList: Gtk.ListBox;
    declare private _stack: Gtk.Stack;
    declare private _contentPage: Adw.NavigationPage;
    declare private _nav: Adw.NavigationView;
    declare private _rootPage: Adw.NavigationPage;
    declare private _poolPage: PoolPage;
    declare private _selected: string;
    declare private _dashboard: DashboardPage;

    constructor(application: Adw.Application | null, store: PoolStore) {
        super({
            ...(application ? { application } : {}),
            title: _('SigmaVault Settings'),
            default_width: 960,
            default_height: 640,
            width_request: 360,
            height_request: 294,
        });
        this._store = store;
        this._selected = DASHBOARD;

        this._sidebarList = new Gtk.ListBox({ selection_mode: Gtk.SelectionMode.SINGLE });
        this._sidebarList.add_css_class('navigation-sidebar');
        this._sidebarList.update_property([Gtk.AccessibleProperty.LABEL], [_('Sections')]);
        // Navigation follows activation (click, Enter), not selection: a
        // list that gets focus when the window maps selects its first row,
        // which must not send the user away from the pool they asked for.
        this._sidebarList.connect('row-activated', (_list, row) => {
            this.showSection(row.name);
        });
        const sidebarView = new Adw.ToolbarView();
        sidebarView.add_top_bar(new Adw.HeaderBar());
        sidebarView.set_content(new Gtk.ScrolledWindow({
            child: this._sidebarList, hscrollbar_policy: Gtk.PolicyType.NEVER,
        }));
        const sidebar = new Adw.NavigationPage({ title: _('SigmaVault'), child: sidebarView, tag: 'sidebar' });

        const dashboard = new DashboardPage(store);
        this._dashboard = dashboard;
        dashboard.connect('pool-activated', (_d, name: string) => {
            this.showSection(name);
        });
        this._poolPage = new PoolPage(store);
        this._stack = new Gtk.Stack({ transition_type: Gtk.StackTransitionType.CROSSFADE });
        this._stack.add_named(dashboard, 'dashboard');
        this._stack.add_named(this._poolPage, 'pool');
        this._stack.add_named(new JobsPage(store), 'jobs');
        this._stack.add_named(new DisksPage(store), 'disks');
        this._stack.add_named(new CompressionPage(store), 'compression');
        const contentView = new Adw.ToolbarView();
        contentView.add_top_bar(new Adw.HeaderBar());
        contentView.set_content(this._stack);
        // Datasets and snapshots are pushed on top of a pool's page.
        this._rootPage = new Adw.NavigationPage({ title: _('Dashboard'), child: contentView, tag: 'root' });
        this._nav = new Adw.NavigationView();
        this._nav.add(this._rootPage);
        this._contentPage = new Adw.NavigationPage({ title: _('Dashboard'), child: this._nav, tag: 'content' });
        this._poolPage.showDatasets = (pool: string): void => {
            this.showDatasets(pool);
        };

        this._split = new Adw.NavigationSplitView({ sidebar, content: this._contentPage, min_sidebar_width: 200 });
        this.set_content(this._split);

        const narrow = new Adw.Breakpoint({ condition: Adw.BreakpointCondition.parse('max-width: 600sp') });
        // GJS converts the boolean to a GValue.
        narrow.add_setter(this._split, 'collapsed', true as unknown as GObject.Value);
        this.add_breakpoint(narrow);

        const changed = store.connect('changed', () => {
            this.syncSidebar();
            if (![DASHBOARD, JOBS, DISKS, COMPRESSION].includes(this._selected))
                this._poolPage.display(store.pool(this._selected), this._selected);
        });
        this.connect('destroy', () => {
            store.disconnect(changed);
        });
        this.syncSidebar();
    }

    /** Shows the dashboard ('') or a pool by name. */
    showSection(name: string): void {
        this._selected = name;
        // The window title names what is shown, for the window switcher.
        if (name === DASHBOARD) {
            this._stack.visible_child_name = 'dashboard';
            this._contentPage.title = _('Dashboard');
            this.title = _('SigmaVault Settings');
        } else if (name === JOBS) {
            this._stack.visible_child_name = 'jobs';
            this._contentPage.title = _('Jobs');
            this.title = format(_('%s — SigmaVault Settings'), _('Jobs'));
        } else if (name === DISKS) {
            this._stack.visible_child_name = 'disks';
            this._contentPage.title = _('Disks');
            this.title = format(_('%s — SigmaVault Settings'), _('Disks'));
        } else if (name === COMPRESSION) {
            this._stack.visible_child_name = 'compression';
            this._contentPage.title = _('Compression');
            this.title = format(_('%s — SigmaVault Settings'), _('Compression'));
        } else {
            this._poolPage.display(this._store.pool(name), name);
            this._stack.visible_child_name = 'pool';
            this._contentPage.title = name;
            this.title = format(_('%s — SigmaVault Settings'), name);
        }
        this.syncSidebar();
        this._rootPage.title = this._contentPage.title;
        this._nav.pop_to_tag('root');
        this._split.show_content = true;
    }

    /** Shows the datasets of a pool above its page; returns that page. */
    showDatasets(pool: string): DatasetsPage {
        const page = new DatasetsPage(this._store, pool);
        this._nav.push(page);
        return page;
    }

    /** The Dashboard, which opens the Create Pool and Import Pool dialogs. */
    get dashboard(): DashboardPage {
        return this._dashboard;
    }

    get selectedSection(): string {
        return this._selected;
    }

    private sidebarRow(name: string, title: string, icon: string): Gtk.ListBoxRow {
        const box = new Gtk.Box({ spacing: 12 });
        box.append(new Gtk.Image({ icon_name: icon, accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        box.append(new Gtk.Label({ label: title, xalign: 0, ellipsize: 3 /* Pango.EllipsizeMode.END */, hexpand: true }));
        const row = new Gtk.ListBoxRow({ child: box, name });
        row.update_property([Gtk.AccessibleProperty.LABEL], [title]);
        return row;
    }

    private syncSidebar(): void {
        this._sidebarList.remove_all();
        this._sidebarList.append(this.sidebarRow(DASHBOARD, _('Dashboard'), 'view-grid-symbolic'));
        this._sidebarList.append(this.sidebarRow(JOBS, _('Jobs'), 'emblem-synchronizing-symbolic'));
        this._sidebarList.append(this.sidebarRow(DISKS, _('Disks'), 'drive-harddisk-symbolic'));
        this._sidebarList.append(this.sidebarRow(COMPRESSION, _('Compression'), 'package-x-generic-symbolic'));
        for (const pool of this._store.pools)
            this._sidebarList.append(this.sidebarRow(pool.name, pool.name, healthIconName(pool.health)));
        let i = 0;
        for (let row = this._sidebarList.get_row_at_index(0); row; row = this._sidebarList.get_row_at_index(++i)) {
            if (row.name === this._selected)
                this._sidebarList.select_row(row);
        }
    }
}
