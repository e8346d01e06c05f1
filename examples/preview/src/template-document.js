// template-document.js: the template being edited: its photo, its slots,
// undo and redo, the manifest it saves and the one the live render uses.
//
// The state is plain data ({name, slots}), so undo is a stack of JSON
// snapshots: every edit, whatever widget made it, goes through edit() (or
// beginEdit() … update() … endEdit() for a drag, one undo step however
// many motions). Files the state names (maps, masks) live in a scratch
// folder and are never overwritten (each generation gets a new name), so
// an old state on the undo stack still finds its files.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Cairo from 'cairo';
import GdkPixbuf from 'gi://GdkPixbuf';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';

import Mockup from '../../../bindings/gjs/mockup.js';
import * as Shapes from './shapes.js';
import {basename} from './util.js';

/** The longest side of the photo, maps and masks the live render uses. */
export const LIVE_SIZE = 720;
/** The longest side of a painted mask, as the photo maps' (2048). */
const MASK_SIZE = 2048;
const UNDO_LIMIT = 200;

export const FITS = ['cover', 'contain', 'stretch'];
export const ALIGNS = ['center', 'top', 'bottom', 'left', 'right',
    'top-left', 'top-right', 'bottom-left', 'bottom-right'];
export const BLENDS = ['normal', 'multiply', 'screen', 'overlay', 'darken', 'lighten',
    'soft-light', 'hard-light', 'linear-burn', 'color-burn', 'luminosity'];

const NAME_RE = /^[A-Za-z0-9._-]{1,128}$/;

function readJson(path) {
    const [, bytes] = GLib.file_get_contents(path);
    return JSON.parse(new TextDecoder().decode(bytes));
}

function copyFile(from, to) {
    Gio.File.new_for_path(from).copy(Gio.File.new_for_path(to), Gio.FileCopyFlags.OVERWRITE, null, null);
}

function suffixOf(path) {
    const m = /\.([A-Za-z0-9]+)$/.exec(path);
    return m ? m[1].toLowerCase() : 'png';
}

/** A slot name made of what the manifest allows, unique among @taken. */
export function uniqueSlotName(wanted, taken) {
    let base = String(wanted).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'slot';
    base = base.slice(0, 120);
    let name = base;
    for (let i = 2; taken.includes(name); i++)
        name = `${base}-${i}`;
    return name;
}

