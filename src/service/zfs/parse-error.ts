// Raised when a ZFS tool prints something SigmaVault does not understand.
// Parsers never return partial data: either every pool validates or this is
// thrown, with enough context for a person to see what the tool printed.
export class ParseError extends Error {
    /** Which parser gave up, e.g. "zpool status". */
    readonly source: string;
    /** 1-based line of the offending text, or null when not line-based. */
    readonly line: number | null;

    constructor(source: string, message: string, line: number | null = null) {
        super(`Could not read the output of ${source}${line === null ? '' : ` (line ${line})`}: ${message}`);
        this.name = 'ParseError';
        this.source = source;
        this.line = line;
    }
}

/** Shortens tool output quoted in an error message so it stays readable. */
export function quote(text: string, max = 80): string {
    const oneLine = text.replace(/\t/g, '\\t');
    return JSON.stringify(oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine);
}

/** One line per zod issue, with the path into the data, for ParseError messages. */
export function describeIssues(issues: readonly { path: readonly (string | number)[]; message: string }[]): string {
    return issues.slice(0, 5)
        .map(i => `${i.path.length > 0 ? i.path.join('.') : '(top)'}: ${i.message}`)
        .join('; ') + (issues.length > 5 ? `; and ${issues.length - 5} more` : '');
}
