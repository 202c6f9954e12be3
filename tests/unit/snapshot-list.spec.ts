// SnapshotList: what it reads from ZFS when the names change, and how the
// background re-read revises `used` without changing the names the daemon
// knows. The reader here is an in-memory table standing for zfs; the real
// reads are covered by the datasets integration spec and `make bench`.
import { SnapshotList, type SnapshotReader } from '../../src/service/datasets/snapshot-list.js';
import GLib from 'gi://GLib';
import { SnapshotCache, type SnapshotStore } from '../../src/service/datasets/snapshot-cache.js';
import type { Snapshot } from '../../src/service/zfs/dataset-model.js';

function snap(short: string, txg: number, used = 100): Snapshot {
    return { name: `tank/photos@${short}`, dataset: 'tank/photos', snapshot: short, createtxg: txg,
        creation: 1_700_000_000 + txg, used, referenced: 4096, userrefs: 0 };
}

/** A pretend zfs: the table it lists, and a log of what was asked. */
class Table implements SnapshotReader {
    rows: Snapshot[] = [];
    readonly asked: string[] = [];

    all(): Promise<Snapshot[]> {
        this.asked.push('all');
        return Promise.resolve(this.rows.map(r => ({ ...r })));
    }

    some(names: readonly string[]): Promise<Snapshot[]> {
        this.asked.push(`some ${names.join(',')}`);
        return Promise.resolve(this.rows.filter(r => names.includes(r.snapshot)).map(r => ({ ...r })));
    }
}

/** Lets queued promise callbacks (the background re-read) run. */
async function drain(): Promise<void> {
    for (let i = 0; i < 20; i++)
        await Promise.resolve();
}

