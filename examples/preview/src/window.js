// window.js: the main window: a grid of previews, one mockup large, exports.
//
// Everything that renders goes through Mockup.Renderer.render_batch_async()
// and Mockup.Batch.next_async(), so the window never blocks on a render:
//
// - previews: one batch per artwork, format PIXBUF at PREVIEW_SIZE, each
//   result shown in its tile as it arrives; a new artwork (or template
//   folder) cancels the running batch (Mockup.Batch.cancel());
// - the large view: a one-template batch at the window's size;
// - exports: a batch at full size in the chosen format, each result saved
//   with Mockup.Result.save() as it arrives;
// - a template imported from a Photoshop mockup (psd-import.js) joins the
//   grid at its end and renders in a one-template batch of its own;
// - a template's render-time choices (options-panel.js, beside the large
//   view) make a Mockup.RenderOptions that its preview, its large view and
//   its export render with: a one-template batch with that one variant
//   (Mockup.Renderer.render_batch_full_async()), since a batch's variants
//   apply to all of its templates.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Adw from 'gi://Adw?version=1';
import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk?version=4.0';
import Mockup from 'gi://Mockup?version=1';

import {Tile} from './tile.js';
import {emptyChoices, hasChoices, toRenderOptions} from './options-panel.js'; // and MockupOptionsPanel, used by window.ui
import {PSD_SUFFIXES, PsdImportError, importPsd, isPhotoshopFile} from './psd-import.js';
import {basename, isCancelled, problemOf, shortenPaths, templateIdForPath} from './util.js';
import './thumbnail.js'; // MockupThumbnail, used by window.ui

Gio._promisify(Mockup.Renderer.prototype, 'render_batch_async', 'render_batch_finish');
Gio._promisify(Mockup.Renderer.prototype, 'render_batch_full_async', 'render_batch_full_finish');
Gio._promisify(Mockup.Batch.prototype, 'next_async', 'next_finish');

/** The longest side of a preview, in pixels. */
export const PREVIEW_SIZE = 720;

/** The longest side of the large view's render, at most. */
const LARGE_SIZE_LIMIT = 2400;

/** Export formats by the names the export-format action uses. */
export const FORMATS = {
    jpeg: {format: Mockup.Format.JPEG, label: 'JPEG'},
    png: {format: Mockup.Format.PNG, label: 'PNG'},
    webp: {format: Mockup.Format.WEBP, label: 'WebP'},
};