export const TemplateDocument = GObject.registerClass({
    GTypeName: 'MockupEditorDocument',
    Properties: {
        'dirty': GObject.ParamSpec.boolean('dirty', 'Dirty', 'Unsaved changes',
            GObject.ParamFlags.READABLE, false),
        'can-undo': GObject.ParamSpec.boolean('can-undo', 'Can undo', 'Something to undo',
            GObject.ParamFlags.READABLE, false),
        'can-redo': GObject.ParamSpec.boolean('can-redo', 'Can redo', 'Something to redo',
            GObject.ParamFlags.READABLE, false),
    },
    Signals: {
        // the state changed: (whether only while a drag goes on)
        'changed': {param_types: [GObject.TYPE_BOOLEAN]},
    },
}, class TemplateDocument extends GObject.Object {
    constructor() {
        super();
        this.workDir = GLib.dir_make_tmp('mockup-editor-XXXXXX');
        GLib.mkdir_with_parents(GLib.build_filenamev([this.workDir, 'live']), 0o755);
        this.photoFile = null;      // its name in workDir
        this.photoName = null;      // the file name it came from
        this.width = 0;
        this.height = 0;
        this.livePhotoFile = null;  // in workDir/live
        this.liveScale = 1;
        this.savedPath = null;      // the template.json saved to or opened
        this.sourceLabel = null;    // what the photo came from, for the title
        this.state = {name: 'New Template', slots: [], extraLayers: []};
        this._undo = [];
        this._redo = [];
        this._pending = null;
        this._savedSnapshot = JSON.stringify(this.state);
        this._counter = 0;
        this._liveCopies = new Map();
        this._maskFiles = new Map();
    }

    get dirty() {
        return this._pending !== null || JSON.stringify(this.state) !== this._savedSnapshot;
    }

    get can_undo() {
        return this._undo.length > 0;
    }

    get can_redo() {
        return this._redo.length > 0;
    }

    get slots() {
        return this.state.slots;
    }

    slot(name) {
        return this.state.slots.find(s => s.name === name) ?? null;
    }

    /** A new name for a file in the scratch folder. */
    newFileName(stem, suffix = 'png') {
        return `${stem}-${++this._counter}.${suffix}`;
    }

    workPath(name) {
        return GLib.build_filenamev([this.workDir, name]);
    }

    /** Removes the scratch folder (when the editor closes). */
    dispose() {
        try {
            const rm = path => {
                const file = Gio.File.new_for_path(path);
                if (file.query_file_type(Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null) === Gio.FileType.DIRECTORY) {
                    const e = file.enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
                    let info;
                    while ((info = e.next_file(null)) !== null)
                        rm(GLib.build_filenamev([path, info.get_name()]));
                }
                file.delete(null);
            };
            rm(this.workDir);
        } catch (e) {
            logError(e, 'removing the editor scratch folder');
        }
    }

    // ---- the photo ---------------------------------------------------------

    /**
     * Takes a photo (any format the library reads: JPEG, PNG, WebP, …),
     * decoded by the library itself so that EXIF orientation and formats
     * GdkPixbuf lacks come out as a template will show them.
     *
     * @returns {Promise<GdkPixbuf.Pixbuf>} the photo, at most 4096 a side, for display
     */
    async setPhoto(path, cancellable = null) {
        const name = `photo.${suffixOf(path)}`;
        copyFile(path, this.workPath(name));
        const display = await this._decode(name, 4096, cancellable);
        // the photo's real size, from a render at its own size's bound
        const probe = Mockup.Template.new_from_data(JSON.stringify({
            format: 1, layers: [{type: 'image', source: name}],
        }), this.workDir);
        this.photoFile = name;
        this.photoName = basename(path);
        this.width = probe.width;
        this.height = probe.height;
        this.displayScale = display.get_width() / this.width;

        const live = await this._decode(name, LIVE_SIZE, cancellable);
        this.liveScale = live.get_width() / this.width;
        this.livePhotoFile = `live/photo-${++this._counter}.png`;
        live.savev(this.workPath(this.livePhotoFile), 'png', ['compression'], ['1']);
        return display;
    }

    async _decode(name, maxSize, cancellable) {
        const template = Mockup.Template.new_from_data(JSON.stringify({
            format: 1, layers: [{type: 'image', source: name}],
        }), this.workDir);
        const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF, max_size: maxSize});
        const result = await renderer.render_async(Mockup.Artwork.new_from_pixbuf(
            GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, true, 8, 1, 1)), template, cancellable);
        result.check();
        return result.get_pixbuf();
    }

    /**
     * Opens a template folder's manifest for editing: its first image layer
     * is the photo, its artwork layers the slots, an image layer that draws
     * the photo again through a mask the occluder of the slot under it;
     * other layers are kept as they are, on top.
     */
    async openTemplate(path, cancellable = null) {
        const manifest = readJson(path);
        const dir = GLib.path_get_dirname(path);
        const layers = manifest.layers ?? [];
        const photoLayer = layers.find(l => l.type === 'image');
        if (!photoLayer)
            throw new Error(`${basename(path)}: no image layer to use as the photo`);
        const display = await this.setPhoto(GLib.build_filenamev([dir, photoLayer.source]), cancellable);
        const src = s => (typeof s === 'string' ? s : s?.source);
        const bring = (source, stem) => {
            const name = this.newFileName(stem, suffixOf(source));
            copyFile(GLib.build_filenamev([dir, source]), this.workPath(name));
            return name;
        };
        const slots = [], extra = [];
        for (const layer of layers) {
            if (layer === photoLayer)
                continue;
            if (layer.type === 'artwork') {
                const kind = layer.quad ? 'quad' : layer.mesh ? 'mesh' : 'cylinder';
                const name = uniqueSlotName(layer.slot ?? 'artwork', slots.map(s => s.name));
                const slot = {
                    name, kind, [kind]: layer[kind],
                    fit: layer.fit ?? 'cover',
                    align: typeof layer.align === 'string' ? layer.align : 'center',
                    aspect: layer.aspect ?? null,
                    aspectPreset: layer.aspect ? 'custom' : 'auto',
                    blend: layer.blend ?? 'normal',
                    opacity: layer.opacity ?? 1,
                    shading: null, displacement: null, mask: null,
                };
                if (kind === 'cylinder')
                    slot.cylinder = {ellipse: 0, wrap: 180, rotation: 0, ...layer.cylinder};
                if (layer.shading) {
                    const s = layer.shading;
                    slot.shading = {
                        file: bring(src(s), `shading-${name}`),
                        strength: s.strength ?? 1, neutral: s.neutral ?? 1,
                    };
                }
                if (layer.displacement) {
                    const d = layer.displacement;
                    slot.displacement = {file: bring(src(d), `displacement-${name}`), strength: d.strength ?? 5};
                }
                slots.push(slot);
            } else if (layer.type === 'image' && src(layer) === photoLayer.source && layer.mask && slots.length > 0) {
                // the occluder of the slot it names (as saved), else of the slot under it
                const slot = slots.find(s => layer.name === `${s.name} occluder`) ?? slots[slots.length - 1];
                const m = typeof layer.mask === 'string' ? {source: layer.mask} : layer.mask;
                slot.mask = {
                    base: bring(m.source, `mask-${slot.name}`), baseInvert: !!m.invert,
                    baseMode: m.mode ?? 'luminance', strokes: [],
                };
            } else {
                extra.push(this._bringLayer(layer, dir, bring));
            }
        }
        this.state = {name: manifest.name ?? manifest.id ?? basename(dir), slots, extraLayers: extra};
        this.savedPath = path;
        this._undo = [];
        this._redo = [];
        this._savedSnapshot = JSON.stringify(this.state);
        this._notifyStacks();
        this.emit('changed', false);
        return display;
    }

    // a layer the editor does not edit, its files brought into the scratch folder
    _bringLayer(layer, dir, bring) {
        const copy = JSON.parse(JSON.stringify(layer));
        const fix = (obj, key) => {
            if (typeof obj[key] === 'string')
                obj[key] = bring(obj[key], 'layer');
            else if (obj[key]?.source)
                obj[key].source = bring(obj[key].source, 'layer');
        };
        fix(copy, 'source');
        fix(copy, 'mask');
        return copy;
    }

    /** Starts a new template on a photo. */
    async newFromPhoto(path, cancellable = null) {
        const display = await this.setPhoto(path, cancellable);
        this.state = {
            name: basename(path).replace(/\.[^.]*$/, '') || 'New Template',
            slots: [], extraLayers: [],
        };
        this.savedPath = null;
        this._undo = [];
        this._redo = [];
        this._savedSnapshot = null; // never saved: dirty until it is
        this._notifyStacks();
        this.emit('changed', false);
        return display;
    }

    // ---- edits and undo ----------------------------------------------------

    /** One undoable edit: fn(state) changes the state in place. */
    edit(fn) {
        this.beginEdit();
        this.update(fn);
        this.endEdit();
    }

    /** Starts an edit that lasts (a drag): one undo step at endEdit(). */
    beginEdit() {
        if (this._pending === null)
            this._pending = JSON.stringify(this.state);
    }

    update(fn) {
        const inEdit = this._pending !== null;
        if (!inEdit)
            this.beginEdit();
        fn(this.state);
        this.emit('changed', inEdit);
        if (!inEdit)
            this.endEdit();
    }

    endEdit() {
        const before = this._pending;
        this._pending = null;
        if (before === null)
            return;
        if (before !== JSON.stringify(this.state)) {
            this._undo.push(before);
            if (this._undo.length > UNDO_LIMIT)
                this._undo.shift();
            this._redo = [];
        }
        this._notifyStacks();
        this.emit('changed', false);
    }

    undo() {
        if (this._pending !== null)
            this.endEdit();
        const before = this._undo.pop();
        if (before === undefined)
            return false;
        this._redo.push(JSON.stringify(this.state));
        this.state = JSON.parse(before);
        this._notifyStacks();
        this.emit('changed', false);
        return true;
    }

    redo() {
        const after = this._redo.pop();
        if (after === undefined)
            return false;
        this._undo.push(JSON.stringify(this.state));
        this.state = JSON.parse(after);
        this._notifyStacks();
        this.emit('changed', false);
        return true;
    }

    _notifyStacks() {
        this.notify('can-undo');
        this.notify('can-redo');
        this.notify('dirty');
    }

    // ---- slots ---------------------------------------------------------------

    addSlot(kind, wanted = null) {
        const name = uniqueSlotName(wanted ?? (this.slots.length ? kind : 'artwork'),
            this.slots.map(s => s.name));
        const slot = {
            name, ...Shapes.defaultShape(kind, this.width, this.height),
            fit: 'cover', align: 'center', aspect: null, aspectPreset: 'auto',
            blend: 'normal', opacity: 1, shading: null, displacement: null, mask: null,
        };
        this.edit(state => state.slots.push(slot));
        return name;
    }

    // ---- maps from the photo -------------------------------------------------

    /** Makes a slot's shading map from the photo (Mockup.photo_maps_shading_async). */
    async generateShading(name, {smoothing = 3, strength = null} = {}, cancellable = null) {
        const slot = this.slot(name);
        const file = this.newFileName(`shading-${name}`);
        await Mockup.photo_maps_shading_async(this.workPath(this.photoFile), Shapes.region(slot),
            smoothing, this.workPath(file), cancellable);
        this.edit(state => {
            const s = state.slots.find(x => x.name === name);
            if (s)
                s.shading = {file, strength: strength ?? s.shading?.strength ?? 0.9, neutral: 0.5};
        });
        return file;
    }

    /** Makes a slot's displacement map from the photo. */
    async generateDisplacement(name, {smoothing = 6, strength = null} = {}, cancellable = null) {
        const slot = this.slot(name);
        const file = this.newFileName(`displacement-${name}`);
        await Mockup.photo_maps_displacement_async(this.workPath(this.photoFile), Shapes.region(slot),
            smoothing, this.workPath(file), cancellable);
        const px = Math.max(2, Math.round(Math.max(this.width, this.height) / 250));
        this.edit(state => {
            const s = state.slots.find(x => x.name === name);
            if (s)
                s.displacement = {file, strength: strength ?? s.displacement?.strength ?? px};
        });
        return file;
    }

    /** Chooses a slot's occluder by colour (Mockup.photo_maps_color_mask_async). */
    async maskByColor(name, color, {tolerance = 0.12, softness = 0.06} = {}, cancellable = null) {
        const slot = this.slot(name);
        const file = this.newFileName(`colour-mask-${name}`);
        await Mockup.photo_maps_color_mask_async(this.workPath(this.photoFile), Shapes.region(slot),
            color, tolerance, softness, this.workPath(file), cancellable);
        this.edit(state => {
            const s = state.slots.find(x => x.name === name);
            if (s)
                s.mask = {base: file, baseInvert: false, baseMode: 'luminance', strokes: s.mask?.strokes ?? []};
        });
        return file;
    }

    /** The photo's colour at a point, '#rrggbb', for "pick the occluder's colour". */
    colorAt(pixbuf, x, y) {
        const s = pixbuf.get_width() / this.width;
        const px = Math.min(pixbuf.get_width() - 1, Math.max(0, Math.floor(x * s)));
        const py = Math.min(pixbuf.get_height() - 1, Math.max(0, Math.floor(y * s)));
        const data = pixbuf.get_pixels();
        const i = py * pixbuf.get_rowstride() + px * pixbuf.get_n_channels();
        return `#${[0, 1, 2].map(k => data[i + k].toString(16).padStart(2, '0')).join('')}`;
    }

    // ---- masks -----------------------------------------------------------------

    /**
     * Paints a slot's occluder mask: its colour mask (or the mask it was
     * opened with), then the brush strokes (white adds, erase removes).
     * The same mask state gives the same file, made once.
     *
     * @returns {string|null} a PNG in the scratch folder, or null for no mask
     */
    maskFile(mask, maxSize = MASK_SIZE) {
        if (!mask || (!mask.base && mask.strokes.length === 0))
            return null;
        const key = `${maxSize}:${JSON.stringify(mask)}`;
        const known = this._maskFiles.get(key);
        if (known)
            return known;
        const scale = Math.min(1, maxSize / Math.max(this.width, this.height));
        const w = Math.max(1, Math.round(this.width * scale)), h = Math.max(1, Math.round(this.height * scale));
        const surface = new Cairo.ImageSurface(Cairo.Format.RGB24, w, h);
        const cr = new Cairo.Context(surface);
        cr.setSourceRGB(0, 0, 0);
        cr.paint();
        if (mask.base) {
            const pixbuf = GdkPixbuf.Pixbuf.new_from_file_at_scale(this.workPath(mask.base), w, h, false);
            const grey = this._greyOf(pixbuf, mask.baseMode === 'alpha', mask.baseInvert);
            cr.save();
            cr.scale(w / grey.getWidth(), h / grey.getHeight());
            cr.setSourceSurface(grey, 0, 0);
            cr.paint();
            cr.restore();
        }
        cr.scale(w / this.width, h / this.height);
        cr.setLineCap(Cairo.LineCap.ROUND);
        cr.setLineJoin(Cairo.LineJoin.ROUND);
        for (const stroke of mask.strokes) {
            const v = stroke.erase ? 0 : 1;
            cr.setSourceRGB(v, v, v);
            cr.setLineWidth(stroke.radius * 2);
            const [first, ...rest] = stroke.points;
            cr.moveTo(first[0], first[1]);
            if (rest.length === 0)
                cr.lineTo(first[0] + 0.01, first[1]);
            for (const [x, y] of rest)
                cr.lineTo(x, y);
            cr.stroke();
        }
        cr.$dispose();
        const file = this.newFileName(maxSize === MASK_SIZE ? 'occluder' : 'live/occluder');
        surface.writeToPNG(this.workPath(file));
        this._maskFiles.set(key, file);
        return file;
    }

    // a mask image as a grey Cairo surface (luminance or alpha, inverted or not)
    _greyOf(pixbuf, alpha, invert) {
        const w = pixbuf.get_width(), h = pixbuf.get_height();
        const n = pixbuf.get_n_channels(), stride = pixbuf.get_rowstride();
        const src = pixbuf.get_pixels();
        const out = new Uint8Array(w * h * 3);
        for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
                const i = y * stride + x * n;
                let v = alpha ? (n === 4 ? src[i + 3] : 255)
                    : 0.2126 * src[i] + 0.7152 * src[i + 1] + 0.0722 * src[i + 2];
                if (n === 4 && !alpha)
                    v = v * src[i + 3] / 255;
                if (invert)
                    v = 255 - v;
                const o = (y * w + x) * 3;
                out[o] = out[o + 1] = out[o + 2] = Math.round(v);
            }
        }
        const grey = GdkPixbuf.Pixbuf.new_from_bytes(new GLib.Bytes(out), GdkPixbuf.Colorspace.RGB,
            false, 8, w, h, w * 3);
        const path = this.workPath(this.newFileName('grey'));
        grey.savev(path, 'png', [], []);
        return Cairo.ImageSurface.createFromPNG(path);
    }

    // a map at the live render's size (made once per file)
    _liveCopy(file) {
        let copy = this._liveCopies.get(file);
        if (!copy) {
            const size = Math.round(LIVE_SIZE * 1.0);
            const pixbuf = GdkPixbuf.Pixbuf.new_from_file_at_scale(this.workPath(file), size, size, true);
            copy = `live/${file.replace(/\.[^.]*$/, '')}.png`;
            pixbuf.savev(this.workPath(copy), 'png', ['compression'], ['1']);
            this._liveCopies.set(file, copy);
        }
        return copy;
    }

    // ---- manifests -------------------------------------------------------------

    /**
     * The manifest for the state.
     *
     * @param {object} options
     * @param {boolean} options.live - for the live render: the photo, maps
     *   and masks at LIVE_SIZE, coordinates scaled to match
     * @param {Function} [options.place] - (scratch file, role) -> the path
     *   the manifest names, for saving
     */
    manifest({live = false, place = null, id = null} = {}) {
        const k = live ? this.liveScale : 1;
        const sc = v => v * k;
        const file = (name, role) => {
            if (live)
                return this._liveCopy(name);
            return place ? place(name, role) : name;
        };
        const photo = live ? this.livePhotoFile : place ? place(this.photoFile, 'photo') : this.photoFile;
        const layers = [{type: 'image', name: 'photo', source: photo}];
        const occluders = [];
        for (const slot of this.state.slots) {
            const layer = {type: 'artwork', name: slot.name, slot: slot.name};
            if (slot.kind === 'quad')
                layer.quad = slot.quad.map(p => p.map(sc));
            else if (slot.kind === 'mesh')
                layer.mesh = slot.mesh.map(row => row.map(p => p.map(sc)));
            else {
                const c = slot.cylinder;
                layer.cylinder = {
                    left: sc(c.left), right: sc(c.right), top: sc(c.top), bottom: sc(c.bottom),
                    ellipse: sc(c.ellipse ?? 0), wrap: c.wrap ?? 180, rotation: c.rotation ?? 0,
                };
            }
            layer.fit = slot.fit;
            if (slot.align !== 'center')
                layer.align = slot.align;
            if (slot.aspect)
                layer.aspect = slot.aspect;
            if (slot.blend !== 'normal')
                layer.blend = slot.blend;
            if (slot.opacity !== 1)
                layer.opacity = slot.opacity;
            if (slot.shading) {
                layer.shading = {
                    source: file(slot.shading.file, `shading-${slot.name}`),
                    strength: slot.shading.strength, neutral: slot.shading.neutral ?? 0.5,
                };
            }
            if (slot.displacement) {
                layer.displacement = {
                    source: file(slot.displacement.file, `displacement-${slot.name}`),
                    strength: sc(slot.displacement.strength),
                };
            }
            layers.push(layer);
            const mask = this.maskFile(slot.mask, live ? LIVE_SIZE : MASK_SIZE);
            if (mask) {
                occluders.push({
                    type: 'image', name: `${slot.name} occluder`, source: photo,
                    mask: live ? mask : place ? place(mask, `occluder-${slot.name}`) : mask,
                });
            }
        }
        layers.push(...occluders);
        for (const extra of this.state.extraLayers ?? []) {
            const copy = JSON.parse(JSON.stringify(extra));
            for (const key of ['source', 'mask']) {
                if (typeof copy[key] === 'string')
                    copy[key] = live ? this._liveCopy(copy[key]) : file(copy[key], 'layer');
                else if (copy[key]?.source)
                    copy[key].source = live ? this._liveCopy(copy[key].source) : file(copy[key].source, 'layer');
            }
            layers.push(copy);
        }
        const manifest = {format: 1};
        if (id)
            manifest.id = id;
        manifest.name = this.state.name;
        if (live)
            manifest.size = [Math.round(this.width * k), Math.round(this.height * k)];
        else
            manifest.size = [this.width, this.height];
        manifest.layers = layers;
        return manifest;
    }

    /** The live manifest as a Mockup.Template (relative to the scratch folder). */
    liveTemplate() {
        return Mockup.Template.new_from_data(JSON.stringify(this.manifest({live: true})), this.workDir);
    }

    /**
     * Saves the template as a folder: template.json and its images. The
     * manifest is checked by loading it before it replaces the old one.
     *
     * @param {string} folder - made if missing
     * @returns {string} the template.json written
     */
    save(folder) {
        GLib.mkdir_with_parents(folder, 0o755);
        const used = new Map();
        const place = (name, role) => {
            if (used.has(name))
                return used.get(name);
            const target = `${role.replace(/[^A-Za-z0-9._-]+/g, '-')}.${suffixOf(name)}`;
            let unique = target;
            for (let i = 2; [...used.values()].includes(unique); i++)
                unique = target.replace(/(\.[^.]*)$/, `-${i}$1`);
            copyFile(this.workPath(name), GLib.build_filenamev([folder, unique]));
            used.set(name, unique);
            return unique;
        };
        const id = uniqueSlotName(basename(folder), []);
        const manifest = this.manifest({place, id: NAME_RE.test(id) ? id : null});
        const text = `${JSON.stringify(manifest, null, 2)}\n`;
        const path = GLib.build_filenamev([folder, 'template.json']);
        // refuse to write what the library would refuse to read
        Mockup.Template.new_from_data(text, folder);
        GLib.file_set_contents(`${path}.tmp`, text);
        Gio.File.new_for_path(`${path}.tmp`).move(Gio.File.new_for_path(path),
            Gio.FileCopyFlags.OVERWRITE, null, null);
        this.savedPath = path;
        this._savedSnapshot = JSON.stringify(this.state);
        this.notify('dirty');
        return path;
    }
});
