// What the indicator shows for a ServiceState: the top-bar icon, its
// accessible name, and the informational rows of the menu. Kept apart from
// the widgets so that the wording and the icon rules are in one place.
import { gettext as _, ngettext } from 'resource:///org/gnome/shell/extensions/extension.js';
import type { PoolState, RunningJob, ServiceState } from './pool-client.js';
import { capacityFraction, type Health, severity, worstHealth } from './shared/health.js';

export const ICON_HEALTHY = 'drive-multidisk-symbolic';
export const ICON_WARNING = 'dialog-warning-symbolic';
export const ICON_ERROR = 'dialog-error-symbolic';

/** A menu row: a pool (activating it opens SigmaVault Settings) or a line of information. */
export type MenuRow =
    | { readonly kind: 'pool'; readonly text: string; readonly iconName: string }
    /** A running job; progress 0…1, or null when unknown. */
    | { readonly kind: 'job'; readonly text: string; readonly progress: number | null }
    | { readonly kind: 'info'; readonly text: string };

export interface Status {
    readonly iconName: string;
    /** Drawn faded: SigmaVault cannot tell the pools' health right now. */
    readonly muted: boolean;
    readonly accessibleName: string;
    readonly rows: readonly MenuRow[];
}

/** Replaces {name} placeholders; translators may move them freely. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
    return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
        key in values ? String(values[key]) : whole);
}

export function healthIconName(health: Health): string {
    switch (severity(health)) {
    case 0:
        return ICON_HEALTHY;
    case 1:
        return ICON_WARNING;
    default:
        return ICON_ERROR;
    }
}

export function healthLabel(health: Health): string {
    switch (health) {
    case 'ONLINE':
        return _('Healthy');
    case 'DEGRADED':
        return _('Degraded');
    case 'FAULTED':
        return _('Faulted');
    case 'OFFLINE':
        return _('Offline');
    case 'UNAVAIL':
        return _('Unavailable');
    case 'REMOVED':
        return _('Removed');
    case 'SUSPENDED':
        return _('Suspended');
    case 'UNKNOWN':
        return _('Unknown');
    }
}

export function poolRowText(pool: PoolState): string {
    const fraction = capacityFraction(pool.allocated, pool.size);
    if (fraction === null) {
        // Translators: a pool in the top-bar menu, e.g. "tank — Degraded".
        return fill(_('{pool} — {health}'), { pool: pool.name, health: healthLabel(pool.health) });
    }
    // Translators: a pool in the top-bar menu, e.g. "tank — Degraded — 45 % full".
    return fill(_('{pool} — {health} — {percent} % full'), {
        pool: pool.name,
        health: healthLabel(pool.health),
        percent: Math.round(fraction * 100),
    });
}

function operationLabel(operation: string): string {
    switch (operation) {
    case 'pool-scrub':
        return _('Scrubbing');
    case 'pool-resilver':
        return _('Resilvering');
    case 'pool-create':
        return _('Creating');
    case 'smart-selftest':
        return _('Testing');
    case 'snapshot-prune':
        return _('Pruning');
    case 'file-compress':
        return _('Compressing');
    case 'file-decompress':
        return _('Decompressing');
    case 'file-verify':
        return _('Verifying');
    default:
        return operation;
    }
}

/** A pool's name; for file jobs the first file's name without its folder ("notes.txt and 2 more"). */
function jobSubjectText(job: RunningJob): string {
    return job.operation.startsWith('file-') ? job.subject.replace(/^.*\//, '') : job.subject;
}

export function jobRowText(job: RunningJob): string {
    const what = operationLabel(job.operation);
    const subject = jobSubjectText(job);
    if (job.paused) {
        // Translators: a paused job in the top-bar menu, e.g. "Scrubbing tank — paused".
        return fill(_('{operation} {subject} — paused'), { operation: what, subject });
    }
    if (job.progress === null) {
        // Translators: a running job in the top-bar menu, e.g. "Scrubbing tank…".
        return fill(_('{operation} {subject}…'), { operation: what, subject });
    }
    // Translators: a running job in the top-bar menu, e.g. "Scrubbing tank — 45 %".
    return fill(_('{operation} {subject} — {percent} %'), {
        operation: what, subject, percent: Math.floor(job.progress * 100),
    });
}

function info(text: string): MenuRow {
    return { kind: 'info', text };
}

function poolsAccessibleName(pools: readonly PoolState[]): string {
    const worst = worstHealth(pools.map(p => p.health));
    const level = severity(worst);
    if (pools.length === 0)
        return _('SigmaVault: no pools');
    if (level === 0)
        return _('SigmaVault: all pools healthy');
    const count = pools.filter(p => severity(p.health) === level).length;
    const template = level === 1
        ? ngettext('SigmaVault: {count} pool needs attention', 'SigmaVault: {count} pools need attention', count)
        : ngettext('SigmaVault: {count} pool is failing', 'SigmaVault: {count} pools are failing', count);
    return fill(template, { count });
}

export function describe(state: ServiceState): Status {
    switch (state.kind) {
    case 'connecting':
        return {
            iconName: ICON_HEALTHY,
            muted: true,
            accessibleName: _('SigmaVault: connecting to the service'),
            rows: [info(_('Connecting to the SigmaVault service…'))],
        };
    case 'unreachable':
        return {
            iconName: ICON_HEALTHY,
            muted: true,
            accessibleName: _('SigmaVault: service not reachable'),
            rows: [info(_('SigmaVault service not reachable'))],
        };
    case 'ready':
        break;
    }
    const jobs = state.jobs.map((j): MenuRow => ({ kind: 'job', text: jobRowText(j), progress: j.paused ? null : j.progress }));
    if (!state.zfsAvailable) {
        // Compressing files needs no ZFS: those jobs are still listed.
        return {
            iconName: ICON_HEALTHY,
            muted: true,
            accessibleName: _('SigmaVault: ZFS is not available'),
            rows: [info(state.zfsStatus !== '' ? state.zfsStatus : _('ZFS is not available')), ...jobs],
        };
    }
    const worst = worstHealth(state.pools.map(p => p.health));
    // An alert the pools' health does not show (a failing disk, a full
    // pool) still turns the icon into a warning.
    const alertsOnly = severity(worst) === 0 && state.alerts.length > 0;
    const alertCount = state.alerts.length;
    return {
        iconName: alertsOnly ? ICON_WARNING : healthIconName(worst),
        muted: false,
        accessibleName: alertsOnly
            ? fill(ngettext('SigmaVault: {count} alert', 'SigmaVault: {count} alerts', alertCount), { count: alertCount })
            : poolsAccessibleName(state.pools),
        rows: [
            ...(state.pools.length === 0
                ? [info(_('No pools yet'))]
                : state.pools.map((p): MenuRow => ({ kind: 'pool', text: poolRowText(p), iconName: healthIconName(p.health) }))),
            ...(alertCount === 0 ? [] : [{
                kind: 'pool' as const,
                text: fill(ngettext('{count} alert needs attention', '{count} alerts need attention', alertCount),
                    { count: alertCount }),
                iconName: ICON_WARNING,
            }]),
            ...jobs,
        ],
    };
}
