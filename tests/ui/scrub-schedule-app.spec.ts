// SigmaVault Settings' Scrub Schedule row and dialog under Xvfb, against the
// real daemon and a zfs-fuse pool: the row shows the schedule and the next
// planned scrub, the dialog edits it (the daemon keeps it), and shows the
// last scrub's result; screenshots in light and dark, narrow and wide.
import GLib from 'gi://GLib';
import { POOL_IFACE, poolPath } from '../../src/shared/dbus-names.js';
import type {
    ScrubScheduleDialog as ScrubScheduleDialogType, ScrubScheduleRow as ScrubScheduleRowType,
} from '../../src/app/scrub-schedule-dialog.js';
import type { SettingsWindow as SettingsWindowType } from '../../src/app/window.js';
import { callDaemon, type CallOutcome, CompletedSignals } from '../harness/dbus.js';
import { installedModule } from '../harness/installed.js';
import { type InstalledApp, loadApp, shootVariants, startAppSession } from '../harness/app-session.js';
import { artifactsDir, check, waitFor } from '../harness/process.js';
import type { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';
import { findAll, visibleTexts } from '../harness/widgets.js';

interface AppModules extends InstalledApp {
    ScrubScheduleRow: typeof ScrubScheduleRowType;
}

const SHOTS = GLib.build_filenamev([artifactsDir(), 'screenshots']);
const SIZES = { wide: [1000, 760], narrow: [360, 720] } as const;
const NO_INTERACTION = { 'auth.no_user_interaction': new GLib.Variant('b', true) };

describe('SigmaVault Settings: scrub schedule', () => {
    let sys: TestSystem;
    let session: TestSession;
    let app: AppModules;
    let store: InstalledApp['PoolStore']['prototype'];

    async function scheduleRow(w: SettingsWindowType): Promise<ScrubScheduleRowType> {
        w.showSection('tank');
        return waitFor('the Scrub Schedule row', () => findAll(w, app.ScrubScheduleRow).find(r => r.get_mapped()), 5000);
    }

    async function openDialog(w: SettingsWindowType): Promise<ScrubScheduleDialogType> {
        const dialog = (await scheduleRow(w)).openDialog();
        await waitFor('the dialog', () => visibleTexts(w).includes('Minimum Interval') || undefined, 5000);
        return dialog;
    }

    /** Every Sunday at 02:00, at most every 35 days, set through the daemon. */
    const weeklyOnSunday = (): Promise<CallOutcome> => callDaemon(sys.systemBus, poolPath('tank'), POOL_IFACE,
        'SetScrubSchedule', new GLib.Variant('(a{sv}a{sv})', [{
            frequency: new GLib.Variant('s', 'weekly'), weekday: new GLib.Variant('u', 7),
            hour: new GLib.Variant('u', 2), minute: new GLib.Variant('u', 0), threshold: new GLib.Variant('u', 35),
        }, NO_INTERACTION]));

    const shoot = (name: string, prepare: (w: SettingsWindowType) => Promise<void>): Promise<string[]> => shootVariants({
        create: () => new app.SettingsWindow(null, store), sizes: SIZES, prepare, save: app.saveScreenshot,
        path: (size, scheme) => GLib.build_filenamev([SHOTS, `scrub-schedule-${name}-${size}-${scheme}.png`]),
    });

    beforeAll(async () => {
        GLib.mkdir_with_parents(SHOTS, 0o755);
        sys = await TestSystem.start();
        await sys.createPool('tank', 'mirror', 2, 256);
        await check(['dd', 'if=/dev/urandom', 'of=/tank/data', 'bs=1M', 'count=32', 'status=none']);
        // A finished scrub, so that the dialog has a last result to show.
        const completions = new CompletedSignals(sys.systemBus);
        const r = await callDaemon(sys.systemBus, poolPath('tank'), POOL_IFACE, 'Scrub',
            new GLib.Variant('(sa{sv})', ['start', NO_INTERACTION]));
        if (!r.ok)
            throw new Error(r.message);
        await completions.of(String(r.value[0]));
        completions.stop();
        const set = await weeklyOnSunday();
        if (!set.ok)
            throw new Error(set.message);

        session = await startAppSession('scrub-schedule-app');
        const dialogModule = await import(installedModule('app/scrub-schedule-dialog.js')) as
            { ScrubScheduleRow: typeof ScrubScheduleRowType };
        app = { ...await loadApp(), ...dialogModule };
        store = new app.PoolStore();
        await store.connectToDaemon();
        await waitFor('the pool with its schedule and last scrub', () => {
            const p = store.pool('tank');
            return p?.scrubSchedule !== null && p?.lastScrub !== null ? p : undefined;
        }, 15000);
    }, 180000);

    afterAll(async () => {
        await sys?.stop();
        await session?.stop();
    });

    it('shows the schedule and the next planned scrub on the pool page', async () => {
        const w = new app.SettingsWindow(null, store);
        w.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        w.present();
        const row = await scheduleRow(w);
        expect(row.subtitle).toMatch(/^Every Sunday at 02:00, at most every 35 days · next Sun /);
        w.destroy();
        await shoot('row', async sw => {
            await scheduleRow(sw);
        });
    }, 120000);

    it('edits the schedule in the dialog, which the daemon keeps, and shows the last scrub', async () => {
        const w = new app.SettingsWindow(null, store);
        w.set_default_size(SIZES.wide[0], SIZES.wide[1]);
        w.present();
        const dialog = await openDialog(w);
        const texts = visibleTexts(w);
        for (const t of ['Scrub Automatically', 'Frequency', 'Weekly', 'Sunday', 'Time', 'Next Scrub', 'Last Scrub'])
            expect(texts).withContext(texts.join('\n')).toContain(t);
        expect(texts.some(t => t.startsWith('Finished '))).withContext('the last scrub\'s result').toBeTrue();
        expect(texts).toContain('A planned scrub is skipped within 35 days of the last one');
        expect(texts).not.toContain('Day of the Month');
        expect(dialog.schedule).toEqual({ frequency: 'weekly', weekday: 7, hour: 2, minute: 0, second: 0, threshold: 35 });

        dialog.setControls({ frequency: 'monthly', day: 15, hour: 3, minute: 30, second: 0, threshold: 7 });
        await waitFor('the day of the month row', () => visibleTexts(w).includes('Day of the Month') || undefined, 5000);
        expect(visibleTexts(w)).not.toContain('Sunday');
        expect(await dialog.save()).toBeTrue();
        const pool = await waitFor('the daemon to keep the new schedule',
            () => store.pool('tank')?.scrubSchedule?.frequency === 'monthly' ? store.pool('tank') : undefined, 10000);
        expect(pool.scrubSchedule).toEqual({ frequency: 'monthly', day: 15, hour: 3, minute: 30, second: 0, threshold: 7 });
        const next = GLib.DateTime.new_from_unix_local(Math.floor(pool.nextScrub / 1e6));
        expect(next?.get_day_of_month()).toBe(15);
        expect(next?.format('%H:%M')).toBe('03:30');
        const row = await waitFor('the row to follow', () => findAll(w, app.ScrubScheduleRow)
            .find(r => r.get_mapped() && r.subtitle.startsWith('Monthly on day 15 at 03:30')), 5000);
        expect(row.subtitle).toContain('at most every 7 days');

        // Off: the daemon drops the schedule.
        const off = (await scheduleRow(w)).openDialog();
        off.setControls(null);
        expect(off.schedule).toBeNull();
        expect(await off.save()).toBeTrue();
        await waitFor('the schedule to go', () => store.pool('tank')?.scrubSchedule === null || undefined, 10000);
        expect((await scheduleRow(w)).subtitle).toContain('Off');
        w.destroy();

        const restore = await weeklyOnSunday();
        expect(restore.ok).toBeTrue();
        await waitFor('the schedule back', () => store.pool('tank')?.scrubSchedule !== null || undefined, 10000);
        await shoot('dialog', async sw => {
            await openDialog(sw);
        });
        await shoot('dialog-monthly', async sw => {
            const d = await openDialog(sw);
            d.setControls({ frequency: 'monthly', day: 31, hour: 23, minute: 5, second: 0, threshold: 0 });
            await waitFor('the monthly rows', () => visibleTexts(sw).includes('Day of the Month') || undefined, 5000);
        });
    }, 240000);
});
