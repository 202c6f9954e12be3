// sigmavaultd: the only privileged SigmaVault process. Owns
// com.sigmavault.Daemon on the system bus (started by D-Bus activation).
// The name is taken only after the first look at ZFS, so the call that
// activated the service already sees the pools, as udisks does.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GLibUnix from 'gi://GLibUnix';
import System from 'system';
import { BUS_NAME } from '../shared/dbus-names.js';
import { Daemon } from './daemon.js';

Gio._promisify(Gio, 'bus_get', 'bus_get_finish');

const loop = new GLib.MainLoop(null, false);
let daemon = null as Daemon | null;
let exitCode = 0;

function fail(message: string): void {
    console.error(`sigmavaultd: ${message}`);
    exitCode = 1;
    loop.quit();
}

async function start(): Promise<void> {
    const connection = await Gio.bus_get(Gio.BusType.SYSTEM, null);
    daemon = new Daemon(connection);
    await daemon.start();
    let owned = false;
    Gio.bus_own_name_on_connection(connection, BUS_NAME, Gio.BusNameOwnerFlags.NONE, () => {
        owned = true;
    }, () => {
        if (owned) {
            console.log(`sigmavaultd: lost ${BUS_NAME} (the system bus went away); exiting`);
            loop.quit();
        } else {
            fail(`could not own ${BUS_NAME} on the system bus (is another instance running, and is the D-Bus policy installed?)`);
        }
    });
}

for (const signal of [2, 15]) {
    GLibUnix.signal_add_full(GLib.PRIORITY_HIGH, signal, () => {
        loop.quit();
        return GLib.SOURCE_REMOVE;
    });
}

start().catch((e: unknown) => {
    fail(`start-up failed: ${e instanceof Error ? e.message : String(e)}`);
});
loop.run();
daemon?.stop();
System.exit(exitCode);
