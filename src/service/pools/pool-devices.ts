// Pool1's device methods: Offline, Online, Replace, Attach, Detach,
// PreviewAddVdev and AddVdev. Each checks its operands' spelling, then asks
// polkit (so nobody unauthorized learns which paths exist), then checks
// them against the pool's current vdev tree and the file system, runs
// zpool with `--` before the operands (zfs-fuse's zpool accepts it for all
// of these) and audits the result. Replace and Attach return the resilver
// as a job (Scrubs follows it with the lock "resilver:POOL").
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { ErrorName } from '../../shared/dbus-names.js';
import { z } from '../../shared/vendor/zod.js';
import { audit } from '../audit.js';
import { checked, DaemonError, failed, invalidArgument, notFound, toolUnavailable } from '../errors.js';
import { resilverLock, type Scrubs } from '../jobs/scrub.js';
import type { JobManager } from '../jobs/job-manager.js';
import { OptionsSchema, parseOptionsWith } from '../options.js';
import { authorize, type Caller, callerOf } from '../polkit.js';
import { run, type ToolResult } from '../tools.js';
import { readPools, type ZfsState } from '../zfs/backend.js';
import { canAttachTo, canDetach, checkDeviceName, checkNewDevicePath, findLeaf, leaves, type LeafMatch } from '../zfs/devices.js';
import type { Pool, Vdev } from '../zfs/model.js';
import { layoutWords, MIN_DEVICES, VDEV_LAYOUTS, type VdevLayout, weakeningWarning } from '../zfs/redundancy.js';
import { checkDevices } from './devices.js';

/** How long Replace and Attach wait for zpool to refuse before they hand out the job. */
const START_WINDOW_MS = 1500;

export const POOL_DEVICE_METHODS = ['Offline', 'Online', 'Replace', 'Attach', 'Detach', 'PreviewAddVdev', 'AddVdev'] as const;
export type PoolDeviceMethod = (typeof POOL_DEVICE_METHODS)[number];

/** Offline takes "temporary", Online "expand". */
const SwitchOptions = OptionsSchema.extend({ temporary: z.boolean().optional(), expand: z.boolean().optional() }).strict();
const AddOptions = OptionsSchema.extend({ force: z.boolean().optional() }).strict();

function asString(raw: unknown, what: string): string {
    if (typeof raw !== 'string')
        throw invalidArgument(`${what} must be a string.`);
    return raw;
}

/** zpool's own first line of complaint, without its usage text. */
function complaint(r: ToolResult): string {
    return r.stderr.split('\n').map(l => l.trim())
        .filter(l => l !== '' && !/^usage:/i.test(l) && !/^Defaulting to /.test(l) && !/^invalid vdev specification$/.test(l) &&
            !/^use '-f' to override/.test(l) && !/^the following errors must be manually repaired/.test(l))
        .join(' ') || `zpool exited with status ${r.status}`;
}

/** A failed zpool command as a named error, in zpool's words with what they mean. */
export function zpoolError(what: string, r: ToolResult): DaemonError {
    const detail = complaint(r);
    if (/no such device in pool|no such pool/i.test(detail))
        return notFound(`${what}: ${detail}`);
    if (/no valid replicas/i.test(detail)) {
        return failed(`${what}: the pool would have no complete copy of its data left (${detail}). ` +
            'Bring its other devices online first.');
    }
    if (/busy|currently|in progress/i.test(detail))
        return new DaemonError(ErrorName.Busy, `${what}: ${detail}`);
    if (/too small|part of (active|exported|potentially active) pool|in use|is the same|mismatched|already|invalid|not supported|only applicable|can only attach|cannot (replace|attach)/i.test(detail))
        return invalidArgument(`${what}: ${detail}`);
    return failed(`${what}: ${detail}`);
}

function sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}

function leafList(root: Vdev): string {
    return leaves(root).map(m => m.leaf.path ?? m.leaf.name).join(', ') || 'none';
}

export class PoolDevices {
    constructor(private readonly connection: Gio.DBusConnection, private readonly jobs: JobManager,
        private readonly scrubs: Scrubs, private readonly zfs: () => ZfsState, private readonly changed: () => void) {}

