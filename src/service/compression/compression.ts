// Compress, Decompress and Verify (Manager1 methods) as jobs. The work is
// done by the compression helper (helper-main.ts) running as the caller —
// their uid, gid and groups through setpriv — so nobody reaches through
// SigmaVault a file they could not reach themselves. Each job holds a lock
// per file; at most as many jobs run as the machine has cores, the others
// wait their turn. Before a helper writes anything, the job's token and
// folders are written to a journal; at start the daemon has the helper of
// each journalled job remove that job's temporaries (a crash, kill -9).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { formatSize } from '../../shared/format.js';
import { _, format, ngettext } from '../../shared/i18n.js';
import { savedPercent } from '../../shared/job-format.js';
import { z } from '../../shared/vendor/zod.js';
import { audit } from '../audit.js';
import { DaemonError, failed, invalidArgument, notAuthorized, notFound, toolUnavailable } from '../errors.js';
import { ErrorName } from '../../shared/dbus-names.js';
import type { Job, JobControl, JobManager, JobOutcome } from '../jobs/job-manager.js';
import { OptionsSchema, parseOptionsWith } from '../options.js';
import { authorize, type Caller, callerOf } from '../polkit.js';
import { readState, statePath, writeAtomically } from '../state-file.js';
import { findTool, run } from '../tools.js';
import { checkPath, displayPath, MAX_PATHS, type PasswdEntry, parsePasswdLine, OverlapIndex, PathError, pathKey } from './paths.js';
import { HelperProcess } from './helper-process.js';
import { type HelperEvent, type HelperRequest, type Inspected, type Operation, PathBytesSchema } from './protocol.js';
import { SKIP_TYPE } from '../../shared/skip-types.js';
import { extensionOf, MAX_LEVEL, MIN_LEVEL } from './strategy.js';
import { MAX_OUTPUTS } from '../jobs/history.js';

const CompressionOptionsSchema = OptionsSchema.extend({
    level: z.number().int().min(MIN_LEVEL).max(MAX_LEVEL).optional(),
    replace: z.boolean().optional(),
    force: z.boolean().optional(),
    /** File-name extensions (without the dot) never to compress, e.g. ["iso", "vmdk"]. */
    skip_types: z.array(z.string().regex(SKIP_TYPE, _('Types to skip are file-name extensions without the dot, such as "iso" (letters, digits, +, _ or -).')))
        .max(64).optional(),
}).strict();

const JournalSchema = z.object({
    version: z.literal(1),
    entries: z.array(z.object({
        token: z.string().regex(/^[0-9a-f]{16}$/),
        uid: z.number().int().nonnegative(),
        gid: z.number().int().nonnegative(),
        paths: z.array(PathBytesSchema),
    }).strict()),
}).strict();
type JournalEntry = z.infer<typeof JournalSchema>['entries'][number];

const OPERATION_NAMES: Readonly<Record<Operation, string>> = {
    compress: 'file-compress', decompress: 'file-decompress', verify: 'file-verify',
};

// helper-main.js sits beside this module, installed and in the build tree alike.
const HELPER = GLib.build_filenamev([GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]), 'helper-main.js']);

function randomToken(): string {
    let t = '';
    for (let i = 0; i < 4; i++)
        t += GLib.random_int_range(0, 0x10000).toString(16).padStart(4, '0');
    return t;
}

/** At most `size` jobs at once; the others wait in order. */
class Slots {
    private used = 0;
    private readonly waiting: (() => void)[] = [];

    constructor(private readonly size: number) {}

    /**
     * A place: `immediate` when a slot was free; `ready` resolves when the
     * slot is this job's, or when the job gives up its place (`abandon`).
     */
    take(): { immediate: boolean; ready: Promise<boolean>; abandon: () => void } {
        if (this.used < this.size) {
            this.used++;
            return { immediate: true, ready: Promise.resolve(true), abandon: () => undefined };
        }
        let settle: (granted: boolean) => void = () => undefined;
        const ready = new Promise<boolean>(resolve => {
            settle = resolve;
        });
        const grant = (): void => {
            settle(true);
        };
        this.waiting.push(grant);
        return { immediate: false, ready, abandon: () => {
            const i = this.waiting.indexOf(grant);
            if (i >= 0) {
                this.waiting.splice(i, 1);
                settle(false);
            }
        } };
    }

