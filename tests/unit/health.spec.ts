import { asHealth, capacityFraction, gotWorse, severity, worstHealth } from '../../src/shared/health.js';

describe('pool health', () => {
    it('maps JSON HEALTHY to ONLINE and unknown words to UNKNOWN', () => {
        expect(asHealth('HEALTHY')).toBe('ONLINE');
        expect(asHealth('degraded')).toBe('DEGRADED');
        expect(asHealth('bogus')).toBe('UNKNOWN');
    });

    it('orders severities so that data at risk is worst', () => {
        expect(severity('ONLINE')).toBe(0);
        expect(severity('DEGRADED')).toBe(1);
        expect(severity('FAULTED')).toBe(2);
        expect(worstHealth(['ONLINE', 'DEGRADED', 'ONLINE'])).toBe('DEGRADED');
        expect(worstHealth(['DEGRADED', 'FAULTED'])).toBe('FAULTED');
        expect(worstHealth([])).toBe('ONLINE');
    });

    it('says a change is worse only when severity rises', () => {
        expect(gotWorse('ONLINE', 'DEGRADED')).toBeTrue();
        expect(gotWorse(undefined, 'DEGRADED')).toBeTrue();
        expect(gotWorse('DEGRADED', 'OFFLINE')).toBeFalse();
        expect(gotWorse('DEGRADED', 'ONLINE')).toBeFalse();
        expect(gotWorse('DEGRADED', 'UNAVAIL')).toBeTrue();
    });

    it('computes capacity and refuses a zero size', () => {
        expect(capacityFraction(25, 100)).toBe(0.25);
        expect(capacityFraction(0, 0)).toBeNull();
    });
});