    handle(method: PoolDeviceMethod, pool: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant | null> {
        switch (method) {
        case 'Offline': return this.setOnline(pool, args, inv, false);
        case 'Online': return this.setOnline(pool, args, inv, true);
        case 'Replace': return this.replace(pool, args, inv);
        case 'Attach': return this.attach(pool, args, inv);
        case 'Detach': return this.detach(pool, args, inv);
        case 'PreviewAddVdev': return this.addVdev(pool, args, inv, true);
        case 'AddVdev': return this.addVdev(pool, args, inv, false);
        }
    }

    private available(): ZfsState & { available: true } {
        const zfs = this.zfs();
        if (!zfs.available)
            throw toolUnavailable(zfs.reason || 'ZFS is not available.');
        return zfs;
    }

    private async authorized(pool: string, inv: Gio.DBusMethodInvocation, interactive: boolean): Promise<Caller> {
        const caller = await callerOf(this.connection, inv.get_sender() ?? '');
        await authorize(this.connection, caller, 'com.sigmavault.pool.manage', pool, interactive);
        return caller;
    }

    /** Every pool as ZFS reports it now, and the one named `pool`. */
    private async current(pool: string): Promise<{ pools: Pool[]; root: Vdev }> {
        const pools = await readPools(this.available());
        const root = pools.find(p => p.name === pool)?.status?.root;
        if (root === undefined)
            throw notFound(`Pool ${pool} is no longer imported.`);
        return { pools, root };
    }

    private device(pool: string, root: Vdev, device: string): LeafMatch {
        const m = findLeaf(root, device);
        if (m === null)
            throw notFound(`Pool ${pool} has no device “${device}”. Its devices are: ${leafList(root)}.`);
        return m;
    }

    /**
     * Paths that are to join a pool: block devices not mounted, or files under
     * the administrator's file-vdev roots, in no pool yet (the rule pool
     * creation follows, src/service/pools/devices.ts).
     */
    private async newDevices(pools: readonly Pool[], paths: readonly string[]): Promise<void> {
        await checkDevices(paths, pools);
    }

    private async zpool(caller: Caller, action: string, pool: string, args: string[], what: string): Promise<void> {
        const r = await run('zpool', args);
        audit({ action, sender: caller.sender, uid: caller.uid, object: pool,
            result: r.status === 0 ? 'succeeded' : 'failed', detail: `zpool ${args.join(' ')} ${r.stderr.trim()}`.trim() });
        if (r.status !== 0)
            throw zpoolError(what, r);
        this.changed();
    }

    /** zpool offline [-t] or online [-e]: the same checks, one flag each. */
    private async setOnline(pool: string, args: unknown[], inv: Gio.DBusMethodInvocation, online: boolean): Promise<null> {
        const device = checked(() => checkDeviceName(asString(args[0], 'The device')));
        const options = parseOptionsWith(SwitchOptions, args[1]);
        const flag = online ? options.expand : options.temporary;
        if ((online ? options.temporary : options.expand) !== undefined)
            throw invalidArgument(online ? 'Invalid option temporary: it is for Offline.' : 'Invalid option expand: it is for Online.');
        this.available();
        const caller = await this.authorized(pool, inv, !options['auth.no_user_interaction']);
        const { leaf } = this.device(pool, (await this.current(pool)).root, device);
        const verb = online ? 'online' : 'offline';
        await this.zpool(caller, `pool.${verb}`, pool, [verb, ...(flag ? [online ? '-e' : '-t'] : []), '--', pool, leaf.name],
            online ? `Could not bring ${device} of pool ${pool} online` : `Could not take ${device} of pool ${pool} offline`);
        return null;
    }

    private async detach(pool: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<null> {
        const device = checked(() => checkDeviceName(asString(args[0], 'The device')));
        const options = parseOptionsWith(OptionsSchema, args[1]);
        this.available();
        const caller = await this.authorized(pool, inv, !options['auth.no_user_interaction']);
        const m = this.device(pool, (await this.current(pool)).root, device);
        if (!canDetach(m)) {
            throw invalidArgument(`${device} is not a side of a mirror, so it holds data the pool cannot do without. ` +
                'Only a side of a mirror (or of a replacement in progress) can be detached; use Replace to swap this device.');
        }
        await this.zpool(caller, 'pool.detach', pool, ['detach', '--', pool, m.leaf.name],
            `Could not detach ${device} from pool ${pool}`);
        return null;
    }

    private async replace(pool: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const device = checked(() => checkDeviceName(asString(args[0], 'The device')));
        const rawNew = asString(args[1], 'The new device');
        const newPath = rawNew === '' ? '' : checked(() => checkNewDevicePath(rawNew));
        const options = parseOptionsWith(OptionsSchema, args[2]);
        this.available();
        const caller = await this.authorized(pool, inv, !options['auth.no_user_interaction']);
        const { pools, root } = await this.current(pool);
        const { leaf } = this.device(pool, root, device);
        if (newPath !== '')
            await this.newDevices(pools, [newPath]);
        const words = newPath === '' ? `${device} in place` : `${device} with ${newPath}`;
        return this.resilverJob(caller, pool, 'pool.replace', ['replace', '--', pool, leaf.name, ...(newPath ? [newPath] : [])],
            `Could not replace ${words} in pool ${pool}`, `Replacing ${words}.`);
    }

    private async attach(pool: string, args: unknown[], inv: Gio.DBusMethodInvocation): Promise<GLib.Variant> {
        const device = checked(() => checkDeviceName(asString(args[0], 'The device')));
        const newPath = checked(() => checkNewDevicePath(asString(args[1], 'The new device')));
        const options = parseOptionsWith(OptionsSchema, args[2]);
        this.available();
        const caller = await this.authorized(pool, inv, !options['auth.no_user_interaction']);
        const { pools, root } = await this.current(pool);
        const m = this.device(pool, root, device);
        if (!canAttachTo(m)) {
            throw invalidArgument(`${device} is part of a ${m.parent.type} vdev. A mirror side can be attached only ` +
                'to a single-device vdev or to a side of a mirror.');
        }
        await this.newDevices(pools, [newPath]);
        return this.resilverJob(caller, pool, 'pool.attach', ['attach', '--', pool, m.leaf.name, newPath],
            `Could not attach ${newPath} to ${device} in pool ${pool}`, `Attaching ${newPath} as a mirror of ${device}.`);
    }

    /**
     * Runs a replace or attach and returns its resilver's job. zpool's quick
     * refusals (device too small, in use) come back as errors; zfs-fuse's
     * zpool returns only when the resilver is done, so after a moment the
     * job takes over following it.
     */
    private async resilverJob(caller: Caller, pool: string, action: string, args: string[], what: string,
        description: string): Promise<GLib.Variant> {
        const wait = 'Wait until it has finished; ZFS restarts a resilver when another device is added meanwhile.';
        const running = this.jobs.holding(resilverLock(pool));
        if (running !== null)
            throw new DaemonError(ErrorName.Busy, `A resilver is already running on pool ${pool} (${running.path}). ${wait}`);
        const release = this.scrubs.reserveResilver(pool);
        if (release === null)
            throw new DaemonError(ErrorName.Busy, `Another replace or attach is starting a resilver on pool ${pool}. ${wait}`);
        const startedAt = GLib.get_real_time();
        try {
            const command = run('zpool', args).then(r => {
                audit({ action, sender: caller.sender, uid: caller.uid, object: pool,
                    result: r.status === 0 ? 'succeeded' : 'failed', detail: `zpool ${args.join(' ')} ${r.stderr.trim()}`.trim() });
                return r;
            });
            const early = await Promise.race([command, sleep(START_WINDOW_MS).then(() => null)]);
            if (early !== null && early.status !== 0)
                throw zpoolError(what, early);
            const job = this.scrubs.startResilver(pool, caller.uid ?? 0, { command, description, startedAt });
            this.changed();
            return new GLib.Variant('(o)', [job.path]);
        } finally {
            release();
        }
    }

    private async addVdev(pool: string, args: unknown[], inv: Gio.DBusMethodInvocation, preview: boolean): Promise<GLib.Variant | null> {
        const rawLayout = asString(args[0], 'The layout');
        const layout = z.enum(VDEV_LAYOUTS).safeParse(rawLayout);
        if (!layout.success)
            throw invalidArgument(`Unknown layout “${rawLayout}”. Use one of: ${VDEV_LAYOUTS.join(', ')}.`);
        const list: unknown = args[1];
        if (!Array.isArray(list))
            throw invalidArgument('The devices must be a list of paths.');
        const devices = list.map((d: unknown) => checked(() => checkNewDevicePath(asString(d, 'A device'))));
        const options = parseOptionsWith(AddOptions, args[2]);
        const kind: VdevLayout = layout.data;
        if (devices.length < MIN_DEVICES[kind])
            throw invalidArgument(`A ${kind} vdev needs at least ${MIN_DEVICES[kind]} devices; ${devices.length} given.`);
        if (kind === 'disk' && devices.length > 1)
            throw invalidArgument('A disk vdev is one device. Add several devices as a mirror or RAID-Z, or one at a time.');
        if (new Set(devices).size !== devices.length)
            throw invalidArgument('The same device is listed twice.');
        const zfs = this.available();
        if ((kind === 'special' || kind === 'dedup') && !zfs.implementation.startsWith('OpenZFS'))
            throw toolUnavailable(`${zfs.implementation} has no ${kind} vdevs; they came with OpenZFS 0.8.`);
        const caller = await this.authorized(pool, inv, !options['auth.no_user_interaction']);
        const { pools, root } = await this.current(pool);
        await this.newDevices(pools, devices);
        const warning = weakeningWarning(pool, root, kind, devices.length);
        if (preview)
            return new GLib.Variant('(s)', [warning ?? '']);
        if (warning !== null && !options.force) {
            audit({ action: 'pool.add', sender: caller.sender, uid: caller.uid, object: pool, result: 'denied',
                detail: 'the new vdev would weaken the pool\'s redundancy' });
            throw invalidArgument(`${warning} To add it anyway, set the option “force” (sigmavaultctl pool add --force).`);
        }
        const operands = ['--', pool, ...layoutWords(kind, devices.length), ...devices];
        // zpool's own checks first, without -f: a device in use anywhere is
        // refused here whatever the options. Only a mismatched replication
        // level (which the check above has judged) is then overridden.
        const dry = await run('zpool', ['add', '-n', ...operands]);
        let force = false;
        if (dry.status !== 0) {
            if (!/mismatched replication level/i.test(dry.stderr)) {
                audit({ action: 'pool.add', sender: caller.sender, uid: caller.uid, object: pool, result: 'failed',
                    detail: dry.stderr.trim() });
                throw zpoolError(`Could not add the ${kind} vdev to pool ${pool}`, dry);
            }
            force = true;
        }
        await this.zpool(caller, 'pool.add', pool, ['add', ...(force ? ['-f'] : []), ...operands],
            `Could not add the ${kind} vdev to pool ${pool}`);
        return null;
    }
}
