// Names of the D-Bus API (data/dbus/*.xml is the contract).
export const BUS_NAME = 'com.sigmavault.Daemon';
export const ROOT_PATH = '/com/sigmavault/Daemon';
export const MANAGER_PATH = `${ROOT_PATH}/Manager`;
export const POOLS_PATH = `${ROOT_PATH}/pools`;
export const DATASETS_PATH = `${ROOT_PATH}/datasets`;

export const MANAGER_IFACE = 'com.sigmavault.Manager1';
export const POOL_IFACE = 'com.sigmavault.Pool1';
export const DATASET_IFACE = 'com.sigmavault.Dataset1';

/** Named D-Bus errors, as DESIGN.md lists them. */
export const ErrorName = {
    NotAuthorized: 'com.sigmavault.Error.NotAuthorized',
    InvalidArgument: 'com.sigmavault.Error.InvalidArgument',
    Busy: 'com.sigmavault.Error.Busy',
    NotFound: 'com.sigmavault.Error.NotFound',
    Failed: 'com.sigmavault.Error.Failed',
    Cancelled: 'com.sigmavault.Error.Cancelled',
    ToolUnavailable: 'com.sigmavault.Error.ToolUnavailable',
} as const;
export type ErrorName = (typeof ErrorName)[keyof typeof ErrorName];

/** Jobs: long operations, one object each (data/dbus/com.sigmavault.Job1.xml). */
export const JOBS_PATH = `${ROOT_PATH}/jobs`;
export const JOB_IFACE = 'com.sigmavault.Job1';

export function jobPath(id: number): string {
    return `${JOBS_PATH}/${id}`;
}

/**
 * Object path element for a name: D-Bus paths allow only [A-Za-z0-9_], so
 * every other byte becomes _XX (hex), as udisks and systemd do.
 */
export function escapePathElement(name: string): string {
    const bytes = new TextEncoder().encode(name);
    let out = '';
    for (const b of bytes) {
        const c = String.fromCharCode(b);
        out += /[A-Za-z0-9]/.test(c) ? c : `_${b.toString(16).padStart(2, '0')}`;
    }
    return out === '' ? '_' : out;
}

export function poolPath(name: string): string {
    return `${POOLS_PATH}/${escapePathElement(name)}`;
}

/** Object path of a dataset: its full name escaped as one path element. */
export function datasetPath(name: string): string {
    return `${DATASETS_PATH}/${escapePathElement(name)}`;
}
