// The a{sv} options every method takes, validated: known keys must have the
// right type; unknown keys are refused so that a typo is not silently ignored.
import type GLib from 'gi://GLib';
import { z } from '../shared/vendor/zod.js';
import { invalidArgument } from './errors.js';

/** The options every method understands; methods with more extend it. */
export const OptionsSchema = z.object({
    'auth.no_user_interaction': z.boolean().optional(),
}).strict();
export type Options = z.infer<typeof OptionsSchema>;

export function parseOptions(raw: unknown): Options {
    return parseOptionsWith(OptionsSchema, raw);
}

/** Validates a method's a{sv} options against `schema` (a strict zod object). */
export function parseOptionsWith<T extends z.ZodTypeAny>(schema: T, raw: unknown): z.infer<T> {
    const plain: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw as Record<string, GLib.Variant>))
        plain[k] = v.recursiveUnpack();
    const result = schema.safeParse(plain);
    if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path.join('.') || (issue && 'keys' in issue ? issue.keys.join(', ') : '');
        throw invalidArgument(`Invalid option ${where}: ${issue?.message ?? 'unexpected value'}`);
    }
    return result.data as z.infer<T>;
}
