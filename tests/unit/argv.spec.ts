// sigmavaultctl's byte-exact command line: any bytes survive decodeArg and
// argBytes, valid UTF-8 reads as itself, the script's arguments are found
// after gjs's own, and relative paths are made absolute without touching
// the bytes of a name.
import { absolutePath, argBytes, decodeArg, scriptArgs } from '../../src/cli/argv.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const cmdline = (...words: Uint8Array[]): Uint8Array => {
    const out: number[] = [];
    for (const w of words)
        out.push(...w, 0);
    return Uint8Array.from(out);
};

describe('the command line, byte for byte', () => {
    it('reads valid UTF-8 as itself, and gives back the same bytes', () => {
        for (const s of ['notes.txt', '--level', 'café', 'Фото 2024', '家族の写真', '🐘.json', '💀 and 𐂀', 'a\nb', ''])
            expect([decodeArg(utf8(s)), [...argBytes(decodeArg(utf8(s)))]]).toEqual([s, [...utf8(s)]]);
    });

    it('keeps bytes that are not UTF-8: Latin-1, stray continuation bytes, truncated and overlong sequences, surrogates', () => {
        const cases = [
            bytes(0x63, 0x61, 0x66, 0xe9), // "café" in Latin-1
            bytes(0x80), bytes(0xbf, 0x41), bytes(0xff, 0xfe),
            bytes(0xe2, 0x82), // "€" cut short
            bytes(0xc0, 0xaf), // an overlong "/"
            bytes(0xed, 0xa0, 0x80), // an encoded surrogate
            bytes(0xf4, 0x90, 0x80, 0x80), // beyond U+10FFFF
            bytes(0x61, 0xe2, 0x82, 0xac, 0xe9, 0x62), // "a€" then Latin-1 "é", "b"
            bytes(0xf0, 0x9f, 0x92, 0x80, 0xe9), // "💀" (its low surrogate is U+DC80) then Latin-1 "é"
        ];
        for (const c of cases) {
            const text = decodeArg(c);
            expect([...argBytes(text)]).withContext(JSON.stringify([...c])).toEqual([...c]);
        }
        expect(decodeArg(bytes(0x61, 0xe2, 0x82, 0xac, 0xe9, 0x62)).slice(0, 2)).toBe('a€');
    });

    it('round-trips 2000 random byte strings', () => {
        // A fixed seed: a failure can be replayed.
        let seed = 20261201;
        const next = (): number => {
            seed = (seed * 1103515245 + 12345) % 2147483648;
            return seed;
        };
        for (let n = 0; n < 2000; n++) {
            const b = Uint8Array.from({ length: next() % 24 }, () => next() % 256);
            expect([...argBytes(decodeArg(b))]).withContext(`seed state ${seed}`).toEqual([...b]);
        }
    });

    it('finds the script\'s arguments after gjs and its options', () => {
        const latin = bytes(0x63, 0x61, 0x66, 0xe9);
        const args = scriptArgs(cmdline(utf8('/usr/bin/gjs'), utf8('-m'), utf8('/usr/bin/sigmavaultctl'), utf8('compress'), latin, utf8('--wait')));
        expect(args?.map(a => [...a])).toEqual([[...utf8('compress')], [...latin], [...utf8('--wait')]]);
        const included = scriptArgs(cmdline(utf8('gjs'), utf8('-I'), utf8('/opt/lib'), utf8('-m'), utf8('main.js'), utf8('status')));
        expect(included?.map(a => decodeArg(a))).toEqual(['status']);
        expect(scriptArgs(cmdline(utf8('gjs'), utf8('-m'), utf8('main.js')))).toEqual([]);
        expect(scriptArgs(cmdline(utf8('gjs'), utf8('-c'), utf8('print(1)'), utf8('x')))).toBeNull();
    });

    it('makes a path absolute against the current folder, leaving the name\'s escaped bytes alone', () => {
        const name = decodeArg(bytes(0x63, 0x61, 0x66, 0xe9));
        expect(absolutePath(name, '/home/ann')).toBe(`/home/ann/${name}`);
        expect([...argBytes(absolutePath(name, '/home/ann'))]).toEqual([...utf8('/home/ann/'), 0x63, 0x61, 0x66, 0xe9]);
        expect(absolutePath('../b/./c//d', '/home/ann')).toBe('/home/b/c/d');
        expect(absolutePath('/srv/x/../y', '/home/ann')).toBe('/srv/y');
        expect(absolutePath('-rf', '/tmp')).toBe('/tmp/-rf');
    });
});
