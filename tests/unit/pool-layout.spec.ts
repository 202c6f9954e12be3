import { formatSize } from '../../src/shared/format.js';
import { dataBytes, LARGE_DISK, layoutAdvice, MIN_DEVICE_SIZE } from '../../src/service/pools/layout.js';

const G = 1e9;
const T = 1e12;
const choice = (sizes: number[], layout: string): ReturnType<typeof layoutAdvice>['choices'][number] | undefined =>
    layoutAdvice(sizes).choices.find(c => c.layout === layout);

describe('pool layout calculator', () => {
    it('computes data capacity per layout from the smallest device', () => {
        const sizes = [4 * T, 4 * T, 4 * T, 4 * T, 4 * T, 4 * T];
        expect(dataBytes('single', sizes)).toBe(24 * T);
        expect(dataBytes('mirror', sizes)).toBe(4 * T);
        expect(dataBytes('raidz1', sizes)).toBe(20 * T);
        expect(dataBytes('raidz2', sizes)).toBe(16 * T);
        expect(dataBytes('raidz3', sizes)).toBe(12 * T);
        expect(dataBytes('raidz1', [2 * T, 3 * T, 4 * T])).toBe(4 * T);
        expect(dataBytes('single', [])).toBe(0);
    });

    it('gives each choice its usable space net of ZFS’s 1/32 reserve, and its fault tolerance', () => {
        const sizes = [1 * T, 1 * T, 1 * T, 1 * T];
        const advice = layoutAdvice(sizes);
        expect(advice.choices.map(c => [c.layout, c.possible, c.faultTolerance])).toEqual([
            ['single', true, 0], ['mirror', true, 3], ['raidz1', true, 1], ['raidz2', true, 2], ['raidz3', false, 3]]);
        expect(choice(sizes, 'raidz1')?.usable).toBe(Math.floor(3 * T * 31 / 32));
        expect(choice(sizes, 'mirror')?.usable).toBe(Math.floor(T * 31 / 32));
        expect(choice(sizes, 'raidz3')).toEqual(jasmine.objectContaining({ usable: 0, reason: 'Needs at least 5 devices.' }));
        expect(choice(sizes, 'raidz2')?.summary).toContain('parity takes 2 devices’ worth of space');
        expect(choice(sizes, 'mirror')?.summary).toBe('Every device holds a full copy of the data.');
        expect(choice(sizes, 'single')?.summary).toContain('If any one fails, the whole pool is lost');
    });

    it('recommends by the number and size of the devices, and says why', () => {
        const rec = (n: number, size = 2 * T): string | null => layoutAdvice(Array.from({ length: n }, () => size)).recommended;
        expect(rec(1)).toBe('single');
        expect(rec(2)).toBe('mirror');
        expect(rec(3)).toBe('raidz1');
        expect(rec(4)).toBe('raidz1');
        expect(rec(4, LARGE_DISK)).toBe('raidz2');
        expect(rec(5)).toBe('raidz2');
        expect(rec(9)).toBe('raidz2');
        expect(rec(10)).toBe('raidz3');
        expect(layoutAdvice([T]).explanation).toContain('a mirror needs a second device');
        expect(layoutAdvice([T, T]).explanation).toContain('survives either one failing');
        expect(layoutAdvice([8 * T, 8 * T, 8 * T]).explanation).toContain('a mirror of all three survives two failures');
        expect(layoutAdvice([T, T, T]).explanation).not.toContain('mirror of all three');
        expect(layoutAdvice(Array.from({ length: 6 }, () => T)).explanation).toContain('With 6 devices, RAID-Z2 survives any two failing');
    });

    it('warns when devices differ in size, since mirrors and RAID-Z use only the smallest', () => {
        const advice = layoutAdvice([500 * G, 2 * T]);
        expect(advice.recommended).toBe('mirror');
        expect(advice.explanation).toContain(`each is used only up to ${formatSize(500 * G)}`);
        expect(advice.explanation).toContain(`${formatSize(1.5 * T)} unused`);
        expect(layoutAdvice([T, T * 1.005]).explanation).not.toContain('differ in size');
    });

    it('offers nothing for no devices or devices below ZFS’s minimum', () => {
        expect(layoutAdvice([]).recommended).toBeNull();
        expect(layoutAdvice([]).choices.every(c => !c.possible)).toBeTrue();
        const small = layoutAdvice([MIN_DEVICE_SIZE - 1, T]);
        expect(small.recommended).toBeNull();
        expect(small.explanation).toBe(`ZFS needs devices of at least ${formatSize(MIN_DEVICE_SIZE)}.`);
        expect(layoutAdvice([MIN_DEVICE_SIZE]).recommended).toBe('single');
    });
});
