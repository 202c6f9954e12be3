// One running compression helper, seen from the daemon: its validated
// events line by line, the words it takes on stdin ("work", "stop",
// "cancel") and its end. The helper that inspected a request goes on to
// do the work when its job gets a core at once, which saves starting a
// second GJS for every job.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { concatBytes } from '../../shared/bytes.js';
import { type HelperEvent, parseEvent } from './protocol.js';

Gio._promisify(Gio.DataInputStream.prototype, 'read_line_async', 'read_line_finish');
Gio._promisify(Gio.Subprocess.prototype, 'wait_async', 'wait_finish');
Gio._promisify(Gio.OutputStream.prototype, 'write_bytes_async', 'write_bytes_finish');
Gio._promisify(Gio.InputStream.prototype, 'read_bytes_async', 'read_bytes_finish');

/** All of a pipe, as text. */
async function readText(stream: Gio.InputStream | null): Promise<string> {
    if (stream === null)
        return '';
    const parts: Uint8Array[] = [];
    for (;;) {
        const bytes = await stream.read_bytes_async(65536, GLib.PRIORITY_DEFAULT, null).catch(() => null);
        if (bytes === null || bytes.get_size() === 0)
            break;
        parts.push(bytes.toArray());
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(concatBytes(parts));
}

export type HelperWord = 'work' | 'stop' | 'cancel';

export class HelperProcess {
    private readonly lines: Gio.DataInputStream | null;
    /** Its stderr, read from the start so that it can never fill and block the helper. */
    private readonly errors: Promise<string>;

    constructor(readonly proc: Gio.Subprocess) {
        const out = proc.get_stdout_pipe();
        this.lines = out === null ? null : new Gio.DataInputStream({ base_stream: out });
        this.errors = readText(proc.get_stderr_pipe());
    }

    /** The next event, skipping lines that are not one; null at the end of its output. */
    async next(): Promise<HelperEvent | null> {
        if (this.lines === null)
            return null;
        for (;;) {
            let line: Uint8Array | null;
            try {
                [line] = await this.lines.read_line_async(GLib.PRIORITY_DEFAULT, null);
            } catch {
                return null;
            }
            if (line === null)
                return null;
            const event = parseEvent(new TextDecoder().decode(line));
            if (event !== null)
                return event;
        }
    }

    /** Tells the helper something; a helper that has ended already is not an error. */
    async send(word: HelperWord): Promise<void> {
        try {
            await this.proc.get_stdin_pipe()?.write_bytes_async(new GLib.Bytes(new TextEncoder().encode(`${word}\n`)),
                GLib.PRIORITY_DEFAULT, null);
        } catch {
            // it has ended
        }
    }

    /** Waits for its end: how it ended and the last of what it said on stderr. */
    async ended(): Promise<{ killed: boolean; status: number; signal: number; stderr: string }> {
        await this.proc.wait_async(null).catch(() => undefined);
        const stderr = (await this.errors).trim();
        const exited = this.proc.get_if_exited();
        return { killed: !exited, status: exited ? this.proc.get_exit_status() : -1,
            signal: exited ? 0 : this.proc.get_term_sig(), stderr };
    }

    /** Stops a helper that will not work: it exits when told, or when its stdin closes. */
    async stop(): Promise<void> {
        await this.send('stop');
        await this.ended();
    }
}
