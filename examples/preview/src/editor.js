// editor.js: the template editor window: a photo becomes a template.
//
// The canvas (canvas.js) shows the photo and the slots; the sidebar edits
// the selected slot: its fit, aspect, shading and displacement maps made
// from the photo (Mockup.photo_maps_*_async), its occluder (brush or
// colour), blend mode and opacity. Every edit goes through the document
// (template-document.js), which keeps undo and redo. After each change the
// current artwork is rendered into the template at LIVE_SIZE with
// Mockup.Renderer.render_async(); a render still running is cancelled by
// the next, so a drag shows the latest position, never a queue.
//
// Window actions (for menus, shortcuts and tests):
//   win.open-photo(s)   a photo or Photoshop mockup to start from; '' asks
//   win.open-template(s) a template.json to edit; '' asks
//   win.save(s)         save into this folder; '' saves where it was, or asks
//   win.undo, win.redo
//   win.add-slot(s)     'quad', 'mesh' or 'cylinder'
//   win.remove-slot, win.select-slot(s)
//   win.generate-shading, win.generate-displacement
//   win.mask-color(s)   '#rrggbb': the occluder by colour; win.clear-mask
//   win.tool(s)         state: 'select', 'brush', 'erase', 'pick'
//   win.zoom-in, win.zoom-out, win.zoom-fit, win.zoom-actual
//   win.toggle-sidebar
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Adw from 'gi://Adw?version=1';
import Cairo from 'cairo';
import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk?version=4.0';

import Mockup from '../../../bindings/gjs/mockup.js';
import {EditorCanvas} from './canvas.js';
import {TemplateDocument, LIVE_SIZE, FITS, ALIGNS, BLENDS, uniqueSlotName} from './template-document.js';
import * as Shapes from './shapes.js';
import {importPsd, isPhotoshopFile, PsdImportError} from './psd-import.js';
import {basename, isCancelled} from './util.js';

const KIND_LABELS = {quad: 'Flat (4 corners)', mesh: 'Mesh (bent surface)', cylinder: 'Cylinder'};
const TITLE = s => s.charAt(0).toUpperCase() + s.slice(1).replace(/-/g, ' ');

/** A sample artwork for the live render when none is open: a labelled grid. */
function sampleArtwork(path) {
    const w = 1200, h = 1200;
    const surface = new Cairo.ImageSurface(Cairo.Format.RGB24, w, h);
    const cr = new Cairo.Context(surface);
    const grad = new Cairo.LinearGradient(0, 0, w, h);
    grad.addColorStopRGB(0, 0.21, 0.52, 0.89);
    grad.addColorStopRGB(1, 0.57, 0.25, 0.67);
    cr.setSource(grad);
    cr.paint();
    cr.setSourceRGBA(1, 1, 1, 0.35);
    cr.setLineWidth(4);
    for (let i = 1; i < 8; i++) {
        cr.moveTo(i * w / 8, 0);
        cr.lineTo(i * w / 8, h);
        cr.moveTo(0, i * h / 8);
        cr.lineTo(w, i * h / 8);
    }
    cr.stroke();
    cr.setSourceRGB(1, 1, 1);
    cr.setLineWidth(24);
    cr.rectangle(12, 12, w - 24, h - 24);
    cr.stroke();
    cr.selectFontFace('Cantarell', 0, 1);
    cr.setFontSize(150);
    const ext = cr.textExtents('Artwork');
    cr.moveTo((w - ext.width) / 2, h / 2 + ext.height / 2);
    cr.showText('Artwork');
    cr.$dispose();
    surface.writeToPNG(path);
    return Mockup.Artwork.new_from_file(path);
}

function row(title, subtitle = null) {
    const r = new Adw.ActionRow({title});
    if (subtitle)
        r.subtitle = subtitle;
    return r;
}

