// Which external tools are installed, and their versions, for the Manager's
// Tools property (shown in the app's About and in `sigmavaultctl status`).
import { findTool, run } from './tools.js';

export interface ToolInfo {
    readonly name: string;
    readonly path: string | null;
    readonly version: string;
}

interface VersionQuery {
    readonly args: readonly string[];
    readonly pattern: RegExp;
}

const QUERIES: Readonly<Record<string, VersionQuery>> = {
    zpool: { args: ['version'], pattern: /zfs-(\d[\w.~-]*)/ },
    zfs: { args: ['version'], pattern: /zfs-(\d[\w.~-]*)/ },
    smartctl: { args: ['--version'], pattern: /smartctl (\d[\w.]*)/ },
    zstd: { args: ['--version'], pattern: /v(\d+\.\d+\.\d+)/ },
    lsblk: { args: ['--version'], pattern: /util-linux (\d[\w.]*)/ },
};

/** The version a tool prints, or '' when it does not say (zfs-fuse has no "version"). */
export function versionFrom(name: string, output: string): string {
    const q = QUERIES[name];
    return q?.pattern.exec(output)?.[1] ?? '';
}

export async function inspectTools(): Promise<ToolInfo[]> {
    const infos: ToolInfo[] = [];
    for (const [name, q] of Object.entries(QUERIES)) {
        const path = findTool(name);
        let version = '';
        if (path !== null) {
            const r = await run(name, q.args).catch(() => null);
            if (r)
                version = versionFrom(name, `${r.stdout}\n${r.stderr}`);
        }
        infos.push({ name, path, version });
    }
    return infos;
}
