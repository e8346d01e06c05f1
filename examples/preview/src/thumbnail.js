// thumbnail.js: a picture with rounded corners.
//
// Gtk.Picture in GTK 4.8 cannot round the corners of the image it shows
// (only those of its own box, which for a letterboxed image are not the
// image's), so this widget draws the image itself: scaled to contain or to
// cover its allocation, centred, clipped to a rounded rectangle, with a
// hairline border. Without an image it draws a placeholder.
//
// Given a pixbuf (setPixbuf()), it keeps a copy scaled to the size shown,
// made with a proper filter shortly after the size changes: GSK scales
// textures with a plain bilinear filter, which aliases when it shrinks a
// preview by more than half.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GObject from 'gi://GObject';
import Gdk from 'gi://Gdk?version=4.0';
import GdkPixbuf from 'gi://GdkPixbuf';
import GLib from 'gi://GLib';
import Graphene from 'gi://Graphene';
import Gsk from 'gi://Gsk?version=4.0';
import Gtk from 'gi://Gtk?version=4.0';

export const Thumbnail = GObject.registerClass({
    GTypeName: 'MockupThumbnail',
    CssName: 'thumbnail',
    Properties: {
        'paintable': GObject.ParamSpec.object('paintable', 'Paintable', 'What to show',
            GObject.ParamFlags.READWRITE, Gdk.Paintable),
        'fit': GObject.ParamSpec.string('fit', 'Fit', '"contain" or "cover"',
            GObject.ParamFlags.READWRITE, 'contain'),
        'radius': GObject.ParamSpec.double('radius', 'Radius', 'Corner radius in pixels',
            GObject.ParamFlags.READWRITE, 0, 100, 12),
        'aspect': GObject.ParamSpec.double('aspect', 'Aspect',
            'Height for width (0: the size request decides)',
            GObject.ParamFlags.READWRITE, 0, 10, 0),
    },
}, class Thumbnail extends Gtk.Widget {
    constructor(params = {}) {
        super(params);
        this._invalidateId = 0;
        this._pixbuf = null;
        this._scaled = null; // {texture, width, height}
        this._rescaleId = 0;
    }

    vfunc_unrealize() {
        // no scaled copy for a widget that is going
        this._cancelRescale();
        super.vfunc_unrealize();
    }

    /**
     * Shows a pixbuf, drawn from a copy scaled to the size shown.
     *
     * @param {GdkPixbuf.Pixbuf|null} pixbuf - the image
     */
    setPixbuf(pixbuf) {
        this._cancelRescale();
        this._pixbuf = pixbuf;
        this._scaled = null;
        this._settingPixbuf = true;
        this.paintable = pixbuf ? Gdk.Texture.new_for_pixbuf(pixbuf) : null;
        this._settingPixbuf = false;
    }

    _cancelRescale() {
        if (this._rescaleId)
            GLib.source_remove(this._rescaleId);
        this._rescaleId = 0;
    }

    // The texture to draw at (w, h) device pixels: the scaled copy if it
    // fits, else the full one while a copy is made (once the size settles).
    _textureFor(w, h) {
        const pixbuf = this._pixbuf;
        if (!pixbuf || (w >= pixbuf.width * 0.7 && h >= pixbuf.height * 0.7))
            return this._paintable;
        const scaled = this._scaled;
        if (scaled && Math.abs(scaled.width - w) <= 1 && Math.abs(scaled.height - h) <= 1)
            return scaled.texture;
        if (!scaled) {
            // the first time: at once (a few milliseconds), which costs less
            // than drawing the large texture shrunk
            this._scaled = this._scale(pixbuf, w, h);
            return this._scaled.texture;
        }
        // resizing: the old copy, stretched, until the size settles
        this._cancelRescale();
        this._rescaleId = GLib.timeout_add(GLib.PRIORITY_DEFAULT_IDLE, 150, () => {
            this._rescaleId = 0;
            if (this._pixbuf === pixbuf) {
                this._scaled = this._scale(pixbuf, w, h);
                this.queue_draw();
            }
            return GLib.SOURCE_REMOVE;
        });
        return scaled.texture;
    }

    _scale(pixbuf, w, h) {
        const small = pixbuf.scale_simple(Math.max(1, w), Math.max(1, h), GdkPixbuf.InterpType.BILINEAR);
        return {texture: Gdk.Texture.new_for_pixbuf(small), width: w, height: h};
    }

    get paintable() {
        return this._paintable ?? null;
    }

    set paintable(paintable) {
        if (this._paintable === paintable)
            return;
        if (!this._settingPixbuf) {
            // a paintable of the caller's: drawn as it is
            this._cancelRescale();
            this._pixbuf = null;
            this._scaled = null;
        }
        if (this._paintable && this._invalidateId)
            this._paintable.disconnect(this._invalidateId);
        this._invalidateId = 0;
        this._paintable = paintable;
        if (paintable && paintable.get_flags && !(paintable.get_flags() & Gdk.PaintableFlags.CONTENTS))
            this._invalidateId = paintable.connect('invalidate-contents', () => this.queue_draw());
        this.queue_draw();
        this.notify('paintable');
    }

    get fit() {
        return this._fit ?? 'contain';
    }

    set fit(fit) {
        if (this._fit === fit)
            return;
        this._fit = fit;
        this.queue_draw();
        this.notify('fit');
    }

    get radius() {
        return this._radius ?? 12;
    }

    set radius(radius) {
        if (this._radius === radius)
            return;
        this._radius = radius;
        this.queue_draw();
        this.notify('radius');
    }

    get aspect() {
        return this._aspect ?? 0;
    }

    set aspect(aspect) {
        if (this._aspect === aspect)
            return;
        this._aspect = aspect;
        this.queue_resize();
        this.notify('aspect');
    }

    vfunc_get_request_mode() {
        return this.aspect > 0 ? Gtk.SizeRequestMode.HEIGHT_FOR_WIDTH : Gtk.SizeRequestMode.CONSTANT_SIZE;
    }

    vfunc_measure(orientation, forSize) {
        // The size request decides, and with an aspect, the height follows
        // the width; an image never makes the widget grow.
        if (this.aspect > 0 && orientation === Gtk.Orientation.VERTICAL) {
            const [minWidth] = this.get_size_request();
            const h = Math.round((forSize > 0 ? forSize : Math.max(minWidth, 0)) * this.aspect);
            return [h, h, -1, -1];
        }
        return [0, 0, -1, -1];
    }

    /**
     * Where the image goes in a widget of the given size, in widget
     * coordinates: the image rectangle and the visible (clipped) one.
     */
    imageRect(width, height) {
        const p = this._paintable;
        const iw = p ? p.get_intrinsic_width() : 0;
        const ih = p ? p.get_intrinsic_height() : 0;
        if (!p || iw <= 0 || ih <= 0 || width <= 0 || height <= 0)
            return {x: 0, y: 0, width, height, clip: {x: 0, y: 0, width, height}};
        const scale = this.fit === 'cover'
            ? Math.max(width / iw, height / ih)
            : Math.min(width / iw, height / ih);
        const w = iw * scale, h = ih * scale;
        const x = (width - w) / 2, y = (height - h) / 2;
        const clip = this.fit === 'cover'
            ? {x: 0, y: 0, width, height}
            : {x, y, width: w, height: h};
        return {x, y, width: w, height: h, clip};
    }

    vfunc_snapshot(snapshot) {
        const width = this.get_width();
        const height = this.get_height();
        if (width <= 0 || height <= 0)
            return;

        const r = this.imageRect(width, height);
        const bounds = new Graphene.Rect();
        bounds.init(r.clip.x, r.clip.y, r.clip.width, r.clip.height);
        const radius = Math.min(this.radius, r.clip.width / 2, r.clip.height / 2);
        const rounded = new Gsk.RoundedRect();
        rounded.init_from_rect(bounds, radius);

        const color = this.get_style_context().get_color();
        if (!this._paintable) {
            // a placeholder: the foreground colour, faintly
            const fill = new Gdk.RGBA({red: color.red, green: color.green, blue: color.blue, alpha: 0.06});
            snapshot.push_rounded_clip(rounded);
            snapshot.append_color(fill, bounds);
            snapshot.pop();
            return;
        }

        const scale = this.get_scale_factor();
        const texture = this._textureFor(Math.round(r.width * scale), Math.round(r.height * scale));
        snapshot.push_rounded_clip(rounded);
        snapshot.save();
        const origin = new Graphene.Point();
        origin.init(r.x, r.y);
        snapshot.translate(origin);
        texture.snapshot(snapshot, r.width, r.height);
        snapshot.restore();
        snapshot.pop();

        // a hairline, so that a white mockup keeps its edge on white
        const line = new Gdk.RGBA({red: color.red, green: color.green, blue: color.blue, alpha: 0.12});
        snapshot.append_border(rounded, [1, 1, 1, 1], [line, line, line, line]);
    }
});