describe('SnapshotList', () => {
    let table: Table;
    let revised: number;
    let list: SnapshotList;
    const names = (): string[] => table.rows.map(r => r.snapshot);

    beforeEach(() => {
        table = new Table();
        table.rows = [snap('a', 10), snap('b', 20), snap('c', 30)];
        revised = 0;
        list = new SnapshotList(table, () => {
            revised++;
        });
    });

    it('reads everything the first time and nothing while the names stay', async () => {
        expect((await list.get(names())).map(s => s.snapshot)).toEqual(['a', 'b', 'c']);
        await list.get(names());
        await drain();
        expect(table.asked).toEqual(['all']);
        expect(revised).toBe(0);
    });

    it('reads only a new snapshot by name, answers, then re-reads the rest in the background', async () => {
        await list.get(names());
        table.rows.push(snap('d', 40));
        table.rows[2] = snap('c', 30, 999); // d's arrival moved c's unique space
        const answer = await list.get(names());
        expect(answer.map(s => s.snapshot)).toEqual(['a', 'b', 'c', 'd']);
        expect(answer[2]?.used).toBe(100); // not yet known
        expect(table.asked.slice(0, 2)).toEqual(['all', 'some d']);
        await drain();
        expect(table.asked).toEqual(['all', 'some d', 'all']);
        expect(revised).toBe(1);
        expect((await list.get(names()))[2]?.used).toBe(999);
    });

    it('drops destroyed snapshots without reading them, and keeps zfs order by createtxg', async () => {
        await list.get(names());
        table.rows = [snap('a', 10), snap('c', 30), snap('early', 15)].sort((x, y) => x.createtxg - y.createtxg);
        expect((await list.get(names())).map(s => s.snapshot)).toEqual(['a', 'early', 'c']);
        expect(table.asked[1]).toBe('some early');
    });

    it('re-reads a snapshot it was told of (a hold) on the next get', async () => {
        await list.get(names());
        table.rows[1] = { ...snap('b', 20), userrefs: 1 };
        list.forget(['b']);
        expect((await list.get(names()))[1]?.userrefs).toBe(1);
        expect(table.asked).toContain('some b');
    });

    it('reads everything again past a thousand new names', async () => {
        await list.get(names());
        for (let i = 0; i < 1001; i++)
            table.rows.push(snap(`n${i}`, 100 + i));
        expect((await list.get(names())).length).toBe(1004);
        expect(table.asked).toEqual(['all', 'all']);
    });

    it('keeps the names the daemon knows when the background read sees more', async () => {
        await list.get(names());
        const known = [...names(), 'd'];
        table.rows.push(snap('d', 40));
        await list.get(known);
        table.rows.push(snap('outside', 50)); // taken outside SigmaVault, not yet in the daemon's names
        await drain();
        expect((await list.get(known)).map(s => s.snapshot)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('reports nothing after the dataset went', async () => {
        await list.get(names());
        table.rows.push(snap('d', 40, 5));
        table.rows[0] = snap('a', 10, 7);
        await list.get(names());
        list.dispose();
        await drain();
        expect(revised).toBe(0);
    });
    describe('with the last full read kept on disk', () => {
        /** A pretend cache file: what was saved last. */
        class Shelf implements SnapshotStore {
            saved: Snapshot[] | null = null;
            load(): Snapshot[] | null {
                return this.saved === null ? null : this.saved.map(r => ({ ...r }));
            }
            save(snapshots: readonly Snapshot[]): void {
                this.saved = snapshots.map(r => ({ ...r }));
            }
        }
        let shelf: Shelf;

        beforeEach(() => {
            shelf = new Shelf();
            list = new SnapshotList(table, () => {
                revised++;
            }, shelf);
        });

        it('keeps each full read', async () => {
            await list.get(names());
            expect(shelf.saved?.map(s => s.snapshot)).toEqual(['a', 'b', 'c']);
        });

        it('answers a new list (after a restart) from the kept read, reading by name only what is new, then re-reads it all', async () => {
            shelf.saved = [snap('a', 10, 7), snap('b', 20), snap('gone', 25), snap('c', 30)];
            table.rows = [snap('a', 10, 100), snap('b', 20), snap('c', 30), snap('d', 40)];
            const first = await list.get(names());
            // 'a' as kept (used 7) until the re-read; 'gone' is no longer named; 'd' read by name.
            expect(first.map(s => [s.snapshot, s.used])).toEqual([['a', 7], ['b', 100], ['c', 100], ['d', 100]]);
            expect(table.asked[0]).toBe('some d');
            await drain();
            expect(table.asked).toEqual(['some d', 'all']);
            expect(revised).toBe(1);
            expect((await list.get(names())).map(s => [s.snapshot, s.used])).toEqual([['a', 100], ['b', 100], ['c', 100], ['d', 100]]);
            expect(shelf.saved?.map(s => s.snapshot)).toEqual(['a', 'b', 'c', 'd']);
        });

        it('re-reads at once even when the kept read matches the names', async () => {
            shelf.saved = table.rows.map(r => ({ ...r, userrefs: 1 }));
            expect((await list.get(names())).every(s => s.userrefs === 1)).toBeTrue();
            await drain();
            expect(table.asked).toEqual(['all']);
            expect(revised).toBe(1);
            expect((await list.get(names())).every(s => s.userrefs === 0)).toBeTrue();
        });
    });
});

describe('SnapshotCache', () => {
    let dir: string;

    beforeEach(() => {
        dir = GLib.dir_make_tmp('snapshot-cache-XXXXXX');
    });

    afterEach(() => {
        for (const sub of [`${dir}/cache`, dir]) {
            if (!GLib.file_test(sub, GLib.FileTest.IS_DIR))
                continue;
            for (const name of listDir(sub))
                GLib.unlink(`${sub}/${name}`);
            GLib.rmdir(sub);
        }
    });

    it('gives back what it kept, per dataset, and nothing once removed', () => {
        const cache = new SnapshotCache(`${dir}/cache`);
        const rows = [snap('a', 10), snap('b', 20)];
        cache.of('tank/photos').save(rows);
        expect(cache.of('tank/photos').load()).toEqual(rows);
        expect(cache.of('tank/other').load()).toBeNull();
        cache.remove('tank/photos');
        expect(cache.of('tank/photos').load()).toBeNull();
    });

    it('ignores a damaged file or one whose rows are not of the dataset', () => {
        const cache = new SnapshotCache(dir);
        cache.of('tank/photos').save([snap('a', 10)]);
        const [file] = listDir(dir);
        GLib.file_set_contents(`${dir}/${file ?? ''}`, '{"version": 1, "dataset": "tank/photos", "snapshots": [{"name": 3}]}');
        expect(cache.of('tank/photos').load()).toBeNull();
        GLib.file_set_contents(`${dir}/${file ?? ''}`, JSON.stringify({ version: 1, dataset: 'tank/photos',
            snapshots: [{ ...snap('a', 10), dataset: 'tank/else', name: 'tank/else@a' }] }));
        expect(cache.of('tank/photos').load()).toBeNull();
        GLib.file_set_contents(`${dir}/${file ?? ''}`, 'not json');
        expect(cache.of('tank/photos').load()).toBeNull();
    });
});

function listDir(path: string): string[] {
    const d = GLib.Dir.open(path, 0);
    const out: string[] = [];
    for (let n = d.read_name(); n !== null; n = d.read_name())
        out.push(n);
    d.close();
    return out;
}

