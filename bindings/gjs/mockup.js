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
// callback to get a Promise; the photo maps' too), makes batches async-iterable (and iterable,
// blocking, for scripts), and lets template lists be plain arrays of
// Mockup.Template, Gio.File or paths, or one of these alone. Leaving a
// `for await` (or `for`) loop over a batch early, by `break`, `return` or
// an exception, cancels the batch.
//
// Render-time choices may be plain objects wherever a Mockup.RenderOptions
// goes (render_full, render_batch_full's variants):
//
//     const result = await renderer.render_full_async(artwork, tshirt,
//         {parameters: {shirt: 'navy'}, placement: {artwork: [0.6, 0.1, 0.25]}}, null);
//     const batch = await renderer.render_batch_full_async(artwork, [tshirt], null,
//         ['navy', 'white', 'red'].map(shirt => ({parameters: {shirt}})), null);

import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Mockup from 'gi://Mockup?version=1';

Gio._promisify(Mockup.Renderer.prototype, 'render_async', 'render_finish');
Gio._promisify(Mockup.Renderer.prototype, 'render_batch_async', 'render_batch_finish');
Gio._promisify(Mockup.Renderer.prototype, 'render_full_async', 'render_full_finish');
Gio._promisify(Mockup.Renderer.prototype, 'render_batch_full_async', 'render_batch_full_finish');
Gio._promisify(Mockup.Batch.prototype, 'next_async', 'next_finish');
// functions of the namespace: their finish is looked up on it
for (const map of ['shading', 'displacement', 'color_mask'])
    Gio._promisify(Mockup, `photo_maps_${map}_async`, `photo_maps_${map}_finish`);

function isTemplateItem(item) {
    return typeof item === 'string' || item instanceof Mockup.Template || item instanceof Gio.File;
}

/**
 * A Gio.ListModel of templates from an array (or any iterable) of
 * Mockup.Template, Gio.File or path strings, or from one of these alone
 * (a list model is returned as it is).
 *
 * @param {Array|Gio.ListModel|Mockup.Template|Gio.File|string} templates
 * @returns {Gio.ListModel}
 */
export function templateList(templates) {
    if (templates instanceof Gio.ListModel)
        return templates;
    // A string is iterable too, by characters: one path is a list of one.
    if (isTemplateItem(templates))
        templates = [templates];
    else if (typeof templates?.[Symbol.iterator] !== 'function')
        throw new TypeError(`templates must be a list, an array, a Mockup.Template, a Gio.File or a path, not ${templates}`);
    const store = new Gio.ListStore({item_type: GObject.Object.$gtype});
    for (const item of templates) {
        if (typeof item === 'string')
            store.append(Gio.File.new_for_path(item));
        else if (isTemplateItem(item))
            store.append(item);
        else
            throw new TypeError(`templates must be Mockup.Template, Gio.File or paths, not ${item}`);
    }
    return store;
}

function parameterText(name, value) {
    if (typeof value === 'boolean' || typeof value === 'string')
        return String(value);
    if (typeof value === 'number') {
        if (!Number.isFinite(value))
            throw new RangeError(`parameter ${name}: ${value} is not a finite number`);
        return String(value);
    }
    throw new TypeError(`parameter ${name}: expected a string, a number or a boolean, not ${value}`);
}

function placementValues(slot, value) {
    if (!Array.isArray(value)) {
        if (value === null || typeof value !== 'object')
            throw new TypeError(`placement ${slot}: expected [left, top, width, degrees] or {left, top, width, degrees}`);
        for (const key of Object.keys(value)) {
            if (!['left', 'top', 'width', 'degrees'].includes(key))
                throw new TypeError(`placement ${slot}: unknown key ${key} (left, top, width, degrees)`);
        }
        value = [value.left, value.top, value.width, value.degrees ?? 0];
    }
    if (value.length < 3 || value.length > 4 || value.some(v => typeof v !== 'number'))
        throw new TypeError(`placement ${slot}: expected 3 or 4 numbers, left, top, width[, degrees]`);
    return [...value, 0].slice(0, 4);
}

