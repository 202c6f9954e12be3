// sigmavaultctl snapshot policy DATASET …: a dataset's automatic snapshots,
// and what the next prune would delete, before and after saving.
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { datasetPath } from '../shared/dbus-names.js';
import { readDatasets } from '../shared/dataset-info.js';
import { _, format } from '../shared/i18n.js';
import {
    periodLabel, type PolicyFields, policyFields, POLICY_PERIODS, type PrunePreview, previewPrune, setSnapshotPolicy, spareReasonLabel,
} from '../shared/snapshot-policy.js';
import { UsageError } from './datasets.js';

export const POLICY_USAGE = _(`  sigmavaultctl snapshot policy DATASET [--frequent N] [--every MINUTES] [--hourly N] [--daily N]
        [--weekly N] [--monthly N] [--yearly N] [--recursive|--no-recursive]
        [--wait-until-nearly-full|--no-wait] [--off] [--preview] [--json]
                                                       Automatic snapshots: how many of each to keep;
                                                       shows what the next prune would delete
                                                       (--preview: only show, do not save)`);

interface Parsed {
    dataset: string;
    counts: Partial<Record<(typeof POLICY_PERIODS)[number], number>>;
    every: number | null;
    recursive: boolean | null;
    wait: boolean | null;
    off: boolean;
    preview: boolean;
}

function parse(words: readonly string[]): Parsed {
    const out: Parsed = { dataset: '', counts: {}, every: null, recursive: null, wait: null, off: false, preview: false };
    const value = (flag: string, v: string | undefined): number => {
        if (v === undefined || !/^[0-9]+$/.test(v))
            throw new UsageError(format(_('%s needs a whole number'), flag));
        return Number(v);
    };
    for (let i = 0; i < words.length; i++) {
        const w = words[i] ?? '';
        const [flag, inline] = w.startsWith('--') && w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
        const period = POLICY_PERIODS.find(p => flag === `--${p}`);
        if (period !== undefined) {
            out.counts[period] = value(flag, inline ?? words[++i]);
        } else if (flag === '--every') {
            // Minutes, or seconds with an s (the daemon decides what it allows).
            const v = inline ?? words[++i] ?? '';
            out.every = /^[0-9]+s$/.test(v) ? Number(v.slice(0, -1)) : value(flag, v) * 60;
        } else if (flag === '--recursive' || flag === '--no-recursive') {
            out.recursive = flag === '--recursive';
        } else if (flag === '--wait-until-nearly-full' || flag === '--no-wait') {
            out.wait = flag === '--wait-until-nearly-full';
        } else if (flag === '--off') {
            out.off = true;
        } else if (flag === '--preview') {
            out.preview = true;
        } else if (!w.startsWith('-') && out.dataset === '') {
            out.dataset = w;
        } else {
            throw new UsageError(format(_('Unknown option for snapshot policy: %s'), w));
        }
    }
    if (out.dataset === '')
        throw new UsageError(_('Name a dataset'));
    return out;
}

function describe(p: PolicyFields | null): string {
    if (p === null)
        return _('off');
    const parts = POLICY_PERIODS.filter(x => p.counts[x] > 0).map(x => x === 'frequent'
        ? format(_('%d frequent (every %s)'), p.counts[x], p.frequentInterval % 60 === 0
            ? format(_('%d min'), p.frequentInterval / 60) : format(_('%d s'), p.frequentInterval))
        : format(_('%d %s'), p.counts[x], periodLabel(x).toLowerCase()));
    if (p.recursive)
        parts.push(_('including children'));
    if (p.waitUntilNearlyFull)
        parts.push(_('old ones kept until the pool is nearly full'));
    return parts.join(', ');
}

function printPreview(preview: PrunePreview): void {
    for (const t of preview.take)
        print(format(_('Would take: %s'), t));
    if (preview.destroy.length === 0) {
        print(_('The next prune would delete nothing.'));
    } else {
        print(_('The next prune would delete:'));
        for (const d of preview.destroy)
            print(`  ${d}`);
    }
    for (const s of preview.spared)
        print(format(_('Kept beyond the counts: %s (%s)'), s.snapshot, spareReasonLabel(s.reason)));
}

export async function runPolicyCommand(bus: Gio.DBusConnection, words: readonly string[], json: boolean): Promise<void> {
    const args = parse(words);
    const d = (await readDatasets(bus)).find(x => x.name === args.dataset);
    if (d === undefined)
        throw new UsageError(format(_('No dataset %s'), args.dataset));
    const current = policyFields(d.snapshotPolicy);
    const changing = args.off || args.every !== null || args.recursive !== null || args.wait !== null || Object.keys(args.counts).length > 0;
    let proposed: PolicyFields | null = current;
    if (args.off) {
        proposed = null;
    } else if (changing) {
        const base: PolicyFields = current ?? {
            counts: { frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
            frequentInterval: 15 * 60, recursive: false, waitUntilNearlyFull: false,
        };
        proposed = {
            counts: { ...base.counts, ...args.counts },
            frequentInterval: args.every ?? base.frequentInterval,
            recursive: args.recursive ?? base.recursive,
            waitUntilNearlyFull: args.wait ?? base.waitUntilNearlyFull,
        };
    }
    const path = datasetPath(args.dataset);
    const preview = await previewPrune(bus, path, proposed);
    let job: string | null = null;
    if (changing && !args.preview)
        job = await setSnapshotPolicy(bus, path, proposed);
    if (json) {
        print(JSON.stringify({
            dataset: args.dataset,
            policy: proposed === null ? null : {
                ...proposed.counts, frequent_interval: proposed.frequentInterval, recursive: proposed.recursive,
                wait_until_nearly_full: proposed.waitUntilNearlyFull,
            },
            saved: changing && !args.preview,
            covered_by: current === null && d.snapshotPolicyFrom !== '' ? d.snapshotPolicyFrom : null,
            next_snapshot: d.nextAutoSnapshot || null,
            take: preview.take, destroy: preview.destroy, spared: preview.spared, job,
        }, null, 2));
        return;
    }
    if (current === null && proposed === null && d.snapshotPolicyFrom !== '' && d.snapshotPolicyFrom !== args.dataset)
        print(format(_('%s: taken by the automatic snapshots of %s'), args.dataset, d.snapshotPolicyFrom));
    else
        print(format(changing && !args.preview ? _('%s: automatic snapshots now %s') : _('%s: automatic snapshots %s'), args.dataset, describe(proposed)));
    if (!changing && d.nextAutoSnapshot > 0)
        print(format(_('Next snapshot: %s'), GLib.DateTime.new_from_unix_local(d.nextAutoSnapshot)?.format('%Y-%m-%d %H:%M:%S') ?? ''));
    printPreview(preview);
    if (job !== null)
        print(format(_('Pruning as job %s'), job));
}
