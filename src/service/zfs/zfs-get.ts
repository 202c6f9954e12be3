// `zfs get -H [-p] -o name,property,value,source <props|all> <dataset>`:
// one property per line. The source column says where a value comes from:
// "local", "default", "inherited from pool/home", "temporary", "received",
// or "-" for read-only statistics. Both zfs-fuse and OpenZFS accept -p here.
import { PropertySchema, type Property, type PropertySource } from './dataset-model.js';
import { ParseError, describeIssues, quote } from './parse-error.js';

const SOURCE = 'zfs get';

/** The source column → (source, inherited-from). */
export function parsePropertySource(text: string): { source: PropertySource; inheritedFrom: string } {
    const t = text.trim();
    const inherited = /^inherited from (.+)$/.exec(t);
    if (inherited?.[1] !== undefined)
        return { source: 'inherited', inheritedFrom: inherited[1] };
    switch (t) {
    case 'local': case 'default': case 'temporary': case 'received':
        return { source: t, inheritedFrom: '' };
    case '-': case 'none': case '':
        return { source: 'none', inheritedFrom: '' };
    default:
        throw new ParseError(SOURCE, `unknown property source ${quote(text)}`);
    }
}

export function parseZfsGet(text: string): Property[] {
    const out: Property[] = [];
    text.replace(/\r/g, '').split('\n').forEach((raw, index) => {
        const line = index + 1;
        if (raw === '')
            return;
        if (/^NAME\s+PROPERTY/.test(raw))
            throw new ParseError(SOURCE, 'found a header line; run zfs get with -H', line);
        const fields = raw.split('\t');
        if (fields.length !== 4)
            throw new ParseError(SOURCE, `expected 4 fields (name, property, value, source) but found ${fields.length} in ${quote(raw)}`, line);
        const [name, property, value, sourceText] = fields as [string, string, string, string];
        let src: ReturnType<typeof parsePropertySource>;
        try {
            src = parsePropertySource(sourceText);
        } catch (e) {
            throw new ParseError(SOURCE, e instanceof Error ? e.message : String(e), line);
        }
        const result = PropertySchema.safeParse({ name, property, value, ...src });
        if (!result.success)
            throw new ParseError(SOURCE, `${describeIssues(result.error.issues)} in ${quote(raw)}`, line);
        out.push(result.data);
    });
    return out;
}
