// The audit log: one structured journal entry per authorization decision
// and per change made, so an admin can ask "who did what" with journalctl
// (e.g. `journalctl SIGMAVAULT_AUDIT=1`).
import GLib from 'gi://GLib';

export interface AuditEntry {
    readonly action: string;
    readonly sender: string;
    readonly uid: number | null;
    readonly result: 'allowed' | 'denied' | 'succeeded' | 'failed';
    readonly object?: string;
    readonly detail?: string;
}

export function audit(entry: AuditEntry): void {
    const message = `${entry.action} by uid ${entry.uid ?? '?'} (${entry.sender}) on ${entry.object ?? '-'}: ${entry.result}` +
        (entry.detail ? ` — ${entry.detail}` : '');
    GLib.log_structured('sigmavault', GLib.LogLevelFlags.LEVEL_MESSAGE, {
        MESSAGE: message,
        SIGMAVAULT_AUDIT: '1',
        SIGMAVAULT_ACTION: entry.action,
        SIGMAVAULT_SENDER: entry.sender,
        SIGMAVAULT_UID: String(entry.uid ?? ''),
        SIGMAVAULT_RESULT: entry.result,
        SIGMAVAULT_OBJECT: entry.object ?? '',
    });
}
