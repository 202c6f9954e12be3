// The command line, byte for byte. File names need not be UTF-8, and GJS
// crashes (SIGSEGV in gjs 1.82) when a script reads ARGV holding bytes
// that are not. So the arguments are read from /proc/self/cmdline, and a
// byte that is not part of valid UTF-8 becomes a lone surrogate
// U+DC80–U+DCFF, as Python's "surrogateescape" does: options still read
// as text, and a path goes back to its exact bytes (argBytes).
import GLib from 'gi://GLib';

const ESCAPE_BASE = 0xdc00;

/** Bytes as text: valid UTF-8 decoded, every other byte as U+DC80 + (byte − 0x80). */
export function decodeArg(bytes: Uint8Array): string {
    let out = '';
    let i = 0;
    const strict = new TextDecoder('utf-8', { fatal: true });
    while (i < bytes.length) {
        const b = bytes[i] ?? 0;
        const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
        let char: string | null = null;
        if (length > 0 && i + length <= bytes.length) {
            try {
                char = strict.decode(bytes.subarray(i, i + length));
            } catch {
                char = null;
            }
        }
        if (char === null) {
            // Only bytes from 0x80 can fail, so the escape is always a lone low surrogate.
            out += String.fromCharCode(ESCAPE_BASE + b);
            i += 1;
        } else {
            out += char;
            i += length;
        }
    }
    return out;
}

/** The exact bytes of an argument decoded by decodeArg (text added to it is encoded as UTF-8). */
export function argBytes(text: string): Uint8Array {
    const out: number[] = [];
    const encoder = new TextEncoder();
    let run = '';
    const flush = (): void => {
        if (run !== '') {
            out.push(...encoder.encode(run));
            run = '';
        }
    };
    for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        const low = text.charCodeAt(i + 1);
        if (unit >= 0xd800 && unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
            // A whole surrogate pair (U+10000 and up): its low half is no escape, even in U+DC80–U+DCFF.
            run += text.slice(i, i + 2);
            i++;
        } else if (unit >= ESCAPE_BASE + 0x80 && unit <= ESCAPE_BASE + 0xff) {
            flush();
            out.push(unit - ESCAPE_BASE);
        } else {
            run += text[i] ?? '';
        }
    }
    flush();
    return Uint8Array.from(out);
}

/**
 * The script's arguments from a NUL-separated command line: what follows
 * the first word after gjs and its options (the script's path). Null when
 * gjs ran code given with -c, which has no script path to go by.
 */
export function scriptArgs(cmdline: Uint8Array): Uint8Array[] | null {
    const words: Uint8Array[] = [];
    let start = 0;
    for (let i = 0; i < cmdline.length; i++) {
        if (cmdline[i] === 0) {
            words.push(cmdline.subarray(start, i));
            start = i + 1;
        }
    }
    if (start < cmdline.length)
        words.push(cmdline.subarray(start));
    const text = (w: Uint8Array | undefined): string => (w === undefined ? '' : decodeArg(w));
    // gjs's options that take the next word as their value.
    const withValue = new Set(['-I', '--include-path', '--coverage-prefix', '--coverage-output', '--jsversion']);
    for (let i = 1; i < words.length; i++) {
        const w = text(words[i]);
        if (w === '-c' || w === '--command')
            return null;
        if (withValue.has(w)) {
            i++;
            continue;
        }
        if (!w.startsWith('-'))
            return words.slice(i + 1);
    }
    return [];
}

/** This process's arguments as text (see decodeArg); ARGV itself only when gjs gave no script path. */
export function commandLine(): string[] {
    try {
        const [, raw] = GLib.file_get_contents('/proc/self/cmdline');
        const args = scriptArgs(raw);
        if (args !== null)
            return args.map(decodeArg);
    } catch {
        // no /proc: ARGV below
    }
    return ARGV;
}

/** A path argument made absolute against the current folder, and its "." and ".." resolved, as text. */
export function absolutePath(path: string, cwd: string): string {
    const parts: string[] = [];
    for (const part of `${path.startsWith('/') ? '' : `${cwd}/`}${path}`.split('/')) {
        if (part === '..')
            parts.pop();
        else if (part !== '' && part !== '.')
            parts.push(part);
    }
    return `/${parts.join('/')}`;
}
