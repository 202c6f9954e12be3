// sigmavault-settings: the SigmaVault Settings app.
import 'gi://Gtk?version=4.0';
import 'gi://Adw?version=1';
import System from 'system';
import { Application } from './application.js';

const app = new Application();
const status = app.runAsync([System.programInvocationName, ...ARGV]);
status.then(code => {
    System.exit(code);
}).catch((e: unknown) => {
    logError(e);
    System.exit(1);
});
