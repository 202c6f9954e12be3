// gettext for the app, the CLI and the daemon (the Shell extension and the
// Files module use their host's gettext instead).
import Gettext from 'gettext';
import { GETTEXT_PACKAGE, LOCALEDIR } from './config.js';

Gettext.bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
const domain = Gettext.domain(GETTEXT_PACKAGE);

export const _ = domain.gettext;
export const ngettext = domain.ngettext;
export const pgettext = domain.pgettext;
export { GETTEXT_PACKAGE };

/**
 * Fills %s and %d in a translated template in order (and %% as %), so that
 * translators can move the values within the sentence.
 */
export function format(template: string, ...args: (string | number)[]): string {
    let i = 0;
    return template.replace(/%[sd%]/g, m => (m === '%%' ? '%' : String(args[i++] ?? '')));
}
