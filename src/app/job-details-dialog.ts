// A job in full: what it did, when, its result in the daemon's words and its
// log. Opened from a notification's Show Details and from the Compression
// page's history.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import Pango from 'gi://Pango';
import { _ } from '../shared/i18n.js';
import type { JobInfo } from '../shared/job-info.js';
import { baseName, compressionResult, formatTime, jobStateLabel, jobSubject, jobTitle } from '../shared/job-format.js';
import { isZstdName } from '../shared/compressed-names.js';
import { fileUri, writtenFiles } from './job-notice.js';

/** How many of a job's compressed files get a row of their own. */
const OUTPUT_ROWS = 5;

export class JobDetailsDialog extends Adw.Dialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultJobDetailsDialog' }, this);
    }

    /** `lookInside` opens one of the job's .zst files (the Compressed File dialog); null offers none. */
    constructor(job: JobInfo, showInFiles: (() => void) | null, lookInside: ((file: Gio.File) => void) | null = null) {
        super({ title: jobTitle(job, baseName(jobSubject(job))), content_width: 560, content_height: 520 });
        const view = new Adw.ToolbarView();
        view.add_top_bar(new Adw.HeaderBar());
        const page = new Adw.PreferencesPage();
        view.content = page;
        this.child = view;

        const result = new Adw.PreferencesGroup({ title: _('Result') });
        const row = (title: string, subtitle: string): Adw.ActionRow => {
            const r = new Adw.ActionRow({ title, subtitle, subtitle_selectable: true, css_classes: ['property'] });
            result.add(r);
            return r;
        };
        row(_('State'), jobStateLabel(job.state));
        if (job.message !== '')
            row(_('What Happened'), job.message);
        const sizes = job.state === 'succeeded' ? compressionResult(job) : null;
        if (sizes !== null)
            row(_('Size'), sizes);
        row(_('Started'), formatTime(job.startTime));
        if (job.endTime > 0)
            row(_('Ended'), formatTime(job.endTime));
        const files = writtenFiles(job).length;
        if (files > 0 && showInFiles !== null) {
            const button = new Gtk.Button({ label: _('Show in Files'), valign: Gtk.Align.CENTER });
            button.connect('clicked', showInFiles);
            row(_('Files Written'), String(files)).add_suffix(button);
        }
        page.add(result);

        const compressed = job.state === 'succeeded' && lookInside !== null
            ? writtenFiles(job).filter(o => isZstdName(baseName(new TextDecoder().decode(o)))).slice(0, OUTPUT_ROWS) : [];
        if (compressed.length > 0) {
            const outputs = new Adw.PreferencesGroup({ title: _('Compressed Files'),
                description: _('Look inside one to see its header and a preview') });
            for (const path of compressed) {
                const file = Gio.File.new_for_uri(fileUri(path));
                const r = new Adw.ActionRow({ title: file.get_basename() ?? '', use_markup: false, activatable: true,
                    tooltip_text: file.get_parse_name() });
                r.add_suffix(new Gtk.Image({ icon_name: 'go-next-symbolic', accessible_role: Gtk.AccessibleRole.PRESENTATION }));
                r.connect('activated', () => {
                    lookInside?.(file);
                });
                outputs.add(r);
            }
            page.add(outputs);
        }

        if (job.log.length > 0) {
            const log = new Adw.PreferencesGroup({ title: _('Log') });
            const text = new Gtk.Label({
                label: job.log.join('\n'), xalign: 0, wrap: true, wrap_mode: Pango.WrapMode.WORD_CHAR, selectable: true,
                css_classes: ['monospace', 'caption'], margin_top: 12, margin_bottom: 12, margin_start: 12, margin_end: 12,
            });
            text.update_property([Gtk.AccessibleProperty.LABEL], [_('Log')]);
            const frame = new Gtk.Frame({ child: text, css_classes: ['view'] });
            log.add(frame);
            page.add(log);
        }
    }
}
