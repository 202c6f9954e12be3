// Pool health as ZFS reports it, ordered from best to worst.
export const HEALTH_STATES = [
    'ONLINE', 'DEGRADED', 'REMOVED', 'OFFLINE', 'UNAVAIL', 'FAULTED', 'SUSPENDED', 'UNKNOWN',
] as const;
export type Health = (typeof HEALTH_STATES)[number];

export function asHealth(value: string): Health {
    const upper = value.toUpperCase();
    // OpenZFS JSON says HEALTHY for vdevs where text output says ONLINE.
    if (upper === 'HEALTHY')
        return 'ONLINE';
    return (HEALTH_STATES as readonly string[]).includes(upper) ? upper as Health : 'UNKNOWN';
}

/** Severity: 0 healthy, 1 needs attention (still serving data), 2 data at risk or unreachable. */
export function severity(health: Health): 0 | 1 | 2 {
    switch (health) {
    case 'ONLINE':
        return 0;
    case 'DEGRADED':
    case 'REMOVED':
    case 'OFFLINE':
    case 'UNKNOWN':
        return 1;
    default:
        return 2;
    }
}

export function worstHealth(states: Iterable<Health>): Health {
    let worst: Health = 'ONLINE';
    for (const s of states) {
        if (severity(s) > severity(worst) ||
            (severity(s) === severity(worst) && HEALTH_STATES.indexOf(s) > HEALTH_STATES.indexOf(worst)))
            worst = s;
    }
    return worst;
}

/** True when going from `before` to `after` is worth telling the user about. */
export function gotWorse(before: Health | undefined, after: Health): boolean {
    return severity(after) > severity(before ?? 'ONLINE');
}

/** Capacity as a fraction 0…1, or null when the size is unknown. */
export function capacityFraction(allocated: number, size: number): number | null {
    return size > 0 ? Math.min(1, allocated / size) : null;
}
