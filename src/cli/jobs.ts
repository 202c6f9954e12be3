// sigmavaultctl job … and pool scrub …: jobs and the scrubs that run as jobs.
//   sigmavaultctl pool scrub POOL [--pause|--cancel] [--wait] [--json]
//   sigmavaultctl job list [--json]
//   sigmavaultctl job cancel PATH|ID
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, JOB_IFACE, JOBS_PATH, jobPath, POOL_IFACE, poolPath } from '../shared/dbus-names.js';
import { _, format } from '../shared/i18n.js';
import { formatPercent } from '../shared/format.js';
import { formatTime, jobSpeed, jobStateLabel, jobTitle } from '../shared/job-format.js';
import { isRunning, type JobInfo, readJobs, toJobInfo } from '../shared/job-info.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

export const JOB_USAGE = _(`  sigmavaultctl pool scrub POOL [--pause|--cancel] [--wait] [--json]
                                     Start, pause or cancel a pool's scrub
  sigmavaultctl job list [--json]    Running and recent jobs
  sigmavaultctl job cancel PATH|ID   Cancel a running job`);

export class JobUsageError extends Error {}

export function jobJson(j: JobInfo): Record<string, unknown> {
    return {
        id: j.id, path: j.path, operation: j.operation, objects: j.objects, lock: j.lock, state: j.state,
        progress: j.progress, bytes: j.bytes, bytes_done: j.bytesDone, rate: j.rate,
        start_time: j.startTime, expected_end_time: j.expectedEndTime, end_time: j.endTime,
        started_by_uid: j.startedByUid, cancelable: j.cancelable, message: j.message, log: j.log,
    };
}

export async function readJob(bus: Gio.DBusConnection, path: string): Promise<JobInfo> {
    const reply = await bus.call(BUS_NAME, path, 'org.freedesktop.DBus.Properties', 'GetAll',
        new GLib.Variant('(s)', [JOB_IFACE]), new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, 30000, null);
    const [props] = reply.recursiveUnpack() as [Record<string, unknown>];
    const job = toJobInfo(path, props);
    if (job === null)
        throw new Error(format(_('The job %s has properties this sigmavaultctl does not understand.'), path));
    return job;
}

/** Resolves when the job at `path` has ended (Completed or a finished State). */
export async function waitForJob(bus: Gio.DBusConnection, path: string): Promise<JobInfo> {
    return new Promise((resolve, reject) => {
        let done = false;
        const finish = (): void => {
            readJob(bus, path).then(job => {
                if (done || isRunning(job))
                    return;
                done = true;
                bus.signal_unsubscribe(id);
                GLib.source_remove(timer);
                resolve(job);
            }).catch((e: unknown) => {
                done = true;
                bus.signal_unsubscribe(id);
                GLib.source_remove(timer);
                reject(e instanceof Error ? e : new Error(String(e)));
            });
        };
        const id = bus.signal_subscribe(BUS_NAME, JOB_IFACE, 'Completed', path, null, Gio.DBusSignalFlags.NONE, finish);
        // A slow check as well, in case the job ended before the subscription.
        const timer = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 2, () => {
            finish();
            return GLib.SOURCE_CONTINUE;
        });
        finish();
    });
}

export function printJob(job: JobInfo, json: boolean): void {
    if (json) {
        print(JSON.stringify(jobJson(job), null, 2));
        return;
    }
    print(`${jobTitle(job)}: ${jobStateLabel(job.state)}${job.message ? ` — ${job.message}` : ''}`);
}

function printJobs(jobs: readonly JobInfo[], json: boolean): void {
    if (json) {
        print(JSON.stringify(jobs.map(jobJson), null, 2));
        return;
    }
    if (jobs.length === 0) {
        print(_('No jobs yet.'));
        return;
    }
    for (const j of jobs) {
        const progress = j.progress === null ? '' : ` ${formatPercent(j.progress)}`;
        const speed = isRunning(j) ? jobSpeed(j) : '';
        print(`${j.id}\t${j.operation}\t${jobStateLabel(j.state)}${progress}\t${jobTitle(j)}\t${formatTime(j.startTime)}` +
            `${speed ? `\t${speed}` : ''}${j.message ? `\t${j.message}` : ''}`);
    }
}

/** Runs a job or scrub command; returns the exit status. */
export async function runJobCommand(bus: Gio.DBusConnection, words: readonly string[], json: boolean): Promise<number> {
    if (words[0] === 'pool' && words[1] === 'scrub') {
        const flags = words.slice(2).filter(w => w.startsWith('--'));
        const operands = words.slice(2).filter(w => !w.startsWith('--'));
        const unknown = flags.filter(f => !['--pause', '--cancel', '--wait'].includes(f));
        if (operands.length !== 1 || unknown.length > 0 || (flags.includes('--pause') && flags.includes('--cancel')))
            throw new JobUsageError(format(_('Usage: %s'), 'sigmavaultctl pool scrub POOL [--pause|--cancel] [--wait] [--json]'));
        const pool = operands[0] ?? '';
        const action = flags.includes('--pause') ? 'pause' : flags.includes('--cancel') ? 'cancel' : 'start';
        const reply = await bus.call(BUS_NAME, poolPath(pool), POOL_IFACE, 'Scrub',
            new GLib.Variant('(sa{sv})', [action, {}]), new GLib.VariantType('(o)'),
            Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, 5 * 60 * 1000, null);
        const [path] = reply.deepUnpack<[string]>();
        const job = flags.includes('--wait') ? await waitForJob(bus, path) : await readJob(bus, path);
        printJob(job, json);
        return job.state === 'failed' || job.state === 'interrupted' ? 1 : 0;
    }
    if (words[1] === 'list' && words.length === 2) {
        printJobs(await readJobs(bus), json);
        return 0;
    }
    if (words[1] === 'cancel' && words.length === 3) {
        const target = words[2] ?? '';
        const path = /^[0-9]+$/.test(target) ? jobPath(Number(target))
            : target.startsWith(`${JOBS_PATH}/`) && /^[0-9]+$/.test(target.slice(JOBS_PATH.length + 1)) ? target : null;
        if (path === null)
            throw new JobUsageError(format(_('“%s” is not a job. Give its number or object path, as “sigmavaultctl job list” shows.'), target));
        await bus.call(BUS_NAME, path, JOB_IFACE, 'Cancel', new GLib.Variant('(a{sv})', [{}]), null,
            Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, 5 * 60 * 1000, null);
        printJob(await readJob(bus, path), json);
        return 0;
    }
    throw new JobUsageError(JOB_USAGE);
}
