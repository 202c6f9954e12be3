// SMART self-tests as jobs. Disk1.StartSelfTest(type, options) starts
// `smartctl -t TYPE` and returns a job that follows the test in
// `smartctl --json -c -l selftest` (ATA self-test execution status with the
// part left, the NVMe self-test log's current operation and completion)
// until it ends, then finishes with the test's new entry in the log.
//
// The disk is read slowly (every 30 s for a short test, every 60 s for a
// long one; SIGMAVAULT_SELFTEST_POLL seconds in tests) and always with
// `-n standby`: a running test keeps the disk awake, and a disk found asleep
// has ended its test (standby aborts an off-line self-test), so it is never
// woken just to be looked at.
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { z } from '../../shared/vendor/zod.js';
import { audit } from '../audit.js';
import type { DiskRegistry, DiskTarget } from '../disks/disk-registry.js';
import { invalidArgument, toolUnavailable } from '../errors.js';
import { parseOptions } from '../options.js';
import { authorize, callerOf } from '../polkit.js';
import { newSelfTestEntries, parseSelfTests, SELF_TEST_TYPES, type SelfTestEntry, type SelfTests,
    type SelfTestType } from '../smart/self-test-log.js';
import { parseSmartctl } from '../smart/smartctl.js';
import { findTool, run } from '../tools.js';
import type { JobControl, JobManager, JobOutcome } from './job-manager.js';
import { durationWords, sleep } from './scrub.js';

const TypeSchema = z.enum(SELF_TEST_TYPES);
const DEFAULT_POLL_S: Readonly<Record<SelfTestType, number>> = { short: 30, conveyance: 30, long: 60 };
/** Reads that fail one after the other before the job gives up. */
const MAX_FAILURES = 5;
/** Reads after `smartctl -t` that may still show the disk idle before the test is taken not to have started. */
const START_GRACE_READS = 3;

export const selfTestLock = (diskId: string): string => `selftest:${diskId}`;

const TYPE_WORDS: Readonly<Record<SelfTestType, string>> = { short: 'Short', long: 'Long', conveyance: 'Conveyance' };

function pollMs(type: SelfTestType): number {
    const raw = Number(GLib.getenv('SIGMAVAULT_SELFTEST_POLL') ?? '');
    return Math.round((Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_POLL_S[type]) * 1000);
}