export const PreviewWindow = GObject.registerClass({
    GTypeName: 'MockupPreviewWindow',
    Template: GLib.Uri.resolve_relative(import.meta.url, 'window.ui', GLib.UriFlags.NONE),
    InternalChildren: [
        'toast_overlay', 'leaflet', 'grid_page', 'detail_page', 'window_title', 'open_button',
        'progress_bar', 'content_stack', 'empty_page', 'no_templates_page', 'flowbox',
        'detail_title', 'detail_stack', 'detail_picture', 'detail_spinner', 'detail_error',
        'export_revealer', 'export_label', 'export_progress',
        'import_revealer', 'import_label', 'import_spinner',
        'previous_button', 'next_button',
        'detail_flap', 'options_button', 'options_panel', 'detail_export_button',
    ],
    Properties: {
        'artwork-path': GObject.ParamSpec.string('artwork-path', 'Artwork path',
            'The artwork shown, or null', GObject.ParamFlags.READABLE, null),
        'rendering': GObject.ParamSpec.boolean('rendering', 'Rendering',
            'Whether previews are being rendered', GObject.ParamFlags.READABLE, false),
        'exporting': GObject.ParamSpec.boolean('exporting', 'Exporting',
            'Whether an export is running', GObject.ParamFlags.READABLE, false),
        'importing': GObject.ParamSpec.boolean('importing', 'Importing',
            'Whether Photoshop mockups are being imported', GObject.ParamFlags.READABLE, false),
    },
    Signals: {
        // every preview of the current artwork arrived: (succeeded, failed)
        'previews-finished': {param_types: [GObject.TYPE_UINT, GObject.TYPE_UINT]},
        // an export ended: (files saved, templates failed, folder, cancelled)
        'export-finished': {
            param_types: [GObject.TYPE_UINT, GObject.TYPE_UINT, GObject.TYPE_STRING, GObject.TYPE_BOOLEAN],
        },
        // a toast was shown, with its plain-text title
        'toast-shown': {param_types: [GObject.TYPE_STRING]},
        // an import of a Photoshop mockup ended: (its path, outcome, detail);
        // outcome 'imported' or 'reused' (detail: the template.json),
        // 'failed' (detail: the problems, a line each) or 'cancelled'
        'import-finished': {param_types: [GObject.TYPE_STRING, GObject.TYPE_STRING, GObject.TYPE_STRING]},
        // the large view shows its final picture for the template and the
        // choices made (detailResult)
        'detail-updated': {},
    },
}, class PreviewWindow extends Adw.ApplicationWindow {
    constructor(params = {}) {
        super(params);

        this._entries = [];
        this._tiles = [];
        this._toasts = [];
        this._artwork = null;
        this._artworkPath = null;
        this._previewCancellable = null;
        this._previewBatch = null;
        this._largeCancellable = null;
        this._largeBatch = null;
        this._exportCancellable = null;
        this._exportBatch = null;
        this._detailIndex = -1;
        this._templatesDir = null;
        // one-template batches of imported templates: tile -> cancellable
        this._addedRenders = new Map();
        // imported templates, kept through reloads: {psdPath, templatePath}
        this._imported = [];
        // the imports running: PSD path -> Gio.Cancellable
        this._imports = new Map();
        this._psdFolder = null;
        // render-time choices, by template path (options-panel.js)
        this._choices = new Map();
        this._detailResult = null;
        this._closed = false;
        this._problemsDialog = null;

        // one processor left to the window, so that it keeps drawing
        const threads = Math.max(1, GLib.get_num_processors() - 1);
        this._threads = threads;
        this._previewRenderer = new Mockup.Renderer({
            format: Mockup.Format.PIXBUF,
            max_size: PREVIEW_SIZE,
            threads,
        });
        this._largeRenderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF, threads});

        this._addWindowActions();
        this._setUpDrop();

        this._detail_flap.bind_property('reveal-flap', this._options_button, 'active',
            GObject.BindingFlags.BIDIRECTIONAL | GObject.BindingFlags.SYNC_CREATE);
        this._options_panel.connect('changed', () => this._optionsChanged());

        this._flowbox.connect('child-activated', (_box, tile) => this.showDetail(tile.get_index()));
        this._flowbox.connect('selected-children-changed', () => this._syncActions());
        this._leaflet.connect('notify::visible-child', () => {
            if (this._leaflet.visible_child === this._grid_page)
                this._leaveDetail();
            this._syncActions();
        });

        // narrow windows: an icon for the Open button, to leave the title room
        this._openContent = this._open_button.child;
        this._openIcon = new Gtk.Image({icon_name: 'document-open-symbolic'});
        this._exportContent = this._detail_export_button.child;
        this._exportIcon = new Gtk.Image({icon_name: 'document-save-symbolic'});
        this.connect('notify::default-width', () => this._adaptHeader());
        this._adaptHeader();

        this._updateView();
    }

    vfunc_close_request() {
        // stop every render this window started
        this._cancelPreviews();
        this._cancelLarge();
        this.cancelExport();
        this.cancelImports();
        this._closeProblems();
        this._options_panel.cancelPending();
        this._closed = true;
        return super.vfunc_close_request();
    }

    _adaptHeader() {
        const narrow = this.default_width > 0 && this.default_width < 560;
        const child = narrow ? this._openIcon : this._openContent;
        if (this._open_button.child !== child)
            this._open_button.child = child;
        const exportChild = narrow ? this._exportIcon : this._exportContent;
        if (this._detail_export_button.child !== exportChild)
            this._detail_export_button.child = exportChild;
    }

    /** The artwork open, a Mockup.Artwork, or null. */
    get artwork() {
        return this._artwork;
    }

    get artwork_path() {
        return this._artworkPath;
    }

    get rendering() {
        return this._previewCancellable !== null;
    }

    get exporting() {
        return this._exportCancellable !== null;
    }

    get importing() {
        return this._imports.size > 0;
    }

    /**
     * The templates, in batch order: {index, path, item, id, name, width,
     * height}, and psdPath for one imported from a Photoshop mockup.
     */
    get entries() {
        return this._entries;
    }

    /** The grid's tiles, in template order. */
    get tiles() {
        return this._tiles;
    }

    get templatesDir() {
        return this._templatesDir;
    }

    /** The index of the selected tile, or -1. */
    get selectedIndex() {
        const [child] = this._flowbox.get_selected_children();
        return child ? child.get_index() : -1;
    }

    /** Whether the large view is rendering its full-resolution picture. */
    get detailRendering() {
        return this._largeCancellable !== null;
    }

    /** The large view's last full-resolution result, or null. */
    get detailResult() {
        return this._detailResult;
    }

    /** The options panel beside the large view. */
    get optionsPanel() {
        return this._options_panel;
    }

    /**
     * The render-time choices made for a template (by its index), as
     * options-panel.js keeps them: only those the template still has.
     */
    choicesFor(index) {
        return this._entryChoices(this._entries[index]);
    }

    _entryChoices(entry) {
        const choices = entry ? this._choices.get(entry.path) : null;
        if (!choices || !(entry.item instanceof Mockup.Template))
            return emptyChoices();
        // a template saved again may have lost a parameter or a slot
        const names = entry.item.dup_parameter_names();
        const slots = entry.item.dup_slots();
        return {
            parameters: Object.fromEntries(Object.entries(choices.parameters).filter(([k]) => names.includes(k))),
            placement: Object.fromEntries(Object.entries(choices.placement).filter(([k]) => slots.includes(k))),
        };
    }

    /** Whether the large view is showing. */
    get showingDetail() {
        return this._leaflet.visible_child === this._detail_page;
    }

    // ---- window actions --------------------------------------------------

    _addWindowActions() {
        const add = (name, callback) => {
            const action = new Gio.SimpleAction({name});
            action.connect('activate', callback);
            this.add_action(action);
            return action;
        };
        add('back', () => this.showGrid());
        add('previous', () => this._step(-1));
        add('next', () => this._step(+1));
        // Single keys that widgets use too (a spin button's Page Up): in the
        // bubble phase, so that the focused widget has them first; the
        // application's accelerators act before it.
        const keys = new Gtk.ShortcutController({propagation_phase: Gtk.PropagationPhase.BUBBLE});
        for (const [accel, action] of [['Escape', 'win.back'], ['Page_Up', 'win.previous'], ['Page_Down', 'win.next']]) {
            keys.add_shortcut(new Gtk.Shortcut({
                trigger: Gtk.ShortcutTrigger.parse_string(accel),
                action: Gtk.NamedAction.new(action),
            }));
        }
        this.add_controller(keys);
        add('cancel-export', () => this.cancelExport());
        add('cancel-import', () => this.cancelImports());
        add('toggle-options', () => {
            if (this._options_button.visible)
                this._detail_flap.reveal_flap = !this._detail_flap.reveal_flap;
        });
        add('reset-options', () => this._options_panel.reset());
    }

    _syncActions() {
        const app = this.application;
        const set = (group, name, enabled) => {
            const action = group?.lookup_action(name);
            if (action)
                action.enabled = enabled;
        };
        const haveWork = this._artwork !== null && this._entries.length > 0;
        set(app, 'export-all', haveWork && !this.exporting);
        set(app, 'export-selected', haveWork && !this.exporting && this._exportIndex() >= 0);
        const detail = this.showingDetail;
        set(this, 'back', detail);
        set(this, 'previous', detail && this._detailIndex > 0);
        set(this, 'next', detail && this._detailIndex >= 0 && this._detailIndex < this._tiles.length - 1);
        set(this, 'cancel-export', this.exporting);
        set(this, 'cancel-import', this.importing);
        set(this, 'toggle-options', detail && this._options_button.visible);
        this._previous_button.visible = this.lookup_action('previous').enabled;
        this._next_button.visible = this.lookup_action('next').enabled;
    }

    // the template that "Export Selected" means: the one shown large, or
    // the one selected in the grid
    _exportIndex() {
        if (this.showingDetail && this._detailIndex >= 0)
            return this._detailIndex;
        return this.selectedIndex;
    }

    // ---- toasts ----------------------------------------------------------

    /**
     * Shows a toast.
     *
     * @param {string} title - plain text
     * @param {object} [options]
     * @param {string} [options.button] - a button label
     * @param {Function} [options.onButton] - called when it is clicked
     * @param {number} [options.timeout] - seconds, 0 for until dismissed
     */
    toast(title, {button = null, onButton = null, timeout = 5} = {}) {
        const toast = new Adw.Toast({
            title: GLib.markup_escape_text(title, -1),
            timeout,
            priority: Adw.ToastPriority.HIGH,
        });
        if (button) {
            toast.button_label = button;
            toast.connect('button-clicked', () => onButton?.());
        }
        // remembered (not through ::dismissed, which a closing window
        // emits while JS objects are being collected) so that
        // dismissToasts() can reach the queued ones too
        this._toasts.push(toast);
        if (this._toasts.length > 20)
            this._toasts.shift();
        this._toast_overlay.add_toast(toast);
        this.emit('toast-shown', title);
        return toast;
    }

    /** Dismisses every toast, shown or queued. */
    dismissToasts() {
        for (const toast of this._toasts.splice(0))
            toast.dismiss();
    }

    // ---- templates -------------------------------------------------------

    /**
     * Reads a folder of templates (Mockup.Template.find_in_folder()) and
     * rebuilds the grid; renders the previews again if an artwork is open.
     */
    loadTemplates(folder) {
        this._cancelPreviews();
        this.showGrid();
        this._templatesDir = folder;

        let paths = [];
        try {
            paths = Mockup.Template.find_in_folder(folder);
        } catch (e) {
            this.toast(`Cannot read the templates: ${e.message}`);
        }

        this._entries = [
            ...paths.map((path, index) => this._makeEntry(path, index)),
            ...this._imported.filter(({templatePath}) => !paths.includes(templatePath))
                .map(({psdPath, templatePath}, i) => this._makeEntry(templatePath, paths.length + i, psdPath)),
        ];

        // the template selected stays selected, if it is still there
        const selectedPath = this._tiles[this.selectedIndex]?.entry.path;
        for (const tile of this._tiles)
            this._flowbox.remove(tile);
        this._tiles = this._entries.map(entry => {
            const tile = new Tile(entry);
            this._flowbox.append(tile);
            return tile;
        });
        const selected = this._tiles.find(t => t.entry.path === selectedPath);
        if (selected)
            this._flowbox.select_child(selected);
        else
            this._flowbox.unselect_all();

        this._updateView();
        if (this._artwork)
            this._renderPreviews();
    }

    // Templates that load become Mockup.Template items; one that does
    // not stays a Gio.File, so that the batch reports its error as that
    // template's result, in its tile, like any other failed render.
    _makeEntry(path, index, psdPath = null) {
        try {
            const template = Mockup.Template.new_from_file(path);
            return {
                index, path, item: template, id: template.id, name: template.name,
                width: template.width, height: template.height, psdPath,
            };
        } catch (e) {
            const id = psdPath ? basename(psdPath).replace(/\.[^.]*$/, '') : templateIdForPath(path);
            return {
                index, path, item: Gio.File.new_for_path(path), id, name: id,
                width: 0, height: 0, loadError: e.message, psdPath,
            };
        }
    }

    _updateView() {
        const n = this._entries.length;
        if (n === 0) {
            const where = this._templatesDir
                ? GLib.markup_escape_text(this._templatesDir, -1) : 'the templates folder';
            this._no_templates_page.description =
                `No templates were found in <b>${where}</b>. ` +
                'Add template folders there, start the app with <tt>--templates DIR</tt>, ' +
                'or import a Photoshop mockup.';
            this._content_stack.visible_child_name = 'no-templates';
        } else if (!this._artwork) {
            this._empty_page.description = n === 1
                ? 'Drop an image here, or open one, to see it in the template'
                : `Drop an image here, or open one, to see it in all ${n} templates`;
            this._content_stack.visible_child_name = 'empty';
        } else {
            this._content_stack.visible_child_name = 'grid';
        }
        this._window_title.subtitle = this._artworkPath ? basename(this._artworkPath) : '';
        this._syncActions();
    }

    // ---- artwork and previews --------------------------------------------

    /**
     * Opens an artwork and renders it into every template. A file that
     * cannot be read gives a toast; the window keeps what it showed.
     *
     * @returns {boolean} whether the artwork opened
     */
    openArtwork(path) {
        let artwork;
        try {
            artwork = Mockup.Artwork.new_from_file(path);
        } catch (e) {
            this.toast(`Cannot open “${basename(path)}”: ${problemOf(e.message, path)}`);
            return false;
        }
        this._artwork = artwork;
        this._artworkPath = path;
        this.notify('artwork-path');
        this.showGrid();
        this._updateView();
        this._renderPreviews();
        return true;
    }

    _cancelPreviews() {
        // Mockup.Batch.cancel() stops the renders within a band of rows;
        // cancelling the cancellable also ends a batch still starting.
        this._previewBatch?.cancel();
        this._previewCancellable?.cancel();
        this._previewBatch = null;
        this._previewCancellable = null;
        for (const cancellable of this._addedRenders.values())
            cancellable.cancel();
        this._addedRenders.clear();
        this._progress_bar.visible = false;
        this.notify('rendering');
    }

    async _renderPreviews() {
        this._cancelPreviews();
        if (!this._artwork || this._entries.length === 0)
            return;

        const cancellable = new Gio.Cancellable();
        const artwork = this._artwork;
        const artworkName = basename(this._artworkPath);
        // the batch's tiles: an imported template that replaces one while
        // it runs gets a tile, and a render, of its own; so does one with
        // render-time choices (a batch's variants are for all its templates)
        const chosen = this._tiles.filter(t => hasChoices(this._entryChoices(t.entry)));
        const tiles = this._tiles.filter(t => !chosen.includes(t));
        this._previewCancellable = cancellable;
        this.notify('rendering');

        for (const tile of this._tiles)
            tile.wait();
        this._progress_bar.fraction = 0;
        this._progress_bar.visible = true;
        const chosenRenders = chosen.map(tile => this._renderAdded(tile));

        let succeeded = 0, failed = 0;
        try {
            if (tiles.length === 0) {
                this._previewBatch = null;
            } else {
                const batch = await this._previewRenderer.render_batch_async(
                    artwork, this._makeStore(tiles.map(t => t.entry)), null, cancellable);
                if (cancellable.is_cancelled()) {
                    batch.cancel();
                    return;
                }
                await this._takePreviews(batch, tiles, cancellable, ok => (ok ? succeeded++ : failed++));
            }
            for (const ok of await Promise.all(chosenRenders)) {
                if (cancellable.is_cancelled())
                    return;
                if (ok)
                    succeeded++;
                else if (ok === false)
                    failed++;
            }
        } catch (e) {
            if (isCancelled(e))
                return; // another artwork or folder took over
            // the artwork itself could not be decoded: nothing renders
            this.toast(`Cannot render “${artworkName}”: ${problemOf(e.message, artwork.path)}`);
            if (this._artwork === artwork) {
                this._artwork = null;
                this._artworkPath = null;
                this.notify('artwork-path');
                for (const tile of this._tiles)
                    tile.clear();
                this._updateView();
            }
            return;
        } finally {
            if (this._previewCancellable === cancellable) {
                this._previewCancellable = null;
                this._previewBatch = null;
                this._progress_bar.visible = false;
                this.notify('rendering');
            }
        }
        this.emit('previews-finished', succeeded, failed);
    }

    // Shows a running preview batch's results in their tiles.
    async _takePreviews(batch, tiles, cancellable, count) {
        this._previewBatch = batch;
        const n = batch.n_items;
        batch.connect('notify::n-completed', () => {
            if (this._previewBatch === batch)
                this._progress_bar.fraction = batch.n_completed / n;
        });

        let result;
        while ((result = await batch.next_async(cancellable)) !== null) {
            // choices made meanwhile: the tile's own render shows them
            if (this._addedRenders.has(tiles[result.index]))
                continue;
            count(this._showPreview(tiles[result.index], result));
            this._progress_bar.fraction = (result.index + 1) / n;
        }
    }

    // Shows a preview in its tile (and the large view, if it shows that
    // template); a failure gets a toast too. Returns whether it rendered.
    _showPreview(tile, result) {
        tile.setResult(result);
        const index = this._tiles.indexOf(tile);
        const error = result.get_error();
        if (error) {
            this.toast(`“${tile.entry.name}” failed: ${problemOf(error.message)}`, {
                timeout: 8,
                button: 'Show',
                onButton: () => {
                    const i = this._tiles.indexOf(tile);
                    if (i >= 0)
                        this.showDetail(i);
                },
            });
        }
        if (index >= 0 && index === this._detailIndex && this.showingDetail)
            this._showDetailContent(index, true);
        return !error;
    }

    // Renders one template on its own: one added to the grid while an
    // artwork is open, or one with render-time choices. Resolves to
    // whether it rendered, or undefined when it did not finish.
    async _renderAdded(tile) {
        if (!this._artwork)
            return undefined;
        this._addedRenders.get(tile)?.cancel();
        const cancellable = new Gio.Cancellable();
        this._addedRenders.set(tile, cancellable);
        tile.wait();
        try {
            const batch = await this._renderOne(this._previewRenderer, tile.entry, cancellable);
            if (cancellable.is_cancelled()) {
                batch.cancel();
                return undefined;
            }
            const result = await batch.next_async(cancellable);
            if (result && !cancellable.is_cancelled())
                return this._showPreview(tile, result);
        } catch (e) {
            if (!isCancelled(e)) {
                tile.clear();
                this.toast(`Cannot render “${tile.entry.name}”: ${problemOf(e.message, this._artworkPath)}`);
                return false;
            }
        } finally {
            if (this._addedRenders.get(tile) === cancellable)
                this._addedRenders.delete(tile);
        }
        return undefined;
    }

    // A one-template batch, with the template's render-time choices as
    // its one variant when there are any.
    _renderOne(renderer, entry, cancellable) {
        const options = toRenderOptions(this._entryChoices(entry));
        const store = this._makeStore([entry]);
        if (!options)
            return renderer.render_batch_async(this._artwork, store, null, cancellable);
        return renderer.render_batch_full_async(this._artwork, store, null, [options], cancellable);
    }

    _makeStore(entries) {
        const store = new Gio.ListStore({item_type: GObject.Object.$gtype});
        for (const entry of entries)
            store.append(entry.item);
        return store;
    }

    // ---- the large view --------------------------------------------------

    /** Shows one template's mockup large. */
    showDetail(index) {
        const tile = this._tiles[index];
        if (!tile)
            return;
        this._flowbox.select_child(tile);
        this._detailIndex = index;
        this._showDetailContent(index, false);
        this._leaflet.visible_child = this._detail_page;
        this._syncActions();
    }

    /** Back to the grid. */
    showGrid() {
        if (this._leaflet.visible_child !== this._grid_page)
            this._leaflet.visible_child = this._grid_page;
        this._leaveDetail();
    }

    _leaveDetail() {
        this._cancelLarge();
        const tile = this._tiles[this._detailIndex];
        if (tile && this._leaflet.visible_child === this._grid_page)
            tile.grab_focus();
    }

    // Mockup.Batch.cancel() first, then the cancellable (which also
    // cancels a batch still starting), as for every batch here
    _cancelLarge() {
        this._largeBatch?.cancel();
        this._largeCancellable?.cancel();
        this._largeBatch = null;
        this._largeCancellable = null;
        this._detail_spinner.spinning = false;
    }

    _step(delta) {
        const index = this._detailIndex + delta;
        if (index >= 0 && index < this._tiles.length)
            this.showDetail(index);
    }

    _showDetailContent(index, resultJustArrived) {
        const tile = this._tiles[index];
        const entry = tile.entry;
        const result = tile.result;
        this._detail_title.title = result?.template_name || entry.name;
        this._detail_title.subtitle = entry.width > 0 ? `${entry.width} × ${entry.height}` : '';

        this._cancelLarge();
        this._detailResult = null;
        // the options of the template shown (a new one, or one saved again)
        if (this._options_panel.template !== entry.item || !(entry.item instanceof Mockup.Template))
            this._options_panel.setTemplate(entry.item, this._entryChoices(entry));

        const error = result?.get_error();
        if (error) {
            this._detail_error.description = GLib.markup_escape_text(shortenPaths(error.message), -1);
            this._detail_stack.visible_child_name = 'error';
            this._detail_spinner.spinning = false;
            return;
        }
        this._detail_stack.visible_child_name = 'image';
        if (!result) {
            // still rendering: the results loop calls back when it arrives
            this._detail_picture.setPixbuf(null);
            this._detail_spinner.spinning = true;
            return;
        }
        if (this._largeSize(entry) > 0) {
            if (!resultJustArrived || this._detail_picture.paintable === null)
                this._detail_picture.setPixbuf(result.get_pixbuf());
            this._renderLarge(index);
        } else {
            // the preview is as large as the view shows it
            this._detail_picture.setPixbuf(result.get_pixbuf());
            this._detailResult = result;
            this.emit('detail-updated');
        }
    }

    // The size to render the large view at, or 0 where the preview will do.
    _largeSize(entry) {
        const scale = this.get_scale_factor();
        const size = Math.min(LARGE_SIZE_LIMIT,
            Math.round(Math.max(this.get_width(), this.get_height()) * scale),
            Math.max(entry.width, entry.height) || LARGE_SIZE_LIMIT);
        return size <= PREVIEW_SIZE * 1.1 ? 0 : size;
    }

    // The choices changed for the template shown: its preview renders
    // again with them (a render in flight is cancelled), then its large
    // view (through _showPreview()).
    _optionsChanged() {
        const entry = this._entries[this._detailIndex];
        const tile = this._tiles[this._detailIndex];
        if (!entry || !tile || this._options_panel.template !== entry.item)
            return;
        const choices = this._options_panel.choices;
        if (hasChoices(choices))
            this._choices.set(entry.path, choices);
        else
            this._choices.delete(entry.path);
        this._cancelLarge();
        this._detailResult = null;
        if (!this._artwork)
            return;
        this._detail_spinner.spinning = true;
        this._renderAdded(tile);
    }

    // Renders the template again at the size the large view shows it.
    async _renderLarge(index) {
        const entry = this._entries[index];
        const size = this._largeSize(entry);
        if (size === 0)
            return;

        const cancellable = new Gio.Cancellable();
        this._largeCancellable = cancellable;
        this._detail_spinner.spinning = true;
        try {
            this._largeRenderer.max_size = size;
            const batch = await this._renderOne(this._largeRenderer, entry, cancellable);
            if (cancellable.is_cancelled()) {
                batch.cancel();
                return;
            }
            this._largeBatch = batch;
            const result = await batch.next_async(cancellable);
            if (cancellable.is_cancelled() || !result || result.get_error())
                return;
            this._detail_picture.setPixbuf(result.get_pixbuf());
            this._detailResult = result;
            this.emit('detail-updated');
        } catch (e) {
            if (!isCancelled(e))
                logError(e, 'large view');
        } finally {
            if (this._largeCancellable === cancellable) {
                this._largeCancellable = null;
                this._largeBatch = null;
                this._detail_spinner.spinning = false;
            }
        }
    }

    // ---- exporting -------------------------------------------------------

    /**
     * Renders templates at full size and saves them to a folder, as
     * ARTWORK-TEMPLATEID.EXT, while the window goes on.
     *
     * @param {string} folder - where to save; made if missing
     * @param {string} formatName - jpeg, png or webp
     * @param {number[]|null} indices - the templates, or null for all
     */
    async exportMockups(folder, formatName, indices = null) {
        if (!this._artwork) {
            this.toast('Open an artwork first');
            return;
        }
        if (this.exporting) {
            this.toast('An export is running already');
            return;
        }
        const format = FORMATS[formatName];
        if (!format) {
            this.toast(`Unknown export format “${formatName}”`);
            return;
        }
        const entries = indices ? indices.map(i => this._entries[i]).filter(e => e) : this._entries;
        if (entries.length === 0)
            return;

        try {
            Gio.File.new_for_path(folder).make_directory_with_parents(null);
        } catch (e) {
            if (!e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.EXISTS)) {
                this.toast(`Cannot export to “${folder}”: ${e.message}`);
                return;
            }
        }

        const cancellable = new Gio.Cancellable();
        this._exportCancellable = cancellable;
        this.notify('exporting');
        this._syncActions();

        const n = entries.length;
        const extension = Mockup.Format.get_extension(format.format);
        const stem = basename(this._artworkPath).replace(/\.[^.]*$/, '') || 'artwork';
        const renderer = new Mockup.Renderer({
            format: format.format, quality: 92, max_size: 0, threads: this._threads,
        });
        const failures = [];
        let saved = 0, cancelled = false;

        const setLabel = text => {
            this._export_label.label = text;
        };
        setLabel(n === 1 ? `Exporting “${entries[0].name}” as ${format.label}…`
            : `Exporting ${n} mockups as ${format.label}…`);
        this._export_progress.fraction = 0;
        this._export_revealer.reveal_child = true;

        // the templates without choices in one batch, each with choices in
        // a batch of its own (a batch's variants are for all its templates)
        const plain = entries.filter(e => !hasChoices(this._entryChoices(e)));
        const groups = [
            ...(plain.length > 0 ? [plain] : []),
            ...entries.filter(e => !plain.includes(e)).map(e => [e]),
        ];
        let done = 0;
        try {
            for (const group of groups) {
                const batch = group === plain
                    ? await renderer.render_batch_async(this._artwork, this._makeStore(group), null, cancellable)
                    : await this._renderOne(renderer, group[0], cancellable);
                this._exportBatch = batch;
                const before = done;
                batch.connect('progress', (_b, index, _nItems, name) => {
                    if (n > 1)
                        setLabel(`Exporting “${name}” (${Math.min(before + index + 1, n)} of ${n})…`);
                });

                let result;
                while ((result = await batch.next_async(cancellable)) !== null) {
                    const entry = group[result.index];
                    const error = result.get_error();
                    if (error) {
                        failures.push(`${entry.name}: ${shortenPaths(error.message)}`);
                    } else {
                        const id = result.template_id || entry.id;
                        const path = GLib.build_filenamev([folder, `${stem}-${id}.${extension}`]);
                        try {
                            result.save(path);
                            saved++;
                        } catch (e) {
                            failures.push(`${entry.name}: ${e.message}`);
                        }
                    }
                    this._export_progress.fraction = (done + result.index + 1) / n;
                }
                done += group.length;
            }
        } catch (e) {
            if (isCancelled(e))
                cancelled = true;
            else
                failures.push(shortenPaths(e.message));
        } finally {
            this._exportCancellable = null;
            this._exportBatch = null;
            this._export_revealer.reveal_child = false;
            this.notify('exporting');
            this._syncActions();
        }

        const folderName = basename(folder);
        const openFolder = () => Gtk.show_uri(this, Gio.File.new_for_path(folder).get_uri(), Gdk.CURRENT_TIME);
        if (cancelled) {
            this.toast(saved ? `Export cancelled after ${saved} of ${n} mockups` : 'Export cancelled');
        } else if (saved > 0) {
            this.toast(saved === 1 ? `Exported 1 mockup to “${folderName}”`
                : `Exported ${saved} mockups to “${folderName}”`,
            {button: 'Open Folder', onButton: openFolder});
        }
        if (failures.length > 0) {
            const title = failures.length === 1 ? `Not exported: ${failures[0]}`
                : `${failures.length} mockups were not exported. ${failures[0]}`;
            this.toast(title, {timeout: 10});
        }
        this.emit('export-finished', saved, failures.length, folder, cancelled);
    }

    cancelExport() {
        this._exportBatch?.cancel();
        this._exportCancellable?.cancel();
    }

    // ---- Photoshop mockups -----------------------------------------------

    /**
     * Imports a Photoshop mockup (PSD or PSB) with mockup-import-psd into
     * the cache, or takes it from there, and adds its template to the grid,
     * rendered with the artwork open. The importer's problems (each names
     * the layer and the feature) give a toast, with the whole list behind
     * its Details button. A file already in the grid, unchanged, is shown;
     * changed since, its template is replaced.
     *
     * @param {string} path - an absolute path
     */
    async importPhotoshopMockup(path) {
        path = Gio.File.new_for_path(path).get_path(); // absolute, as the cache key wants
        const name = basename(path);
        if (this._imports.has(path)) {
            this.toast(`“${name}” is being imported already`);
            return;
        }
        const cancellable = new Gio.Cancellable();
        this._imports.set(path, cancellable);
        this._syncImports();

        let outcome, detail;
        try {
            const {templatePath, reused} = await importPsd(path, cancellable);
            outcome = reused ? 'reused' : 'imported';
            detail = templatePath;
        } catch (e) {
            if (isCancelled(e)) {
                outcome = 'cancelled';
                detail = '';
            } else {
                outcome = 'failed';
                detail = e instanceof PsdImportError ? e.message : `${e}`;
                if (!(e instanceof PsdImportError))
                    logError(e, `importing ${path}`);
            }
        } finally {
            this._imports.delete(path);
        }
        if (this._closed)
            return;
        this._syncImports();

        if (outcome === 'failed')
            this._showImportProblems(name, detail.split('\n'));
        else if (outcome === 'cancelled')
            this.toast(`Import of “${name}” cancelled`);
        else
            this._addImported(path, detail);
        this.emit('import-finished', path, outcome, detail);
    }

    /** Stops every import running (the importers are killed). */
    cancelImports() {
        for (const cancellable of this._imports.values())
            cancellable.cancel();
    }

    _syncImports() {
        const n = this._imports.size;
        if (n === 1)
            this._import_label.label = `Importing “${basename([...this._imports.keys()][0])}”…`;
        else if (n > 1)
            this._import_label.label = `Importing ${n} Photoshop mockups…`;
        this._import_spinner.spinning = n > 0;
        this._import_revealer.reveal_child = n > 0;
        this.notify('importing');
        this._syncActions();
    }

    _showImportProblems(name, problems) {
        const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
        this.toast(`Cannot import “${name}”: ${problems[0]}${more}`, {
            timeout: 10,
            button: 'Details',
            onButton: () => {
                const shown = problems.slice(0, 20);
                if (problems.length > shown.length)
                    shown.push(`… and ${problems.length - shown.length} more`);
                this._closeProblems();
                const dialog = new Adw.MessageDialog({
                    transient_for: this,
                    modal: true,
                    heading: `Cannot Import “${name}”`,
                    body: `${shown.join('\n')}\n\n` +
                        'Change these layers in Photoshop, or leave them out with ' +
                        'mockup-import-psd --hide.',
                });
                dialog.add_response('close', '_Close');
                dialog.connect('response', () => this._closeProblems());
                this._problemsDialog = dialog;
                dialog.present();
            },
        });
    }

    // Destroys the problems dialog. Its transient parent is unset first:
    // libadwaita 1.2's AdwMessageDialog otherwise disconnects from the
    // window when its JS object is collected, after the window is gone.
    _closeProblems() {
        const dialog = this._problemsDialog;
        this._problemsDialog = null;
        if (dialog) {
            dialog.transient_for = null;
            dialog.destroy();
        }
    }

    // Adds an imported template at the end of the grid, or in the place
    // of the one the same PSD gave before it changed.
    _addImported(psdPath, templatePath) {
        const name = basename(psdPath);
        const old = this._entries.find(e => e.psdPath === psdPath);
        if (old?.path === templatePath) {
            this._revealTile(old.index);
            this.toast(`“${name}” is in the grid already`);
            return;
        }

        const record = {psdPath, templatePath};
        const known = this._imported.findIndex(r => r.psdPath === psdPath);
        if (known >= 0)
            this._imported[known] = record;
        else
            this._imported.push(record);

        const index = old ? old.index : this._entries.length;
        const entry = this._makeEntry(templatePath, index, psdPath);
        const tile = new Tile(entry);
        if (old) {
            const oldTile = this._tiles[index];
            this._addedRenders.get(oldTile)?.cancel();
            this._flowbox.remove(oldTile);
            this._flowbox.insert(tile, index);
        } else {
            this._flowbox.append(tile);
        }
        this._entries[index] = entry;
        this._tiles[index] = tile;

        this._updateView();
        this._renderAdded(tile);
        if (old && this.showingDetail && this._detailIndex === index)
            this._showDetailContent(index, false);
        else
            this._revealTile(index);
        this.toast(old ? `Updated the template of “${name}”` : `Added “${name}” as a template`);
    }

    /**
     * Adds a template the editor saved to the grid, or renders its tile
     * again where it is already (saved over), and keeps it through reloads.
     */
    addEditedTemplate(templatePath) {
        let index = this._entries.findIndex(e => e.path === templatePath);
        if (index < 0 && !this._imported.some(r => r.templatePath === templatePath))
            this._imported.push({psdPath: null, templatePath});
        const old = index >= 0 ? this._tiles[index] : null;
        if (index < 0)
            index = this._entries.length;
        const entry = this._makeEntry(templatePath, index, old?.entry.psdPath ?? null);
        const tile = new Tile(entry);
        if (old) {
            this._addedRenders.get(old)?.cancel();
            this._flowbox.remove(old);
            this._flowbox.insert(tile, index);
        } else {
            this._flowbox.append(tile);
        }
        this._entries[index] = entry;
        this._tiles[index] = tile;
        this._updateView();
        this._renderAdded(tile);
        this._revealTile(index);
    }

    // selects a tile and scrolls to it (the grid's viewport follows focus)
    _revealTile(index) {
        const tile = this._tiles[index];
        if (!tile || this.showingDetail)
            return;
        this._flowbox.select_child(tile);
        tile.grab_focus();
    }

    // ---- file choosers and drag and drop ---------------------------------

    /** Asks for an artwork file (Gtk.FileChooserNative) and opens it. */
    chooseArtwork() {
        const chooser = new Gtk.FileChooserNative({
            title: 'Open Artwork',
            action: Gtk.FileChooserAction.OPEN,
            accept_label: '_Open',
            modal: true,
            transient_for: this,
        });
        const images = new Gtk.FileFilter({name: 'Images'});
        images.add_pixbuf_formats();
        chooser.add_filter(images);
        const all = new Gtk.FileFilter({name: 'All Files'});
        all.add_pattern('*');
        chooser.add_filter(all);
        if (this._artworkPath) {
            try {
                chooser.set_current_folder(Gio.File.new_for_path(GLib.path_get_dirname(this._artworkPath)));
            } catch (e) {
                // the folder is gone: the chooser's default will do
            }
        }
        chooser.connect('response', (_c, response) => {
            const file = response === Gtk.ResponseType.ACCEPT ? chooser.get_file() : null;
            chooser.destroy();
            this._chooser = null;
            if (file?.get_path())
                this.openFile(file.get_path());
            else if (file)
                this.toast('Only local files can be opened');
        });
        this._chooser = chooser; // keep it alive while it shows
        chooser.show();
    }

    /**
     * Asks for Photoshop mockups (Gtk.FileChooserNative, PSD and PSB files,
     * several at once) and imports them as templates.
     */
    choosePhotoshopMockups() {
        const chooser = new Gtk.FileChooserNative({
            title: 'Import Photoshop Mockup',
            action: Gtk.FileChooserAction.OPEN,
            accept_label: '_Import',
            modal: true,
            select_multiple: true,
            transient_for: this,
        });
        const psd = new Gtk.FileFilter({name: 'Photoshop Documents'});
        for (const suffix of PSD_SUFFIXES)
            psd.add_suffix(suffix);
        psd.add_mime_type('image/vnd.adobe.photoshop');
        chooser.add_filter(psd);
        const all = new Gtk.FileFilter({name: 'All Files'});
        all.add_pattern('*');
        chooser.add_filter(all);
        if (this._psdFolder) {
            try {
                chooser.set_current_folder(Gio.File.new_for_path(this._psdFolder));
            } catch (e) {
                // the folder is gone: the chooser's default will do
            }
        }
        chooser.connect('response', (_c, response) => {
            const files = [];
            if (response === Gtk.ResponseType.ACCEPT) {
                const list = chooser.get_files();
                for (let i = 0; i < list.get_n_items(); i++)
                    files.push(list.get_item(i));
            }
            chooser.destroy();
            this._chooser = null;
            for (const file of files) {
                const path = file.get_path();
                if (!path) {
                    this.toast('Only local files can be imported');
                    continue;
                }
                this._psdFolder = GLib.path_get_dirname(path);
                this.importPhotoshopMockup(path);
            }
        });
        this._chooser = chooser;
        chooser.show();
    }

    /**
     * Opens a file as what it is: a Photoshop mockup is imported as a
     * template, anything else opened as the artwork.
     */
    openFile(path) {
        if (isPhotoshopFile(path)) {
            this.importPhotoshopMockup(path);
            return true;
        }
        return this.openArtwork(path);
    }

    /**
     * Asks for a folder and a format (Gtk.FileChooserNative), then exports.
     *
     * @param {number[]|null} indices - the templates, or null for all
     * @param {string} formatName - the format offered first
     * @param {Function} onFormat - told the format chosen
     */
    chooseExportFolder(indices, formatName, onFormat) {
        const n = indices ? indices.length : this._entries.length;
        const chooser = new Gtk.FileChooserNative({
            title: n === 1 ? 'Export Mockup' : `Export ${n} Mockups`,
            action: Gtk.FileChooserAction.SELECT_FOLDER,
            accept_label: '_Export',
            modal: true,
            transient_for: this,
        });
        const names = Object.keys(FORMATS);
        chooser.add_choice('format', 'Format', names, names.map(k => FORMATS[k].label));
        chooser.set_choice('format', formatName);
        chooser.connect('response', (_c, response) => {
            const file = response === Gtk.ResponseType.ACCEPT ? chooser.get_file() : null;
            const chosen = chooser.get_choice('format') || formatName;
            chooser.destroy();
            this._chooser = null;
            if (!file)
                return;
            if (!file.get_path()) {
                this.toast('Only local folders can be exported to');
                return;
            }
            onFormat?.(chosen);
            this.exportMockups(file.get_path(), chosen, indices);
        });
        this._chooser = chooser;
        chooser.show();
    }

    /** The templates "Export Selected" exports, or null if none. */
    selectedIndices() {
        const index = this._exportIndex();
        return index >= 0 ? [index] : null;
    }

    // An image dropped becomes the artwork; a Photoshop mockup, a template.
    _setUpDrop() {
        const target = Gtk.DropTarget.new(Gio.File.$gtype, Gdk.DragAction.COPY);
        target.connect('drop', (_target, file) => {
            const path = file?.get_path?.();
            if (!path) {
                this.toast('Only local files can be opened');
                return false;
            }
            return this.openFile(path);
        });
        this.get_content().add_controller(target);
    }
});
