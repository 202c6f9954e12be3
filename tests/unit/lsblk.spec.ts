// lsblk --json: disks with their partitions, validated.
import { membershipOf, poolLeaves } from '../../src/service/disks/pool-membership.js';
import { LSBLK_ARGS, parseLsblk, selfAndDescendants, wholeDisks } from '../../src/service/smart/lsblk.js';
import type { Pool } from '../../src/service/zfs/model.js';
import { parseZpoolStatusJson } from '../../src/service/zfs/zpool-status-json.js';
import { readFixture } from './fixtures.js';
import { ParseError } from '../../src/service/zfs/parse-error.js';

// As util-linux 2.41 (Debian 13) prints `lsblk --json --bytes -o <columns>`
// on a small NAS: a SATA disk in a pool, an NVMe system disk, a USB disk,
// zram swap and a loop device.
const SAMPLE = `{
   "blockdevices": [
      {
         "name": "loop0", "path": "/dev/loop0", "size": 77705216, "type": "loop", "rota": false, "tran": null,
         "model": null, "serial": null, "wwn": null, "mountpoints": ["/snap/core22/1380"], "fstype": "squashfs", "partuuid": null
      },{
         "name": "sda", "path": "/dev/sda", "size": 14000519643136, "type": "disk", "rota": true, "tran": "sata",
         "model": "WDC WD140EDFZ-11A0VA0", "serial": "9RK1XXXX", "wwn": "0x5000cca28f1f1f1f", "mountpoints": [null], "fstype": null, "partuuid": null,
         "children": [
            {
               "name": "sda1", "path": "/dev/sda1", "size": 14000509157376, "type": "part", "rota": true, "tran": null,
               "model": null, "serial": null, "wwn": "0x5000cca28f1f1f1f", "mountpoints": [null], "fstype": "zfs_member",
               "partuuid": "ca1eb824-c371-491d-ac13-37637e35c683"
            },{
               "name": "sda9", "path": "/dev/sda9", "size": 8388608, "type": "part", "rota": true, "tran": null,
               "model": null, "serial": null, "wwn": "0x5000cca28f1f1f1f", "mountpoints": [null], "fstype": null,
               "partuuid": "4b8bd5e6-1c43-cd47-9b3a-1e5cf7a3d0a1"
            }
         ]
      },{
         "name": "sdb", "path": "/dev/sdb", "size": 500107862016, "type": "disk", "rota": true, "tran": "usb",
         "model": "HDS721050DLE630  ", "serial": "MSK423Y20S3HBC", "wwn": null, "mountpoints": [null], "fstype": null, "partuuid": null
      },{
         "name": "zram0", "path": "/dev/zram0", "size": 8589934592, "type": "disk", "rota": false, "tran": null,
         "model": null, "serial": null, "wwn": null, "mountpoints": ["[SWAP]"], "fstype": "swap", "partuuid": null
      },{
         "name": "nvme0n1", "path": "/dev/nvme0n1", "size": 500107862016, "type": "disk", "rota": false, "tran": "nvme",
         "model": "Samsung SSD 970 EVO 500GB", "serial": "S466NX0M776250H", "wwn": "eui.0025385781b0a5c1", "mountpoints": [null], "fstype": null, "partuuid": null,
         "children": [
            {
               "name": "nvme0n1p1", "path": "/dev/nvme0n1p1", "size": 536870912, "type": "part", "rota": false, "tran": "nvme",
               "model": null, "serial": null, "wwn": "eui.0025385781b0a5c1", "mountpoints": ["/boot/efi"], "fstype": "vfat",
               "partuuid": "0b3a6c1e-01"
            },{
               "name": "nvme0n1p2", "path": "/dev/nvme0n1p2", "size": 499569893376, "type": "part", "rota": false, "tran": "nvme",
               "model": null, "serial": null, "wwn": "eui.0025385781b0a5c1", "mountpoints": ["/"], "fstype": "ext4",
               "partuuid": "0b3a6c1e-02"
            }
         ]
      },{
         "name": "sr0", "path": "/dev/sr0", "size": 1073741312, "type": "rom", "rota": true, "tran": "sata",
         "model": "QEMU DVD-ROM", "serial": "QM00003", "wwn": null, "mountpoints": [null], "fstype": null, "partuuid": null
      }
   ]
}
`;

