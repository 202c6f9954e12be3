// A look inside a .zst file without decompressing it: its sizes and what its
// frame header records (content size, checksum, dictionary, window), then a
// small preview decoded in-process. Only the first bytes are read (at most
// PREVIEW_INPUT), with async Gio calls, so a large file opens as fast as a
// small one and the window never blocks.
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import { concatBytes } from '../shared/bytes.js';
import { dictionaryFileName, dictionaryFolders } from '../shared/compressed-names.js';
import { _ } from '../shared/i18n.js';
import { dictionaryIdOf, type FrameHeader, isZstd, parseFrameHeader } from '../shared/zstd-frame.js';
import { type Preview, PREVIEW_INPUT, previewOf } from '../shared/zstd-preview.js';
import { compressedSizeText, type DictionaryState, dictionaryText, frameSummary, type FrameSummary } from '../shared/zstd-summary.js';

Gio._promisify(Gio.File.prototype, 'query_info_async', 'query_info_finish');
Gio._promisify(Gio.File.prototype, 'read_async', 'read_finish');
Gio._promisify(Gio.InputStream.prototype, 'read_bytes_async', 'read_bytes_finish');
Gio._promisify(Gio.InputStream.prototype, 'close_async', 'close_finish');

const READ_CHUNK = 64 * 1024;
/** A dictionary file starts with its magic number and ID. */
const DICTIONARY_HEAD = 8;

/** Up to `limit` bytes from the start of `file`. */
async function readHead(file: Gio.File, limit: number, cancellable: Gio.Cancellable): Promise<Uint8Array> {
    const stream = await file.read_async(GLib.PRIORITY_DEFAULT, cancellable);
    const parts: Uint8Array[] = [];
    let length = 0;
    try {
        while (length < limit) {
            const bytes = await stream.read_bytes_async(Math.min(READ_CHUNK, limit - length), GLib.PRIORITY_DEFAULT, cancellable);
            const data = bytes.get_data() ?? new Uint8Array(0);
            if (data.length === 0)
                break;
            parts.push(data);
            length += data.length;
        }
    } finally {
        await stream.close_async(GLib.PRIORITY_DEFAULT, null).catch(() => false);
    }
    return concatBytes(parts);
}

/** The folders the daemon looks in for the dictionary of `file`. */
function dictionaryPlaces(file: Gio.File): Gio.File[] {
    const parent = file.get_parent();
    const path = parent?.get_path() ?? null;
    if (path !== null)
        return dictionaryFolders(path).map(p => Gio.File.new_for_path(p));
    return parent === null ? [] : [parent];
}

function errorMessage(e: unknown): string {
    return e instanceof GLib.Error || e instanceof Error ? e.message : String(e);
}

/** Why the start of a file is no zstd frame header, in words a person can act on. */
function notZstdReason(head: Uint8Array): string {
    if (head.length === 0)
        return _('The file is empty.');
    if (!isZstd(head) && head.length >= 4)
        return _('This is not a zstd file: it does not start the way zstd files do. It may only be named like one.');
    return _('The zstd header at the start of the file is damaged or cut short.');
}

export class CompressedFileDialog extends Adw.Dialog {
    static {
        GObject.registerClass({ GTypeName: 'SigmaVaultCompressedFileDialog' }, this);
    }

    declare private _file: Gio.File;
    declare private _view: Adw.ToolbarView;
    declare private _cancellable: Gio.Cancellable;
    /** Settles once the file has been read and shown (or the reason it cannot be). */
    declare readonly loaded: Promise<void>;

    constructor(file: Gio.File) {
        super({ title: _('Compressed File'), content_width: 560, content_height: 680 });
        this._file = file;
        this._cancellable = new Gio.Cancellable();
        this._view = new Adw.ToolbarView();
        // The file names the dialog; its folder goes beneath, as Files' properties do.
        const heading = new Adw.WindowTitle({ title: file.get_basename() ?? '', subtitle: file.get_parent()?.get_parse_name() ?? '' });
        this._view.add_top_bar(new Adw.HeaderBar({ title_widget: heading }));
        const spinner = new Adw.Spinner({ width_request: 32, height_request: 32, halign: Gtk.Align.CENTER, valign: Gtk.Align.CENTER });
        spinner.update_property([Gtk.AccessibleProperty.LABEL], [_('Reading the file')]);
        this._view.content = spinner;
        this.child = this._view;
        this.connect('closed', () => {
            this._cancellable.cancel();
        });
        this.loaded = this.load();
    }

