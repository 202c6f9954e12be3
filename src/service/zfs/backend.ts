// Reads pools from whichever ZFS is installed: OpenZFS 2.3+ through its
// JSON output, older OpenZFS and zfs-fuse through script-parsable text.
import { findTool, run, runChecked, ToolMissingError } from '../tools.js';
import { interpretZpoolVersion, type ZfsProbe } from './detect.js';
import type { Pool, PoolStatus } from './model.js';
import { parseZpoolList, type ZpoolListColumn } from './zpool-list.js';
import { parseZpoolStatusJson } from './zpool-status-json.js';
import { parseZpoolStatusText } from './zpool-status-text.js';

export type ZfsState =
    | { readonly available: true; readonly implementation: string; readonly json: boolean; readonly exact: boolean }
    | { readonly available: false; readonly reason: string };

export async function probeZfs(): Promise<ZfsState> {
    if (findTool('zpool') === null) {
        return {
            available: false,
            reason: 'ZFS is not installed. Install the “zfsutils-linux” package (or “zfs-fuse”) to use storage pools.',
        };
    }
    let probe: ZfsProbe;
    try {
        const r = await run('zpool', ['version']);
        probe = interpretZpoolVersion(r.status, r.stdout, r.stderr);
    } catch (e) {
        if (e instanceof ToolMissingError)
            return { available: false, reason: 'ZFS is not installed.' };
        throw e;
    }
    if (probe.kind === 'zfs-fuse') {
        // A legacy zpool answers "version" with usage even when its daemon
        // is down; a cheap list tells whether it is up.
        const r = await run('zpool', ['list', '-H', '-o', 'name']);
        const down = interpretZpoolVersion(r.status, r.stdout, r.stderr);
        if (r.status !== 0 && down.kind === 'down')
            return { available: false, reason: down.reason };
        return { available: true, implementation: 'zfs-fuse', json: false, exact: false };
    }
    switch (probe.kind) {
    case 'openzfs':
        return { available: true, implementation: `OpenZFS ${probe.version}`, json: probe.json, exact: true };
    case 'down':
    case 'unknown':
        return { available: false, reason: probe.reason };
    }
}

const BASE_COLUMNS: readonly ZpoolListColumn[] = ['name', 'guid', 'health', 'size', 'allocated', 'free'];

export async function readPools(state: ZfsState & { available: true }): Promise<Pool[]> {
    // Exact numbers (-p) and fragmentation exist only in OpenZFS.
    const columns: ZpoolListColumn[] = state.exact ? [...BASE_COLUMNS, 'fragmentation'] : [...BASE_COLUMNS];
    const listArgs = ['list', '-H', ...(state.exact ? ['-p'] : []), '-o', columns.join(',')];
    const summaries = parseZpoolList(await runChecked('zpool', listArgs), columns);
    if (summaries.length === 0)
        return [];

    let statuses: PoolStatus[];
    if (state.json) {
        statuses = parseZpoolStatusJson(await runChecked('zpool', ['status', '-j', '--json-int']));
    } else {
        // zpool status exits non-zero when a pool vanishes between the two
        // calls; what it printed for the others is still good.
        const r = await run('zpool', ['status']);
        statuses = parseZpoolStatusText(r.stdout);
    }
    const byName = new Map(statuses.map(s => [s.name, s]));
    return summaries.map(s => ({ ...s, status: byName.get(s.name) ?? null }));
}
