import { ParseError } from '../../src/service/zfs/parse-error.js';
import { formatSize, parseCount, parseSize } from '../../src/service/zfs/units.js';

describe('ZFS units', () => {
    it('reads human sizes with binary units', () => {
        expect(parseSize('250M')).toBe(250 * 1024 ** 2);
        expect(parseSize('444K')).toBe(444 * 1024);
        expect(parseSize('0B')).toBe(0);
        expect(parseSize('62.6G')).toBe(Math.round(62.6 * 1024 ** 3));
        expect(parseSize('3.64T')).toBe(Math.round(3.64 * 1024 ** 4));
        expect(parseSize('1.5P')).toBe(1.5 * 1024 ** 5);
    });

    it('reads exact -p numbers and treats "-" as unknown', () => {
        expect(parseSize('262144000')).toBe(262144000);
        expect(parseSize(' 454656\n')).toBe(454656);
        expect(parseSize('-')).toBeNull();
    });

    it('reads abbreviated error counters', () => {
        expect(parseCount('0')).toBe(0);
        expect(parseCount('4')).toBe(4);
        expect(parseCount('1.2K')).toBe(1229);
        expect(parseCount('3M')).toBe(3 * 1024 ** 2);
    });

    it('throws a ParseError that quotes the bad value', () => {
        expect(() => parseSize('12%')).toThrowMatching(e => e instanceof ParseError && e.message.includes('"12%"'));
        expect(() => parseSize('')).toThrowError(ParseError);
        expect(() => parseSize('1.2.3G')).toThrowError(ParseError);
        expect(() => parseCount('-')).toThrowError(ParseError);
        expect(() => parseCount('-1')).toThrowError(ParseError);
    });

    it('formats sizes back the way zfs does', () => {
        expect(formatSize(0)).toBe('0B');
        expect(formatSize(1536)).toBe('1.5K');
        expect(formatSize(250 * 1024 ** 2)).toBe('250M');
        expect(parseSize(formatSize(444 * 1024))).toBe(444 * 1024);
    });
});
