// Which mount holds a path: shared by the daemon (LocatePath) and the Files
// menu (which must decide without blocking, from the daemon's Mounts). No
// zod here: the Files module loads this inside Nautilus.

/** Splits an absolute path into components, resolving "." and ".." lexically. */
export function pathComponents(path: string): string[] {
    const out: string[] = [];
    for (const part of path.split('/')) {
        if (part === '' || part === '.')
            continue;
        if (part === '..')
            out.pop();
        else
            out.push(part);
    }
    return out;
}

/**
 * The mount holding `path`: the longest mountpoint that is a prefix of the
 * path component by component (so /tank holds /tank/a but not /tanker).
 * Relative paths, and mountpoints that are not absolute (legacy, none),
 * match nothing.
 */
export function locate<T extends { readonly mountpoint: string }>(mounts: readonly T[], path: string): T | null {
    if (!path.startsWith('/'))
        return null;
    const target = pathComponents(path);
    let best: T | null = null;
    let bestLength = -1;
    for (const m of mounts) {
        if (!m.mountpoint.startsWith('/'))
            continue;
        const mp = pathComponents(m.mountpoint);
        if (mp.length > target.length || mp.length <= bestLength)
            continue;
        if (mp.every((c, i) => c === target[i])) {
            best = m;
            bestLength = mp.length;
        }
    }
    return best;
}