    get queued(): number {
        return this.waiting.length;
    }

    release(): void {
        const next = this.waiting.shift();
        if (next)
            next();
        else
            this.used--;
    }
}

export interface Summary {
    done: number;
    skipped: number;
    failed: string[];
    before: number;
    after: number;
    skippedReasons: string[];
    dictionaries: { path: string; files: number }[];
    /** Files written, dictionaries included. */
    outputs: Uint8Array[];
    /** Done files whose original was removed, and folders archived. */
    replaced: number;
    folders: number;
    /** Compressed files: bytes before and after, per type (see Job1.SavingsByType). */
    byType: Record<string, [number, number]>;
}

function addSavings(byType: Record<string, [number, number]>, type: string, before: number, after: number): void {
    const [b, a] = byType[type] ?? [0, 0];
    byType[type] = [b + before, a + after];
}

/** The type a compressed item counts under: its extension, lower case, or "folder". */
export function savingsType(path: string, folder: boolean): string {
    if (folder)
        return 'folder';
    const ext = extensionOf(path.slice(path.lastIndexOf('/') + 1)).slice(1);
    return ext.length <= 16 ? ext : '';
}

/**
 * How the result can be undone: copies beside kept originals can go to the
 * Trash; single files replaced by their .zst can be decompressed back. A
 * folder archive (its folder kept) counts as a copy; anything else mixed,
 * failed or partial is not offered.
 */
export function undoKind(op: Operation, s: Summary): 'remove-copies' | 'restore-originals' | undefined {
    if (op === 'verify' || s.done === 0 || s.failed.length > 0 || s.outputs.length > MAX_OUTPUTS)
        return undefined;
    if (s.replaced === 0)
        return 'remove-copies';
    // Decompressed files replacing their .zst would need compressing again.
    return op === 'compress' && s.replaced === s.done && s.folders === 0 && s.dictionaries.length === 0 ? 'restore-originals' : undefined;
}

/** "Compressed 3 files — 1.2 GB → 410 MB (66 % smaller)" and the like, in the daemon's language. */
export function summarize(op: Operation, s: Summary): string {
    const parts: string[] = [];
    const sizes = format(_('%s → %s'), formatSize(s.before), formatSize(s.after));
    if (op === 'compress' && s.done > 0) {
        const saved = savedPercent(s.before, s.after);
        // Translators: "Compressed 3 files — 1.2 GB → 410 MB (66 % smaller)".
        parts.push(format(ngettext('Compressed %d file — %s (%s)', 'Compressed %d files — %s (%s)', s.done), s.done, sizes,
            saved >= 0 ? format(_('%d %% smaller'), saved) : format(_('%d %% larger'), -saved)));
    } else if (op === 'decompress' && s.done > 0) {
        parts.push(format(ngettext('Decompressed %d file — %s', 'Decompressed %d files — %s', s.done), s.done, sizes));
    } else if (op === 'verify' && s.done > 0) {
        parts.push(format(ngettext('Verified %d file: intact', 'Verified %d files: intact', s.done), s.done));
    }
    if (s.skipped > 0) {
        const why = s.skippedReasons[0] ?? _('it would not shrink');
        parts.push(format(ngettext('%d file skipped (%s)', '%d files skipped (%s)', s.skipped), s.skipped,
            s.skipped > 1 ? format(_('%s; see the log for each'), why) : why));
    }
    for (const d of s.dictionaries) {
        parts.push(format(ngettext('%d small file shares the dictionary %s, which must stay beside it',
            '%d small files share the dictionary %s, which must stay beside them', d.files), d.files, d.path.split('/').at(-1) ?? d.path));
    }
    const [firstFailure] = s.failed;
    if (firstFailure !== undefined) {
        const more = s.failed.length - 1;
        parts.push(format(ngettext('%d file failed: %s', '%d files failed: %s', s.failed.length), s.failed.length,
            more > 0 ? format(ngettext('%s (and %d more, see the job’s log)', '%s (and %d more, see the job’s log)', more), firstFailure, more)
                : firstFailure));
    }
    if (parts.length === 0)
        return _('Nothing to do.');
    const text = parts.join('; ');
    return text.endsWith('.') ? text : `${text}.`;
}

