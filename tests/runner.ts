// A thin Jasmine runner for GJS: loads jasmine-core, runs the spec modules
// named on the command line and reports in TAP, for `meson test`.
//   gjs -m runner.js SPEC.js [SPEC.js…]
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';
import jasmineRequire from './vendor/jasmine.js';

const core = jasmineRequire.core(jasmineRequire);
const env = core.getEnv();
// Specs in a file build on each other (a pool created, then degraded).
env.configure({ random: false });
Object.assign(globalThis, jasmineRequire.interface(core, env));
core.DEFAULT_TIMEOUT_INTERVAL = Number(GLib.getenv('SIGMAVAULT_SPEC_TIMEOUT') ?? 60000);

let index = 0;
let failed = 0;

env.addReporter({
    jasmineStarted(info: jasmine.JasmineStartedInfo): void {
        print('TAP version 13');
        print(`1..${info.totalSpecsDefined}`);
    },
    specDone(result: jasmine.SpecResult): void {
        index++;
        const name = result.fullName.replace(/#/g, '\\#');
        if (result.status === 'passed') {
            print(`ok ${index} - ${name}`);
        } else if (result.status === 'pending' || result.status === 'excluded') {
            print(`ok ${index} - ${name} # SKIP ${result.pendingReason || 'pending'}`);
        } else {
            failed++;
            print(`not ok ${index} - ${name}`);
            for (const f of result.failedExpectations) {
                for (const line of `${f.message}\n${f.stack ?? ''}`.split('\n'))
                    print(`# ${line}`);
            }
        }
    },
    suiteDone(result: jasmine.SuiteResult): void {
        // A failing beforeAll/afterAll is reported on its suite, outside the
        // plan: say why, and fail the run through the exit status.
        for (const f of result.failedExpectations) {
            failed++;
            print(`# ${result.fullName}: beforeAll/afterAll failed`);
            for (const line of `${f.message}\n${f.stack ?? ''}`.split('\n'))
                print(`# ${line}`);
        }
    },
    jasmineDone(result: jasmine.JasmineDoneInfo): void {
        for (const f of result.failedExpectations) {
            failed++;
            print(`# top-level error: ${f.message}`);
        }
    },
});

const loop = new GLib.MainLoop(null, false);
let exitCode = 0;

async function main(files: string[]): Promise<void> {
    for (const file of files) {
        const uri = Gio.File.new_for_commandline_arg(file).get_uri();
        await import(uri);
    }
    await env.execute();
    exitCode = failed > 0 ? 1 : 0;
}

main(ARGV).catch((e: unknown) => {
    print(`Bail out! ${e instanceof Error ? `${e.message}\n${e.stack}` : String(e)}`);
    exitCode = 2;
}).finally(() => {
    loop.quit();
});
loop.run();
System.exit(exitCode);
