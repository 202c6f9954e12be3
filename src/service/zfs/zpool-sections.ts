// The layout zpool status and zpool import share: one section per
// "pool:" label, right-aligned "label:" lines with tab-indented
// continuations, and a "config:" table whose indentation (two columns per
// level, tabs to the next multiple of eight) gives the vdev tree.
import { ParseError, quote } from './parse-error.js';

// Labels are right-aligned to seven columns ("  pool:", "   see:"), so a
// label line never starts with a tab or eight spaces; config rows and
// continuations always do. Leaf names may contain ':' (e.g. "ST3500-5VM:5").
const LABEL = /^ {0,7}([a-z]+):(.*)$/;

export interface Line {
    readonly text: string;
    readonly number: number;
}

export interface Section {
    readonly name: string;
    readonly line: number;
    readonly fields: Map<string, string[]>;
    readonly config: Line[];
}

export interface SectionRules {
    /** Which parser this is, for errors ("zpool status"). */
    readonly source: string;
    /** Messages printed instead of pool sections ("no pools available"). */
    readonly noPools: (line: string) => boolean;
    /** Labels followed by free-form lines, some unindented; only their first line is kept. */
    readonly freeForm?: ReadonlySet<string>;
    /** Labels that end a free-form block (anything else label-like inside one is its text). */
    readonly knownLabels?: ReadonlySet<string>;
}

/** Width of the leading whitespace, with tabs to the next multiple of eight. */
export function indentWidth(text: string): number {
    let width = 0;
    for (const ch of text) {
        if (ch === '\t')
            width = (Math.floor(width / 8) + 1) * 8;
        else if (ch === ' ')
            width++;
        else
            break;
    }
    return width;
}

function isIndented(text: string): boolean {
    return text.startsWith('\t') || text.startsWith(' ');
}

/** Splits the output into one Section per "pool:" label. */
export function splitSections(text: string, rules: SectionRules): Section[] {
    const { source } = rules;
    const freeForm = rules.freeForm ?? new Set<string>();
    const known = rules.knownLabels ?? new Set<string>();
    const sections: Section[] = [];
    let current: Section | null = null;
    let label = '';
    text.replace(/\r/g, '').split('\n').forEach((raw, index) => {
        const number = index + 1;
        if (raw.trim() === '')
            return;
        const match = LABEL.exec(raw);
        const name = match?.[1] ?? '';
        // Inside a free-form block, only a real label ends it.
        if (match !== null && (known.has(name) || !freeForm.has(label))) {
            const value = (match[2] ?? '').trim();
            if (name === 'pool') {
                if (value === '')
                    throw new ParseError(source, 'a "pool:" line has no pool name', number);
                current = { name: value, line: number, fields: new Map(), config: [] };
                sections.push(current);
            } else if (current === null) {
                throw new ParseError(source, `expected "pool: NAME" first but found ${quote(raw)}`, number);
            } else {
                current.fields.set(name, [value]);
            }
            label = name;
            return;
        }
        if (current === null) {
            if (rules.noPools(raw.trim()))
                return;
            throw new ParseError(source, `expected "pool: NAME" first but found ${quote(raw)}`, number);
        }
        if (freeForm.has(label))
            return;
        if (!isIndented(raw))
            throw new ParseError(source, `unexpected unindented line ${quote(raw)} after "${label}:"`, number);
        if (label === 'config')
            current.config.push({ text: raw, number });
        else
            current.fields.get(label)?.push(raw.trim());
    });
    return sections;
}

/** A label's lines joined into one paragraph; '' when absent. */
export function paragraph(section: Section, ...labels: string[]): string {
    for (const label of labels) {
        const lines = section.fields.get(label);
        if (lines !== undefined)
            return lines.filter(l => l !== '').join(' ');
    }
    return '';
}
