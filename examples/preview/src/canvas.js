// canvas.js: the editor's canvas: the photo with zoom and pan, the live
// render over it, the slots' outlines and handles, a loupe under the
// pointer, and the occluder brush.
//
// Pointer input goes through pointerDown/pointerMove/pointerUp (widget
// coordinates), which the gestures call and a test can call too. Positions
// are kept in photo pixels as doubles: at a zoom above 1 a handle lands
// between pixels (sub-pixel placement), and arrow keys nudge the selected
// handle by 1 px, or 0.1 px with Shift.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Adw from 'gi://Adw?version=1';
import Gdk from 'gi://Gdk?version=4.0';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Graphene from 'gi://Graphene';
import Gtk from 'gi://Gtk?version=4.0';

import * as Shapes from './shapes.js';

const HANDLE_RADIUS = 6;     // screen pixels
const HIT_RADIUS = 12;
const LOUPE_RADIUS = 64;
const LOUPE_ZOOM = 6;
const MIN_ZOOM = 0.02, MAX_ZOOM = 32;

function rect(x, y, w, h) {
    const r = new Graphene.Rect();
    r.init(x, y, w, h);
    return r;
}

export const EditorCanvas = GObject.registerClass({
    GTypeName: 'MockupEditorCanvas',
    Properties: {
        'zoom': GObject.ParamSpec.double('zoom', 'Zoom', 'Screen pixels per photo pixel',
            GObject.ParamFlags.READABLE, MIN_ZOOM, MAX_ZOOM, 1),
    },
    Signals: {
        // a handle (slot, id) is being dragged to (x, y), photo pixels
        'handle-moved': {param_types: [GObject.TYPE_STRING, GObject.TYPE_STRING, GObject.TYPE_DOUBLE, GObject.TYPE_DOUBLE]},
        // a slot was moved by (dx, dy) since the drag began
        'slot-moved': {param_types: [GObject.TYPE_STRING, GObject.TYPE_DOUBLE, GObject.TYPE_DOUBLE]},
        // a drag began or ended (the document groups it into one undo step)
        'drag-begin': {},
        'drag-end': {},
        // a slot was clicked
        'slot-selected': {param_types: [GObject.TYPE_STRING]},
        // a brush stroke ended: (erase, radius, points as JSON)
        'stroke-finished': {param_types: [GObject.TYPE_BOOLEAN, GObject.TYPE_DOUBLE, GObject.TYPE_STRING]},
        // a colour was picked (the pick tool): (x, y)
        'picked': {param_types: [GObject.TYPE_DOUBLE, GObject.TYPE_DOUBLE]},
    },
}, class EditorCanvas extends Gtk.Widget {
    constructor(params = {}) {
        super({focusable: true, hexpand: true, vexpand: true, overflow: Gtk.Overflow.HIDDEN, ...params});
        this.add_css_class('editor-canvas');
        this.accessible_role = Gtk.AccessibleRole.IMG;

        this._photo = null;        // Gdk.Texture
        this._photoPixbuf = null;
        this._photoSize = [0, 0];  // photo pixels
        this._live = null;         // Gdk.Texture of the live render, photo-wide
        this._slots = [];
        this._selected = null;     // slot name
        this._handle = null;       // selected handle id
        this._zoom = 1;
        this._origin = [0, 0];     // the photo point at the widget's (0, 0)
        this._fitted = true;       // zoomed to fit: refit on resize
        this._pointer = null;      // [x, y] widget
        this._drag = null;
        this._stroke = null;
        this.tool = 'select';      // 'select', 'brush', 'erase' or 'pick'
        this.brushRadius = 24;     // photo pixels
        this.showLoupe = true;

        const drag = new Gtk.GestureDrag({button: 0});
        drag.connect('drag-begin', (g, x, y) => {
            this.grab_focus();
            this.pointerDown(x, y, g.get_current_button(), g.get_current_event_state());
        });
        drag.connect('drag-update', (g, dx, dy) => {
            const [, sx, sy] = g.get_start_point();
            this.pointerMove(sx + dx, sy + dy, g.get_current_event_state());
        });
        drag.connect('drag-end', (g, dx, dy) => {
            const [, sx, sy] = g.get_start_point();
            this.pointerUp(sx + dx, sy + dy);
        });
        this.add_controller(drag);

        const motion = new Gtk.EventControllerMotion();
        motion.connect('motion', (_c, x, y) => {
            this._pointer = [x, y];
            if (this.tool !== 'select')
                this.queue_draw();
        });
        motion.connect('leave', () => {
            this._pointer = null;
            this.queue_draw();
        });
        this.add_controller(motion);

        const zoom = new Gtk.GestureZoom();
        let zoomStart = 1;
        zoom.connect('begin', () => (zoomStart = this._zoom));
        zoom.connect('scale-changed', (g, scale) => {
            const [, cx, cy] = g.get_bounding_box_center();
            this.zoomAt(zoomStart * scale, cx, cy);
        });
        this.add_controller(zoom);

        const scroll = new Gtk.EventControllerScroll({
            flags: Gtk.EventControllerScrollFlags.BOTH_AXES,
        });
        scroll.connect('scroll', (c, dx, dy) => {
            const state = c.get_current_event_state();
            if (state & Gdk.ModifierType.CONTROL_MASK) {
                const [x, y] = this._pointer ?? [this.get_width() / 2, this.get_height() / 2];
                this.zoomAt(this._zoom * Math.pow(1.15, -dy), x, y);
            } else {
                this.panBy(dx * 40, dy * 40);
            }
            return true;
        });
        this.add_controller(scroll);

        const keys = new Gtk.EventControllerKey();
        keys.connect('key-pressed', (_c, keyval, _code, state) => this._onKey(keyval, state));
        this.add_controller(keys);

        Adw.StyleManager.get_default().connect('notify::dark', () => this.queue_draw());
    }

    // ---- content -------------------------------------------------------

    setPhoto(pixbuf, width, height) {
        this._photoPixbuf = pixbuf;
        this._photo = pixbuf ? Gdk.Texture.new_for_pixbuf(pixbuf) : null;
        this._photoSize = [width, height];
        this._loupeSurface = null;
        this._live = null;
        this.zoomToFit();
    }

    setLive(pixbuf) {
        this._live = pixbuf ? Gdk.Texture.new_for_pixbuf(pixbuf) : null;
        this.queue_draw();
    }

    setSlots(slots, selected) {
        this._slots = slots;
        if (selected !== this._selected)
            this._handle = null;
        this._selected = selected;
        if (this._handle && !this._selectedHandles().some(h => h.id === this._handle))
            this._handle = null;
        this.queue_draw();
    }

    get selectedHandle() {
        return this._handle;
    }

    set selectedHandle(id) {
        this._handle = id;
        this.queue_draw();
    }

    get zoom() {
        return this._zoom;
    }

    // ---- coordinates ---------------------------------------------------

    toPhoto(x, y) {
        return [this._origin[0] + x / this._zoom, this._origin[1] + y / this._zoom];
    }

    toWidget(px, py) {
        return [(px - this._origin[0]) * this._zoom, (py - this._origin[1]) * this._zoom];
    }

    zoomToFit() {
        const [w, h] = this._photoSize;
        const ww = this.get_width() || 800, wh = this.get_height() || 600;
        if (!w || !h)
            return;
        const z = Math.min((ww - 48) / w, (wh - 48) / h);
        this._zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z));
        this._origin = [w / 2 - ww / 2 / this._zoom, h / 2 - wh / 2 / this._zoom];
        this._fitted = true;
        this.notify('zoom');
        this.queue_draw();
    }

    /** Zooms so that the widget point (x, y) stays over the same photo point. */
    zoomAt(zoom, x, y) {
        zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, zoom));
        const [px, py] = this.toPhoto(x, y);
        this._zoom = zoom;
        this._origin = [px - x / zoom, py - y / zoom];
        this._fitted = false;
        this.notify('zoom');
        this.queue_draw();
    }

    zoomBy(factor) {
        this.zoomAt(this._zoom * factor, this.get_width() / 2, this.get_height() / 2);
    }

    /** Zooms to @zoom centred on a photo point (the test's and 1:1's). */
    zoomTo(zoom, px, py) {
        this._zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, zoom));
        this._origin = [px - this.get_width() / 2 / this._zoom, py - this.get_height() / 2 / this._zoom];
        this._fitted = false;
        this.notify('zoom');
        this.queue_draw();
    }

    panBy(dx, dy) {
        this._origin = [this._origin[0] + dx / this._zoom, this._origin[1] + dy / this._zoom];
        this._fitted = false;
        this.queue_draw();
    }

    vfunc_size_allocate(width, height, baseline) {
        super.vfunc_size_allocate(width, height, baseline);
        if (this._fitted)
            this.zoomToFit();
    }

    // ---- hit testing ---------------------------------------------------

    _selectedHandles() {
        const slot = this._slots.find(s => s.name === this._selected);
        return slot ? Shapes.handles(slot) : [];
    }

    /** The handle at a widget point: {slot, id} or null; the selected slot's first. */
    handleAt(x, y) {
        const order = [...this._slots].sort((a, b) =>
            (b.name === this._selected) - (a.name === this._selected));
        for (const slot of order) {
            if (slot.name !== this._selected && order.length > 1 && this._selected)
                continue; // handles of other slots show only once they are selected
            let best = null, bestD = HIT_RADIUS;
            for (const h of Shapes.handles(slot)) {
                const [hx, hy] = this.toWidget(h.x, h.y);
                const d = Math.hypot(hx - x, hy - y);
                if (d <= bestD) {
                    best = h;
                    bestD = d;
                }
            }
            if (best)
                return {slot: slot.name, id: best.id};
        }
        return null;
    }

    slotAt(x, y) {
        const [px, py] = this.toPhoto(x, y);
        for (let i = this._slots.length - 1; i >= 0; i--) {
            if (Shapes.pointInPolygon(Shapes.outline(this._slots[i], 8), px, py))
                return this._slots[i].name;
        }
        return null;
    }

    // ---- pointer -------------------------------------------------------

    /**
     * A button went down at widget (x, y): grab a handle, start a stroke,
     * pick a colour, select and move a slot, or pan. Button 2 always pans.
     */
    pointerDown(x, y, button = 1, state = 0) {
        this._pointer = [x, y];
        const [px, py] = this.toPhoto(x, y);
        if (button === 2 || (state & Gdk.ModifierType.SHIFT_MASK && this.tool === 'select' && !this.handleAt(x, y))) {
            this._drag = {mode: 'pan', last: [x, y]};
            return;
        }
        if (this.tool === 'pick') {
            this.emit('picked', px, py);
            this._drag = null;
            return;
        }
        if (this.tool === 'brush' || this.tool === 'erase') {
            this._stroke = {erase: this.tool === 'erase', radius: this.brushRadius, points: [[px, py]]};
            this._drag = {mode: 'stroke'};
            this.queue_draw();
            return;
        }
        const hit = this.handleAt(x, y);
        if (hit) {
            if (hit.slot !== this._selected)
                this.emit('slot-selected', hit.slot);
            this._handle = hit.id;
            const h = this._selectedHandles().find(k => k.id === hit.id);
            // the handle keeps its offset from the pointer: no jump on grab
            this._drag = {mode: 'handle', slot: hit.slot, id: hit.id, offset: [h.x - px, h.y - py], moved: false};
            this.emit('drag-begin');
            this.queue_draw();
            return;
        }
        const slot = this.slotAt(x, y);
        if (slot) {
            if (slot !== this._selected)
                this.emit('slot-selected', slot);
            this._drag = {mode: 'slot', slot, start: [px, py], moved: false};
            this.emit('drag-begin');
            return;
        }
        this._drag = {mode: 'pan', last: [x, y]};
    }

    pointerMove(x, y, _state = 0) {
        this._pointer = [x, y];
        const drag = this._drag;
        if (!drag) {
            this.queue_draw();
            return;
        }
        const [px, py] = this.toPhoto(x, y);
        switch (drag.mode) {
        case 'pan':
            this.panBy(drag.last[0] - x, drag.last[1] - y);
            drag.last = [x, y];
            break;
        case 'stroke':
            this._stroke.points.push([px, py]);
            this.queue_draw();
            break;
        case 'handle':
            drag.moved = true;
            this.emit('handle-moved', drag.slot, drag.id, px + drag.offset[0], py + drag.offset[1]);
            break;
        case 'slot':
            drag.moved = true;
            this.emit('slot-moved', drag.slot, px - drag.start[0], py - drag.start[1]);
            break;
        }
    }

    pointerUp(x, y) {
        const drag = this._drag;
        if (drag && (drag.mode === 'handle' || drag.mode === 'slot') && (x !== undefined))
            this.pointerMove(x, y);
        this._drag = null;
        if (drag?.mode === 'stroke' && this._stroke) {
            const stroke = this._stroke;
            this._stroke = null;
            this.emit('stroke-finished', stroke.erase, stroke.radius, JSON.stringify(stroke.points));
        } else if (drag?.mode === 'handle' || drag?.mode === 'slot') {
            this.emit('drag-end');
        }
        this.queue_draw();
    }

    get dragging() {
        return this._drag !== null && this._drag.mode !== 'pan';
    }

    // ---- keyboard ------------------------------------------------------

    _onKey(keyval, state) {
        const step = state & Gdk.ModifierType.SHIFT_MASK ? 0.1 : 1;
        const dirs = {
            [Gdk.KEY_Left]: [-step, 0], [Gdk.KEY_Right]: [step, 0],
            [Gdk.KEY_Up]: [0, -step], [Gdk.KEY_Down]: [0, step],
        };
        if (keyval in dirs && this._selected) {
            this.nudge(...dirs[keyval]);
            return true;
        }
        if (keyval === Gdk.KEY_Tab || keyval === Gdk.KEY_ISO_Left_Tab) {
            const hs = this._selectedHandles();
            if (hs.length === 0 || (state & Gdk.ModifierType.CONTROL_MASK))
                return false;
            const i = hs.findIndex(h => h.id === this._handle);
            const back = keyval === Gdk.KEY_ISO_Left_Tab || (state & Gdk.ModifierType.SHIFT_MASK);
            // leave the canvas after the last handle, so Tab still moves focus on
            if ((!back && i === hs.length - 1) || (back && i === 0))
                return false;
            const next = back ? (i < 0 ? hs.length - 1 : i - 1) : i + 1;
            this._handle = hs[next].id;
            this.queue_draw();
            return true;
        }
        if (keyval === Gdk.KEY_Escape && this._handle) {
            this._handle = null;
            this.queue_draw();
            return true;
        }
        return false;
    }

    /** Moves the selected handle (or, with none, the slot) by (dx, dy) photo pixels. */
    nudge(dx, dy) {
        const slot = this._slots.find(s => s.name === this._selected);
        if (!slot)
            return;
        this.emit('drag-begin');
        if (this._handle) {
            const h = Shapes.handles(slot).find(k => k.id === this._handle);
            this.emit('handle-moved', slot.name, h.id, h.x + dx, h.y + dy);
        } else {
            this.emit('slot-moved', slot.name, dx, dy);
        }
        this.emit('drag-end');
    }

    // ---- drawing -------------------------------------------------------

    vfunc_snapshot(snapshot) {
        const width = this.get_width(), height = this.get_height();
        const dark = Adw.StyleManager.get_default().dark;
        const [pw, ph] = this._photoSize;
        if (!this._photo || !pw)
            return;
        const [x0, y0] = this.toWidget(0, 0);
        const bounds = rect(x0, y0, pw * this._zoom, ph * this._zoom);
        snapshot.append_texture(this._live ?? this._photo, bounds);

        const cr = snapshot.append_cairo(rect(0, 0, width, height));
        // the photo's edge, visible on either style
        cr.setLineWidth(1);
        cr.setSourceRGBA(dark ? 1 : 0, dark ? 1 : 0, dark ? 1 : 0, 0.25);
        cr.rectangle(x0 - 0.5, y0 - 0.5, pw * this._zoom + 1, ph * this._zoom + 1);
        cr.stroke();

        for (const slot of this._slots)
            this._drawSlot(cr, slot, slot.name === this._selected);
        this._drawStrokes(cr);
        if (this._pointer && this.showLoupe && (this._drag?.mode === 'handle' || this.tool === 'pick'))
            this._drawLoupe(cr, width, height);
        cr.$dispose();
    }

    _path(cr, points) {
        points.forEach(([x, y], i) => {
            const [wx, wy] = this.toWidget(x, y);
            if (i === 0)
                cr.moveTo(wx, wy);
            else
                cr.lineTo(wx, wy);
        });
        cr.closePath();
    }

    _drawSlot(cr, slot, selected) {
        const accent = [0.21, 0.52, 0.89];
        const outline = Shapes.outline(slot);
        // a dark halo under a light line: visible on any photo
        cr.setLineWidth(3);
        cr.setSourceRGBA(0, 0, 0, 0.45);
        this._path(cr, outline);
        cr.stroke();
        cr.setLineWidth(selected ? 1.5 : 1);
        cr.setSourceRGBA(...(selected ? accent : [1, 1, 1]), 0.95);
        this._path(cr, outline);
        cr.stroke();

        if (slot.kind === 'mesh' && selected) {
            cr.setLineWidth(0.75);
            cr.setSourceRGBA(1, 1, 1, 0.55);
            const rows = slot.mesh.length, cols = slot.mesh[0].length;
            const line = f => {
                for (let i = 0; i <= 32; i++) {
                    const [wx, wy] = this.toWidget(...f(i / 32));
                    if (i === 0)
                        cr.moveTo(wx, wy);
                    else
                        cr.lineTo(wx, wy);
                }
                cr.stroke();
            };
            for (let r = 1; r < rows - 1; r++)
                line(u => Shapes.meshEval(slot.mesh, u, r / (rows - 1)));
            for (let c = 1; c < cols - 1; c++)
                line(v => Shapes.meshEval(slot.mesh, c / (cols - 1), v));
        }

        // the slot's name at its first point
        const [lx, ly] = this.toWidget(...outline[0]);
        cr.selectFontFace('Cantarell', 0, selected ? 1 : 0);
        cr.setFontSize(12);
        cr.setSourceRGBA(0, 0, 0, 0.6);
        cr.moveTo(lx + 1, ly - 7);
        cr.showText(slot.name);
        cr.setSourceRGBA(1, 1, 1, 0.95);
        cr.moveTo(lx, ly - 8);
        cr.showText(slot.name);

        if (!selected && this._slots.length > 1)
            return;
        for (const h of Shapes.handles(slot)) {
            const [hx, hy] = this.toWidget(h.x, h.y);
            const active = selected && h.id === this._handle;
            cr.arc(hx, hy, HANDLE_RADIUS + 1.5, 0, 2 * Math.PI);
            cr.setSourceRGBA(0, 0, 0, 0.5);
            cr.fill();
            cr.arc(hx, hy, HANDLE_RADIUS, 0, 2 * Math.PI);
            cr.setSourceRGBA(...(active ? accent : [1, 1, 1]), 1);
            cr.fill();
            if (slot.kind === 'cylinder') {
                cr.setSourceRGBA(...accent, 1);
                cr.arc(hx, hy, 2, 0, 2 * Math.PI);
                cr.fill();
            }
        }
    }

    _drawStrokes(cr) {
        const strokes = [];
        const slot = this._slots.find(s => s.name === this._selected);
        if (this._stroke)
            strokes.push(this._stroke);
        if (this._stroke || this.tool === 'brush' || this.tool === 'erase')
            strokes.unshift(...(slot?.mask?.strokes ?? []));
        cr.setLineCap(1); // round
        cr.setLineJoin(1);
        for (const s of strokes) {
            cr.setSourceRGBA(...(s.erase ? [0.1, 0.1, 0.1] : [0.88, 0.11, 0.14]), 0.45);
            cr.setLineWidth(s.radius * 2 * this._zoom);
            const pts = s.points.length === 1 ? [s.points[0], [s.points[0][0] + 0.01, s.points[0][1]]] : s.points;
            pts.forEach(([x, y], i) => {
                const [wx, wy] = this.toWidget(x, y);
                if (i === 0)
                    cr.moveTo(wx, wy);
                else
                    cr.lineTo(wx, wy);
            });
            cr.stroke();
        }
        // the brush's size under the pointer
        if (this._pointer && (this.tool === 'brush' || this.tool === 'erase')) {
            cr.setLineWidth(1);
            cr.setSourceRGBA(1, 1, 1, 0.9);
            cr.arc(...this._pointer, this.brushRadius * this._zoom, 0, 2 * Math.PI);
            cr.stroke();
        }
    }

    // A magnified circle of the photo under the pointer, offset up and left
    // (where the pointer's hand is not), with a crosshair on the exact point.
    _drawLoupe(cr, width, height) {
        const [x, y] = this._pointer;
        let [px, py] = this.toPhoto(x, y);
        if (this._drag?.mode === 'handle') {
            px += this._drag.offset[0];
            py += this._drag.offset[1];
        }
        let cx = x - LOUPE_RADIUS - 24, cy = y - LOUPE_RADIUS - 24;
        if (cx < LOUPE_RADIUS + 4)
            cx = x + LOUPE_RADIUS + 24;
        if (cy < LOUPE_RADIUS + 4)
            cy = y + LOUPE_RADIUS + 24;
        cx = Math.min(cx, width - LOUPE_RADIUS - 4);
        cy = Math.min(cy, height - LOUPE_RADIUS - 4);

        const pixbuf = this._photoPixbuf;
        const s = pixbuf.get_width() / this._photoSize[0];
        const zoom = Math.max(LOUPE_ZOOM, this._zoom * 2);
        cr.save();
        cr.arc(cx, cy, LOUPE_RADIUS, 0, 2 * Math.PI);
        cr.clip();
        cr.setSourceRGB(0.1, 0.1, 0.1);
        cr.paint();
        cr.translate(cx, cy);
        cr.scale(zoom / s, zoom / s);
        cr.translate(-px * s, -py * s);
        // Only the pixels under the loupe: cairo converts what it is given,
        // and the whole photo (millions of pixels, every frame of a drag)
        // took longer than the engine's live render.
        const reach = Math.ceil(LOUPE_RADIUS * s / zoom) + 2;
        const [bw, bh] = [pixbuf.get_width(), pixbuf.get_height()];
        const left = Math.max(0, Math.floor(px * s) - reach), top = Math.max(0, Math.floor(py * s) - reach);
        const right = Math.min(bw, Math.floor(px * s) + reach + 1), bottom = Math.min(bh, Math.floor(py * s) + reach + 1);
        if (right > left && bottom > top) {
            Gdk.cairo_set_source_pixbuf(cr, pixbuf.new_subpixbuf(left, top, right - left, bottom - top), left, top);
            cr.getSource().setFilter(3); // nearest: the pixels themselves
            cr.paint();
        }
        cr.restore();

        cr.setLineWidth(1);
        cr.setSourceRGBA(1, 1, 1, 0.9);
        cr.moveTo(cx - 10, cy);
        cr.lineTo(cx + 10, cy);
        cr.moveTo(cx, cy - 10);
        cr.lineTo(cx, cy + 10);
        cr.stroke();
        cr.setLineWidth(2);
        cr.arc(cx, cy, LOUPE_RADIUS, 0, 2 * Math.PI);
        cr.setSourceRGBA(0, 0, 0, 0.5);
        cr.stroke();
        cr.setLineWidth(1);
        cr.arc(cx, cy, LOUPE_RADIUS - 1.5, 0, 2 * Math.PI);
        cr.setSourceRGBA(1, 1, 1, 0.85);
        cr.stroke();
        // where exactly: the coordinates, to a tenth of a pixel
        const label = `${px.toFixed(1)}, ${py.toFixed(1)}`;
        cr.setFontSize(11);
        const ext = cr.textExtents(label);
        const lx = cx - ext.width / 2, ly = cy + LOUPE_RADIUS + 16;
        cr.setSourceRGBA(0, 0, 0, 0.7);
        cr.rectangle(lx - 5, ly - 12, ext.width + 10, 16);
        cr.fill();
        cr.setSourceRGB(1, 1, 1);
        cr.moveTo(lx, ly);
        cr.showText(label);
    }
});

