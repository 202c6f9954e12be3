// SigmaVault's benchmarks: each figure is measured against a reference
// measured in the same run, on the same machine, so the ratio says what
// SigmaVault itself costs. Runs against the installed SigmaVault inside the
// Debian 13 root (make bench → build-aux/bench.sh), on a private system bus
// with polkitd and zfs-fuse (tests/harness/system.ts) and, for the app, an
// Xvfb display with a private session bus (tests/harness/session.ts).
//   gjs -m bench.js [--json FILE]
// Prints a table and writes FILE (default $SIGMAVAULT_BENCH_JSON, else
// bench.json in the artifacts directory): an array of
// {name, value, unit, reference, reference_value, ratio, target}.
// A benchmark reports; it exits 0 unless something could not be measured.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';
import { BUS_NAME, datasetPath, POOL_IFACE, ROOT_PATH } from '../../src/shared/dbus-names.js';
import { listSnapshots, readDatasets } from '../../src/shared/dataset-info.js';
import { artifactsDir, launcher, run, Service, sleep, waitFor } from '../harness/process.js';
import { TestSession } from '../harness/session.js';
import { TestSystem } from '../harness/system.js';
import { benchCompression } from './compression-bench.js';
import type { Figure } from './figure.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');
Gio._promisify(Gio.DataInputStream.prototype, 'read_line_async', 'read_line_finish');
Gio._promisify(Gio.Subprocess.prototype, 'wait_async', 'wait_finish');

const REFERENCE_NAME = 'com.sigmavault.BenchReference';
const REFERENCE_SERVICE_FILE = `/usr/share/dbus-1/system-services/${REFERENCE_NAME}.service`;
const REFERENCE_POLICY_FILE = `/usr/share/dbus-1/system.d/${REFERENCE_NAME}.conf`;
const HERE = GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]);

const ACTIVATION_RUNS = 5;
const RSS_IDLE_MS = 3000;
const RSS_BUDGET_MIB = 20;
const FRAME_RUNS = 5;
const FRAME_MAX_RATIO = 2;
const CALLS = 20;
const GMO_BUDGET_MS = 20;
const MANY_POOLS = 50;
const POOL_MIB = 64; // zfs-fuse's smallest device
const SNAPSHOTS = Number(GLib.getenv('SIGMAVAULT_BENCH_SNAPSHOTS') ?? 10000);
const SNAPSHOT_BATCH = 32; // zfs snapshot commands in flight at once
const SNAPSHOT_PAGE = 1000;
const SNAPSHOT_RUNS = 3;
const SNAPSHOT_BUDGET_MS = 1000;
const SNAPSHOT_MAX_RATIO = 3;

const logFile = GLib.build_filenamev([artifactsDir(), 'logs', 'bench.log']);
GLib.mkdir_with_parents(GLib.path_get_dirname(logFile), 0o755);
const logStream = Gio.File.new_for_path(logFile).replace(null, false, Gio.FileCreateFlags.NONE, null);

/** Progress and raw samples: on stdout and in the artifacts' logs/bench.log. */
function note(message: string): void {
    print(`bench: ${message}`);
    logStream.write_all(new TextEncoder().encode(`${message}\n`), null);
}

function nowMs(): number {
    return GLib.get_monotonic_time() / 1000;
}

function median(samples: readonly number[]): number {
    if (samples.length === 0)
        throw new Error('no samples');
    const s = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] ?? 0 : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function samplesText(samples: readonly number[]): string {
    return samples.map(v => v.toFixed(1)).join(' ');
}

function errorText(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

function program(name: string): string {
    const path = GLib.find_program_in_path(name);
    if (path === null)
        throw new Error(`${name} is not installed`);
    return path;
}

// --- D-Bus helpers -----------------------------------------------------------

async function busCall(bus: Gio.DBusConnection, method: string, args: GLib.Variant | null): Promise<GLib.Variant> {
    return bus.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', method, args,
        null, Gio.DBusCallFlags.NONE, -1, null);
}

/**
 * The first call to a service that is not running: dbus-daemon starts it
 * (through its launch helper, as root) and delivers the call once the
 * service owns its name; GDBus in the service answers Peer.Ping by itself.
 * So this is activation → name owned, plus one round trip.
 */
