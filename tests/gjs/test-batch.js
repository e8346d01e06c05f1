// test-batch.js: batches from GJS: for await, promises, slots, cancel
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Mockup, {templateList} from '../../bindings/gjs/mockup.js';

import {assert, assertEqual, run, test} from './harness.js';
import {pixel, tempDir, writeImage, writeTemplate, writeTemplates} from './fixtures.js';

const dir = tempDir();
const artwork = Mockup.Artwork.new_from_file(writeImage(dir, 'art.png', 90, 120, 0x20c040ff));

test('for await yields results in order, failures included', async () => {
    const paths = writeTemplates(dir, 7, [3]);
    const renderer = new Mockup.Renderer({threads: 2});
    const batch = await renderer.render_batch_async(artwork, paths, null, null);
    assertEqual(batch.n_items, 7);
    const indices = [];
    for await (const result of batch) {
        indices.push(result.index);
        if (result.index === 3) {
            const error = result.get_error();
            assert(error.matches(Mockup.error_quark(), Mockup.Error.INVALID_TEMPLATE), `${error}`);
        } else {
            assertEqual(result.get_error(), null);
            assertEqual(result.template_id, `t${result.index}`);
            assertEqual([result.width, result.height], [200, 150]);
        }
    }
    assertEqual(indices, [0, 1, 2, 3, 4, 5, 6]);
    assert(batch.is_finished());
    assertEqual(batch.n_completed, 7);
});

test('next_async promises and the progress signal', async () => {
    const paths = writeTemplates(`${dir}/second`, 4);
    const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF, max_size: 100});
    const batch = await renderer.render_batch_async(artwork, templateList(paths), null, null);
    const progress = [];
    batch.connect('progress', (_b, index, n, name) => progress.push([index, n, name]));
    let result, count = 0;
    while ((result = await batch.next_async(null)) !== null) {
        assertEqual(result.index, count++);
        assertEqual(result.get_pixbuf().get_width(), 100);
    }
    assertEqual(count, 4);
    for (const [index, n] of progress)
        assert(n === 4 && index < 4);
});

test('slots from a plain object', async () => {
    const {path} = writeTemplate(dir, 'slots', {
        format: 1, size: [80, 40], layers: [
            {type: 'artwork', slot: 'left', fit: 'stretch', quad: [[0, 0], [40, 0], [40, 40], [0, 40]]},
            {type: 'artwork', slot: 'right', fit: 'stretch', quad: [[40, 0], [80, 0], [80, 40], [40, 40]]},
        ],
    });
    const magenta = Mockup.Artwork.new_from_file(writeImage(dir, 'm.png', 30, 30, 0xff00ffff));
    const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF});
    const batch = await renderer.render_batch_async(artwork,
        [Mockup.Template.new_from_file(path)], {right: magenta}, null);
    const [result] = [...batch];
    const pixbuf = result.get_pixbuf();
    assertEqual(pixel(pixbuf, 20, 20), [32, 192, 64]);
    assertEqual(pixel(pixbuf, 60, 20), [255, 0, 255]);
});

test('cancel stops the batch', async () => {
    const paths = writeTemplates(`${dir}/third`, 12);
    const cancellable = new Gio.Cancellable();
    const renderer = new Mockup.Renderer();
    const batch = await renderer.render_batch_async(artwork, paths, null, cancellable);
    const first = await batch.next_async(null);
    assertEqual(first.index, 0);
    cancellable.cancel();
    let error = null;
    try {
        await batch.next_async(null);
    } catch (e) {
        error = e;
    }
    assert(error?.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), `${error}`);
    for (let i = 0; i < 500 && renderer.get_memory_in_use() > 0; i++)
        GLib.usleep(10000);
    assertEqual(renderer.get_memory_in_use(), 0);
});

run();
