// Text or binary, for a preview of decoded bytes that a limit may have cut
// in the middle of a character.
import { textLength, textPreview } from '../../src/shared/text-preview.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('text preview', () => {
    it('takes UTF-8 without NUL for text, and a character cut at the end only when the bytes were cut', () => {
        const euro = enc('price: 5 €');
        expect(textLength(euro, false)).toBe(euro.length);
        const cut = euro.subarray(0, euro.length - 1);
        expect(textLength(cut, true)).toBe(euro.length - 3);
        expect(textLength(cut, false)).toBe(-1);
    });

    it('sees binary data in NULs, stray bytes, overlong forms, surrogates and code points past U+10FFFF', () => {
        for (const bytes of [[0x61, 0x00, 0x62], [0x61, 0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80],
            [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x28, 0xa1]])
            expect(textLength(Uint8Array.from(bytes), true)).withContext(bytes.join(' ')).toBe(-1);
        expect(textLength(Uint8Array.from([0xf0, 0x9f, 0x98, 0x80]), false)).toBe(4);
    });

    it('gives the first lines without line ends, long lines shortened, and whether more follows', () => {
        expect(textPreview(enc('one\r\ntwo\nthree\n'), false, 5, 80)).toEqual({ lines: ['one', 'two', 'three'], more: false });
        expect(textPreview(enc('one\ntwo\nthree\n'), false, 2, 80)).toEqual({ lines: ['one', 'two'], more: true });
        expect(textPreview(enc('ab€defg'), true, 5, 4)).toEqual({ lines: ['ab€d…'], more: true });
        expect(textPreview(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), false, 5, 80)).toBeNull();
        expect(textPreview(new Uint8Array(0), false, 5, 80)).toEqual({ lines: [], more: false });
    });
});
