// The top-bar indicator in a real GNOME Shell 48 (--headless, Wayland, a
// virtual monitor) on a private session bus, with sigmavaultd D-Bus activated
// on the test system bus and a zfs-fuse mirror pool. The test reads what the
// indicator shows through org.gnome.Shell.Eval and saves screenshots.
//
// Eval and Screenshot answer only in unsafe mode, which a helper extension
// written here switches on. Both extensions are enabled through GSettings'
// keyfile backend: a file in the session's XDG_CONFIG_HOME that the Shell
// reads at start-up (the harness's memory backend would not reach it).
import GLib from 'gi://GLib';
import { check, run, waitFor } from '../harness/process.js';
import { TestSession } from '../harness/session.js';
import { SIGMAVAULT_EXTENSION, TestShell } from '../harness/shell.js';
import { TestSystem } from '../harness/system.js';

const UUID = SIGMAVAULT_EXTENSION;
const ICON_HEALTHY = 'drive-multidisk-symbolic';
const ICON_DEGRADED = 'dialog-warning-symbolic';

/** What the indicator shows, as read inside the Shell. */
interface IndicatorView {
    readonly extensionState: number;
    readonly extensionError: string;
    readonly present: boolean;
    readonly iconName: string;
    readonly iconOpacity: number;
    readonly accessibleName: string;
    /** Every labelled menu row, in order: [label, icon name or ''] */
    readonly rows: readonly (readonly [string, string])[];
}

// Runs inside the Shell (shellDBus.js's module scope, where Main is imported).
const READ_INDICATOR = `(() => {
    const ext = Main.extensionManager.lookup('${UUID}');
    const view = {
        extensionState: ext ? ext.state : -1,
        extensionError: ext && ext.error ? String(ext.error) : '',
        present: false, iconName: '', iconOpacity: 0, accessibleName: '', rows: [],
    };
    const indicator = Main.panel.statusArea['${UUID}'];
    if (!indicator)
        return view;
    view.present = indicator.get_parent() !== null && indicator.visible;
    const icon = indicator.get_children().find(c => 'icon_name' in c);
    view.iconName = icon ? icon.icon_name : '';
    view.iconOpacity = icon ? icon.opacity : 0;
    view.accessibleName = indicator.accessible_name;
    const walk = actor => {
        if (!actor.visible)
            return;
        if (actor.label_actor && 'text' in actor.label_actor && actor.label_actor.text !== '') {
            const rowIcon = actor.get_children().find(c => 'icon_name' in c && c.visible);
            view.rows.push([actor.label_actor.text, rowIcon ? rowIcon.icon_name : '']);
            return;
        }
        for (const child of actor.get_children())
            walk(child);
    };
    walk(indicator.menu.box);
    return view;
})()`;

