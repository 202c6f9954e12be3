import type { Vdev } from '../../src/service/zfs/model.js';
import { ParseError } from '../../src/service/zfs/parse-error.js';
import { parseZpoolStatusJson, parseZpoolStatusJsonGuids } from '../../src/service/zfs/zpool-status-json.js';
import { readFixture } from './fixtures.js';

function child(vdev: Vdev, name: string): Vdev {
    const found = vdev.children.find(c => c.name === name);
    if (found === undefined)
        throw new Error(`${vdev.name} has no child ${name}; it has ${vdev.children.map(c => c.name).join(', ')}`);
    return found;
}

/** What `--json-int` changes for us: every all-digit string value becomes a bare JSON number. */
function asJsonInt(text: string): string {
    return text.replace(/: "([0-9]+)"/g, ': $1');
}

const FIXTURE = 'zfs-json/zpool-status.json';

describe('zpool status JSON parser', () => {
    it('reads the OpenZFS man page example: raidz1-0 of three disks', () => {
        const pools = parseZpoolStatusJson(readFixture(FIXTURE));
        expect(pools.map(p => p.name)).toEqual(['tank']);
        const pool = pools[0];
        if (pool === undefined)
            return;
        expect(pool.state).toBe('ONLINE');
        expect(pool.status).toBe('');
        expect(pool.errors).toBe('No known data errors');
        expect(pool.root).toEqual(jasmine.objectContaining({ name: 'tank', type: 'root', state: 'ONLINE' }));
        expect(pool.root.children.map(c => `${c.name} ${c.type}`)).toEqual(['raidz1-0 raidz1', 'dedup dedup', 'special special']);
        const raidz = child(pool.root, 'raidz1-0');
        expect(raidz.state).toBe('ONLINE'); // "HEALTHY" in JSON
        expect(raidz.children.length).toBe(3);
        expect(raidz.children.every(d => d.type === 'disk' && d.state === 'ONLINE' && d.readErrors === 0)).toBeTrue();
        expect(child(raidz, 'ca1eb824-c371-491d-ac13-37637e35c683').path)
            .toBe('/dev/disk/by-partuuid/ca1eb824-c371-491d-ac13-37637e35c683');
    });

    it('puts the dedup mirror and the special disk under the root as classes', () => {
        const [pool] = parseZpoolStatusJson(readFixture(FIXTURE));
        const dedup = child(pool?.root ?? ({} as Vdev), 'dedup');
        expect(dedup.children.map(c => `${c.name} ${c.type} ${c.state}`)).toEqual(['mirror-2 mirror ONLINE']);
        expect(dedup.children[0]?.children.map(c => c.name)).toEqual([
            'db017360-d8e9-4163-961b-144ca75293a3', '952c3baf-b08a-4a8c-b7fa-33a07af5fe6f',
        ]);
        const special = child(pool?.root ?? ({} as Vdev), 'special');
        expect(special.state).toBe('ONLINE');
        expect(special.children.map(c => `${c.name} ${c.type}`)).toEqual(['25d418f8-92bd-4327-b59f-7ef5d5f50d81 disk']);
    });

    it('keeps the pool guid exact', () => {
        expect(parseZpoolStatusJsonGuids(readFixture(FIXTURE))).toEqual(new Map([['tank', '3920273586464696295']]));
    });

    it('reads --json-int numbers and keeps 64-bit guids exact', () => {
        const text = asJsonInt(readFixture(FIXTURE))
            .replace('"guid": 3920273586464696295', '"pool_guid": 12841765308123764671')
            .replace('"write_errors": 0', '"write_errors": 7');
        expect(text).toContain('"read_errors": 0');
        // The trap this guards against: a bare 64-bit number does not survive JSON.parse.
        expect(String(JSON.parse('12841765308123764671'))).not.toBe('12841765308123764671');
        expect(parseZpoolStatusJsonGuids(text).get('tank')).toBe('12841765308123764671');
        const [pool] = parseZpoolStatusJson(text);
        expect(pool?.root.writeErrors).toBe(7);
        expect(pool?.errors).toBe('No known data errors');
        expect(pool?.root.children.map(c => c.type)).toEqual(['raidz1', 'dedup', 'special']);
    });

    it('reads released 2.3 fields: status text, scan_stats, spares, l2cache, logs, raidz2', () => {
        const doc = {
            output_version: { command: 'zpool status', vers_major: 0, vers_minor: 1 },
            pools: {
                p: {
                    name: 'p', state: 'DEGRADED', pool_guid: '1',
                    status: 'One or more devices has experienced an unrecoverable error.  An\n\tattempt was made to correct the error.\n',
                    action: 'Determine if the device needs to be replaced.\n',
                    scan_stats: { function: 'SCRUB', state: 'FINISHED', end_time: 'Wed Jan  7 03:42:23 PM PST 2026', errors: '0' },
                    vdevs: {
                        p: {
                            name: 'p', vdev_type: 'root', state: 'DEGRADED', read_errors: '0', write_errors: '0', checksum_errors: '0',
                            vdevs: {
                                'raidz2-0': {
                                    name: 'raidz2-0', vdev_type: 'raidz', nparity: '2', state: 'DEGRADED',
                                    vdevs: { sda: { name: 'sda', vdev_type: 'disk', path: '/dev/sda1', state: 'FAULTED', checksum_errors: '1.2K' } },
                                },
                            },
                        },
                    },
                    logs: { sdl: { name: 'sdl', vdev_type: 'disk', state: 'ONLINE' } },
                    l2cache: { sdm: { name: 'sdm', vdev_type: 'disk', state: 'ONLINE' } },
                    spares: { sdn: { name: 'sdn', vdev_type: 'disk', state: 'AVAIL' } },
                    error_count: '3',
                },
            },
        };
        const [pool] = parseZpoolStatusJson(JSON.stringify(doc));
        expect(pool?.state).toBe('DEGRADED');
        expect(pool?.status).toBe('One or more devices has experienced an unrecoverable error.  An attempt was made to correct the error.');
        expect(pool?.action).toBe('Determine if the device needs to be replaced.');
        expect(pool?.scan).toBe('scrub finished on Wed Jan  7 03:42:23 PM PST 2026 with 0 errors');
        expect(pool?.errors).toBe("3 data errors, use '-v' for a list");
        expect(pool?.root.children.map(c => `${c.name} ${c.type} ${c.state}`)).toEqual([
            'raidz2-0 raidz2 DEGRADED', 'logs logs ONLINE', 'cache cache ONLINE', 'spares spares ONLINE',
        ]);
        const sda = pool?.root.children[0]?.children[0];
        expect(sda).toEqual(jasmine.objectContaining({ state: 'FAULTED', path: '/dev/sda1', checksumErrors: 1229 }));
    });

    it('summarises a running scan from --json-int numbers', () => {
        const doc = readFixture(FIXTURE).replace('"status": "OK",',
            '"status": "OK", "scan_stats": {"function": "RESILVER", "state": "SCANNING", "start_time": 0, ' +
            '"examined": 1073741824, "to_examine": 4398046511104},');
        expect(parseZpoolStatusJson(doc)[0]?.scan).toBe('resilver in progress since 1970-01-01T00:00:00.000Z, 1G of 4T examined');
    });

    it('rejects malformed documents with a ParseError, never partial data', () => {
        const good = readFixture(FIXTURE);
        const cases: [string, RegExp][] = [
            ['', /not valid JSON/],
            ['{"pools": ', /not valid JSON/],
            ['[]', /unexpected document/],
            ['{"output_version": {"command": "zfs list"}, "pools": {}}', /output_version\.command/],
            [good.replace('"vdevs": {\n        "tank": {', '"vdevs": {\n        "other": {},\n        "x": {'), /unexpected document/],
            [good.replace('"vdevs": {\n        "tank": {', '"vdevs": {\n        "raidz1-0": {"name": "raidz1-0"},\n        "tank": {'),
                /without --json-flat-vdevs/],
            [good.replace('"vdevs": {\n        "tank": {', '"vdevs": {\n        "tonk": {'), /no root vdev/],
            [good.replace('"read_errors": "0"', '"read_errors": "many"'), /read_errors should be a count, got "many"/],
            [good.replace('"guid": "3920273586464696295"', '"guid": "39x"'), /guid/],
            [good.replace('"name": "tank",\n      "state"', '"name": "tank",\n      "nostate"'), /pools\.tank\.state/],
        ];
        for (const [text, message] of cases) {
            expect(() => parseZpoolStatusJson(text))
                .withContext(text.slice(0, 60))
                .toThrowMatching(e => e instanceof ParseError && message.test(e.message));
        }
    });
});
