// Automatic snapshot policies as clients see them (CLI, app): the a{sv}
// of Dataset1.SnapshotPolicy / SetSnapshotPolicy / PreviewPrune as plain
// values, and the two calls.
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { callDataset } from './dataset-info.js';
import { _ } from './i18n.js';

export const POLICY_PERIODS = ['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type PolicyPeriod = (typeof POLICY_PERIODS)[number];

export interface PolicyFields {
    counts: Record<PolicyPeriod, number>;
    /** Seconds. */
    frequentInterval: number;
    recursive: boolean;
    waitUntilNearlyFull: boolean;
}

export const DEFAULT_POLICY: PolicyFields = {
    counts: { frequent: 0, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 0 },
    frequentInterval: 15 * 60,
    recursive: false,
    waitUntilNearlyFull: false,
};

export interface PrunePreview {
    readonly take: string[];
    readonly destroy: string[];
    readonly spared: { snapshot: string; reason: string }[];
}

/** The fields of a SnapshotPolicy property; null when it is {} (no policy). */
export function policyFields(dict: Readonly<Record<string, number | boolean>>): PolicyFields | null {
    if (Object.keys(dict).length === 0)
        return null;
    const n = (k: string, fallback: number): number => (typeof dict[k] === 'number' ? dict[k] : fallback);
    const b = (k: string): boolean => dict[k] === true;
    return {
        counts: Object.fromEntries(POLICY_PERIODS.map(p => [p, n(p, 0)])) as Record<PolicyPeriod, number>,
        frequentInterval: n('frequent-interval', DEFAULT_POLICY.frequentInterval),
        recursive: b('recursive'),
        waitUntilNearlyFull: b('wait-until-nearly-full'),
    };
}

/** The a{sv} the daemon takes; null (automatic snapshots off) packs as {}. */
export function policyDict(p: PolicyFields | null): Record<string, GLib.Variant> {
    const dict: Record<string, GLib.Variant> = {};
    if (p !== null) {
        for (const period of POLICY_PERIODS)
            dict[period] = new GLib.Variant('u', p.counts[period]);
        dict['frequent-interval'] = new GLib.Variant('u', p.frequentInterval);
        dict.recursive = new GLib.Variant('b', p.recursive);
        dict['wait-until-nearly-full'] = new GLib.Variant('b', p.waitUntilNearlyFull);
    }
    return dict;
}

export async function previewPrune(bus: Gio.DBusConnection, path: string, p: PolicyFields | null): Promise<PrunePreview> {
    const reply = await callDataset(bus, path, 'PreviewPrune',
        new GLib.Variant('(a{sv}a{sv})', [policyDict(p), {}]));
    const [take, destroy, spared] = reply.deepUnpack<[string[], string[], [string, string][]]>();
    return { take, destroy, spared: spared.map(([snapshot, reason]) => ({ snapshot, reason })) };
}

/** Saves the policy; returns the prune job's path, or null when nothing is to be deleted. */
export async function setSnapshotPolicy(bus: Gio.DBusConnection, path: string, p: PolicyFields | null): Promise<string | null> {
    const reply = await callDataset(bus, path, 'SetSnapshotPolicy',
        new GLib.Variant('(a{sv}a{sv})', [policyDict(p), {}]));
    const [job] = reply.deepUnpack<[string]>();
    return job === '/' ? null : job;
}

export function periodLabel(p: PolicyPeriod): string {
    switch (p) {
    case 'frequent': return _('Frequent');
    case 'hourly': return _('Hourly');
    case 'daily': return _('Daily');
    case 'weekly': return _('Weekly');
    case 'monthly': return _('Monthly');
    case 'yearly': return _('Yearly');
    }
}

export function spareReasonLabel(reason: string): string {
    switch (reason) {
    case 'held': return _('held');
    case 'cloned': return _('a clone depends on it');
    case 'waiting': return _('until the pool is nearly full');
    default: return reason;
    }
}
