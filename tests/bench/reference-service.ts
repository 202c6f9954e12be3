// The reference for sigmavaultd's start-up and idle memory: the least a GJS
// system service can be. Started by D-Bus activation like sigmavaultd (the
// benchmark installs a service file pointing here), it owns
// com.sigmavault.BenchReference on the system bus and idles in a GLib main
// loop until SIGTERM. Nothing else: no modules of SigmaVault, no tools run.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

const NAME = 'com.sigmavault.BenchReference';
const loop = new GLib.MainLoop(null, false);
let exitCode = 0;

Gio.bus_own_name(Gio.BusType.SYSTEM, NAME, Gio.BusNameOwnerFlags.NONE, null, null, () => {
    printerr(`bench reference service: could not own ${NAME}`);
    exitCode = 1;
    loop.quit();
});
for (const signal of [2, 15]) {
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal, () => {
        loop.quit();
        return GLib.SOURCE_REMOVE;
    });
}
loop.run();
System.exit(exitCode);
