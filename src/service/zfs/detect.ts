// Which ZFS is this, and can it be asked right now? Pure interpretation of
// what `zpool version` answers (OpenZFS) or how it fails (zfs-fuse, or a
// ZFS whose kernel module or daemon is not running).

export type ZfsProbe =
    | { readonly kind: 'openzfs'; readonly version: string; readonly json: boolean }
    | { readonly kind: 'zfs-fuse' }
    | { readonly kind: 'down'; readonly reason: string }
    | { readonly kind: 'unknown'; readonly reason: string };

/** OpenZFS prints "-j" JSON from 2.3 on. */
export function supportsJson(version: string): boolean {
    const m = /^(\d+)\.(\d+)/.exec(version);
    if (!m)
        return false;
    const [major, minor] = [Number(m[1]), Number(m[2])];
    return major > 2 || (major === 2 && minor >= 3);
}

export function interpretZpoolVersion(status: number, stdout: string, stderr: string): ZfsProbe {
    const text = `${stdout}\n${stderr}`;
    if (/failed to initialize ZFS library|zfs-fuse daemon is running/.test(text)) {
        return /zfs-fuse/.test(text)
            ? { kind: 'down', reason: 'The zfs-fuse service is not running. Start it with “systemctl start zfs-fuse”.' }
            : { kind: 'down', reason: 'The ZFS kernel module is not loaded. Load it with “modprobe zfs”.' };
    }
    if (/\/dev\/zfs/.test(text) && status !== 0)
        return { kind: 'down', reason: 'The ZFS kernel module is not loaded. Load it with “modprobe zfs”.' };
    if (status === 0) {
        const m = /^zfs-(\d+\.\d+(?:\.\d+)?)/m.exec(stdout);
        if (m?.[1])
            return { kind: 'openzfs', version: m[1], json: supportsJson(m[1]) };
        return { kind: 'unknown', reason: `Unrecognized ZFS version output: ${stdout.trim().split('\n')[0] ?? ''}` };
    }
    // zfs-fuse's zpool predates the version subcommand.
    if (/unrecognized command 'version'/.test(text))
        return { kind: 'zfs-fuse' };
    return { kind: 'unknown', reason: (stderr || stdout).trim().split('\n')[0] ?? 'zpool failed' };
}
