// tile.js: one cell of the preview grid: a template's mockup and its name.
//
// A tile is created for every template as soon as the folder is read, so
// the grid has its final shape before anything renders; each tile then
// goes through "waiting" (spinner) to "done" (the preview) or "failed"
// (an error icon, the error as its tooltip).
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk?version=4.0';
import Pango from 'gi://Pango';

import {Thumbnail} from './thumbnail.js';
import {basename, problemOf, shortenPaths} from './util.js';

/** The narrowest a thumbnail gets; the grid widens them to fill a row. */
export const TILE_WIDTH = 200;
/** A thumbnail's height for its width. */
export const TILE_ASPECT = 0.78;

export const Tile = GObject.registerClass({
    GTypeName: 'MockupPreviewTile',
    Properties: {
        'state': GObject.ParamSpec.string('state', 'State', 'empty, waiting, done or failed',
            GObject.ParamFlags.READABLE, 'empty'),
    },
}, class Tile extends Gtk.FlowBoxChild {
    /**
     * @param {object} entry - the template: {index, id, name, width, height},
     *   and psdPath if it was imported from a Photoshop mockup
     */
    constructor(entry) {
        super({focusable: true});
        this.entry = entry;
        this.result = null;
        this._state = 'empty';
        this.add_css_class('mockup-tile');

        this._thumbnail = new Thumbnail({fit: 'contain', radius: 6, aspect: TILE_ASPECT});
        this._thumbnail.set_size_request(TILE_WIDTH, -1);

        this._spinner = new Gtk.Spinner({halign: Gtk.Align.CENTER, valign: Gtk.Align.CENTER,
            width_request: 32, height_request: 32, visible: false});

        this._errorIcon = new Gtk.Image({icon_name: 'dialog-error-symbolic', pixel_size: 48,
            halign: Gtk.Align.CENTER, valign: Gtk.Align.CENTER, visible: false});
        this._errorIcon.add_css_class('error');

        const overlay = new Gtk.Overlay({child: this._thumbnail, overflow: Gtk.Overflow.HIDDEN});
        overlay.add_css_class('thumbnail-frame');
        overlay.add_overlay(this._spinner);
        overlay.add_overlay(this._errorIcon);

        this._title = new Gtk.Label({label: entry.name, ellipsize: Pango.EllipsizeMode.END,
            xalign: 0, max_width_chars: 10, wrap: true, wrap_mode: Pango.WrapMode.WORD_CHAR,
            lines: 2, valign: Gtk.Align.START});
        this._title.add_css_class('tile-title');
        this._subtitle = new Gtk.Label({ellipsize: Pango.EllipsizeMode.END, xalign: 0,
            max_width_chars: 10});
        this._subtitle.add_css_class('caption');
        this._subtitle.add_css_class('dim-label');
        this._setSubtitle();

        const labels = new Gtk.Box({orientation: Gtk.Orientation.VERTICAL, spacing: 2,
            margin_start: 4, margin_end: 4});
        labels.append(this._title);
        labels.append(this._subtitle);

        const box = new Gtk.Box({orientation: Gtk.Orientation.VERTICAL, spacing: 10});
        box.append(overlay);
        box.append(labels);
        this.set_child(box);
        this._updateTooltip();
    }

    get state() {
        return this._state;
    }

    _setState(state) {
        this._state = state;
        this._spinner.visible = state === 'waiting';
        this._spinner.spinning = state === 'waiting';
        this._errorIcon.visible = state === 'failed';
        this._subtitle.visible = true;
        this._title.remove_css_class('error');
        if (state === 'failed')
            this._title.add_css_class('error');
        this._updateTooltip();
        this.notify('state');
    }

    _setSubtitle(text) {
        const e = this.entry;
        let label = text ?? (e.width > 0 ? `${e.width} × ${e.height}` : e.id);
        if (e.psdPath && !text)
            label += ' · PSD';
        this._subtitle.label = label;
    }

    _updateTooltip() {
        const error = this.result?.get_error();
        let tooltip = this.entry.name;
        if (this.entry.psdPath)
            tooltip += `\nImported from ${basename(this.entry.psdPath)}`;
        this.tooltip_text = error ? `${tooltip}\n${shortenPaths(error.message)}` : tooltip;
    }

    /** Forgets the last preview: nothing to show. */
    clear() {
        this.result = null;
        this._thumbnail.setPixbuf(null);
        this._setSubtitle();
        this._setState('empty');
    }

    /** A render is on its way: keep the old preview dimmed, show a spinner. */
    wait() {
        this.result = null;
        this._thumbnail.opacity = this._thumbnail.paintable ? 0.4 : 1;
        this._setState('waiting');
    }

    /** The batch gave this template's result: show it or its error. */
    setResult(result) {
        this.result = result;
        this._thumbnail.opacity = 1;
        const error = result.get_error();
        if (error) {
            this._thumbnail.setPixbuf(null);
            this._setSubtitle(problemOf(error.message));
            this._setState('failed');
            return;
        }
        // The template's name comes from its manifest; the folder scan
        // may not have had it (a manifest that did not load then).
        if (result.template_name && result.template_name !== this._title.label)
            this._title.label = result.template_name;
        this._thumbnail.setPixbuf(result.get_pixbuf());
        this._setSubtitle();
        this._setState('done');
    }
});