/** The line of smartctl's text output that says what happened, for the job's log and errors. */
function telling(text: string): string {
    const lines = text.split('\n').map(l => l.trim()).filter(l => l !== '' && !/^(smartctl \d|Copyright|===)/.test(l));
    return lines.find(l => /begun|can't|cannot|not supported|failed|error/i.test(l)) ?? lines.at(-1) ?? '';
}

type Reading = SelfTests | 'asleep';

/** The job's end, from the test's entry in the log (null when the log has none). */
export function selfTestOutcome(what: string, entry: SelfTestEntry | null, cancelRequested: boolean,
    seconds: number): JobOutcome {
    const took = durationWords(seconds);
    if (entry === null) {
        return cancelRequested
            ? { state: 'cancelled', message: `${what} cancelled after ${took}.` }
            : { state: 'failed', message: `${what} ended after ${took}, but the disk’s self-test log has no entry for it.` };
    }
    const left = entry.remainingPercent !== null && entry.remainingPercent > 0 ? ` with ${entry.remainingPercent}% of it left` : '';
    switch (entry.result) {
    case 'passed':
        return cancelRequested
            ? { state: 'cancelled', message: `Cancelled, but the ${what.toLowerCase()} had already passed in ${took}.` }
            : { state: 'succeeded', message: `${what} passed in ${took}: ${entry.status}.` };
    case 'aborted':
        return cancelRequested
            ? { state: 'cancelled', message: `${what} cancelled after ${took}${left}.` }
            : { state: 'failed', message: `${what} was stopped outside SigmaVault after ${took}${left}: ${entry.status}.` };
    case 'interrupted':
        return { state: 'failed', message: `${what} was interrupted${left} (${entry.status}); the disk was reset. Start it again.` };
    case 'failed': {
        const lba = entry.firstErrorLba === null ? '' : `, first bad block at LBA ${entry.firstErrorLba}`;
        return { state: 'failed', message: `${what} found a problem${left}: ${entry.status}${lba}. ` +
            'Back up the data on this disk and replace it.' };
    }
    default:
        return { state: 'failed', message: `${what} ended after ${took}: ${entry.status || 'the disk does not say how'}.` };
    }
}

export class SelfTestJobs {
    constructor(private readonly jobs: JobManager, private readonly connection: Gio.DBusConnection,
        private readonly disks: DiskRegistry) {}

    /** Disk1.StartSelfTest(s type, a{sv} options) → (o job). */
    async handle(disk: DiskTarget, args: unknown[], invocation: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const [rawType, rawOptions] = args;
        const options = parseOptions(rawOptions);
        const parsed = TypeSchema.safeParse(rawType);
        if (!parsed.success)
            throw invalidArgument(`Unknown self-test type “${String(rawType)}”. Use “short”, “long” or “conveyance”.`);
        const type = parsed.data;
        const name = disk.props.model || disk.props.name;
        if (findTool('smartctl') === null)
            throw toolUnavailable('smartctl is not installed. Install the “smartmontools” package to test disks.');
        const caller = await callerOf(this.connection, invocation.get_sender() ?? '');
        await authorize(this.connection, caller, 'com.sigmavault.disk.manage', disk.path, !options['auth.no_user_interaction']);
        const running = this.jobs.holding(selfTestLock(disk.id));
        if (running === null && !disk.props.selfTestTypes.includes(type)) {
            throw invalidArgument(disk.props.selfTestTypes.length === 0
                ? `smartctl reports no self-tests for ${name} (${disk.props.device}). NVMe self-tests need smartctl 7.3 or later.`
                : `${name} cannot run a ${type} self-test; it offers ${disk.props.selfTestTypes.join(', ')}.`);
        }
        const { job, existing } = this.jobs.start({
            operation: 'smart-selftest',
            objects: [disk.path],
            lock: selfTestLock(disk.id),
            startedByUid: caller.uid ?? 0,
            cancelAction: 'com.sigmavault.disk.manage',
            cancelable: true,
        }, control => this.follow(disk, type, control));
        audit({ action: 'disk.selftest.start', sender: caller.sender, uid: caller.uid, object: disk.path,
            result: 'succeeded', detail: existing ? `already running: ${job.path}` : `${type}: ${job.path}` });
        return new GLib.Variant('(o)', [job.path]);
    }

    private async read(device: string): Promise<Reading> {
        const r = await run('smartctl', ['--json', '-c', '-l', 'selftest', '-n', 'standby', '--', device]);
        if (parseSmartctl(r.stdout).asleep)
            return 'asleep';
        return parseSelfTests(r.stdout);
    }

    private async follow(disk: DiskTarget, type: SelfTestType, control: JobControl): Promise<JobOutcome> {
        const device = disk.props.device;
        const what = `${TYPE_WORDS[type]} self-test of ${disk.props.name}`;
        const started = GLib.get_real_time();
        const wake: { resolve: (() => void) | null } = { resolve: null };
        control.onCancel = async (): Promise<void> => {
            const r = await run('smartctl', ['-X', '--', device]);
            control.log(`smartctl -X: ${telling(r.stdout + r.stderr) || `exit status ${r.status}`}`);
            wake.resolve?.();
        };
        const seconds = (): number => (GLib.get_real_time() - started) / GLib.USEC_PER_SEC;

        // The log before, to tell the test's entry from the older ones.
        let before: Reading;
        try {
            before = await this.read(device);
        } catch (e) {
            return { state: 'failed', message: `Could not read the self-test state of ${disk.props.name}: ${e instanceof Error ? e.message : String(e)}` };
        }
        const baseline = before === 'asleep' ? disk.props.selfTestLog : before.entries;
        let followingOther = before !== 'asleep' && before.current?.running === true;
        if (followingOther) {
            control.log('A self-test was already running on the disk; following it instead of starting another.');
        } else {
            const r = await run('smartctl', ['-t', type, '--', device]);
            const said = telling(r.stdout + r.stderr);
            if (r.status !== 0 && /can't start self-test without aborting/i.test(r.stdout + r.stderr)) {
                followingOther = true;
                control.log('A self-test was already running on the disk; following it instead of starting another.');
            } else if (r.status !== 0) {
                return { state: 'failed', message: `Could not start the ${what.toLowerCase()}: ${said || `smartctl exited with status ${r.status}`}` };
            } else {
                control.log(`smartctl -t ${type}: ${said}`);
            }
        }
        const minutes = before !== 'asleep' && !followingOther ? before.minutes[type] : null;
        // The drive's own estimate of how long the test takes (ATA polling minutes).
        const expectedEnd = minutes === null ? 0 : started + minutes * 60 * GLib.USEC_PER_SEC;
        control.update({ progress: null, expectedEndTime: expectedEnd });
        const first: { time: number; progress: number | null } = { time: GLib.get_real_time(), progress: null };

        let sawRunning = followingOther;
        let failures = 0;
        let idleReads = 0;
        for (;;) {
            await sleep(pollMs(type), wake);
            let reading: Reading;
            try {
                reading = await this.read(device);
                failures = 0;
            } catch (e) {
                if (++failures >= MAX_FAILURES)
                    return { state: 'failed', message: `Lost track of the ${what.toLowerCase()}: ${e instanceof Error ? e.message : String(e)}` };
                continue;
            }
            if (reading === 'asleep') {
                return { state: 'failed', message: `${disk.props.name} went to sleep, which ends a self-test. ` +
                    'Its result shows in the self-test log at the next check.' };
            }
            this.disks.applySelfTests(disk.id, reading);
            if (reading.current?.running === true) {
                sawRunning = true;
                this.report(control, reading.current.remainingPercent, first, expectedEnd);
                continue;
            }
            const fresh = newSelfTestEntries(baseline, reading.entries, sawRunning);
            if (fresh.length === 0 && !sawRunning && !control.cancelRequested && ++idleReads < START_GRACE_READS)
                continue; // the drive may not show the test in its status yet
            void this.disks.recheck(disk.id);
            return selfTestOutcome(what, fresh[0] ?? null, control.cancelRequested, seconds());
        }
    }

    private report(control: JobControl, remaining: number | null, first: { time: number; progress: number | null },
        expectedEnd: number): void {
        const now = GLib.get_real_time();
        const progress = remaining === null ? null : (100 - remaining) / 100;
        if (first.progress === null) {
            first.progress = progress;
            first.time = now;
        }
        let end = expectedEnd;
        // Where the drive gives no estimate (or it has passed), extrapolate from the progress seen so far.
        if ((end === 0 || end < now) && progress !== null && first.progress !== null && progress > first.progress)
            end = now + (now - first.time) * (1 - progress) / (progress - first.progress);
        control.update({ progress, expectedEndTime: Math.max(0, Math.round(end)) });
    }
}