/**
 * The daemon's language for the helper's messages (LC_MESSAGES, LANGUAGE),
 * so that what it says reads like the rest of the daemon; its tools still
 * speak C, which the helper reads.
 */
function messageLocale(): string[] {
    const env: string[] = [];
    const locale = GLib.getenv('LC_ALL') || GLib.getenv('LC_MESSAGES') || GLib.getenv('LANG');
    if (locale && /^[A-Za-z0-9_.@-]+$/.test(locale))
        env.push(`LC_MESSAGES=${locale}`);
    const language = GLib.getenv('LANGUAGE');
    if (language && /^[A-Za-z0-9_.@:-]+$/.test(language))
        env.push(`LANGUAGE=${language}`);
    return env;
}

export class Compression {
    private readonly slots = new Slots(Math.max(1, GLib.get_num_processors()));
    /** Path key → the unfinished job working on it. */
    private readonly busy = new OverlapIndex<Job>();
    private readonly journalFile = statePath('compression-journal.json');

    constructor(private readonly jobs: JobManager, private readonly connection: Gio.DBusConnection) {}

    /** Manager1.Compress / Decompress / Verify (aay paths, a{sv} options) → (o job). */
    async handle(op: Operation, args: unknown[], invocation: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const [rawPaths, rawOptions] = args as [Uint8Array[], unknown];
        const options = parseOptionsWith(CompressionOptionsSchema, rawOptions);
        if (op !== 'compress' && (options.level !== undefined || options.force !== undefined || options.skip_types !== undefined))
            throw invalidArgument(_('The level, force and skip_types options apply only to Compress.'));
        if (op === 'verify' && options.replace !== undefined)
            throw invalidArgument(_('The replace option does not apply to Verify.'));
        const paths = this.checkPaths(rawPaths);
        const caller = await callerOf(this.connection, invocation.get_sender() ?? '');
        if (caller.uid === null)
            throw notAuthorized(_('Could not tell which user is calling.'));
        await authorize(this.connection, caller, 'com.sigmavault.file.compress', displayPath(paths[0] ?? new Uint8Array()),
            !options['auth.no_user_interaction']);
        const user = await this.user(caller.uid);
        const keys = paths.map(pathKey);
        // The same request again, from the same user, gets the running job; an overlapping one is refused.
        const heldBy = (k: string): Job | undefined => this.busy.overlapping(k);
        const holders = new Set(keys.map(heldBy).filter((j): j is Job => j !== undefined));
        if (holders.size > 0) {
            const [job] = holders;
            if (job && holders.size === 1 && job.snapshot.operation === OPERATION_NAMES[op] && job.snapshot.startedByUid === caller.uid &&
                keys.every(k => this.busy.get(k) === job) && [...this.busy.values()].filter(j => j === job).length === keys.length)
                return new GLib.Variant('(o)', [job.path]);
            const shown = displayPath(paths[keys.findIndex(k => heldBy(k) !== undefined)] ?? new Uint8Array());
            throw new DaemonError(ErrorName.Busy, format(_('%s is already being processed by job %s (it or a folder holding it). Wait for it to end or cancel it.'),
                shown, String(job?.id ?? '?')));
        }
        const token = randomToken();
        const request: HelperRequest = { op: 'inspect', purpose: op, paths: paths.map(p => [...p]),
            level: options.level ?? null, replace: options.replace ?? false, force: options.force ?? false, token,
            skip: (options.skip_types ?? []).map(t => t.toLowerCase()) };
        const helper = this.spawnHelper(user, request);
        let items: Inspected[];
        try {
            items = await this.inspect(helper);
            this.refuseProblems(items, caller, op);
        } catch (e) {
            void helper.stop();
            throw e;
        }
        const job = this.start(op, paths, keys, items, caller, user, { ...request, op }, helper);
        audit({ action: `file.${op}`, sender: caller.sender, uid: caller.uid, object: items.map(i => i.path).join(', '),
            result: 'allowed', detail: job.path });
        return new GLib.Variant('(o)', [job.path]);
    }

