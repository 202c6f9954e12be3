import { ParseError } from '../../src/service/zfs/parse-error.js';
import { parseZpoolList, type ZpoolListColumn } from '../../src/service/zfs/zpool-list.js';

const FUSE_COLUMNS: readonly ZpoolListColumn[] = ['name', 'guid', 'health', 'size', 'allocated', 'free'];
const ALL_COLUMNS: readonly ZpoolListColumn[] = [...FUSE_COLUMNS, 'fragmentation'];

describe('zpool list parser', () => {
    it('reads zfs-fuse human sizes and keeps the guid a string', () => {
        const pools = parseZpoolList('tank\t5380443855235335121\tONLINE\t250M\t444K\t250M\n', FUSE_COLUMNS);
        expect(pools).toEqual([{
            name: 'tank',
            guid: '5380443855235335121',
            health: 'ONLINE',
            size: 250 * 1024 ** 2,
            allocated: 444 * 1024,
            free: 250 * 1024 ** 2,
            fragmentation: null,
        }]);
    });

    it('reads exact OpenZFS -p numbers, several pools and fragmentation', () => {
        const text = [
            'rpool\t12841765308123764671\tONLINE\t499289948160\t123456789\t499166491371\t3',
            'tank\t3920273586464696295\tDEGRADED\t16492674416640\t67212639846\t16425461776794\t12%',
            'old\t240630935905734902\tUNAVAIL\t-\t-\t-\t-',
            '',
        ].join('\n');
        const pools = parseZpoolList(text, ALL_COLUMNS);
        expect(pools.map(p => p.name)).toEqual(['rpool', 'tank', 'old']);
        expect(pools[0]?.guid).toBe('12841765308123764671');
        expect(pools[0]?.size).toBe(499289948160);
        expect(pools[0]?.fragmentation).toBe(3);
        expect(pools[1]?.health).toBe('DEGRADED');
        expect(pools[1]?.fragmentation).toBe(12);
        // An unavailable pool has no sizes: 0 means unknown capacity.
        expect(pools[2]).toEqual(jasmine.objectContaining({ health: 'UNAVAIL', size: 0, allocated: 0, fragmentation: null }));
    });

    it('follows the column order it is given', () => {
        const pools = parseZpoolList('ONLINE\t1K\t2K\t3K\ttank\t42', ['health', 'size', 'allocated', 'free', 'name', 'guid']);
        expect(pools[0]).toEqual(jasmine.objectContaining({ name: 'tank', guid: '42', size: 1024, free: 3072 }));
    });

    it('returns no pools for empty output', () => {
        expect(parseZpoolList('', FUSE_COLUMNS)).toEqual([]);
        expect(parseZpoolList('no pools available\n', FUSE_COLUMNS)).toEqual([]);
    });

    it('rejects malformed lines with a ParseError naming the line', () => {
        const bad = (text: string, columns = FUSE_COLUMNS): () => void => () => parseZpoolList(text, columns);
        expect(bad('tank\t5380443855235335121\tONLINE\t250M\t444K'))
            .toThrowMatching(e => e instanceof ParseError && /line 1.*expected 6 fields/.test(e.message));
        expect(bad('ok\t1\tONLINE\t1K\t1K\t1K\ntank\tnot-a-guid\tONLINE\t250M\t444K\t250M'))
            .toThrowMatching(e => e instanceof ParseError && e.line === 2 && e.message.includes('guid'));
        expect(bad('tank\t1\tONLINE\tbig\t444K\t250M')).toThrowMatching(e => e instanceof ParseError && e.message.includes('"big"'));
        expect(bad('tank\t1\t0\t1K\t1K\t1K')).toThrowError(ParseError);
        expect(bad('tank\t1\tONLINE\t1K\t1K\t1K\tlots', ALL_COLUMNS)).toThrowError(ParseError);
        expect(bad('NAME\tGUID\tHEALTH\tSIZE\tALLOC\tFREE')).toThrowError(ParseError);
        expect(bad('tank\t1\tONLINE', ['name', 'guid', 'health'])).toThrowMatching(e => e instanceof ParseError && e.message.includes('size'));
    });
});
