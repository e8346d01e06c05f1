// screenshot.js: draws a window into a PNG, in process.
//
// The window's widgets are snapshotted through Gtk.WidgetPaintable and the
// render node drawn by the window's own GSK renderer, so this works on any
// display (Xvfb included) and needs no screenshot tool.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Graphene from 'gi://Graphene';
import Gtk from 'gi://Gtk?version=4.0';

/**
 * Saves what @widget shows as a PNG.
 *
 * @param {Gtk.Widget} widget - a window, or any widget in one
 * @param {string} path - the PNG to write
 * @returns {{width: number, height: number}} the image's size
 */
export function saveScreenshot(widget, path) {
    const width = widget.get_width();
    const height = widget.get_height();
    if (width <= 0 || height <= 0)
        throw new Error('the widget has no size: is it shown?');

    const paintable = new Gtk.WidgetPaintable({widget});
    const snapshot = new Gtk.Snapshot();
    paintable.snapshot(snapshot, width, height);
    const node = snapshot.to_node();
    if (!node)
        throw new Error('the widget drew nothing');

    const renderer = widget.get_native().get_renderer();
    const viewport = new Graphene.Rect();
    viewport.init(0, 0, width, height);
    const texture = renderer.render_texture(node, viewport);
    if (!texture.save_to_png(path))
        throw new Error(`cannot write ${path}`);
    return {width: texture.get_width(), height: texture.get_height()};
}
