// Which device operations make sense for one row of a pool's Vdevs (the
// flattened tree, depth first), so that the app offers only those the
// daemon would not refuse outright. Pure, so it is unit-tested.
import type { VdevRow } from './pool-info.js';

export type DeviceAction = 'offline' | 'online' | 'replace' | 'attach' | 'detach';

const LEAF_TYPES = new Set(['disk', 'file']);
const GROUPS_WITHOUT_REPLACE = new Set(['cache', 'spares']);

/** The parent row of rows[index] (the nearest row above with a smaller depth), or null. */
export function parentRow(rows: readonly VdevRow[], index: number): VdevRow | null {
    const depth = rows[index]?.depth ?? 0;
    for (let i = index - 1; i >= 0; i--) {
        const r = rows[i];
        if (r !== undefined && r.depth < depth)
            return r;
    }
    return null;
}

/** Children of rows[index]: the rows right below it one level deeper. */
export function childRows(rows: readonly VdevRow[], index: number): VdevRow[] {
    const depth = rows[index]?.depth ?? 0;
    const out: VdevRow[] = [];
    for (let i = index + 1; i < rows.length; i++) {
        const r = rows[i];
        if (r === undefined || r.depth <= depth)
            break;
        if (r.depth === depth + 1)
            out.push(r);
    }
    return out;
}

/** The operations that make sense for rows[index]; none for groups. */
export function deviceActions(rows: readonly VdevRow[], index: number): DeviceAction[] {
    const row = rows[index];
    if (row === undefined || !LEAF_TYPES.has(row.type))
        return [];
    const parent = parentRow(rows, index);
    if (parent === null)
        return [];
    const parentIndex = rows.indexOf(parent);
    const siblings = childRows(rows, parentIndex).filter(r => r !== row);
    const redundant = parent.type === 'mirror' || parent.type.startsWith('raidz') || parent.type === 'draid' ||
        parent.type === 'replacing';
    const actions: DeviceAction[] = [];
    // Offline only where the others still hold the data (ZFS refuses otherwise).
    if (row.state !== 'OFFLINE' && redundant && siblings.some(s => s.state === 'ONLINE' || s.state === 'DEGRADED'))
        actions.push('offline');
    if (row.state !== 'ONLINE' && row.state !== 'DEGRADED')
        actions.push('online');
    if (!GROUPS_WITHOUT_REPLACE.has(parent.type) && parent.type !== 'replacing')
        actions.push('replace');
    if (parent.type === 'root' || parent.type === 'mirror')
        actions.push('attach');
    if ((parent.type === 'mirror' || parent.type === 'replacing' || parent.type === 'spare') && siblings.length > 0)
        actions.push('detach');
    return actions;
}