describe('the SigmaVault top-bar indicator in GNOME Shell', () => {
    let system: TestSystem | null = null;
    let session: TestSession | null = null;
    let shell: TestShell | null = null;
    let devices: string[] = [];

    async function shellEval(code: string): Promise<unknown> {
        if (shell === null)
            throw new Error('no shell');
        return shell.eval(code);
    }

    async function readIndicator(): Promise<IndicatorView> {
        return await shellEval(READ_INDICATOR) as IndicatorView;
    }

    /** Waits until the indicator matches `want`; on timeout, says what it showed. */
    async function waitForIndicator(what: string, want: (v: IndicatorView) => boolean, timeoutMs = 10000): Promise<IndicatorView> {
        let last: IndicatorView | null = null;
        try {
            return await waitFor(what, async () => {
                last = await readIndicator();
                return want(last) ? last : undefined;
            }, timeoutMs, 200);
        } catch (e) {
            throw new Error(`${e instanceof Error ? e.message : String(e)}; the indicator showed ${JSON.stringify(last)}`);
        }
    }

    /** Opens the menu, saves a screenshot of the whole screen and one of the top-right corner, closes the menu. */
    async function screenshot(name: string): Promise<void> {
        // No overview, and no banner (the Shell announces unsafe mode) over the top bar.
        await shellEval(`Main.overview.hide();
            for (const source of Main.messageTray.getSources())
                source.destroy();
            Main.panel.statusArea['${UUID}'].menu.open(0);
            true`);
        await waitFor('the menu to be mapped', async () =>
            await shellEval(`Main.panel.statusArea['${UUID}'].menu.actor.is_mapped()`) === true, 5000);
        await shell?.screenshot(`shell-indicator-${name}`, [1280 - 520, 0, 520, 360]);
        await shellEval(`Main.panel.statusArea['${UUID}'].menu.close(0); true`);
    }

    beforeAll(async () => {
        system = await TestSystem.start();
        devices = await system.createPool('tank', 'mirror', 2);
        session = await TestSession.start('shell-indicator');
        shell = await TestShell.start(session);
        const view = await waitForIndicator('the SigmaVault extension to be enabled', v => v.present, 20000);
        expect(view.extensionError).toBe('');
    }, 180000);

    afterAll(async () => {
        await shell?.stop();
        await session?.stop();
        await system?.stop();
    }, 60000);

    const isHealthy = (v: IndicatorView): boolean =>
        v.iconName === ICON_HEALTHY && v.iconOpacity === 255 && v.rows.some(([label]) => label.startsWith('tank — Healthy'));
    const isDegraded = (v: IndicatorView): boolean =>
        v.iconName === ICON_DEGRADED && v.rows.some(([label]) => label.startsWith('tank — Degraded'));

    // Jasmine runs specs in random order: each one brings the mirror into the
    // state it starts from (zpool online/offline of a device already in that
    // state succeeds and changes nothing).

    it('shows a healthy icon and lists tank as Healthy', async () => {
        await system?.zpool('online', 'tank', devices[0]);
        const view = await waitForIndicator('tank to be listed as Healthy', isHealthy, 30000);
        expect(view.extensionError).toBe('');
        expect(view.accessibleName).toBe('SigmaVault: all pools healthy');
        const [label, icon] = view.rows[0];
        expect(label).toMatch(/^tank — Healthy — \d+ % full$/);
        expect(icon).toBe(ICON_HEALTHY);
        expect(view.rows.map(([l]) => l)).toEqual([label, 'Open SigmaVault Settings']);
        await screenshot('healthy');
    }, 60000);

    it('shows the degraded state within 10 s of zpool offline', async () => {
        await system?.zpool('online', 'tank', devices[0]);
        await waitForIndicator('tank to be listed as Healthy', isHealthy, 30000);
        await system?.zpool('offline', 'tank', devices[0]);
        const view = await waitForIndicator('the degraded icon', isDegraded, 10000);
        expect(view.iconOpacity).toBe(255);
        expect(view.accessibleName).toBe('SigmaVault: 1 pool needs attention');
        const [label, icon] = view.rows[0];
        expect(label).toMatch(/^tank — Degraded — \d+ % full$/);
        expect(icon).toBe(ICON_DEGRADED);
        await screenshot('degraded');
    }, 60000);

    it('returns to healthy within 10 s of zpool online', async () => {
        await system?.zpool('offline', 'tank', devices[0]);
        await waitForIndicator('the degraded icon', isDegraded, 30000);
        await system?.zpool('online', 'tank', devices[0]);
        const view = await waitForIndicator('the healthy icon again', isHealthy, 10000);
        expect(view.rows[0][0]).toMatch(/^tank — Healthy — \d+ % full$/);
        expect(view.accessibleName).toBe('SigmaVault: all pools healthy');
    }, 60000);

    it('lists a running scrub with its progress, and drops it when it ends', async () => {
        // zfs-fuse scrubs fast: a pool with 1.2 GB of data, one side of it
        // corrupted, keeps it busy for a few seconds.
        const vault = await system?.createPool('vault', 'mirror', 2, 1536) ?? [];
        try {
            await check(['dd', 'if=/dev/urandom', 'of=/vault/data', 'bs=1M', 'count=1200', 'status=none']);
            await check(['sync']);
            await check(['dd', 'if=/dev/urandom', `of=${vault[0] ?? ''}`, 'bs=1M', 'seek=64', 'count=1400',
                'conv=notrunc', 'status=none']);
            await waitForIndicator('vault to be listed', v => v.rows.some(([label]) => label.startsWith('vault — ')), 20000);
            await check(['sigmavaultctl', 'pool', 'scrub', 'vault']);
            // "Scrubbing vault…" until the first progress comes, then the percentage.
            const view = await waitForIndicator('the running scrub with its percentage in the menu',
                v => v.rows.some(([label]) => /^Scrubbing vault — \d+ %$/.test(label)), 10000);
            const row = view.rows.find(([label]) => label.startsWith('Scrubbing vault'));
            print(`# menu row while scrubbing: ${JSON.stringify(row)}`);
            expect(row?.[1]).toBe('emblem-synchronizing-symbolic');
            // Before "Open SigmaVault Settings", after the pools.
            expect(view.rows.at(-1)?.[0]).toBe('Open SigmaVault Settings');
            await screenshot('scrub-running');
            await waitForIndicator('the scrub to leave the menu',
                v => !v.rows.some(([label]) => label.startsWith('Scrubbing')), 60000);
        } finally {
            await system?.destroyPool('vault');
        }
    }, 180000);

    it('lists a running compression by the file\'s name with its progress, and drops it when it ends', async () => {
        const dir = '/var/tmp/sigmavault-indicator-compress';
        await run(['rm', '-rf', '--', dir]);
        GLib.mkdir_with_parents(dir, 0o755);
        try {
            // About 24 MB of real text at level 19: a few seconds of work here.
            await check(['bash', '-c', 'for i in $(seq 1 40); do cat /usr/share/doc/*/copyright; done | head -c 24000000 > "$1"',
                'bash', `${dir}/notes.txt`]);
            await check(['sigmavaultctl', 'compress', `${dir}/notes.txt`, '--level', '19']);
            const view = await waitForIndicator('the running compression with its percentage in the menu',
                v => v.rows.some(([label]) => /^Compressing notes\.txt — \d+ %$/.test(label)), 30000);
            const row = view.rows.find(([label]) => label.startsWith('Compressing notes.txt'));
            print(`# menu row while compressing: ${JSON.stringify(row)}`);
            expect(row?.[1]).toBe('emblem-synchronizing-symbolic');
            expect(view.rows.at(-1)?.[0]).toBe('Open SigmaVault Settings');
            await screenshot('compression-running');
            await waitForIndicator('the compression to leave the menu',
                v => !v.rows.some(([label]) => label.startsWith('Compressing')), 180000);
            expect(GLib.file_test(`${dir}/notes.txt.zst`, GLib.FileTest.EXISTS)).toBeTrue();
        } finally {
            await run(['rm', '-rf', '--', dir]);
        }
    }, 240000);

    it('takes itself out of the top bar when disabled and comes back when enabled', async () => {
        const disabled = await shellEval(`Main.extensionManager.disableExtension('${UUID}')`);
        expect(disabled).withContext('disableExtension').toBeTrue();
        await waitForIndicator('the indicator to leave the top bar', v => !v.present && v.extensionState !== 1, 10000);
        const enabled = await shellEval(`Main.extensionManager.enableExtension('${UUID}')`);
        expect(enabled).withContext('enableExtension').toBeTrue();
        const view = await waitForIndicator('the indicator to show tank again',
            v => v.present && v.rows.some(([label]) => label.startsWith('tank — ')), 10000);
        expect(view.extensionError).toBe('');
    }, 60000);
});
