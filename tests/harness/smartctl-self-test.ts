// The self-test half of the smartctl stand-in (tests/harness/disk-stand-ins.ts
// runs it as `gjs -m smartctl-self-test.js DIR ARGS…` once a device's
// self-test state is touched). It answers `-t TYPE`, `-X` and reads
// (`-c -l selftest`, `--all`) across calls the way smartctl does on an ATA
// drive, from the recorded documents only:
//
// - The first state of a device is its recording (smart-ata.json: a short
//   test in progress with 10% left; smart-fail2.json: idle).
// - A started test reports "in progress, 90% remaining" (value 0xF9), the
//   form of the recorded 0xF1 "in progress, 10% remaining", and each read
//   takes 10% off (ATA reports the rest in tens of percent) unless a file
//   hold-<name> holds it there, as a long test on a real disk would for hours.
// - A test that ends gets a log entry in the recording's own form, newest
//   first, the oldest of the 21 dropped (both recordings hold 21), with the
//   lifetime hours the drive would write (power-on hours, 16 bits, as the
//   recorded sdb log shows by wrapping from 65530 to 4). It passes with the
//   recorded "Completed without error" entry and status-register value 0,
//   unless the recorded log has a failed test of the same type: then it
//   fails the same way (sdb's three extended tests all stopped with
//   "Completed: read failure" at 90% left, near LBA 104870168; a new long
//   test on that disk does too, at the most recent one's LBA).
// - `-X` aborts a running test. No recording shows an abort, so its entry
//   uses the ATA code (0x1N, "aborted by the host", N tens of percent left)
//   with smartctl's wording from its text output; SigmaVault judges the
//   code, not the words. The same holds for the status-register wording of a
//   failed test, which the recordings have only as a log entry.
// - A running test refuses a second `-t` with smartctl's message and
//   exit status 4; a device with no ATA self-test data (the NVMe
//   recording, from smartctl 7.0) refuses `-t` as having no recording.
import GLib from 'gi://GLib';
import System from 'system';

type Json = Record<string, unknown>;
interface Test { type: 'short' | 'long' | 'conveyance'; remaining: number }
interface State { doc: Json; test: Test | null }
interface Recording { file: string; exit: number }

const LOG_SIZE = 21;
const TYPE_CODES = { short: 1, long: 2, conveyance: 3 } as const;
const TYPE_NAMES = { short: 'Short offline', long: 'Extended offline', conveyance: 'Conveyance offline' } as const;
const COMMAND_NAMES = { short: 'Short', long: 'Extended', conveyance: 'Conveyance' } as const;

const decoder = new TextDecoder();
const read = (path: string): string => decoder.decode(GLib.file_get_contents(path)[1]);
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? v as Json : {});

function out(text: string, status: number): never {
    print(text);
    System.exit(status);
    throw new Error('unreachable');
}