    private checkPaths(raw: unknown): Uint8Array[] {
        if (!Array.isArray(raw) || raw.length === 0)
            throw invalidArgument(_('No paths were given. Pass one or more absolute paths.'));
        if (raw.length > MAX_PATHS)
            throw invalidArgument(format(_('At most %d paths at once.'), MAX_PATHS));
        const chosen = new OverlapIndex<Uint8Array>();
        const out: Uint8Array[] = [];
        for (const p of raw as unknown[]) {
            if (!(p instanceof Uint8Array))
                throw invalidArgument(_('Paths must be byte strings (ay).'));
            try {
                const checked = checkPath(p);
                const key = pathKey(checked);
                if (chosen.get(key) === undefined) {
                    const other = chosen.overlapping(key);
                    if (other !== undefined) {
                        const [inner, holder] = other.length < checked.length ? [checked, other] : [other, checked];
                        throw invalidArgument(format(_('%s is inside %s, which is chosen too. Choose one of them.'), displayPath(inner), displayPath(holder)));
                    }
                    chosen.set(key, checked);
                    out.push(checked);
                }
            } catch (e) {
                if (e instanceof PathError)
                    throw invalidArgument(e.message);
                throw e;
            }
        }
        return out;
    }

    /** The caller's passwd entry (name, primary group), as NSS knows it. */
    private async user(uid: number): Promise<PasswdEntry> {
        const r = await run('getent', ['passwd', String(uid)]);
        const entry = r.status === 0 ? parsePasswdLine(r.stdout.split('\n')[0] ?? '') : null;
        if (entry === null)
            throw notAuthorized(format(_('User %d has no account on this computer (getent passwd %d found none), so SigmaVault cannot act as that user.'), uid, uid));
        return entry;
    }

