// Alert1 objects as clients read them (validated).
import { z } from './vendor/zod.js';

export const ALERT_IFACE = 'com.sigmavault.Alert1';

export const AlertInfoSchema = z.object({
    Key: z.string(),
    Class: z.string(),
    Level: z.enum(['info', 'warning', 'error', 'critical']),
    Title: z.string(),
    Message: z.string(),
    Pool: z.string(),
    Objects: z.array(z.string()),
    FirstSeen: z.union([z.number(), z.bigint()]).transform(v => Number(v)),
    Dismissed: z.boolean(),
}).transform(a => ({
    key: a.Key,
    alertClass: a.Class,
    level: a.Level,
    title: a.Title,
    message: a.Message,
    pool: a.Pool,
    objects: a.Objects,
    firstSeen: a.FirstSeen,
    dismissed: a.Dismissed,
}));
export type AlertInfo = z.output<typeof AlertInfoSchema> & { readonly path: string };

const LEVEL_ORDER = ['critical', 'error', 'warning', 'info'] as const;

/** Most severe first, then oldest first. */
export function sortAlerts(alerts: AlertInfo[]): AlertInfo[] {
    return alerts.sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) || a.firstSeen - b.firstSeen);
}