export const EditorWindow = GObject.registerClass({
    GTypeName: 'MockupEditorWindow',
    Signals: {
        // a template was saved: its template.json
        'template-saved': {param_types: [GObject.TYPE_STRING]},
        // a live render arrived: (milliseconds from the change to the picture)
        'live-updated': {param_types: [GObject.TYPE_DOUBLE]},
        // the photo (or template) finished opening: (ok)
        'opened': {param_types: [GObject.TYPE_BOOLEAN]},
        'toast-shown': {param_types: [GObject.TYPE_STRING]},
    },
}, class EditorWindow extends Adw.ApplicationWindow {
    constructor({artwork = null, ...params} = {}) {
        super({
            title: 'Template Editor', default_width: 1280, default_height: 820,
            width_request: 360, height_request: 480, ...params,
        });
        this.add_css_class('template-editor');
        this.doc = new TemplateDocument();
        this._artwork = artwork ?? sampleArtwork(this.doc.workPath('sample-artwork.png'));
        this._selected = null;
        this._syncing = false;
        this._liveCancellable = null;
        this._liveRequested = 0;
        this.liveTimes = [];
        this.liveRenderTimes = [];
        this._jobs = new Set();
        this._closing = false;
        this._dialog = null;
        this._renderer = new Mockup.Renderer({
            format: Mockup.Format.PIXBUF,
            max_size: LIVE_SIZE,
            threads: Math.max(1, GLib.get_num_processors() - 1),
        });

        this._buildUi();
        this._addActions();
        this._setUpDrop();

        this.doc.connect('changed', (_d, dragging) => this._onChanged(dragging));
        this.doc.connect('notify::dirty', () => this._syncTitle());
        this.doc.connect('notify::can-undo', () => this._syncActions());
        this.doc.connect('notify::can-redo', () => this._syncActions());
        this._syncActions();
        this._syncTitle();
    }

    // ---- the widgets ---------------------------------------------------

    _buildUi() {
        const header = new Adw.HeaderBar();
        this._title = new Adw.WindowTitle({title: 'New Template'});
        header.title_widget = this._title;

        const undo = new Gtk.Button({icon_name: 'edit-undo-symbolic', action_name: 'win.undo',
            tooltip_text: 'Undo (Ctrl+Z)'});
        const redo = new Gtk.Button({icon_name: 'edit-redo-symbolic', action_name: 'win.redo',
            tooltip_text: 'Redo (Shift+Ctrl+Z)'});
        header.pack_start(undo);
        header.pack_start(redo);

        const menu = new Gio.Menu();
        const open = new Gio.Menu();
        open.append('_Open Photo…', "win.open-photo('')");
        open.append('Open _Template…', "win.open-template('')");
        menu.append_section(null, open);
        const add = new Gio.Menu();
        for (const kind of ['quad', 'mesh', 'cylinder'])
            add.append(`Add ${TITLE(kind)} Slot`, `win.add-slot('${kind}')`);
        menu.append_section(null, add);
        const view = new Gio.Menu();
        view.append('Zoom _In', 'win.zoom-in');
        view.append('Zoom _Out', 'win.zoom-out');
        view.append('_Fit Photo', 'win.zoom-fit');
        view.append('_Actual Size', 'win.zoom-actual');
        menu.append_section(null, view);
        header.pack_end(new Gtk.MenuButton({icon_name: 'open-menu-symbolic', menu_model: menu,
            primary: true, tooltip_text: 'Main Menu'}));
        this._sidebarButton = new Gtk.ToggleButton({icon_name: 'sidebar-show-right-symbolic',
            tooltip_text: 'Slot Settings (F9)', active: true});
        header.pack_end(this._sidebarButton);
        this._saveButton = new Gtk.Button({label: '_Save', use_underline: true,
            action_name: 'win.save', action_target: new GLib.Variant('s', ''),
            tooltip_text: 'Save the Template (Ctrl+S)'});
        this._saveButton.add_css_class('suggested-action');
        header.pack_end(this._saveButton);

        // the canvas, with its tools floating over it
        // wide enough to work on; narrower windows fold the sidebar over it
        this.canvas = new EditorCanvas({width_request: 340});
        this.canvas.update_property([Gtk.AccessibleProperty.LABEL], ['Photo and slots']);
        this._connectCanvas();
        const overlay = new Gtk.Overlay({child: this.canvas});
        const tools = new Gtk.Box({spacing: 6, halign: Gtk.Align.CENTER, valign: Gtk.Align.END,
            margin_bottom: 18});
        tools.add_css_class('toolbar');
        tools.add_css_class('osd');
        tools.add_css_class('editor-tools');
        const toolButton = (tool, icon, tip) => {
            const b = new Gtk.ToggleButton({icon_name: icon, tooltip_text: tip,
                action_name: 'win.tool', action_target: new GLib.Variant('s', tool)});
            tools.append(b);
            return b;
        };
        toolButton('select', 'find-location-symbolic', 'Move Slots and Handles (V)');
        toolButton('brush', 'document-edit-symbolic', 'Paint the Occluder (B)');
        toolButton('erase', 'edit-clear-symbolic', 'Erase the Occluder (E)');
        toolButton('pick', 'color-select-symbolic', 'Occluder by Colour: Pick It on the Photo (I)');
        tools.append(new Gtk.Separator({orientation: Gtk.Orientation.VERTICAL}));
        tools.append(new Gtk.Button({icon_name: 'zoom-out-symbolic', action_name: 'win.zoom-out',
            tooltip_text: 'Zoom Out (Ctrl+−)'}));
        this._zoomLabel = new Gtk.Button({label: '100%', action_name: 'win.zoom-fit',
            tooltip_text: 'Fit the Photo (Ctrl+0)'});
        this._zoomLabel.add_css_class('numeric');
        tools.append(this._zoomLabel);
        tools.append(new Gtk.Button({icon_name: 'zoom-in-symbolic', action_name: 'win.zoom-in',
            tooltip_text: 'Zoom In (Ctrl+=)'}));
        overlay.add_overlay(tools);
        this._spinner = new Gtk.Spinner({halign: Gtk.Align.END, valign: Gtk.Align.START,
            margin_top: 12, margin_end: 12, width_request: 24, height_request: 24});
        overlay.add_overlay(this._spinner);
        this.canvas.connect('notify::zoom', () => {
            this._zoomLabel.label = `${Math.round(this.canvas.zoom * 100)}%`;
        });

        this._flap = new Adw.Flap({
            content: overlay,
            flap: this._buildSidebar(),
            flap_position: Gtk.PackType.END,
            fold_policy: Adw.FlapFoldPolicy.AUTO,
            swipe_to_open: true,
            swipe_to_close: true,
        });
        this._flap.bind_property('reveal-flap', this._sidebarButton, 'active',
            GObject.BindingFlags.BIDIRECTIONAL | GObject.BindingFlags.SYNC_CREATE);

        // before a photo: a status page
        const empty = new Adw.StatusPage({
            icon_name: 'image-x-generic-symbolic',
            title: 'New Template from a Photo',
            description: 'Open or drop a product photo (JPEG, PNG, WebP) or a Photoshop mockup, ' +
                'then mark where artworks go',
        });
        const openButton = new Gtk.Button({label: '_Open Photo…', use_underline: true,
            halign: Gtk.Align.CENTER, action_name: 'win.open-photo', action_target: new GLib.Variant('s', '')});
        openButton.add_css_class('pill');
        openButton.add_css_class('suggested-action');
        empty.child = openButton;

        this._stack = new Gtk.Stack({transition_type: Gtk.StackTransitionType.CROSSFADE, vexpand: true});
        this._stack.add_named(empty, 'empty');
        this._stack.add_named(this._flap, 'editor');

        this._toasts = new Adw.ToastOverlay({child: this._stack});
        const box = new Gtk.Box({orientation: Gtk.Orientation.VERTICAL});
        box.append(header);
        box.append(this._toasts);
        this.content = box;
    }

    _buildSidebar() {
        const page = new Gtk.Box({orientation: Gtk.Orientation.VERTICAL, spacing: 18,
            margin_top: 18, margin_bottom: 18, margin_start: 12, margin_end: 12});

        // the template
        const tGroup = new Adw.PreferencesGroup({title: 'Template'});
        this._nameRow = new Adw.EntryRow({title: 'Name', show_apply_button: true});
        this._nameRow.connect('apply', () => {
            const name = this._nameRow.text.trim();
            if (name && name !== this.doc.state.name)
                this.doc.edit(s => (s.name = name));
        });
        tGroup.add(this._nameRow);
        page.append(tGroup);

        // the slots
        const sGroup = new Adw.PreferencesGroup({title: 'Slots',
            description: 'Where artworks go; each has a name the renderer fills'});
        const addMenu = new Gio.Menu();
        for (const kind of ['quad', 'mesh', 'cylinder'])
            addMenu.append(KIND_LABELS[kind], `win.add-slot('${kind}')`);
        const addButton = new Gtk.MenuButton({icon_name: 'list-add-symbolic', menu_model: addMenu,
            tooltip_text: 'Add a Slot', valign: Gtk.Align.CENTER});
        addButton.add_css_class('flat');
        sGroup.header_suffix = addButton;
        this._slotList = new Gtk.ListBox({selection_mode: Gtk.SelectionMode.SINGLE});
        this._slotList.add_css_class('boxed-list');
        this._slotList.connect('row-selected', (_l, r) => {
            if (!this._syncing && r)
                this.selectSlot(r._slotName);
        });
        sGroup.add(this._slotList);
        page.append(sGroup);

        // the selected slot
        this._slotGroup = new Adw.PreferencesGroup({title: 'Slot'});
        this._slotNameRow = new Adw.EntryRow({title: 'Slot Name', show_apply_button: true});
        this._slotNameRow.connect('apply', () => this._renameSlot(this._slotNameRow.text));
        this._slotGroup.add(this._slotNameRow);

        this._meshRow = row('Mesh Points', 'Rows × columns, 3 to 8');
        this._meshRows = new Gtk.SpinButton({adjustment: new Gtk.Adjustment({lower: 3, upper: 8, step_increment: 1}),
            valign: Gtk.Align.CENTER, tooltip_text: 'Rows'});
        this._meshCols = new Gtk.SpinButton({adjustment: new Gtk.Adjustment({lower: 3, upper: 8, step_increment: 1}),
            valign: Gtk.Align.CENTER, tooltip_text: 'Columns'});
        const onMesh = () => this._editSlot(s => {
            if (s.kind === 'mesh')
                s.mesh = Shapes.resampleMesh(s.mesh, this._meshRows.value, this._meshCols.value);
        });
        this._meshRows.connect('value-changed', onMesh);
        this._meshCols.connect('value-changed', onMesh);
        this._meshRow.add_suffix(this._meshRows);
        this._meshRow.add_suffix(this._meshCols);
        this._slotGroup.add(this._meshRow);

        this._wrapRow = row('Wrap', 'Degrees of the cylinder the print covers');
        this._wrap = new Gtk.SpinButton({adjustment: new Gtk.Adjustment({lower: 1, upper: 360, step_increment: 1, page_increment: 10}),
            digits: 1, valign: Gtk.Align.CENTER});
        this._wrap.connect('value-changed', () => this._editSlot(s => {
            if (s.kind === 'cylinder')
                s.cylinder.wrap = this._wrap.value;
        }, true));
        this._wrapRow.add_suffix(this._wrap);
        this._slotGroup.add(this._wrapRow);
        this._rotationRow = row('Rotation', 'Degrees the print turns around the cylinder');
        this._rotation = new Gtk.SpinButton({adjustment: new Gtk.Adjustment({lower: -180, upper: 180, step_increment: 1, page_increment: 10}),
            digits: 1, valign: Gtk.Align.CENTER});
        this._rotation.connect('value-changed', () => this._editSlot(s => {
            if (s.kind === 'cylinder')
                s.cylinder.rotation = this._rotation.value;
        }, true));
        this._rotationRow.add_suffix(this._rotation);
        this._slotGroup.add(this._rotationRow);

        const combo = (title, items, labels, onSelect) => {
            const r = new Adw.ComboRow({title, model: Gtk.StringList.new(labels)});
            r.connect('notify::selected', () => {
                if (!this._syncing)
                    onSelect(items[r.selected]);
            });
            this._slotGroup.add(r);
            return r;
        };
        this._fitRow = combo('Fit', FITS, ['Cover (crop)', 'Contain (whole artwork)', 'Stretch'],
            v => this._editSlot(s => (s.fit = v)));
        this._alignRow = combo('Alignment', ALIGNS, ALIGNS.map(TITLE), v => this._editSlot(s => (s.align = v)));
        this._aspectRow = combo('Aspect', Shapes.ASPECT_PRESETS.map(p => p.id),
            Shapes.ASPECT_PRESETS.map(p => p.label), v => this.setAspectPreset(v));
        this._shapeAspect = new Gtk.Button({label: 'Shape to Aspect', valign: Gtk.Align.CENTER,
            tooltip_text: 'Make a flat slot’s corners match the aspect (keeps its top edge)'});
        this._shapeAspect.connect('clicked', () => this._editSlot(s => {
            if (s.kind === 'quad' && s.aspect)
                s.quad = Shapes.quadWithAspect(s.quad, s.aspect);
        }));
        this._aspectRow.add_suffix(this._shapeAspect);
        page.append(this._slotGroup);

        // realism from the photo
        const rGroup = new Adw.PreferencesGroup({title: 'From the Photo',
            description: 'The product’s own light, folds and what lies in front of the print'});
        this._realismGroup = rGroup;
        const scale = (lower, upper, step, digits, onChange) => {
            const s = new Gtk.Scale({adjustment: new Gtk.Adjustment({lower, upper, step_increment: step}),
                digits, draw_value: true, width_request: 120, valign: Gtk.Align.CENTER});
            s.connect('value-changed', () => onChange(s.get_value()));
            return s;
        };
        this._shadingRow = row('Shading', 'Light and shadow under the slot');
        this._shadingStrength = scale(0, 1, 0.05, 2, v => this._editSlot(s => {
            if (s.shading)
                s.shading.strength = v;
        }, true));
        this._shadingRow.add_suffix(this._shadingStrength);
        this._shadingButton = new Gtk.Button({label: 'Generate', action_name: 'win.generate-shading',
            valign: Gtk.Align.CENTER});
        this._shadingRow.add_suffix(this._shadingButton);
        rGroup.add(this._shadingRow);

        this._dispRow = row('Displacement', 'Folds move the print (fabric)');
        this._dispStrength = scale(0, 40, 0.5, 1, v => this._editSlot(s => {
            if (s.displacement)
                s.displacement.strength = v;
        }, true));
        this._dispRow.add_suffix(this._dispStrength);
        this._dispRow.add_suffix(new Gtk.Button({label: 'Generate', action_name: 'win.generate-displacement',
            valign: Gtk.Align.CENTER}));
        rGroup.add(this._dispRow);

        this._maskRow = row('Occluder', 'Paint what covers the print, or pick its colour');
        this._brushSize = new Gtk.SpinButton({adjustment: new Gtk.Adjustment({lower: 1, upper: 500, step_increment: 1, page_increment: 10, value: 24}),
            valign: Gtk.Align.CENTER, tooltip_text: 'Brush Radius (photo pixels)'});
        this._brushSize.connect('value-changed', () => (this.canvas.brushRadius = this._brushSize.value));
        this._maskRow.add_suffix(this._brushSize);
        this._maskRow.add_suffix(new Gtk.Button({icon_name: 'edit-clear-all-symbolic', action_name: 'win.clear-mask',
            valign: Gtk.Align.CENTER, tooltip_text: 'Clear the Occluder'}));
        rGroup.add(this._maskRow);
        this._colorRow = row('Occluder Colour', 'Tolerance of the colour match');
        this._tolerance = scale(0.01, 0.5, 0.01, 2, () => {});
        this._tolerance.set_value(0.12);
        this._colorRow.add_suffix(this._tolerance);
        this._colorButton = new Gtk.ColorButton({valign: Gtk.Align.CENTER, title: 'Occluder Colour'});
        this._colorButton.connect('color-set', () => {
            const c = this._colorButton.get_rgba();
            const hex = `#${[c.red, c.green, c.blue].map(v => Math.round(v * 255).toString(16).padStart(2, '0')).join('')}`;
            this.activate_action('mask-color', new GLib.Variant('s', hex));
        });
        this._colorRow.add_suffix(this._colorButton);
        rGroup.add(this._colorRow);
        page.append(rGroup);

        // the artwork layer
        const lGroup = new Adw.PreferencesGroup({title: 'Artwork Layer'});
        this._layerGroup = lGroup;
        this._blendRow = new Adw.ComboRow({title: 'Blend Mode', model: Gtk.StringList.new(BLENDS.map(TITLE))});
        this._blendRow.connect('notify::selected', () => {
            if (!this._syncing)
                this._editSlot(s => (s.blend = BLENDS[this._blendRow.selected]));
        });
        lGroup.add(this._blendRow);
        this._opacityRow = row('Opacity');
        this._opacity = scale(0, 1, 0.05, 2, v => this._editSlot(s => (s.opacity = v), true));
        this._opacityRow.add_suffix(this._opacity);
        lGroup.add(this._opacityRow);
        page.append(lGroup);

        this._removeButton = new Gtk.Button({label: '_Remove Slot', use_underline: true,
            action_name: 'win.remove-slot', halign: Gtk.Align.CENTER});
        this._removeButton.add_css_class('destructive-action');
        page.append(this._removeButton);

        // as wide as it must be, not as its rows would like
        const scroller = new Gtk.ScrolledWindow({hscrollbar_policy: Gtk.PolicyType.NEVER,
            propagate_natural_width: false, width_request: 380, hexpand: false, child: page});
        scroller.add_css_class('editor-sidebar');
        scroller.add_css_class('background');
        return scroller;
    }

    _connectCanvas() {
        const c = this.canvas;
        c.connect('drag-begin', () => this.doc.beginEdit());
        c.connect('drag-end', () => this.doc.endEdit());
        c.connect('handle-moved', (_c, slot, id, x, y) => this.doc.update(state => {
            const i = state.slots.findIndex(s => s.name === slot);
            if (i >= 0)
                state.slots[i] = Shapes.moveHandle(state.slots[i], id, x, y);
        }));
        let base = null;
        c.connect('slot-moved', (_c, slot, dx, dy) => {
            // relative to the slot as the drag found it
            if (!base || base.name !== slot || !this.canvas.dragging)
                base = JSON.parse(JSON.stringify(this.doc.slot(slot)));
            const moved = Shapes.translate(base, dx, dy);
            this.doc.update(state => {
                const i = state.slots.findIndex(s => s.name === slot);
                if (i >= 0)
                    state.slots[i] = {...state.slots[i], ...moved};
            });
            if (!this.canvas.dragging)
                base = null;
        });
        c.connect('drag-end', () => (base = null));
        c.connect('slot-selected', (_c, name) => this.selectSlot(name));
        c.connect('stroke-finished', (_c, erase, radius, json) => {
            const name = this._selected;
            if (!name)
                return;
            this.doc.edit(state => {
                const s = state.slots.find(x => x.name === name);
                s.mask ??= {base: null, baseInvert: false, baseMode: 'luminance', strokes: []};
                s.mask.strokes.push({erase, radius, points: JSON.parse(json).map(p => p.map(v => Math.round(v * 10) / 10))});
            });
        });
        c.connect('picked', (_c, x, y) => {
            const hex = this.doc.colorAt(this._photoPixbuf, x, y);
            const rgba = new Gdk.RGBA();
            rgba.parse(hex);
            this._colorButton.set_rgba(rgba);
            this.activate_action('mask-color', new GLib.Variant('s', hex));
        });
    }

    // ---- actions -------------------------------------------------------

    _addActions() {
        const add = (name, type, callback) => {
            const action = new Gio.SimpleAction({name, parameter_type: type ? new GLib.VariantType(type) : null});
            action.connect('activate', (_a, p) => callback(p?.unpack()));
            this.add_action(action);
            return action;
        };
        add('open-photo', 's', path => (path ? this.openPhoto(path) : this._choose('photo')));
        add('open-template', 's', path => (path ? this.openTemplate(path) : this._choose('template')));
        add('save', 's', folder => this.save(folder || null));
        add('undo', null, () => this.doc.undo());
        add('redo', null, () => this.doc.redo());
        add('add-slot', 's', kind => this.addSlot(kind));
        add('remove-slot', null, () => this.removeSlot());
        add('select-slot', 's', name => this.selectSlot(name));
        add('generate-shading', null, () => this.generate('shading'));
        add('generate-displacement', null, () => this.generate('displacement'));
        add('mask-color', 's', color => this.generate('mask', color));
        add('clear-mask', null, () => this._editSlot(s => (s.mask = null)));
        add('zoom-in', null, () => this.canvas.zoomBy(1.25));
        add('zoom-out', null, () => this.canvas.zoomBy(0.8));
        add('zoom-fit', null, () => this.canvas.zoomToFit());
        add('zoom-actual', null, () => this.canvas.zoomAt(1, this.canvas.get_width() / 2, this.canvas.get_height() / 2));
        add('toggle-sidebar', null, () => (this._flap.reveal_flap = !this._flap.reveal_flap));
        const tool = new Gio.SimpleAction({name: 'tool', parameter_type: new GLib.VariantType('s'),
            state: new GLib.Variant('s', 'select')});
        tool.connect('change-state', (a, v) => {
            const t = v.unpack();
            if (!['select', 'brush', 'erase', 'pick'].includes(t))
                return;
            a.set_state(v);
            this.canvas.tool = t;
            this.canvas.set_cursor_from_name(t === 'select' ? null : 'crosshair');
            this.canvas.queue_draw();
        });
        this.add_action(tool);

        // in the capture phase, so that the app's own Ctrl+S (export) and
        // the like do not reach past this window's
        const shortcuts = new Gtk.ShortcutController({propagation_phase: Gtk.PropagationPhase.CAPTURE});
        const bind = (accel, action, target = null) => shortcuts.add_shortcut(new Gtk.Shortcut({
            trigger: Gtk.ShortcutTrigger.parse_string(accel),
            action: Gtk.NamedAction.new(action),
            arguments: target,
        }));
        bind('<Control>z', 'win.undo');
        bind('<Control><Shift>z', 'win.redo');
        bind('<Control>y', 'win.redo');
        bind('<Control>s', 'win.save', new GLib.Variant('s', ''));
        bind('<Control>o', 'win.open-photo', new GLib.Variant('s', ''));
        bind('<Control>plus', 'win.zoom-in');
        bind('<Control>equal', 'win.zoom-in');
        bind('<Control>minus', 'win.zoom-out');
        bind('<Control>0', 'win.zoom-fit');
        bind('<Control>1', 'win.zoom-actual');
        bind('F9', 'win.toggle-sidebar');
        bind('<Control>w', 'window.close');
        this.add_controller(shortcuts);
        // single keys only where no text is typed: on the canvas
        const toolKeys = new Gtk.ShortcutController();
        for (const [key, t] of [['v', 'select'], ['b', 'brush'], ['e', 'erase'], ['i', 'pick']]) {
            toolKeys.add_shortcut(new Gtk.Shortcut({
                trigger: Gtk.ShortcutTrigger.parse_string(key),
                action: Gtk.NamedAction.new('win.tool'),
                arguments: new GLib.Variant('s', t),
            }));
        }
        toolKeys.add_shortcut(new Gtk.Shortcut({
            trigger: Gtk.ShortcutTrigger.parse_string('Delete'),
            action: Gtk.NamedAction.new('win.remove-slot'),
        }));
        this.canvas.add_controller(toolKeys);
    }

    _syncActions() {
        const set = (name, on) => (this.lookup_action(name).enabled = on);
        const havePhoto = this.doc.photoFile !== null;
        const slot = this._selected !== null;
        set('undo', this.doc.can_undo);
        set('redo', this.doc.can_redo);
        set('save', havePhoto && this.doc.slots.length > 0);
        for (const name of ['add-slot', 'zoom-in', 'zoom-out', 'zoom-fit', 'zoom-actual', 'tool'])
            set(name, havePhoto);
        for (const name of ['remove-slot', 'generate-shading', 'generate-displacement', 'mask-color', 'clear-mask'])
            set(name, slot && this._jobs.size === 0);
    }

    _syncTitle() {
        const name = this.doc.state.name;
        this._title.title = this.doc.dirty && this.doc.photoFile ? `• ${name}` : name;
        this._title.subtitle = this.doc.photoName ?? '';
        this.title = `${name} — Template Editor`;
    }

    // ---- opening -------------------------------------------------------

    _choose(what) {
        const chooser = new Gtk.FileChooserNative({
            title: what === 'photo' ? 'Open Photo' : 'Open Template',
            action: Gtk.FileChooserAction.OPEN, modal: true, transient_for: this,
        });
        const filter = new Gtk.FileFilter({name: what === 'photo' ? 'Photos and Photoshop Mockups' : 'Templates'});
        if (what === 'photo') {
            for (const mime of ['image/jpeg', 'image/png', 'image/webp', 'image/vnd.adobe.photoshop'])
                filter.add_mime_type(mime);
            for (const s of ['jpg', 'jpeg', 'png', 'webp', 'psd', 'psb'])
                filter.add_suffix(s);
        } else {
            filter.add_pattern('template.json');
            filter.add_suffix('json');
        }
        chooser.add_filter(filter);
        chooser.connect('response', (_c, response) => {
            const path = response === Gtk.ResponseType.ACCEPT ? chooser.get_file()?.get_path() : null;
            chooser.destroy();
            this._chooser = null;
            if (path)
                this.activate_action(what === 'photo' ? 'open-photo' : 'open-template', new GLib.Variant('s', path));
        });
        this._chooser = chooser;
        chooser.show();
    }

    /** Starts a template from a photo; a Photoshop mockup is imported first and opened as its template. */
    async openPhoto(path) {
        if (isPhotoshopFile(path)) {
            this._busy(true);
            try {
                const {templatePath} = await importPsd(path, null);
                await this.openTemplate(templatePath, {fromPsd: basename(path)});
            } catch (e) {
                this.toast(e instanceof PsdImportError ? `Cannot import “${basename(path)}”: ${e.message.split('\n')[0]}`
                    : `${e.message ?? e}`);
                this.emit('opened', false);
            } finally {
                this._busy(false);
            }
            return;
        }
        this._busy(true);
        try {
            this._photoPixbuf = await this.doc.newFromPhoto(path);
            this._afterOpen();
            this.addSlot('quad');
            // a new template starts unsaved: its first slot is no edit to undo
            this.doc._undo = [];
            this.doc._notifyStacks();
            this.emit('opened', true);
        } catch (e) {
            this.toast(`Cannot open “${basename(path)}”: ${e.message}`);
            this.emit('opened', false);
        } finally {
            this._busy(false);
        }
    }

    async openTemplate(path, {fromPsd = null} = {}) {
        this._busy(true);
        try {
            this._photoPixbuf = await this.doc.openTemplate(path);
            if (fromPsd) {
                // an import lives in the cache: saving asks for a folder
                this.doc.savedPath = null;
                this.doc.photoName = fromPsd;
            }
            this._afterOpen();
            if (this.doc.slots.length)
                this.selectSlot(this.doc.slots[0].name);
            this.emit('opened', true);
        } catch (e) {
            this.toast(`Cannot open “${basename(path)}”: ${e.message}`);
            this.emit('opened', false);
        } finally {
            this._busy(false);
        }
    }

    _afterOpen() {
        this.canvas.setPhoto(this._photoPixbuf, this.doc.width, this.doc.height);
        this._stack.visible_child_name = 'editor';
        this._selected = null;
        this._syncAll();
        this.canvas.grab_focus();
    }

    _setUpDrop() {
        const target = Gtk.DropTarget.new(Gio.File.$gtype, Gdk.DragAction.COPY);
        target.connect('drop', (_t, file) => {
            const path = file?.get_path?.();
            if (!path)
                return false;
            if (this.doc.dirty && this.doc.photoFile) {
                this.toast('Save or close this template first, then drop the photo again');
                return false;
            }
            this.openPhoto(path);
            return true;
        });
        this.content.add_controller(target);
    }

    // ---- slots ---------------------------------------------------------

    addSlot(kind) {
        const name = this.doc.addSlot(kind);
        this.selectSlot(name);
        return name;
    }

    removeSlot() {
        const name = this._selected;
        if (!name)
            return;
        this.doc.edit(state => (state.slots = state.slots.filter(s => s.name !== name)));
        this.selectSlot(this.doc.slots[0]?.name ?? null);
    }

    selectSlot(name) {
        this._selected = this.doc.slot(name) ? name : null;
        this._syncAll();
    }

    get selectedSlot() {
        return this._selected;
    }

    _renameSlot(wanted) {
        const old = this._selected;
        if (!old || !wanted.trim() || wanted === old)
            return;
        const name = uniqueSlotName(wanted.trim(), this.doc.slots.map(s => s.name).filter(n => n !== old));
        this.doc.edit(state => (state.slots.find(s => s.name === old).name = name));
        this._selected = name;
        this._syncAll();
    }

    // An edit of the selected slot from a widget. Sliders and spin buttons
    // change in many small steps: those (@continuous) make one undo step
    // once they rest for half a second.
    _editSlot(fn, continuous = false) {
        if (this._syncing || !this._selected)
            return;
        const name = this._selected;
        const apply = state => {
            const s = state.slots.find(x => x.name === name);
            if (s)
                fn(s);
        };
        if (!continuous) {
            this.doc.edit(apply);
            return;
        }
        this.doc.beginEdit();
        this.doc.update(apply);
        if (this._restId)
            GLib.source_remove(this._restId);
        this._restId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 500, () => {
            this._restId = 0;
            this.doc.endEdit();
            return GLib.SOURCE_REMOVE;
        });
    }

    setAspectPreset(id) {
        const preset = Shapes.ASPECT_PRESETS.find(p => p.id === id);
        this._editSlot(s => {
            s.aspectPreset = id;
            s.aspect = preset?.aspect ?? null;
        });
    }

    // ---- maps ----------------------------------------------------------

    /** Generates a map for the selected slot: 'shading', 'displacement' or 'mask' (by @color). */
    async generate(what, color = null) {
        const name = this._selected;
        if (!name)
            return false;
        const job = {};
        this._jobs.add(job);
        this._busy(true);
        this._syncActions();
        try {
            if (what === 'shading')
                await this.doc.generateShading(name);
            else if (what === 'displacement')
                await this.doc.generateDisplacement(name);
            else
                await this.doc.maskByColor(name, color, {tolerance: this._tolerance.get_value()});
            return true;
        } catch (e) {
            if (!isCancelled(e))
                this.toast(`${TITLE(what)} of “${name}”: ${e.message}`);
            return false;
        } finally {
            this._jobs.delete(job);
            this._busy(false);
            this._syncActions();
        }
    }

    _busy(on) {
        this._busyCount = Math.max(0, (this._busyCount ?? 0) + (on ? 1 : -1));
        this._spinner.spinning = this._busyCount > 0;
    }

    // ---- changes and the live render -----------------------------------

    _onChanged(dragging) {
        if (this._selected && !this.doc.slot(this._selected))
            this._selected = this.doc.slots[0]?.name ?? null;
        if (!dragging)
            this._syncAll();
        else
            this.canvas.setSlots(this.doc.slots, this._selected);
        this._renderLive();
    }

    _syncAll() {
        this._syncing = true;
        try {
            this.canvas.setSlots(this.doc.slots, this._selected);
            if (this._nameRow.text !== this.doc.state.name)
                this._nameRow.text = this.doc.state.name;
            // the slot list
            let child;
            while ((child = this._slotList.get_first_child()))
                this._slotList.remove(child);
            for (const slot of this.doc.slots) {
                const r = new Adw.ActionRow({title: slot.name, subtitle: KIND_LABELS[slot.kind], activatable: true});
                r.add_prefix(new Gtk.Image({icon_name: slot.kind === 'cylinder' ? 'emblem-synchronizing-symbolic'
                    : slot.kind === 'mesh' ? 'view-grid-symbolic' : 'image-x-generic-symbolic'}));
                r._slotName = slot.name;
                this._slotList.append(r);
                if (slot.name === this._selected)
                    this._slotList.select_row(r);
            }
            const slot = this.doc.slot(this._selected);
            for (const w of [this._slotGroup, this._realismGroup, this._layerGroup, this._removeButton])
                w.sensitive = slot !== null;
            if (slot) {
                this._slotGroup.title = `Slot “${slot.name}”`;
                this._slotNameRow.text = slot.name;
                this._meshRow.visible = slot.kind === 'mesh';
                this._wrapRow.visible = this._rotationRow.visible = slot.kind === 'cylinder';
                if (slot.kind === 'mesh') {
                    this._meshRows.value = slot.mesh.length;
                    this._meshCols.value = slot.mesh[0].length;
                }
                if (slot.kind === 'cylinder') {
                    this._wrap.value = slot.cylinder.wrap ?? 180;
                    this._rotation.value = slot.cylinder.rotation ?? 0;
                }
                this._fitRow.selected = Math.max(0, FITS.indexOf(slot.fit));
                this._alignRow.selected = Math.max(0, ALIGNS.indexOf(slot.align));
                this._aspectRow.selected = Math.max(0, Shapes.ASPECT_PRESETS.findIndex(p => p.id === slot.aspectPreset));
                this._shapeAspect.sensitive = slot.kind === 'quad' && !!slot.aspect;
                this._shadingStrength.sensitive = !!slot.shading;
                this._shadingStrength.set_value(slot.shading?.strength ?? 0.9);
                this._shadingRow.subtitle = slot.shading ? 'Made from the photo' : 'Light and shadow under the slot';
                this._dispStrength.sensitive = !!slot.displacement;
                this._dispStrength.set_value(slot.displacement?.strength ?? 0);
                this._blendRow.selected = Math.max(0, BLENDS.indexOf(slot.blend));
                this._opacity.set_value(slot.opacity);
                const strokes = slot.mask?.strokes.length ?? 0;
                this._maskRow.subtitle = slot.mask
                    ? `${slot.mask.base ? 'By colour' : 'Painted'}${strokes ? `, ${strokes} stroke${strokes > 1 ? 's' : ''}` : ''}`
                    : 'Paint what covers the print, or pick its colour';
            } else {
                this._slotGroup.title = 'Slot';
            }
        } finally {
            this._syncing = false;
        }
        this._syncTitle();
        this._syncActions();
    }

    // Renders the artwork into the template as it is now; the render still
    // running (if any) is cancelled: only the newest state is worth showing.
    async _renderLive() {
        if (!this.doc.photoFile)
            return;
        this._liveCancellable?.cancel();
        const cancellable = new Gio.Cancellable();
        this._liveCancellable = cancellable;
        const started = GLib.get_monotonic_time();
        try {
            const template = this.doc.liveTemplate();
            const result = await this._renderer.render_async(this._artwork, template, cancellable);
            if (cancellable.is_cancelled())
                return;
            result.check();
            this.canvas.setLive(result.get_pixbuf());
            const ms = (GLib.get_monotonic_time() - started) / 1000;
            this.liveTimes.push(ms);
            // the engine's own share (the rest: decoding the result's wait for the main loop)
            this.liveRenderTimes.push(result.get_render_time() / 1000);
            this.emit('live-updated', ms);
        } catch (e) {
            if (!isCancelled(e) && !cancellable.is_cancelled()) {
                // a shape the engine refuses (a folded mesh, a concave quad): say so, keep the last picture
                this._title.subtitle = `${this.doc.photoName ?? ''} — ${e.message.replace(/^[^:]*: /, '')}`;
                this.emit('live-updated', -1);
            }
        } finally {
            if (this._liveCancellable === cancellable)
                this._liveCancellable = null;
        }
    }

    /** Whether a live render is running. */
    get liveRendering() {
        return this._liveCancellable !== null;
    }

    setArtwork(artwork) {
        if (artwork) {
            this._artwork = artwork;
            this._renderLive();
        }
    }

    // ---- saving and closing --------------------------------------------

    /**
     * Saves the template: into @folder, or where it was saved or opened
     * from, or (for a new one) into a folder the user names.
     *
     * @returns {string|null} the template.json, or null if not saved (yet)
     */
    save(folder = null) {
        if (!folder && this.doc.savedPath)
            folder = GLib.path_get_dirname(this.doc.savedPath);
        if (!folder) {
            this._chooseSaveFolder();
            return null;
        }
        try {
            const path = this.doc.save(folder);
            this._syncTitle();
            this.toast(`Saved “${this.doc.state.name}” to “${basename(folder)}”`);
            this.emit('template-saved', path);
            return path;
        } catch (e) {
            this.toast(`Cannot save: ${e.message}`);
            return null;
        }
    }

    _chooseSaveFolder(then = null) {
        const chooser = new Gtk.FileChooserNative({
            title: 'Save Template', action: Gtk.FileChooserAction.SAVE, accept_label: '_Save',
            modal: true, transient_for: this,
        });
        chooser.set_current_name(uniqueSlotName(this.doc.state.name.toLowerCase(), []));
        chooser.connect('response', (_c, response) => {
            const path = response === Gtk.ResponseType.ACCEPT ? chooser.get_file()?.get_path() : null;
            chooser.destroy();
            this._chooser = null;
            if (path && this.save(path))
                then?.();
        });
        this._chooser = chooser;
        chooser.show();
    }

    toast(title) {
        this._toasts.add_toast(new Adw.Toast({title: GLib.markup_escape_text(title, -1), timeout: 5}));
        this.emit('toast-shown', title);
    }

    /** The unsaved-changes dialog, while it shows. */
    get unsavedDialog() {
        return this._dialog;
    }

    vfunc_close_request() {
        if (this.doc.photoFile && this.doc.dirty && !this._closing) {
            this._askToSave();
            return true;
        }
        this._liveCancellable?.cancel();
        this._closeDialog();
        if (this._restId)
            GLib.source_remove(this._restId);
        this.doc.dispose();
        return super.vfunc_close_request();
    }

    _askToSave() {
        if (this._dialog)
            return;
        const dialog = new Adw.MessageDialog({
            transient_for: this, modal: true,
            heading: 'Save Changes?',
            body: `“${this.doc.state.name}” has changes that are not saved. Unsaved changes are lost.`,
        });
        dialog.add_response('cancel', '_Cancel');
        dialog.add_response('discard', '_Discard');
        dialog.add_response('save', '_Save');
        dialog.set_response_appearance('discard', Adw.ResponseAppearance.DESTRUCTIVE);
        dialog.set_response_appearance('save', Adw.ResponseAppearance.SUGGESTED);
        dialog.default_response = 'save';
        dialog.close_response = 'cancel';
        dialog.connect('response', (_d, response) => {
            this._closeDialog();
            if (response === 'discard') {
                this._closing = true;
                this.close();
            } else if (response === 'save') {
                const close = () => {
                    this._closing = true;
                    this.close();
                };
                if (this.doc.savedPath) {
                    if (this.save())
                        close();
                } else {
                    this._chooseSaveFolder(close);
                }
            }
        });
        this._dialog = dialog;
        dialog.present();
    }

    // (see window.js: a libadwaita 1.2 dialog must not outlive its window)
    _closeDialog() {
        const dialog = this._dialog;
        this._dialog = null;
        if (dialog) {
            dialog.transient_for = null;
            dialog.destroy();
        }
    }

    /** Answers the unsaved-changes dialog (for tests): 'cancel', 'discard' or 'save'. */
    respondToDialog(response) {
        this._dialog?.response(response);
    }
});