    /** Spawns the helper as `user`, with the request on its stdin. */
    private spawnHelper(user: Pick<PasswdEntry, 'uid' | 'gid'>, request: HelperRequest): HelperProcess {
        const setpriv = findTool('setpriv');
        const gjs = findTool('gjs');
        if (setpriv === null || gjs === null)
            throw toolUnavailable(_('setpriv (util-linux) and gjs are needed to compress files as their owner; install them.'));
        if (findTool('zstd') === null)
            throw toolUnavailable(_('zstd is not installed. Install the zstd package.'));
        const launcher = new Gio.SubprocessLauncher({
            flags: Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE,
        });
        launcher.set_cwd('/');
        const env = ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', ...messageLocale(), 'G_FILENAME_ENCODING=ISO-8859-1',
            `SIGMAVAULT_UID=${user.uid}`, 'HOME=/nonexistent'];
        for (const name of ['SIGMAVAULT_TOOL_PATH'])
            if (GLib.getenv(name) !== null)
                env.push(`${name}=${GLib.getenv(name)}`);
        launcher.set_environ(env);
        // The helper dies with the daemon (its leftovers are in the journal).
        const proc = launcher.spawnv([setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups',
            '--pdeathsig', 'KILL', '--', gjs, '-m', HELPER]);
        const stdin = proc.get_stdin_pipe();
        stdin?.write_all(new TextEncoder().encode(`${JSON.stringify(request)}\n`), null);
        return new HelperProcess(proc);
    }

    /** What the helper found of the paths; it then waits to be told "work" or "stop". */
    private async inspect(helper: HelperProcess): Promise<Inspected[]> {
        for (let event = await helper.next(); event !== null; event = await helper.next()) {
            if (event.type === 'inspected')
                return event.items;
        }
        const end = await helper.ended();
        throw failed(format(_('The compression helper did not answer (%s).'), end.stderr || format(_('exit status %d'), end.status)));
    }

    private refuseProblems(items: readonly Inspected[], caller: Caller, op: Operation): void {
        const bad = items.find(i => !i.ok);
        if (!bad)
            return;
        audit({ action: `file.${op}`, sender: caller.sender, uid: caller.uid, object: bad.path, result: 'denied', detail: bad.message });
        switch (bad.problem) {
        case 'not-found': throw notFound(bad.message);
        case 'permission': throw notAuthorized(bad.message);
        case 'exists': throw new DaemonError(ErrorName.Failed, bad.message);
        default: throw invalidArgument(bad.message);
        }
    }

    private start(op: Operation, paths: Uint8Array[], keys: string[], items: readonly Inspected[], caller: Caller,
        user: PasswdEntry, request: HelperRequest, inspector: HelperProcess): Job {
        const first = items[0]?.path ?? '';
        // Unique among unfinished jobs: a path in one is refused (Busy) for another.
        const lock = paths.length === 1 ? `file:${first}` : `file:${first} and ${paths.length - 1} more`;
        const { job } = this.jobs.start({
            operation: OPERATION_NAMES[op], objects: [], lock, startedByUid: caller.uid ?? 0,
            cancelAction: 'com.sigmavault.job.manage', cancelable: true,
        }, control => this.work(op, control, user, request, items, inspector));
        for (const k of keys)
            this.busy.set(k, job);
        return job;
    }

    private async work(op: Operation, control: JobControl, user: PasswdEntry, request: HelperRequest,
        items: readonly Inspected[], inspector: HelperProcess): Promise<JobOutcome> {
        const slot = this.slots.take();
        // A job that waits for a core lets its inspecting helper go rather
        // than keep a process idle; it starts a new one when its turn comes.
        let reused: HelperProcess | null = inspector;
        if (!slot.immediate) {
            void inspector.stop();
            reused = null;
        }
        control.onCancel = (): Promise<void> => {
            slot.abandon();
            return Promise.resolve();
        };
        try {
            control.update({ progress: null, bytes: items.reduce((s, i) => s + i.size, 0) });
            if (!slot.immediate)
                control.log(format(ngettext('Waiting for a free core (%d job in the queue).', 'Waiting for a free core (%d jobs in the queue).', this.slots.queued), this.slots.queued));
            if (!await slot.ready)
                return { state: 'cancelled', message: _('Cancelled before it started; nothing was touched.') };
            try {
                const helper = reused;
                reused = null;
                return await this.runHelper(op, control, user, request, helper);
            } finally {
                this.slots.release();
            }
        } finally {
            if (reused !== null)
                void reused.stop();
            for (const j of new Set(this.busy.values())) {
                if (j.id === control.id)
                    this.busy.deleteValue(j);
            }
        }
    }

    private async runHelper(op: Operation, control: JobControl, user: PasswdEntry, request: HelperRequest,
        reused: HelperProcess | null): Promise<JobOutcome> {
        this.journal(j => [...j, { token: request.token, uid: user.uid, gid: user.gid, paths: request.paths }]);
        const started = GLib.get_monotonic_time();
        const helper = reused ?? this.spawnHelper(user, request);
        if (reused !== null)
            await reused.send('work');
        control.onCancel = (): Promise<void> => helper.send('cancel');
        const summary: Summary = { done: 0, skipped: 0, failed: [], before: 0, after: 0, skippedReasons: [], dictionaries: [],
            outputs: [], replaced: 0, folders: 0, byType: {} };
        let total = 0;
        let cancelled = false;
        for (let event = await helper.next(); event !== null; event = await helper.next()) {
            cancelled = this.onEvent(event, control, summary, started, total) || cancelled;
            if (event.type === 'total')
                total = event.bytes;
        }
        const end = await helper.ended();
        if (end.stderr !== '')
            control.log(format(_('Helper: %s'), end.stderr.split('\n').slice(-3).join(' ')));
        const { killed, status } = end;
        if (killed || status !== 0 || cancelled) {
            // Whatever it left: remove this job's temporaries, as the user.
            await this.clean({ token: request.token, uid: user.uid, gid: user.gid, paths: request.paths });
        } else {
            this.journal(j => j.filter(e => e.token !== request.token));
        }
        const sizes = op === 'verify' ? undefined : { before: summary.before, after: summary.after };
        const outputs = summary.outputs;
        // Files finished before a cancel or a crash stay: each is a verified
        // result (its original removed only if asked). Only the file in
        // progress is left as it was, its temporary removed.
        if (cancelled || control.cancelRequested) {
            if (summary.done === 0)
                return { state: 'cancelled', message: _('Cancelled; the originals are untouched and no partial result was left.') };
            return { state: 'cancelled', sizes, outputs,
                message: format(_('Cancelled. Finished before that, and kept: %s The file in progress was left as it was, with no partial result.'),
                    summarize(op, summary)) };
        }
        if (killed) {
            return { state: 'failed', sizes, outputs,
                message: format(_('The compression helper was killed (signal %d); the file in progress was left as it was and its temporary files were removed. %s'),
                    end.signal, summarize(op, summary)) };
        }
        if (status !== 0) {
            return { state: 'failed', sizes, outputs,
                message: format(_('The compression helper failed (exit status %d). %s'), status, summarize(op, summary)) };
        }
        return { state: summary.failed.length > 0 ? 'failed' : 'succeeded', message: summarize(op, summary), sizes, outputs,
            undo: undoKind(op, summary), ...op === 'compress' ? { savings: summary.byType } : {} };
    }

    /** Applies one helper event to the job; true when the helper reports it was cancelled. */
    private onEvent(event: HelperEvent, control: JobControl, s: Summary, started: number, total: number): boolean {
        switch (event.type) {
        case 'total':
            control.update({ progress: event.bytes > 0 ? 0 : null });
            return false;
        case 'progress': {
            const seconds = (GLib.get_monotonic_time() - started) / 1e6;
            const rate = seconds > 0 ? event.done / seconds : 0;
            const fraction = total > 0 ? Math.min(1, event.done / total) : null;
            // Bytes and BytesDone count the files' bytes; the helper reads each twice.
            const half = total / 2;
            control.update({ progress: fraction, bytes: half, bytesDone: Math.min(half, event.done / 2), rate: rate / 2,
                expectedEndTime: fraction !== null && fraction > 0.01 && rate > 0
                    ? GLib.get_real_time() + ((total - event.done) / rate) * 1e6 : 0 });
            return false;
        }
        case 'log':
            control.log(event.message);
            return false;
        case 'inspected':
            return false;
        case 'dictionary':
            s.dictionaries.push({ path: event.path, files: event.files });
            if (event.output)
                s.outputs.push(Uint8Array.from(event.output));
            return false;
        case 'result':
            switch (event.outcome) {
            case 'done':
                s.done++;
                s.before += event.before;
                s.after += event.after;
                if (event.output)
                    s.outputs.push(Uint8Array.from(event.output));
                if (event.replaced)
                    s.replaced++;
                if (event.folder)
                    s.folders++;
                addSavings(s.byType, savingsType(event.path, event.folder ?? false), event.before, event.after);
                control.log(event.message);
                break;
            case 'skipped':
                s.skipped++;
                s.skippedReasons.push(event.why ?? event.message);
                break;
            case 'failed':
                s.failed.push(event.message);
                control.log(event.message);
                break;
            case 'cancelled':
                return true;
            }
            return false;
        }
    }

    private readJournal(): JournalEntry[] {
        try {
            const text = readState(this.journalFile);
            if (text === null)
                return [];
            const r = JournalSchema.safeParse(JSON.parse(text));
            return r.success ? r.data.entries : [];
        } catch {
            return [];
        }
    }

    private journal(change: (entries: JournalEntry[]) => JournalEntry[]): void {
        writeAtomically(this.journalFile, JSON.stringify({ version: 1, entries: change(this.readJournal()) }));
    }

    private async clean(entry: JournalEntry): Promise<void> {
        try {
            const helper = this.spawnHelper(entry, { op: 'clean', purpose: 'compress', paths: entry.paths, level: null,
                replace: false, force: false, token: entry.token });
            // Its events are read (and dropped) so that a long list of leftovers cannot fill the pipe.
            while (await helper.next() !== null)
                continue;
            await helper.ended();
        } catch (e) {
            console.warn(`sigmavaultd: could not clean up after compression job ${entry.token}: ${e instanceof Error ? e.message : String(e)}`);
            return;
        }
        this.journal(j => j.filter(e => e.token !== entry.token));
    }

    /** At start: removes what journalled jobs left (the daemon or a helper was killed). */
    async recover(): Promise<void> {
        for (const entry of this.readJournal())
            await this.clean(entry);
    }
}