    private async load(): Promise<void> {
        const file = this._file;
        let info: Gio.FileInfo;
        let head: Uint8Array;
        try {
            info = await file.query_info_async('standard::display-name,standard::size', Gio.FileQueryInfoFlags.NONE,
                GLib.PRIORITY_DEFAULT, this._cancellable);
            head = await readHead(file, PREVIEW_INPUT, this._cancellable);
        } catch (e) {
            if (e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
                return;
            this.showProblem(_('Cannot Read the File'), errorMessage(e));
            return;
        }
        const name = info.get_display_name();
        const size = info.get_size();
        this.title = name;
        const page = new Adw.PreferencesPage();
        let header: FrameHeader | null = null;
        try {
            header = parseFrameHeader(head);
        } catch {
            // A header that cannot be parsed is said in words below; the parser's own words are for logs.
        }
        if (header === null) {
            page.add(this.sizeGroup(size, null));
            page.add(this.problemGroup(_('Not a zstd File'), notZstdReason(head)));
        } else {
            const summary = frameSummary(header, size);
            page.add(this.sizeGroup(size, summary));
            const dictionary = header.dictionaryId === 0 ? null : await this.findDictionary(header.dictionaryId);
            page.add(this.headerGroup(header, summary, dictionary));
            page.add(this.previewGroup(previewOf(name, header, head, head.length >= size)));
        }
        this._view.content = page;
    }

    /** Whether the dictionary `id` sits where the daemon would look for it, and really is that dictionary. */
    private async findDictionary(id: number): Promise<DictionaryState> {
        let state: DictionaryState = 'missing';
        for (const folder of dictionaryPlaces(this._file)) {
            try {
                const head = await readHead(folder.get_child(dictionaryFileName(id)), DICTIONARY_HEAD, this._cancellable);
                if (dictionaryIdOf(head) === id)
                    return 'found';
                state = 'mismatch';
            } catch {
                // Not there (or not readable): the next place, or missing.
            }
        }
        return state;
    }

    private showProblem(title: string, description: string): void {
        this._view.content = new Adw.StatusPage({ icon_name: 'dialog-error-symbolic', title, description });
    }

    private property(title: string, value: string): Adw.ActionRow {
        // Names and paths are shown as they are, never read as markup.
        return new Adw.ActionRow({ title, subtitle: value, use_markup: false, subtitle_selectable: true, subtitle_lines: 0,
            css_classes: ['property'] });
    }

    private sizeGroup(size: number, summary: FrameSummary | null): Adw.PreferencesGroup {
        const group = new Adw.PreferencesGroup({ title: _('Size') });
        group.add(this.property(_('Compressed Size'), compressedSizeText(size)));
        if (summary === null)
            return group;
        group.add(this.property(_('Content Size'), summary.contentSize));
        if (summary.ratio !== null)
            group.add(this.property(_('Compression Ratio'), summary.ratio));
        return group;
    }

    private headerGroup(header: FrameHeader, summary: FrameSummary, dictionary: DictionaryState | null): Adw.PreferencesGroup {
        const group = new Adw.PreferencesGroup({ title: _('Frame Header'),
            description: _('What zstd recorded at the start of the file') });
        group.add(this.property(_('Checksum'), summary.checksum));
        const dictionaryWords = dictionaryText(header.dictionaryId, dictionary);
        group.add(dictionary === 'missing' || dictionary === 'mismatch'
            ? this.warningRow(_('Dictionary'), dictionaryWords, true) : this.property(_('Dictionary'), dictionaryWords));
        group.add(this.property(_('Window Size'), summary.window));
        return group;
    }

    /** A row that needs the user's attention; `asProperty` styles it like the facts beside it. */
    private warningRow(title: string, description: string, asProperty = false): Adw.ActionRow {
        const row = asProperty ? this.property(title, description)
            : new Adw.ActionRow({ title, subtitle: description, subtitle_lines: 0 });
        row.add_prefix(new Gtk.Image({ icon_name: 'dialog-warning-symbolic', css_classes: ['warning'],
            accessible_role: Gtk.AccessibleRole.PRESENTATION }));
        return row;
    }

    private problemGroup(title: string, description: string): Adw.PreferencesGroup {
        const group = new Adw.PreferencesGroup();
        group.add(this.warningRow(title, description));
        return group;
    }

    private previewGroup(preview: Preview): Adw.PreferencesGroup {
        const group = new Adw.PreferencesGroup({ title: _('Preview') });
        const note = (title: string, subtitle: string): void => {
            group.add(new Adw.ActionRow({ title, subtitle, subtitle_lines: 0 }));
        };
        switch (preview.kind) {
        case 'text': {
            group.description = preview.more ? _('The first lines of the content') : _('All of the content');
            // Lines as they are (indented text keeps its shape); a long one scrolls sideways.
            const text = new Gtk.Label({
                label: preview.lines.join('\n'), xalign: 0, selectable: true,
                css_classes: ['monospace', 'caption'], margin_top: 12, margin_bottom: 12, margin_start: 12, margin_end: 12,
            });
            text.update_property([Gtk.AccessibleProperty.LABEL], [_('Preview')]);
            const scroller = new Gtk.ScrolledWindow({ child: text, hscrollbar_policy: Gtk.PolicyType.AUTOMATIC,
                vscrollbar_policy: Gtk.PolicyType.NEVER, propagate_natural_height: true });
            group.add(new Gtk.Frame({ child: scroller, css_classes: ['view'] }));
            break;
        }
        case 'members':
            group.description = preview.more ? _('The first files and folders in the archive') : _('Everything in the archive');
            for (const name of preview.names) {
                const row = new Adw.ActionRow({ title: name, use_markup: false, title_lines: 2 });
                row.add_prefix(new Gtk.Image({ icon_name: name.endsWith('/') ? 'folder-symbolic' : 'text-x-generic-symbolic',
                    accessible_role: Gtk.AccessibleRole.PRESENTATION }));
                group.add(row);
            }
            if (preview.names.length === 0)
                note(_('No Files'), _('The archive holds no files or folders.'));
            break;
        case 'binary':
            note(_('Binary Content'), _('No preview: the content is not text.'));
            break;
        case 'empty':
            note(_('Empty'), _('The compressed file holds no content.'));
            break;
        case 'unavailable':
            note(_('No Preview'), preview.reason);
            break;
        case 'error':
            group.add(this.warningRow(_('Cannot Decode the File'), preview.message));
            break;
        }
        return group;
    }
}
