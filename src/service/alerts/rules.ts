// Which alerts hold for the pools as they are now: a pure function from pool
// data to alert candidates, so every rule is unit-tested. Thresholds follow
// common NAS practice (TrueNAS warns at 80 % and 90 %, ZFS slows past 90 %).
import { poolHealthTitle } from '../../shared/format.js';
import { severity } from '../../shared/health.js';
import { _, format } from '../../shared/i18n.js';
import type { DiskProperties } from '../disks/disk-object.js';
import type { Pool, Vdev } from '../zfs/model.js';

export const ALERT_LEVELS = ['info', 'warning', 'error', 'critical'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export interface AlertCandidate {
    /** De-duplication key: one condition, one alert. */
    readonly key: string;
    readonly alertClass: 'pool-unhealthy' | 'pool-capacity' | 'device-errors' | 'scrub-errors'
        | 'smart-failing' | 'disk-temperature' | 'scrub-overdue';
    readonly level: AlertLevel;
    readonly title: string;
    readonly message: string;
    readonly pool: string;
}

const CAPACITY_STEPS: readonly [number, AlertLevel][] = [[0.95, 'critical'], [0.9, 'error'], [0.8, 'warning']];

function leaves(v: Vdev): Vdev[] {
    return v.children.length === 0 ? [v] : v.children.flatMap(leaves);
}

function unhealthy(pool: Pool): AlertCandidate | null {
    const health = pool.status?.state ?? pool.health;
    const s = severity(health);
    if (s === 0)
        return null;
    return {
        key: `pool-unhealthy:${pool.name}`,
        alertClass: 'pool-unhealthy',
        // Degraded still serves data (a warning, as the pool's own icon
        // says); faulted, unavailable or suspended does not.
        level: s > 1 ? 'critical' : 'warning',
        title: poolHealthTitle(pool.name, health),
        message: pool.status?.action || _('Open the pool in SigmaVault Settings to see which device needs attention.'),
        pool: pool.name,
    };
}

function capacity(pool: Pool): AlertCandidate | null {
    if (pool.size <= 0)
        return null;
    const used = pool.allocated / pool.size;
    const step = CAPACITY_STEPS.find(([threshold]) => used >= threshold);
    if (!step)
        return null;
    return {
        // One key for all steps: crossing 90 % updates the 80 % alert.
        key: `pool-capacity:${pool.name}`,
        alertClass: 'pool-capacity',
        level: step[1],
        title: format(_('Pool %s is %d %% full'), pool.name, Math.floor(used * 100)),
        message: _('ZFS slows down and can fail to write when a pool is nearly full. Delete files or old snapshots, or add storage.'),
        pool: pool.name,
    };
}

function deviceErrors(pool: Pool): AlertCandidate[] {
    if (!pool.status)
        return [];
    return leaves(pool.status.root)
        .filter(v => v.readErrors + v.writeErrors + v.checksumErrors > 0)
        .map(v => ({
            key: `device-errors:${pool.name}:${v.name}`,
            alertClass: 'device-errors' as const,
            level: 'error' as const,
            title: format(_('A device of pool %s reports errors'), pool.name),
            message: format(_('%s: %d read, %d write and %d checksum errors. Run a scrub to repair what the pool can; if errors keep growing, replace the device.'),
                v.path ?? v.name, v.readErrors, v.writeErrors, v.checksumErrors),
            pool: pool.name,
        }));
}

/** "scrub repaired 0B in 00:00:01 with 3 errors on …" → 3; null when the scan line says nothing of errors. */
export function scanErrors(scan: string): number | null {
    const m = /with (\d+) errors?/.exec(scan);
    return m ? Number(m[1]) : null;
}

function scrubErrors(pool: Pool): AlertCandidate | null {
    const errors = scanErrors(pool.status?.scan ?? '');
    if (errors === null || errors === 0)
        return null;
    return {
        key: `scrub-errors:${pool.name}`,
        alertClass: 'scrub-errors',
        level: 'error',
        title: format(_('The last scrub of pool %s found errors'), pool.name),
        message: format(_('%d errors could not be repaired. Open the pool to see the affected files and restore them from a backup.'), errors),
        pool: pool.name,
    };
}

/** The classes poolAlerts() decides on: alerts of these classes end when it no longer lists them. */
export const POOL_ALERT_CLASSES: ReadonlySet<AlertCandidate['alertClass']> =
    new Set(['pool-unhealthy', 'pool-capacity', 'device-errors', 'scrub-errors']);

export function poolAlerts(pools: readonly Pool[]): AlertCandidate[] {
    return pools.flatMap(p => [unhealthy(p), capacity(p), ...deviceErrors(p), scrubErrors(p)])
        .filter((a): a is AlertCandidate => a !== null);
}

/** A scheduled scrub that did not happen, as the scrub scheduler decides (shared/next-scrub.ts). */
export interface OverdueScrub {
    readonly pool: string;
    /** When it was due and when the last scrub ended, in words the daemon formats; lastScrub '' if never. */
    readonly due: string;
    readonly lastScrub: string;
    /** Why, when the daemon knows (the failed job's message). */
    readonly reason: string;
}

export const SCRUB_ALERT_CLASSES: ReadonlySet<AlertCandidate['alertClass']> = new Set(['scrub-overdue']);

export function scrubOverdueAlert(o: OverdueScrub): AlertCandidate {
    const last = o.lastScrub === '' ? _('The pool has never been scrubbed.')
        : format(_('The last scrub ended %s.'), o.lastScrub);
    return {
        key: `scrub-overdue:${o.pool}`,
        alertClass: 'scrub-overdue',
        level: 'warning',
        title: format(_('Pool %s missed its scheduled scrub'), o.pool),
        message: [format(_('The scrub due %s did not complete.'), o.due), o.reason, last,
            _('Start a scrub now, or it runs at the next scheduled time.')].filter(p => p !== '').join(' '),
        pool: o.pool,
    };
}

/**
 * Drive temperatures past which drives age faster or throttle: hard disks
 * are specified to about 60 °C, NVMe drives throttle at about 70 °C.
 */
const TEMPERATURE_LIMITS: Readonly<Record<DiskProperties['type'], readonly [number, number]>> = {
    hdd: [50, 60], ssd: [60, 70], nvme: [70, 80], unknown: [55, 65],
};

function diskName(d: DiskProperties): string {
    return d.model ? `${d.model} (${d.device})` : d.device;
}

function smart(d: DiskProperties): AlertCandidate | null {
    if (d.verdict !== 'failing' && d.verdict !== 'warning')
        return null;
    const failing = d.verdict === 'failing';
    return {
        key: `smart-failing:${d.id}`,
        alertClass: 'smart-failing',
        level: failing ? 'critical' : 'warning',
        title: format(failing ? _('Disk %s is failing') : _('Disk %s is at risk'), diskName(d)),
        message: [...d.reasons, failing ? _('Back up the data on this disk now and replace the disk.')
            : _('Keep your backups current and plan to replace the disk.')].join(' '),
        pool: d.pool,
    };
}

function temperature(d: DiskProperties): AlertCandidate | null {
    if (d.temperature === null)
        return null;
    const [warn, critical] = TEMPERATURE_LIMITS[d.type];
    if (d.temperature < warn)
        return null;
    return {
        key: `disk-temperature:${d.id}`,
        alertClass: 'disk-temperature',
        level: d.temperature >= critical ? 'critical' : 'warning',
        title: format(_('Disk %s is at %d °C'), diskName(d), d.temperature),
        message: _('Hot disks wear out faster. Check the fans and the airflow around the disks.'),
        pool: d.pool,
    };
}

export const DISK_ALERT_CLASSES: ReadonlySet<AlertCandidate['alertClass']> = new Set(['smart-failing', 'disk-temperature']);

export function diskAlerts(disks: readonly DiskProperties[]): AlertCandidate[] {
    return disks.flatMap(d => [smart(d), temperature(d)]).filter((a): a is AlertCandidate => a !== null);
}