/**
 * A Mockup.RenderOptions from a plain object: `parameters` maps names to
 * strings, numbers or booleans (`{shirt: 'navy', glare: 0.2, logo: false}`),
 * `placement` maps slots to `[left, top, width, degrees?]` or
 * `{left, top, width, degrees}`. A Mockup.RenderOptions, null or
 * undefined is returned as it is.
 *
 * @param {object|Mockup.RenderOptions|null} [choices]
 * @returns {Mockup.RenderOptions|null}
 */
export function renderOptions(choices) {
    if (choices === null || choices === undefined || choices instanceof Mockup.RenderOptions)
        return choices ?? null;
    if (typeof choices !== 'object')
        throw new TypeError(`render options must be an object {parameters, placement}, not ${choices}`);
    for (const key of Object.keys(choices)) {
        if (key !== 'parameters' && key !== 'placement')
            throw new TypeError(`render options: unknown key ${key} (parameters, placement)`);
    }
    const options = Mockup.RenderOptions.new();
    for (const [name, value] of Object.entries(choices.parameters ?? {})) {
        if (value !== null && value !== undefined)
            options.set_parameter(name, parameterText(name, value));
    }
    for (const [slot, value] of Object.entries(choices.placement ?? {}))
        options.set_placement(slot, ...placementValues(slot, value));
    return options;
}

function withList(method) {
    return function (artwork, templates, ...rest) {
        return method.call(this, artwork, templateList(templates), ...rest);
    };
}

// (artwork, templates, slot_artworks, variants, ...): variants as objects
function withVariants(method) {
    return function (artwork, templates, slotArtworks, variants, ...rest) {
        const list = variants ? Array.from(variants, v => renderOptions(v) ?? Mockup.RenderOptions.new()) : null;
        return method.call(this, artwork, templateList(templates), slotArtworks, list, ...rest);
    };
}

// (artwork, template, options, ...): options as an object
function withOptions(method) {
    return function (artwork, template, options, ...rest) {
        return method.call(this, artwork, template, renderOptions(options), ...rest);
    };
}

Mockup.Renderer.prototype.render_batch_async = withList(Mockup.Renderer.prototype.render_batch_async);
Mockup.Renderer.prototype.render_batch = withList(Mockup.Renderer.prototype.render_batch);
Mockup.Renderer.prototype.render_batch_full_async = withVariants(Mockup.Renderer.prototype.render_batch_full_async);
Mockup.Renderer.prototype.render_batch_full = withVariants(Mockup.Renderer.prototype.render_batch_full);
Mockup.Renderer.prototype.render_full_async = withOptions(Mockup.Renderer.prototype.render_full_async);
Mockup.Renderer.prototype.render_full = withOptions(Mockup.Renderer.prototype.render_full);
Mockup.RenderOptions.new_with = renderOptions;

// A loop left early ends the generator through `finally`: cancel, so that
// the renders still queued or running stop and free their memory instead
// of rendering on for nobody.
Mockup.Batch.prototype[Symbol.asyncIterator] = async function* () {
    let finished = false;
    try {
        let result;
        while ((result = await this.next_async(null)) !== null)
            yield result;
        finished = true;
    } finally {
        if (!finished)
            this.cancel();
    }
};

Mockup.Batch.prototype[Symbol.iterator] = function* () {
    let finished = false;
    try {
        let result;
        while ((result = this.next(null)) !== null)
            yield result;
        finished = true;
    } finally {
        if (!finished)
            this.cancel();
    }
};

Mockup.Result.prototype.toString = function () {
    const error = this.get_error();
    if (error)
        return `[Mockup.Result #${this.index} ${this.template_id} failed: ${error.message}]`;
    return `[Mockup.Result #${this.index} ${this.template_id} ${this.width}×${this.height}]`;
};

export default Mockup;
