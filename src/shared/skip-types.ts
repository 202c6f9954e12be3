// Types to skip when compressing: file-name extensions without the dot,
// the Manager1.Compress "skip_types" option and the app's setting alike.

/** One type to skip, e.g. "iso" or "tar-gz". */
export const SKIP_TYPE = /^[A-Za-z0-9][A-Za-z0-9+_-]{0,15}$/;

/** "iso, .VMDK *.img" → ["iso", "vmdk", "img"]; null when one is not a file-name extension. */
export function parseSkipTypes(text: string): string[] | null {
    const types = text.split(/[\s,;]+/).map(t => t.replace(/^\*?\./, '').toLowerCase()).filter(t => t !== '');
    return types.every(t => SKIP_TYPE.test(t)) ? [...new Set(types)] : null;
}