async function activate(bus: Gio.DBusConnection, name: string): Promise<number> {
    const t0 = nowMs();
    await bus.call(name, '/', 'org.freedesktop.DBus.Peer', 'Ping', null, null, Gio.DBusCallFlags.NONE, 60000, null);
    return nowMs() - t0;
}

/** Stops the owner of `name` by the pid the bus reports, and waits until it is gone. */
async function stopOwner(sys: TestSystem, name: string): Promise<void> {
    if (name === BUS_NAME) {
        await sys.stopDaemon();
        return;
    }
    const pid = await sys.ownerPid(name);
    if (pid === null)
        return;
    await run(['kill', '-TERM', String(pid)]);
    try {
        await waitFor(`${name} to exit`, async () => !await sys.hasOwner(name), 5000, 20);
    } catch {
        await run(['kill', '-KILL', String(pid)]);
    }
}

/** Installs the reference service (tests/bench/reference-service.ts) for D-Bus activation. */
async function installReferenceService(sys: TestSystem): Promise<void> {
    const script = GLib.build_filenamev([HERE, 'reference-service.js']);
    if (!GLib.file_test(script, GLib.FileTest.EXISTS))
        throw new Error(`${script} is missing; is this the compiled bench?`);
    GLib.file_set_contents(REFERENCE_SERVICE_FILE, `# Installed by SigmaVault's benchmark (tests/bench/bench.ts).
[D-BUS Service]
Name=${REFERENCE_NAME}
Exec=${program('gjs')} -m ${script}
User=root
`);
    GLib.file_set_contents(REFERENCE_POLICY_FILE, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- Installed by SigmaVault's benchmark (tests/bench/bench.ts). -->
<busconfig>
  <policy user="root">
    <allow own="${REFERENCE_NAME}"/>
  </policy>
  <policy context="default">
    <allow send_destination="${REFERENCE_NAME}"/>
  </policy>
</busconfig>
`);
    await busCall(sys.systemBus, 'ReloadConfig', null);
    // ReloadConfig answers before the new files are in effect on some versions.
    await waitFor('the reference service to be activatable', async () => {
        const reply = await busCall(sys.systemBus, 'ListActivatableNames', null);
        return reply.deepUnpack<[string[]]>()[0].includes(REFERENCE_NAME);
    }, 5000, 50);
}

function removeReferenceService(): void {
    GLib.unlink(REFERENCE_SERVICE_FILE);
    GLib.unlink(REFERENCE_POLICY_FILE);
}

/** VmRSS of a process, in MiB. */
function rssMiB(pid: number): number {
    const [, bytes] = GLib.file_get_contents(`/proc/${pid}/status`);
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(new TextDecoder().decode(bytes))?.[1];
    if (kb === undefined)
        throw new Error(`no VmRSS in /proc/${pid}/status`);
    return Number(kb) / 1024;
}

async function ownerPidOrThrow(sys: TestSystem, name: string): Promise<number> {
    const pid = await sys.ownerPid(name);
    if (pid === null)
        throw new Error(`${name} has no owner`);
    return pid;
}

/** One GetManagedObjects round trip, in ms, and how many pools it listed. */
async function getManagedObjects(bus: Gio.DBusConnection): Promise<{ ms: number; pools: number }> {
    const t0 = nowMs();
    const reply = await bus.call(BUS_NAME, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects',
        null, new GLib.VariantType('(a{oa{sa{sv}}})'), Gio.DBusCallFlags.NONE, 30000, null);
    const ms = nowMs() - t0;
    const [objects] = reply.deepUnpack<[Record<string, Record<string, unknown>>]>();
    return { ms, pools: Object.values(objects).filter(ifaces => POOL_IFACE in ifaces).length };
}

/** Wall time of one `zpool list -H`, spawned, in ms. */
async function zpoolList(): Promise<number> {
    const t0 = nowMs();
    const r = await run(['zpool', 'list', '-H']);
    const ms = nowMs() - t0;
    if (r.status !== 0)
        throw new Error(`zpool list -H exited ${r.status}: ${r.stderr}`);
    return ms;
}

// --- Timing a program until it prints a line -----------------------------------

/**
 * Spawns `argv` and returns, for each of `lines` in order, the ms from just
 * before the spawn until the program printed that line on stdout. Waits for
 * the program to exit by itself afterwards (then stops it by pid).
 */
async function timeLines(name: string, argv: readonly string[], env: Record<string, string>,
    lines: readonly string[], timeoutMs = 60000): Promise<number[]> {
    const l = launcher({ env }, Gio.SubprocessFlags.STDOUT_PIPE);
    l.set_stderr_file_path(GLib.build_filenamev([artifactsDir(), 'logs', `bench-${name}.log`]));
    const t0 = nowMs();
    const proc = l.spawnv([...argv]);
    const service = new Service(name, proc);
    const pipe = proc.get_stdout_pipe();
    const cancellable = new Gio.Cancellable();
    let timer = GLib.timeout_add(GLib.PRIORITY_DEFAULT, timeoutMs, () => {
        timer = 0;
        cancellable.cancel();
        return GLib.SOURCE_REMOVE;
    });
    try {
        if (pipe === null)
            throw new Error(`no stdout pipe for ${name}`);
        const stream = new Gio.DataInputStream({ base_stream: pipe });
        const times: number[] = [];
        for (const want of lines) {
            for (;;) {
                const [bytes] = await stream.read_line_async(GLib.PRIORITY_DEFAULT, cancellable);
                if (bytes === null)
                    throw new Error(`${name} ended before printing "${want}"`);
                const line = new TextDecoder().decode(bytes).trim();
                if (line === want) {
                    times.push(nowMs() - t0);
                    break;
                }
                note(`${name} printed: ${line}`);
            }
        }
        return times;
    } catch (e) {
        if (cancellable.is_cancelled())
            throw new Error(`${name} did not print ${lines.join(', ')} within ${timeoutMs} ms`);
        throw e;
    } finally {
        if (timer)
            GLib.source_remove(timer);
        await Promise.race([proc.wait_async(null), sleep(10000)]);
        await service.stop();
    }
}

// --- The benchmarks ------------------------------------------------------------

/** 1. D-Bus activation of sigmavaultd until it owns its name, against a bare GJS system service. */
async function benchActivation(sys: TestSystem): Promise<Figure> {
    const daemon: number[] = [];
    const reference: number[] = [];
    // Run 0 warms the page cache for both and is not counted; then they alternate.
    for (let i = 0; i <= ACTIVATION_RUNS; i++) {
        for (const [name, samples] of [[REFERENCE_NAME, reference], [BUS_NAME, daemon]] as const) {
            if (await sys.hasOwner(name))
                throw new Error(`${name} is already running`);
            const ms = await activate(sys.systemBus, name);
            if (i > 0)
                samples.push(ms);
            await stopOwner(sys, name);
            await sleep(200);
        }
    }
    note(`activation samples (ms): sigmavaultd ${samplesText(daemon)}; reference ${samplesText(reference)}`);
    const value = median(daemon);
    const ref = median(reference);
    return {
        entry: {
            name: 'daemon-activation',
            value, unit: 'ms',
            reference: 'D-Bus activation of a bare gjs system service owning a name',
            reference_value: ref, ratio: value / ref,
            target: 'none (tracked)',
        },
        met: null,
    };
}

/** 2. sigmavaultd's resident memory when idle with one pool, against the bare service idling. */
async function benchIdleRss(sys: TestSystem): Promise<Figure> {
    await activate(sys.systemBus, REFERENCE_NAME);
    await activate(sys.systemBus, BUS_NAME);
    await sleep(RSS_IDLE_MS);
    const value = rssMiB(await ownerPidOrThrow(sys, BUS_NAME));
    const ref = rssMiB(await ownerPidOrThrow(sys, REFERENCE_NAME));
    await stopOwner(sys, REFERENCE_NAME);
    return {
        entry: {
            name: 'daemon-idle-rss',
            value, unit: 'MiB',
            reference: 'bare gjs system service in a GLib.MainLoop',
            reference_value: ref, ratio: value / ref,
            target: `≤ reference + ${RSS_BUDGET_MIB} MiB`,
        },
        met: value - ref <= RSS_BUDGET_MIB,
    };
}

/**
 * 3. SigmaVault Settings' first frame, against a bare Adw window.
 *
 * What is measured, for both: the time from just before spawning the
 * program until it prints its line on stdout. The app is the installed
 * `sigmavault-settings --screenshot=FILE`: it starts, connects to the
 * (running) daemon, presents its window and, at the first frame painted
 * once the pools are known ('after-paint' of the window's frame clock),
 * saves the window as a PNG and prints FILE. The reference
 * (tests/bench/bare-window.ts) is a bare Adw.ApplicationWindow of the same
 * size in a non-unique Adw.Application, which at its first 'after-paint'
 * saves itself with the same installed saveScreenshot() and prints FILE.
 * So both end at "first painted frame, then the same PNG step", and the
 * difference is SigmaVault's own start-up: its modules, widgets and the
 * daemon's data. The bare window also prints "painted" before its PNG step;
 * the log shows that time too, to tell what the PNG step costs.
 */
async function benchFirstFrame(session: TestSession): Promise<Figure> {
    const env = { ...session.envRecord(), GDK_BACKEND: 'x11' };
    const shots = GLib.build_filenamev([artifactsDir(), 'screenshots']);
    GLib.mkdir_with_parents(shots, 0o755);
    const appPng = GLib.build_filenamev([shots, 'settings-first-frame.png']);
    const barePng = GLib.build_filenamev([shots, 'bare-window-first-frame.png']);
    const app: number[] = [];
    const bare: number[] = [];
    const barePainted: number[] = [];
    for (let i = 0; i <= FRAME_RUNS; i++) {
        const [painted, saved] = await timeLines('bare-window',
            [program('gjs'), '-m', GLib.build_filenamev([HERE, 'bare-window.js']), barePng], env, ['painted', barePng]);
        const [shown] = await timeLines('sigmavault-settings',
            [program('sigmavault-settings'), `--screenshot=${appPng}`], env, [appPng]);
        if (i > 0 && painted !== undefined && saved !== undefined && shown !== undefined) {
            barePainted.push(painted);
            bare.push(saved);
            app.push(shown);
        }
    }
    note(`first frame samples (ms): sigmavault-settings ${samplesText(app)}; bare window ${samplesText(bare)} ` +
        `(painted, before its PNG step: ${samplesText(barePainted)})`);
    const value = median(app);
    const ref = median(bare);
    return {
        entry: {
            name: 'settings-first-frame',
            value, unit: 'ms',
            reference: 'bare Adw.ApplicationWindow, same endpoint',
            reference_value: ref, ratio: value / ref,
            target: `≤ ${FRAME_MAX_RATIO}x reference`,
        },
        met: value / ref <= FRAME_MAX_RATIO,
    };
}

/** 4. GetManagedObjects round trips with `pools` pools, against spawning `zpool list -H`. */
async function benchGetManagedObjects(sys: TestSystem, pools: number): Promise<Figure> {
    const first = await getManagedObjects(sys.systemBus);
    if (first.pools !== pools)
        throw new Error(`sigmavaultd lists ${first.pools} pools, expected ${pools}`);
    const calls: number[] = [];
    const lists: number[] = [];
    await zpoolList();
    for (let i = 0; i < CALLS; i++) {
        calls.push((await getManagedObjects(sys.systemBus)).ms);
        lists.push(await zpoolList());
    }
    note(`GetManagedObjects with ${pools} pool(s) (ms): ${samplesText(calls)}; zpool list -H: ${samplesText(lists)}`);
    const value = median(calls);
    const ref = median(lists);
    return {
        entry: {
            name: `get-managed-objects-${pools}-pool${pools === 1 ? '' : 's'}`,
            value, unit: 'ms',
            reference: `zpool list -H, spawned, ${pools} pool${pools === 1 ? '' : 's'}`,
            reference_value: ref, ratio: value / ref,
            target: `< ${GMO_BUDGET_MS} ms`,
        },
        met: value < GMO_BUDGET_MS,
    };
}

/**
 * A session with an Xvfb display. X servers of other roots on this machine
 * share the abstract socket namespace, so a display number can be taken
 * without a file in /tmp/.X11-unix; each attempt takes the next number.
 */
async function startDisplaySession(): Promise<TestSession> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await TestSession.start('bench', { display: true });
        } catch (e) {
            if (attempt >= 5)
                throw e;
            note(`display attempt ${attempt} failed (${errorText(e)}); trying the next display number`);
        }
    }
}

async function createPools(sys: TestSystem, count: number): Promise<void> {
    const t0 = nowMs();
    for (let i = 1; i < count; i++)
        await sys.createPool(`bench${String(i).padStart(2, '0')}`, 'single', 1, POOL_MIB);
    note(`created ${count - 1} more pools in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
    await waitFor(`sigmavaultd to list ${count} pools`,
        async () => (await getManagedObjects(sys.systemBus)).pools === count, 180000, 500);
    // Let the refreshes the new pools set off finish.
    await sleep(2000);
}

/** Every snapshot of `dataset` through ListSnapshots, page by page; ms and how many. */
async function listThroughDaemon(bus: Gio.DBusConnection, dataset: string): Promise<{ ms: number; count: number }> {
    const t0 = nowMs();
    let count = 0;
    for (let offset = 0; ; offset += SNAPSHOT_PAGE) {
        const { page, total } = await listSnapshots(bus, datasetPath(dataset), offset, SNAPSHOT_PAGE);
        count += page.length;
        if (page.length === 0 || count >= total)
            break;
    }
    return { ms: nowMs() - t0, count };
}

/** Wall time of `zfs list -t snapshot`, spawned, and how many lines it printed. */
async function zfsListSnapshots(): Promise<{ ms: number; count: number }> {
    const t0 = nowMs();
    const r = await run(['zfs', 'list', '-t', 'snapshot']);
    const ms = nowMs() - t0;
    if (r.status !== 0)
        throw new Error(`zfs list -t snapshot exited ${r.status}: ${r.stderr}`);
    return { ms, count: r.stdout.split('\n').filter(l => l !== '' && !l.startsWith('NAME')).length };
}

async function daemonSnapshotCount(bus: Gio.DBusConnection, dataset: string): Promise<number> {
    return (await readDatasets(bus)).find(d => d.name === dataset)?.snapshotCount ?? -1;
}

/**
 * 6. Listing SNAPSHOTS snapshots of one dataset through the daemon
 * (ListSnapshots, pages of 1000) against `zfs list -t snapshot` itself in the
 * same run. The very first listing reads every snapshot from zfs (first,
 * tracked). Then each run restarts the daemon, so that its first listing
 * comes from the last full read it kept and what changed (cold); lists
 * again (cached); then takes one more snapshot outside SigmaVault and lists
 * once the daemon counts it (after a change: the daemon reads the new
 * snapshot by name, see snapshot-list.ts).
 * The snapshots are made on their own zfs-fuse pool, SNAPSHOT_BATCH
 * `zfs snapshot` commands at a time.
 */
async function benchSnapshotListing(sys: TestSystem): Promise<Figure[]> {
    const pool = 'benchsnap';
    const dataset = `${pool}/many`;
    await sys.createPool(pool, 'single', 1, 512);
    await sys.zfs('create', dataset);
    const t0 = nowMs();
    for (let i = 0; i < SNAPSHOTS; i += SNAPSHOT_BATCH) {
        await Promise.all(Array.from({ length: Math.min(SNAPSHOT_BATCH, SNAPSHOTS - i) }, (_x, j) =>
            sys.zfs('snapshot', `${dataset}@s${String(i + j).padStart(5, '0')}`)));
    }
    note(`created ${SNAPSHOTS} snapshots in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
    const bus = sys.systemBus;
    const cold: number[] = [];
    const warm: number[] = [];
    const changed: number[] = [];
    const reference: number[] = [];
    const listAll = async (expected: number): Promise<number> => {
        // zfs-fuse announces nothing: the daemon's slow refresh sees a new snapshot.
        await waitFor(`sigmavaultd to count ${expected} snapshots`, async () => await daemonSnapshotCount(bus, dataset) === expected,
            60000, 250);
        const listed = await listThroughDaemon(bus, dataset);
        if (listed.count !== expected)
            throw new Error(`ListSnapshots returned ${listed.count} snapshots, expected ${expected}`);
        return listed.ms;
    };
    let expected = SNAPSHOTS;
    await sys.stopDaemon();
    const first = await listAll(expected);
    for (let run = 0; run < SNAPSHOT_RUNS; run++) {
        await sys.stopDaemon();
        cold.push(await listAll(expected));
        warm.push(await listAll(expected));
        await sys.zfs('snapshot', `${dataset}@extra${run}`);
        changed.push(await listAll(++expected));
        const ref = await zfsListSnapshots();
        if (ref.count !== expected)
            throw new Error(`zfs list -t snapshot printed ${ref.count} snapshots, expected ${expected}`);
        reference.push(ref.ms);
    }
    note(`${SNAPSHOTS} snapshots through ListSnapshots (ms): first ever ${first.toFixed(1)}; cold ${samplesText(cold)}; cached ${samplesText(warm)}; ` +
        `after one more snapshot ${samplesText(changed)}; zfs list -t snapshot: ${samplesText(reference)}`);
    const ref = median(reference);
    const value = median(cold);
    const tracked = (name: string, v: number): Figure => ({
        entry: {
            name, value: v, unit: 'ms',
            reference: `zfs list -t snapshot, spawned, ${SNAPSHOTS} snapshots`,
            reference_value: ref, ratio: v / ref,
            target: 'none (tracked)',
        },
        met: null,
    });
    return [{
        entry: {
            name: `list-${SNAPSHOTS}-snapshots`,
            value, unit: 'ms',
            reference: `zfs list -t snapshot, spawned, ${SNAPSHOTS} snapshots`,
            reference_value: ref, ratio: value / ref,
            target: `< ${SNAPSHOT_BUDGET_MS} ms and ≤ ${SNAPSHOT_MAX_RATIO}x reference`,
        },
        met: value < SNAPSHOT_BUDGET_MS && value / ref <= SNAPSHOT_MAX_RATIO,
    },
    tracked(`list-${SNAPSHOTS}-snapshots-first-ever`, first),
    tracked(`list-${SNAPSHOTS}-snapshots-after-change`, median(changed)),
    tracked(`list-${SNAPSHOTS}-snapshots-cached`, median(warm))];
}

/**
 * The Snapshots page of the 10,000-snapshot dataset left by
 * benchSnapshotListing, from start to its first rows on screen, against the
 * bare window's first frame in the same session.
 */
async function benchSnapshotsPage(session: TestSession): Promise<Figure> {
    const dataset = 'benchsnap/many';
    const env = { ...session.envRecord(), GDK_BACKEND: 'x11' };
    const page: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i <= FRAME_RUNS; i++) {
        const [painted] = await timeLines('bare-window',
            [program('gjs'), '-m', GLib.build_filenamev([HERE, 'bare-window.js'])], env, ['painted']);
        const [shown] = await timeLines('snapshots-page',
            [program('gjs'), '-m', GLib.build_filenamev([HERE, 'snapshots-page.js']), dataset, datasetPath(dataset), 's0'],
            env, ['shown']);
        // The first run warms the caches (the daemon's list among them).
        if (i > 0 && painted !== undefined && shown !== undefined) {
            bare.push(painted);
            page.push(shown);
        }
    }
    note(`first rows of ${SNAPSHOTS} snapshots (ms): Snapshots page ${samplesText(page)}; bare window ${samplesText(bare)}`);
    const value = median(page);
    const ref = median(bare);
    return {
        entry: {
            name: `snapshots-page-first-rows-${SNAPSHOTS}`,
            value, unit: 'ms',
            reference: 'bare Adw.ApplicationWindow first frame, same session',
            reference_value: ref, ratio: value / ref,
            target: 'none (tracked)',
        },
        met: null,
    };
}

// --- Report ----------------------------------------------------------------------

function formatValue(v: number): string {
    return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function printTable(figures: readonly Figure[], failures: readonly string[]): void {
    const rows = [['figure', 'value', 'unit', 'reference', 'ref value', 'ratio', 'target', 'result']];
    for (const { entry: e, met } of figures) {
        rows.push([e.name, formatValue(e.value), e.unit, e.reference, formatValue(e.reference_value),
            `${e.ratio.toFixed(2)}x`, e.target, met === null ? 'tracked' : met ? 'pass' : 'FAIL']);
    }
    const widths = rows[0]?.map((_, c) => Math.max(...rows.map(r => (r[c] ?? '').length))) ?? [];
    const numeric = new Set([1, 4, 5]);
    const line = (r: readonly string[]): string =>
        r.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd();
    print('');
    print(line(rows[0] ?? []));
    print(widths.map(w => '-'.repeat(w)).join('  '));
    for (const r of rows.slice(1))
        print(line(r));
    for (const f of failures)
        print(`could not measure: ${f}`);
    print('');
}

function jsonPath(): string {
    const i = ARGV.indexOf('--json');
    const fromArgs = i >= 0 ? ARGV[i + 1] : undefined;
    return fromArgs ?? GLib.getenv('SIGMAVAULT_BENCH_JSON') ?? GLib.build_filenamev([artifactsDir(), 'bench.json']);
}

async function main(): Promise<number> {
    const figures: Figure[] = [];
    const failures: string[] = [];
    // SIGMAVAULT_BENCH_ONLY=snapshots measures only what names it (for quick runs).
    const only = GLib.getenv('SIGMAVAULT_BENCH_ONLY');
    const measure = async (what: string, bench: () => Promise<Figure | Figure[]>): Promise<void> => {
        if (only !== null && !what.includes(only))
            return;
        note(`measuring ${what}…`);
        try {
            figures.push(...[await bench()].flat());
        } catch (e) {
            failures.push(`${what}: ${errorText(e)}`);
            note(`${what} could not be measured: ${errorText(e)}`);
        }
    };

    let sys: TestSystem | null = null;
    let session: TestSession | null = null;
    try {
        sys = await TestSystem.start();
        const system = sys;
        await system.createPool('bench00', 'single', 1, POOL_MIB);
        await installReferenceService(system);

        await measure('daemon activation', () => benchActivation(system));
        await measure('daemon idle RSS', () => benchIdleRss(system));
        await measure('GetManagedObjects, 1 pool', () => benchGetManagedObjects(system, 1));
        await measure('Settings first frame', async () => {
            session = await startDisplaySession();
            return benchFirstFrame(session);
        });
        await measure(`GetManagedObjects, ${MANY_POOLS} pools`, async () => {
            await createPools(system, MANY_POOLS);
            return benchGetManagedObjects(system, MANY_POOLS);
        });
        await measure(`listing ${SNAPSHOTS} snapshots`, () => benchSnapshotListing(system));
        await measure(`listing ${SNAPSHOTS} snapshots in the Snapshots page`, async () => {
            session ??= await startDisplaySession();
            return benchSnapshotsPage(session);
        });
        await measure('compression', () => benchCompression(system, note));
    } catch (e) {
        failures.push(`setting up: ${errorText(e)}`);
    } finally {
        if (sys !== null)
            await stopOwner(sys, REFERENCE_NAME).catch(() => undefined);
        removeReferenceService();
        await (session as TestSession | null)?.stop();
        await sys?.stop();
    }

    printTable(figures, failures);
    const path = jsonPath();
    GLib.mkdir_with_parents(GLib.path_get_dirname(path), 0o755);
    const round = (v: number, digits: number): number => Number(v.toFixed(digits));
    const entries = figures.map(({ entry: e }) => ({
        ...e, value: round(e.value, 2), reference_value: round(e.reference_value, 2), ratio: round(e.ratio, 3),
    }));
    GLib.file_set_contents(path, `${JSON.stringify(entries, null, 2)}\n`);
    print(`bench: wrote ${path}`);
    return failures.length === 0 ? 0 : 1;
}

const loop = new GLib.MainLoop(null, false);
let exitCode = 1;
main().then(code => {
    exitCode = code;
}).catch((e: unknown) => {
    printerr(`bench: ${e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)}`);
}).finally(() => {
    logStream.close(null);
    loop.quit();
});
loop.run();
System.exit(exitCode);
