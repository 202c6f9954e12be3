// What clients read from the pool lifecycle methods of Manager1
// (data/dbus/com.sigmavault.Manager1.xml), validated, and the calls
// themselves, for the app, the CLI and the tests.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { BUS_NAME, MANAGER_IFACE, MANAGER_PATH } from './dbus-names.js';
import { LAYOUT_NAMES, type LayoutName } from './pool-layouts.js';
import { z } from './vendor/zod.js';

Gio._promisify(Gio.DBusConnection.prototype, 'call', 'call_finish');

/** Long enough for a person to answer polkit's password prompt. */
export const AUTH_TIMEOUT_MS = 5 * 60 * 1000;

const u64 = z.union([z.number(), z.bigint()]).transform(v => Number(v));


const LayoutReplySchema = z.tuple([
    z.array(z.tuple([z.enum(LAYOUT_NAMES), z.boolean(), u64, z.number(), z.string(), z.string()])),
    z.array(z.tuple([z.string(), u64])),
    z.union([z.enum(LAYOUT_NAMES), z.literal('')]),
    z.string(),
]).transform(([choices, sizes, recommended, explanation]) => ({
    choices: choices.map(([layout, possible, usable, faultTolerance, summary, reason]) =>
        ({ layout, possible, usable, faultTolerance, summary, reason })),
    devices: sizes.map(([path, size]) => ({ path, size })),
    recommended: recommended === '' ? null : recommended,
    explanation,
}));
export type LayoutChoices = z.output<typeof LayoutReplySchema>;
export type LayoutChoiceInfo = LayoutChoices['choices'][number];

const ImportableSchema = z.tuple([z.string(), z.string().regex(/^[0-9]+$/), z.string(), z.string(), z.string(), z.boolean(),
    z.boolean(), z.array(z.tuple([z.number(), z.string(), z.string(), z.string()]))])
    .transform(([name, guid, state, status, action, importable, needsForce, devices]) => ({
        name, guid, state, status, action, importable, needsForce,
        devices: devices.map(([depth, devName, devState, note]) => ({ depth, name: devName, state: devState, note })),
    }));
export type ImportableInfo = z.output<typeof ImportableSchema>;

async function callManager(bus: Gio.DBusConnection, method: string, args: GLib.Variant, interactive = false): Promise<unknown> {
    const reply = await bus.call(BUS_NAME, MANAGER_PATH, MANAGER_IFACE, method, args, null,
        interactive ? Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION : Gio.DBusCallFlags.NONE,
        interactive ? AUTH_TIMEOUT_MS : 60000, null);
    return reply.recursiveUnpack();
}

export async function getLayoutChoices(bus: Gio.DBusConnection, devices: readonly string[]): Promise<LayoutChoices> {
    return LayoutReplySchema.parse(await callManager(bus, 'GetLayoutChoices', new GLib.Variant('(asa{sv})', [[...devices], {}])));
}

export async function listFileDevices(bus: Gio.DBusConnection): Promise<{ path: string; size: number }[]> {
    const [files] = z.tuple([z.array(z.tuple([z.string(), u64]))])
        .parse(await callManager(bus, 'ListFileDevices', new GLib.Variant('(a{sv})', [{}])));
    return files.map(([path, size]) => ({ path, size }));
}

export async function listImportable(bus: Gio.DBusConnection, searchDirs: readonly string[] = []): Promise<ImportableInfo[]> {
    const options: Record<string, GLib.Variant> = {};
    if (searchDirs.length > 0)
        options['search-dirs'] = new GLib.Variant('as', [...searchDirs]);
    const [pools] = z.tuple([z.array(ImportableSchema)])
        .parse(await callManager(bus, 'ListImportablePools', new GLib.Variant('(a{sv})', [options])));
    return pools;
}

export interface CreateRequest {
    readonly name: string;
    readonly layout: LayoutName;
    readonly devices: readonly string[];
    readonly ashift?: number;
    readonly compression?: string;
}

/** Starts creating a pool; returns the job's path. Asks polkit interactively. */
export async function createPool(bus: Gio.DBusConnection, r: CreateRequest): Promise<string> {
    const options: Record<string, GLib.Variant> = {};
    if (r.ashift !== undefined)
        options.ashift = new GLib.Variant('i', r.ashift);
    if (r.compression !== undefined)
        options.compression = new GLib.Variant('s', r.compression);
    const [job] = z.tuple([z.string()]).parse(await callManager(bus, 'CreatePool',
        new GLib.Variant('(ssasa{sv})', [r.name, r.layout, [...r.devices], options]), true));
    return job;
}

export interface ImportRequest {
    readonly pool: string;
    readonly searchDirs?: readonly string[];
    readonly force?: boolean;
    readonly newName?: string;
}

export async function importPool(bus: Gio.DBusConnection, r: ImportRequest): Promise<string> {
    const options: Record<string, GLib.Variant> = {};
    if (r.searchDirs !== undefined && r.searchDirs.length > 0)
        options['search-dirs'] = new GLib.Variant('as', [...r.searchDirs]);
    if (r.force === true)
        options.force = new GLib.Variant('b', true);
    if (r.newName !== undefined)
        options['new-name'] = new GLib.Variant('s', r.newName);
    const [job] = z.tuple([z.string()]).parse(await callManager(bus, 'ImportPool', new GLib.Variant('(sa{sv})', [r.pool, options]), true));
    return job;
}