describe('lsblk --json parser', () => {
    it('asks lsblk for JSON with exact byte sizes and the columns it reads', () => {
        expect(LSBLK_ARGS.slice(0, 3)).toEqual(['--json', '--bytes', '-o']);
        expect(LSBLK_ARGS[3]).toBe('NAME,PATH,SIZE,TYPE,ROTA,TRAN,MODEL,SERIAL,WWN,MOUNTPOINTS,FSTYPE,PARTUUID');
    });

    it('reads disks with their partitions as a tree', () => {
        const devices = parseLsblk(SAMPLE);
        expect(devices.map(d => d.name)).toEqual(['loop0', 'sda', 'sdb', 'zram0', 'nvme0n1', 'sr0']);
        const sda = devices[1];
        expect(sda).toEqual(jasmine.objectContaining({
            path: '/dev/sda', size: 14000519643136, type: 'disk', rotational: true, transport: 'sata',
            model: 'WDC WD140EDFZ-11A0VA0', serial: '9RK1XXXX', wwn: '0x5000cca28f1f1f1f', mountpoints: [],
        }));
        expect(sda?.children.map(c => [c.name, c.fstype, c.partuuid])).toEqual([
            ['sda1', 'zfs_member', 'ca1eb824-c371-491d-ac13-37637e35c683'],
            ['sda9', null, '4b8bd5e6-1c43-cd47-9b3a-1e5cf7a3d0a1'],
        ]);
        // Padding some bridges add to the model is trimmed.
        expect(devices[2]?.model).toBe('HDS721050DLE630');
        expect(devices[4]?.children[1]?.mountpoints).toEqual(['/']);
    });

    it('keeps only whole physical disks', () => {
        expect(wholeDisks(parseLsblk(SAMPLE)).map(d => d.name)).toEqual(['sda', 'sdb', 'nvme0n1']);
    });

    it('walks a disk and its partitions', () => {
        const nvme = parseLsblk(SAMPLE)[4];
        expect(nvme ? selfAndDescendants(nvme).map(d => d.name) : []).toEqual(['nvme0n1', 'nvme0n1p1', 'nvme0n1p2']);
    });

    it('reads the older forms: numbers and flags as strings, MOUNTPOINT, no PATH', () => {
        const [d] = parseLsblk(JSON.stringify({ blockdevices: [
            { name: 'sdc', size: '2000398934016', type: 'disk', rota: '1', tran: 'sata', model: 'ST2000DM008', serial: 'ZFL1', mountpoint: null },
        ] }));
        expect(d).toEqual(jasmine.objectContaining({ path: '/dev/sdc', size: 2000398934016, rotational: true, mountpoints: [], wwn: null }));
    });

    it('reads a machine without disks', () => {
        expect(parseLsblk('{"blockdevices": []}')).toEqual([]);
    });

    it('refuses output it does not understand, saying where', () => {
        expect(() => parseLsblk('NAME MAJ:MIN')).toThrowError(ParseError, /not JSON/);
        expect(() => parseLsblk('{"devices": []}')).toThrowError(ParseError, /blockdevices/);
        expect(() => parseLsblk('{"blockdevices": [{"name": "../sda", "type": "disk"}]}')).toThrowError(ParseError, /name/);
        expect(() => parseLsblk('{"blockdevices": [{"name": "sda", "type": "disk", "size": -1}]}')).toThrowError(ParseError, /size/);
    });
});

describe('pool membership of disks', () => {
    const pools = (): Pool[] => parseZpoolStatusJson(readFixture('zfs-json/zpool-status.json')).map(status => ({
        name: status.name, guid: '1', health: status.state, size: 0, allocated: 0, free: 0, fragmentation: null, status,
    }));
    const disk = (name: string): ReturnType<typeof parseLsblk>[number] => {
        const d = parseLsblk(SAMPLE).find(x => x.name === name);
        if (!d)
            throw new Error(name);
        return d;
    };
    const leaf = (pool: string, vdev: string, ...names: string[]): ReturnType<typeof poolLeaves>[number] => ({ pool, vdev, names });

    it('finds the disk whose partition UUID a vdev names, and its group', () => {
        expect(membershipOf(disk('sda'), poolLeaves(pools()))).toEqual({ pool: 'tank', vdev: 'raidz1-0' });
        expect(membershipOf(disk('sdb'), poolLeaves(pools()))).toBeNull();
    });

    it('names the group of each leaf: its mirror, RAID-Z or class, or itself when it stands alone', () => {
        expect(poolLeaves(pools()).map(l => l.vdev)).toEqual(['raidz1-0', 'raidz1-0', 'raidz1-0', 'mirror-2', 'mirror-2', 'special']);
    });

    it('matches kernel names, device paths, by-id names with WWN or serial, and resolved symlinks', () => {
        expect(membershipOf(disk('sda'), [leaf('p', 'sda1', 'sda1')])?.vdev).toBe('sda1');
        expect(membershipOf(disk('sda'), [leaf('p', 'm', '/dev/sda')])).not.toBeNull();
        expect(membershipOf(disk('sda'), [leaf('p', 'm', '/dev/disk/by-id/wwn-0x5000cca28f1f1f1f-part1')])).not.toBeNull();
        expect(membershipOf(disk('sda'), [leaf('p', 'm', 'ata-WDC_WD140EDFZ-11A0VA0_9RK1XXXX-part1')])).not.toBeNull();
        expect(membershipOf(disk('nvme0n1'), [leaf('p', 'm', '/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_500GB_S466NX0M776250H')])).not.toBeNull();
        expect(membershipOf(disk('sdb'), [leaf('p', 'm', '/dev/disk/by-path/pci-0000:00:14.0-usb-0:2:1.0-scsi-0:0:0:0')],
            path => (path.includes('by-path') ? '/dev/sdb' : null))).not.toBeNull();
        expect(membershipOf(disk('sdb'), [leaf('p', 'm', 'ata-WDC_WD140EDFZ-11A0VA0_9RK1XXXX', '/dev/sda')])).toBeNull();
        // A file vdev (zfs-fuse tests) is nobody's disk.
        expect(membershipOf(disk('sda'), [leaf('p', 'm', '/var/tmp/sigmavault-test/tank/disk0')])).toBeNull();
    });
});
