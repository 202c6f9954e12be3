// Snapshot policies as D-Bus takes them (an a{sv}) and as the daemon keeps
// them (/var/lib/sigmavault/snapshot-policies.json, written atomically):
// zod schemas and pure converters, unit-tested.
import { z } from '../../shared/vendor/zod.js';
import { DEFAULT_FREQUENT_INTERVAL, MAX_COUNT, MAX_FREQUENT_INTERVAL, PERIODS, type Period, type SnapshotPolicy } from './retention.js';

/** The shortest frequent interval people may choose; tests may allow shorter (SIGMAVAULT_MIN_SNAPSHOT_INTERVAL). */
export const MIN_FREQUENT_INTERVAL = 60;

const count = z.number().int().min(0).max(MAX_COUNT);

/** The a{sv} of SetSnapshotPolicy, PreviewPrune and the SnapshotPolicy property; {} means no policy. */
export function policyDictSchema(minInterval: number): z.ZodType<Partial<Record<string, unknown>>> {
    return z.object({
        frequent: count.optional(),
        hourly: count.optional(),
        daily: count.optional(),
        weekly: count.optional(),
        monthly: count.optional(),
        yearly: count.optional(),
        'frequent-interval': z.number().int().min(minInterval, {
            message: `the frequent interval must be at least ${minInterval} seconds`,
        }).max(MAX_FREQUENT_INTERVAL, { message: 'the frequent interval must be at most 3600 seconds (an hour)' })
            .refine(v => minInterval < MIN_FREQUENT_INTERVAL || v % 60 === 0, { message: 'the frequent interval must be whole minutes' })
            .optional(),
        recursive: z.boolean().optional(),
        'wait-until-nearly-full': z.boolean().optional(),
    }).strict();
}

export class PolicyError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'PolicyError';
    }
}

/**
 * A policy from plain values (a{sv} already unpacked); null for {} (no
 * policy). Throws PolicyError with a sentence a person can act on.
 */
export function policyFromDict(plain: Readonly<Record<string, unknown>>, minInterval = MIN_FREQUENT_INTERVAL): SnapshotPolicy | null {
    if (Object.keys(plain).length === 0)
        return null;
    const result = policyDictSchema(minInterval).safeParse(plain);
    if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path.join('.') || (issue && 'keys' in issue ? issue.keys.join(', ') : '');
        throw new PolicyError(`Invalid snapshot policy field ${where}: ${issue?.message ?? 'unexpected value'}.`);
    }
    const d = result.data as Partial<Record<Period | 'frequent-interval', number>> & { recursive?: boolean; 'wait-until-nearly-full'?: boolean };
    const counts = Object.fromEntries(PERIODS.map(p => [p, d[p] ?? 0])) as Record<Period, number>;
    if (PERIODS.every(p => counts[p] === 0))
        throw new PolicyError('Keep at least one snapshot of some period, or turn automatic snapshots off.');
    return {
        counts,
        frequentInterval: d['frequent-interval'] ?? DEFAULT_FREQUENT_INTERVAL,
        recursive: d.recursive ?? false,
        waitUntilNearlyFull: d['wait-until-nearly-full'] ?? false,
    };
}

/** The a{sv} fields of a policy (plain values; the caller packs them: counts and interval u, flags b). */
export function policyToDict(p: SnapshotPolicy): Record<string, number | boolean> {
    return {
        ...p.counts,
        'frequent-interval': p.frequentInterval,
        recursive: p.recursive,
        'wait-until-nearly-full': p.waitUntilNearlyFull,
    };
}

const StoredPolicySchema = z.object({
    counts: z.object(Object.fromEntries(PERIODS.map(p => [p, count])) as Record<Period, typeof count>).strict(),
    frequentInterval: z.number().int().positive().max(MAX_FREQUENT_INTERVAL),
    recursive: z.boolean(),
    waitUntilNearlyFull: z.boolean(),
}).strict();

const PolicyFileSchema = z.object({
    version: z.literal(1),
    policies: z.record(z.string().min(1), StoredPolicySchema),
}).strict();

export function serializePolicies(policies: ReadonlyMap<string, SnapshotPolicy>): string {
    const file = { version: 1 as const, policies: Object.fromEntries([...policies].sort(([a], [b]) => a.localeCompare(b))) };
    return `${JSON.stringify(PolicyFileSchema.parse(file), null, 1)}\n`;
}

export type LoadedPolicies = { readonly ok: true; readonly policies: Map<string, SnapshotPolicy> } | { readonly ok: false; readonly reason: string };

/** Parses the file; a damaged one is reported, never half-read. */
export function parsePolicies(text: string): LoadedPolicies {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        return { ok: false, reason: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
    const result = PolicyFileSchema.safeParse(json);
    if (!result.success) {
        const issue = result.error.issues[0];
        return { ok: false, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'unexpected content'}` };
    }
    return { ok: true, policies: new Map(Object.entries(result.data.policies)) };
}
