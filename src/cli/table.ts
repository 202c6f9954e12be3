// Plain-text tables for sigmavaultctl's human output.

/** Width in terminal columns, counting code points (good enough for names and numbers). */
function width(text: string): number {
    return Array.from(text).length;
}

/** Left-aligned columns two spaces apart; the first row is the header. */
export function table(rows: string[][]): string {
    const widths = rows[0]?.map((_c, i) => Math.max(...rows.map(r => width(r[i] ?? '')))) ?? [];
    return rows.map(r => r.map((c, i) => i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c)))
        .join('  ').trimEnd()).join('\n');
}
