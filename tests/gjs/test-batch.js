// test-batch.js: batches from GJS: for await, promises, slots, cancel
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Mockup, {templateList} from '../../bindings/gjs/mockup.js';

import {assert, assertEqual, assertRejects, assertThrows, run, test} from './harness.js';
import {pixel, tempDir, writeImage, writeTemplate, writeTemplates} from './fixtures.js';

const dir = tempDir();

/** Resolves once the main loop has run @priority sources for @ms. */
function later(priority, ms) {
    return new Promise(resolve => GLib.timeout_add(priority, ms, () => {
        resolve();
        return GLib.SOURCE_REMOVE;
    }));
}
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
    // signals come from a source in this main context: let it run dry
    await later(GLib.PRIORITY_LOW, 0);
    // templates start in order, and none was missed: events wait until
    // the batch is handed over
    assertEqual(progress.map(([index]) => index), [0, 1, 2, 3]);
    assertEqual(progress.map(([, n]) => n), [4, 4, 4, 4]);
    assertEqual(progress.map(([, , name]) => name), ['Template 0', 'Template 1', 'Template 2', 'Template 3']);
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

test('one path, Gio.File or template is a list of one', async () => {
    const [path] = writeTemplates(`${dir}/single`, 1);
    const template = Mockup.Template.new_from_file(path);
    for (const templates of [path, Gio.File.new_for_path(path), template, [path], new Set([template])]) {
        const list = templateList(templates);
        assertEqual(list.get_n_items(), 1);
        const item = list.get_item(0);
        assert(item instanceof Mockup.Template ? item === template : item.get_path() === path, `${item}`);
    }
    assertThrows(() => templateList(42), e => assert(e instanceof TypeError, `${e}`));
    assertThrows(() => templateList([path, 42]), e => assert(e instanceof TypeError, `${e}`));

    const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF, max_size: 50});
    const batch = await renderer.render_batch_async(artwork, path, null, null);
    assertEqual(batch.n_items, 1);
    const results = [...batch];
    assertEqual(results.map(r => [r.template_id, r.get_error()]), [['t0', null]]);
});

function assertCancelled(e) {
    assert(e?.matches?.(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), `${e}`);
}

async function memoryFreed(renderer) {
    for (let i = 0; i < 500 && renderer.get_memory_in_use() > 0; i++)
        await later(GLib.PRIORITY_DEFAULT, 10);
    assertEqual(renderer.get_memory_in_use(), 0);
}

test('leaving for await early cancels the batch', async () => {
    const paths = writeTemplates(`${dir}/fourth`, 12);
    const renderer = new Mockup.Renderer({threads: 1});
    const batch = await renderer.render_batch_async(artwork, paths, null, null);
    const seen = [];
    for await (const result of batch) {
        seen.push(result.index);
        if (result.index === 1)
            break;
    }
    assertEqual(seen, [0, 1]);
    assert(batch.is_finished(), 'the batch runs on after break');
    await assertRejects(batch.next_async(null), assertCancelled);
    await memoryFreed(renderer);

    // and so does a blocking for…of, and an exception thrown in the loop
    const second = renderer.render_batch(artwork, paths, null, null);
    for (const result of second) {
        assertEqual(result.index, 0);
        break;
    }
    assert(second.is_finished(), 'the batch runs on after break');
    const third = await renderer.render_batch_async(artwork, paths, null, null);
    await assertRejects((async () => {
        for await (const result of third)
            throw new Error(`stop at ${result.index}`);
    })(), e => assertEqual(e.message, 'stop at 0'));
    assert(third.is_finished(), 'the batch runs on after an exception');
    await memoryFreed(renderer);

    // a batch read to its end is not cancelled
    const fourth = await renderer.render_batch_async(artwork, paths.slice(0, 2), null, null);
    const all = [];
    for await (const result of fourth)
        all.push(result.index);
    assertEqual(all, [0, 1]);
    assertEqual(await fourth.next_async(null), null);
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
