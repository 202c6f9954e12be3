// Recorded tool output lives outside the repository (see PROVENANCE.md in
// the fixtures directory); meson passes its location in SIGMAVAULT_FIXTURES.
import GLib from 'gi://GLib';

export function readFixture(relPath: string): string {
    const root = GLib.getenv('SIGMAVAULT_FIXTURES');
    if (root === null || root === '')
        throw new Error('SIGMAVAULT_FIXTURES is not set; run the specs through meson test or set it to the fixtures directory');
    const [, contents] = GLib.file_get_contents(GLib.build_filenamev([root, relPath]));
    return new TextDecoder().decode(contents);
}
