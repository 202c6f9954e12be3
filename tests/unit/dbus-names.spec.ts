import { escapePathElement, poolPath } from '../../src/shared/dbus-names.js';

describe('object path escaping', () => {
    it('keeps alphanumerics and escapes everything else byte by byte', () => {
        expect(escapePathElement('tank')).toBe('tank');
        expect(escapePathElement('my-pool.1')).toBe('my_2dpool_2e1');
        expect(escapePathElement('ü')).toBe('_c3_bc');
        expect(escapePathElement('')).toBe('_');
    });

    it('builds pool paths under the daemon root', () => {
        expect(poolPath('tank')).toBe('/com/sigmavault/Daemon/pools/tank');
    });

    it('never maps two names to one path', () => {
        expect(escapePathElement('a_2d')).not.toBe(escapePathElement('a-'));
    });
});
