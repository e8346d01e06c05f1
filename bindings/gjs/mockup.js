// mockup.js: GJS helpers for mockup-glib
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//     import Mockup from './mockup.js';   // or its installed file:// URI
//
//     const renderer = new Mockup.Renderer({max_size: 1600});
//     const batch = await renderer.render_batch_async(artwork, templates, null, null);
//     for await (const result of batch)
//         result.save(`out/${result.template_id}.jpg`);
//
// Importing this module promisifies the async calls (call them without a
// callback to get a Promise), makes batches async-iterable (and iterable,
// blocking, for scripts), and lets template lists be plain arrays of
// Mockup.Template, Gio.File or paths.

import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Mockup from 'gi://Mockup?version=1';

Gio._promisify(Mockup.Renderer.prototype, 'render_async', 'render_finish');
Gio._promisify(Mockup.Renderer.prototype, 'render_batch_async', 'render_batch_finish');
Gio._promisify(Mockup.Batch.prototype, 'next_async', 'next_finish');

/**
 * A Gio.ListModel of templates from an array of Mockup.Template, Gio.File
 * or path strings (a list model is returned as it is).
 *
 * @param {Array|Gio.ListModel} templates
 * @returns {Gio.ListModel}
 */
export function templateList(templates) {
    if (templates instanceof Gio.ListModel)
        return templates;
    const store = new Gio.ListStore({item_type: GObject.Object.$gtype});
    for (const item of templates) {
        if (typeof item === 'string')
            store.append(Gio.File.new_for_path(item));
        else if (item instanceof Mockup.Template || item instanceof Gio.File)
            store.append(item);
        else
            throw new TypeError(`templates must be Mockup.Template, Gio.File or paths, not ${item}`);
    }
    return store;
}

function withList(method) {
    return function (artwork, templates, ...rest) {
        return method.call(this, artwork, templateList(templates), ...rest);
    };
}

Mockup.Renderer.prototype.render_batch_async = withList(Mockup.Renderer.prototype.render_batch_async);
Mockup.Renderer.prototype.render_batch = withList(Mockup.Renderer.prototype.render_batch);

Mockup.Batch.prototype[Symbol.asyncIterator] = async function* () {
    let result;
    while ((result = await this.next_async(null)) !== null)
        yield result;
};

Mockup.Batch.prototype[Symbol.iterator] = function* () {
    let result;
    while ((result = this.next(null)) !== null)
        yield result;
};

Mockup.Result.prototype.toString = function () {
    const error = this.get_error();
    if (error)
        return `[Mockup.Result #${this.index} ${this.template_id} failed: ${error.message}]`;
    return `[Mockup.Result #${this.index} ${this.template_id} ${this.width}×${this.height}]`;
};

export default Mockup;