const [dir = '', ...args] = ARGV;
const device = args.at(-1) ?? '';
const name = device.replace(/^\/dev\//, '');
const recordings = JSON.parse(read(`${dir}/recordings.json`)) as Record<string, Recording>;
const recording = recordings[device];
if (recording === undefined) {
    printerr(`stand-in smartctl: no recording for ${device}`);
    System.exit(2);
}
const rec: Recording = recording;
const stateFile = `${dir}/selftest-${name}.json`;

function load(): State {
    if (GLib.file_test(stateFile, GLib.FileTest.EXISTS))
        return JSON.parse(read(stateFile)) as State;
    const doc = JSON.parse(read(rec.file)) as Json;
    const status = obj(obj(obj(doc.ata_smart_data).self_test).status);
    const value = typeof status.value === 'number' ? status.value : 0;
    // PROVENANCE.md names the recorded test in progress on smart-ata.json a short one.
    const test: Test | null = value >> 4 === 0xf
        ? { type: 'short', remaining: typeof status.remaining_percent === 'number' ? status.remaining_percent : (value & 0xf) * 10 }
        : null;
    return { doc, test };
}

function save(state: State): void {
    GLib.file_set_contents(stateFile, JSON.stringify(state));
}

const selfTestData = (doc: Json): Json => obj(obj(doc.ata_smart_data).self_test);
const logTable = (doc: Json): Json[] => {
    const table = obj(obj(doc.ata_smart_self_test_log).standard).table;
    return Array.isArray(table) ? table as Json[] : [];
};

function setStatus(doc: Json, status: Json): void {
    selfTestData(doc).status = status;
}

function addEntry(doc: Json, type: Test['type'], status: Json, lba: number | null): void {
    const hours = Number(obj(doc.power_on_time).hours ?? 0) & 0xffff;
    const entry: Json = { type: { value: TYPE_CODES[type], string: TYPE_NAMES[type] }, status, lifetime_hours: hours };
    if (lba !== null)
        entry.lba = lba;
    const standard = obj(obj(doc.ata_smart_self_test_log).standard);
    standard.table = [entry, ...logTable(doc)].slice(0, LOG_SIZE);
    if (status.passed === false)
        standard.error_count_total = Number(standard.error_count_total ?? 0) + 1;
}

/** The recorded failure a new test of this type repeats, if the log has one. */
function recordedFailure(doc: Json, type: Test['type']): Json | null {
    return logTable(doc).find(e => obj(e.type).value === TYPE_CODES[type] && obj(e.status).passed === false) ?? null;
}

function advance(state: State): void {
    const test = state.test;
    if (test === null || GLib.file_test(`${dir}/hold-${name}`, GLib.FileTest.EXISTS))
        return;
    const failure = recordedFailure(state.doc, test.type);
    const failAt = failure === null ? null : Number(obj(failure.status).remaining_percent ?? 0);
    if (failure !== null && failAt !== null && test.remaining <= failAt) {
        const status = obj(failure.status);
        setStatus(state.doc, { value: status.value, string: 'the read element of the test failed',
            remaining_percent: failAt, passed: false });
        addEntry(state.doc, test.type, { ...status }, typeof failure.lba === 'number' ? failure.lba : null);
        state.test = null;
        return;
    }
    test.remaining -= 10;
    if (test.remaining > 0) {
        setStatus(state.doc, { value: 0xf0 | (test.remaining / 10), string: `in progress, ${test.remaining}% remaining`,
            remaining_percent: test.remaining });
        return;
    }
    setStatus(state.doc, { value: 0, string: 'completed without error', passed: true });
    addEntry(state.doc, test.type, { value: 0, string: 'Completed without error', passed: true }, null);
    state.test = null;
}

function document(state: State, full: boolean, exit: number): string {
    const d = state.doc;
    const smartctl = { ...obj(d.smartctl), argv: ['smartctl', ...args], exit_status: exit };
    if (full)
        return JSON.stringify({ ...d, smartctl }, null, 2);
    // -c -l selftest: the capabilities and the self-test log only.
    const keys = ['json_format_version', 'device', 'ata_smart_data', 'ata_smart_self_test_log', 'power_on_time'];
    const part: Json = { smartctl };
    for (const k of keys) {
        if (k in d)
            part[k] = d[k];
    }
    return JSON.stringify(part, null, 2);
}

const state = load();
const has = (flag: string): boolean => args.includes(flag);
const hasData = state.doc.ata_smart_data !== undefined;

if (has('-t')) {
    const requested = args[args.indexOf('-t') + 1] ?? '';
    if (!hasData) {
        printerr(`stand-in smartctl: no recording of a self-test on ${device}`);
        System.exit(4);
    }
    if (state.test !== null) {
        out(`Can't start self-test without aborting current test (${state.test.remaining}% remaining),\n` +
            'add \'-t force\' option to override, or run \'smartctl -X\' to abort test.', 4);
    }
    const caps = obj(obj(state.doc.ata_smart_data).capabilities);
    if (!(requested in TYPE_CODES))
        out(`=======> INVALID ARGUMENT TO -t: ${requested}`, 1);
    const type = requested as Test['type'];
    if (type === 'conveyance' && caps.conveyance_self_test_supported !== true)
        out('Warning: device does not support Conveyance Self-Tests', 4);
    state.test = { type, remaining: 90 };
    setStatus(state.doc, { value: 0xf9, string: 'in progress, 90% remaining', remaining_percent: 90 });
    save(state);
    const command = `Execute SMART ${COMMAND_NAMES[type]} self-test routine immediately in off-line mode`;
    const minutes = Number(obj(selfTestData(state.doc).polling_minutes)[type === 'long' ? 'extended' : type] ?? 0);
    out(['=== START OF OFFLINE IMMEDIATE AND SELF-TEST SECTION ===', `Sending command: "${command}".`,
        `Drive command "${command}" successful.`, 'Testing has begun.',
        `Please wait ${minutes} minutes for test to complete.`, 'Use smartctl -X to abort test.'].join('\n'), 0);
}

if (has('-X')) {
    const test = state.test;
    if (test !== null) {
        const value = 0x10 | (test.remaining / 10);
        setStatus(state.doc, { value, string: 'was aborted by the host' });
        addEntry(state.doc, test.type, { value, string: 'Aborted by host', remaining_percent: test.remaining }, null);
        state.test = null;
        save(state);
    }
    out('=== START OF OFFLINE IMMEDIATE AND SELF-TEST SECTION ===\nSending command: "Abort SMART off-line mode self-test routine".\n' +
        'Self-testing aborted!', 0);
}

advance(state);
save(state);
const full = has('--all') || has('-a') || has('-x');
// smartctl's exit status bit 7: the self-test log contains errors.
const logErrors = logTable(state.doc).some(e => obj(e.status).passed === false) ? 128 : 0;
const exit = full ? rec.exit : logErrors;
out(document(state, full, exit), exit);
