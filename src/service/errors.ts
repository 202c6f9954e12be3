// Errors the daemon returns to D-Bus callers: a named error and a message a
// person can act on.
import { ErrorName } from '../shared/dbus-names.js';
import { NameError, UnsupportedError } from './zfs/zfs-names.js';

export class DaemonError extends Error {
    constructor(readonly dbusName: ErrorName, message: string) {
        super(message);
        this.name = 'DaemonError';
    }
}

export const invalidArgument = (message: string): DaemonError => new DaemonError(ErrorName.InvalidArgument, message);
export const notFound = (message: string): DaemonError => new DaemonError(ErrorName.NotFound, message);
export const failed = (message: string): DaemonError => new DaemonError(ErrorName.Failed, message);
export const notAuthorized = (message: string): DaemonError => new DaemonError(ErrorName.NotAuthorized, message);
export const toolUnavailable = (message: string): DaemonError => new DaemonError(ErrorName.ToolUnavailable, message);

/** Runs a check from zfs-names.ts; its errors become named D-Bus errors. */
export function checked<T>(f: () => T): T {
    try {
        return f();
    } catch (e) {
        if (e instanceof NameError)
            throw invalidArgument(e.message);
        if (e instanceof UnsupportedError)
            throw toolUnavailable(e.message);
        throw e;
    }
}
