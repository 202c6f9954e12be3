// What sigmavaultd and its compression helper (compression/helper-main.ts,
// run as the calling user) say to each other: one JSON request on the
// helper's stdin (then "cancel" lines), one JSON event per line on its
// stdout. After inspecting, the helper waits for "work" (go on with the
// request's purpose) or "stop". Paths travel as byte arrays, so that any file name (spaces,
// newlines, a leading "-", bytes that are not UTF-8) arrives unchanged.
import { TEMP_MARK } from '../../shared/compressed-names.js';
import { z } from '../../shared/vendor/zod.js';
import { SKIP_TYPE } from '../../shared/skip-types.js';
import { MAX_LEVEL, MIN_LEVEL } from './strategy.js';

export const PathBytesSchema = z.array(z.number().int().min(0).max(255)).min(1);

export const OPERATIONS = ['compress', 'decompress', 'verify'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const HelperRequestSchema = z.object({
    /** inspect: check the paths, say what would happen, then work or stop as told; clean: remove this job's temporaries. */
    op: z.enum(['inspect', 'compress', 'decompress', 'verify', 'clean']),
    /** What the inspection is for (op inspect), or the operation itself. */
    purpose: z.enum(OPERATIONS),
    paths: z.array(PathBytesSchema),
    level: z.number().int().min(MIN_LEVEL).max(MAX_LEVEL).nullable(),
    replace: z.boolean(),
    /** Compress even what the strategy would skip. */
    force: z.boolean(),
    /** Extensions (lower case, no dot) the user never wants compressed; files only, not inside folders. */
    skip: z.array(z.string().regex(SKIP_TYPE)).optional(),
    /** The job's mark in the names of its temporary files. */
    token: z.string().regex(/^[0-9a-f]{16}$/),
}).strict();
export type HelperRequest = z.infer<typeof HelperRequestSchema>;

export const PROBLEMS = ['not-found', 'permission', 'symlink', 'special', 'unsupported', 'exists', 'io'] as const;
export type Problem = (typeof PROBLEMS)[number];

const InspectedSchema = z.object({
    path: z.string(),
    ok: z.boolean(),
    problem: z.enum(PROBLEMS).nullable(),
    message: z.string(),
    folder: z.boolean(),
    size: z.number().nonnegative(),
});
export type Inspected = z.infer<typeof InspectedSchema>;

export const HelperEventSchema = z.discriminatedUnion('type', [
    z.object({ type: z.literal('inspected'), items: z.array(InspectedSchema) }),
    /** Bytes the job will read and write in all (for progress). */
    z.object({ type: z.literal('total'), bytes: z.number().nonnegative() }),
    z.object({ type: z.literal('progress'), done: z.number().nonnegative() }),
    z.object({ type: z.literal('log'), message: z.string() }),
    /** A dictionary trained for `files` files and stored at `path`. */
    z.object({ type: z.literal('dictionary'), path: z.string(), files: z.number().int().positive(), output: PathBytesSchema.optional() }),
    z.object({
        type: z.literal('result'),
        path: z.string(),
        outcome: z.enum(['done', 'skipped', 'failed', 'cancelled']),
        message: z.string(),
        /** Skipped: why, as a clause (see Decision.why). */
        why: z.string().optional(),
        before: z.number().nonnegative(),
        after: z.number().nonnegative(),
        /** The file written (outcome done). */
        output: PathBytesSchema.optional(),
        /** The original was removed after its verified copy was written (replace). */
        replaced: z.boolean().optional(),
        /** A folder, archived as .tar.zst. */
        folder: z.boolean().optional(),
    }),
]);
export type HelperEvent = z.infer<typeof HelperEventSchema>;

/** One stdout line of the helper, validated; null when it is not an event. */
export function parseEvent(line: string): HelperEvent | null {
    let json: unknown;
    try {
        json = JSON.parse(line);
    } catch {
        return null;
    }
    const r = HelperEventSchema.safeParse(json);
    return r.success ? r.data : null;
}

export { TEMP_MARK };
export function tempName(name: string, token: string): string {
    return `.${name}${TEMP_MARK}${token}`;
}
export function isTempOf(name: string, token: string): boolean {
    return name.startsWith('.') && name.endsWith(`${TEMP_MARK}${token}`);
}
