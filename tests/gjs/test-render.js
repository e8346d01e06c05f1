// test-render.js: single renders and errors from GJS
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Mockup from '../../bindings/gjs/mockup.js';

import {assert, assertEqual, assertRejects, assertThrows, run, test} from './harness.js';
import {pixel, tempDir, writeImage, writeTemplate} from './fixtures.js';

const dir = tempDir();
const artPath = writeImage(dir, 'art.png', 120, 80, 0xff2010ff);

function isMockupError(e, code) {
    return e instanceof GLib.Error && e.matches(Mockup.error_quark(), code);
}

test('template properties', () => {
    const {path} = writeTemplate(dir, 'props', {
        format: 1, id: 'props-1', name: 'Props', size: [300, 200],
        layers: [{type: 'color', color: '#336699'},
            {type: 'artwork', slot: 'front', quad: [[10, 10], [290, 10], [290, 190], [10, 190]]}],
    });
    const template = Mockup.Template.new_from_file(path);
    assertEqual(template.id, 'props-1');
    assertEqual(template.name, 'Props');
    assertEqual([template.width, template.height], [300, 200]);
    assertEqual(template.dup_slots(), ['front']);
    assertEqual(template.path, path);
});

test('render a pixbuf with the promise API', async () => {
    const {path} = writeTemplate(dir, 'pix', {
        format: 1, size: [100, 60],
        layers: [{type: 'color', color: '#000'},
            {type: 'artwork', fit: 'stretch', quad: [[20, 10], [80, 10], [80, 50], [20, 50]]}],
    });
    const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF});
    const result = await renderer.render_async(Mockup.Artwork.new_from_file(artPath),
        Mockup.Template.new_from_file(path), null);
    const pixbuf = result.get_pixbuf();
    assertEqual([pixbuf.get_width(), pixbuf.get_height()], [100, 60]);
    assertEqual(pixel(pixbuf, 50, 30), [255, 32, 16]);
    assertEqual(pixel(pixbuf, 5, 5), [0, 0, 0]);
    assert(result.render_time > 0, 'no render time');
    assert(String(result).includes('100×60'), String(result));
});

test('formats encode to the right size', () => {
    const {path} = writeTemplate(dir, 'fmt', {
        format: 1, size: [160, 90],
        layers: [{type: 'artwork', quad: [[0, 0], [160, 0], [160, 90], [0, 90]]}],
    });
    const template = Mockup.Template.new_from_file(path);
    const artwork = Mockup.Artwork.new_from_file(artPath);
    for (const [format, magic] of [[Mockup.Format.JPEG, [0xff, 0xd8]], [Mockup.Format.PNG, [0x89, 0x50]]]) {
        const renderer = new Mockup.Renderer({format, max_size: 80});
        const result = renderer.render(artwork, template, null);
        const bytes = result.get_bytes().toArray();
        assertEqual([bytes[0], bytes[1]], magic);
        assertEqual([result.width, result.height], [80, 45]);
        const pixbuf = result.get_pixbuf();
        assertEqual([pixbuf.get_width(), pixbuf.get_height()], [80, 45]);
    }
});

test('errors name the file and the member', () => {
    const {path} = writeTemplate(dir, 'bad-quad', {
        format: 1, size: [10, 10], layers: [{type: 'artwork', quad: [[0, 0], [5, 0], [5, 5]]}],
    });
    assertThrows(() => Mockup.Template.new_from_file(path), e => {
        assert(isMockupError(e, Mockup.Error.INVALID_TEMPLATE), `${e}`);
        assert(e.message.includes('bad-quad/template.json'), e.message);
        assert(e.message.includes('layers[0].quad'), e.message);
    });
    const escape = writeTemplate(dir, 'escape', {format: 1, layers: [{type: 'image', source: '../art.png'}]});
    assertThrows(() => Mockup.Template.new_from_file(escape.path), e => {
        assert(isMockupError(e, Mockup.Error.PATH_OUTSIDE), `${e}`);
    });
    assertThrows(() => Mockup.Artwork.new_from_file(`${dir}/absent.png`), e => {
        assert(isMockupError(e, Mockup.Error.NOT_FOUND), `${e}`);
    });
});

test('a cancelled render rejects', async () => {
    const {path} = writeTemplate(dir, 'cancel', {
        format: 1, size: [50, 50], layers: [{type: 'artwork', quad: [[0, 0], [50, 0], [50, 50], [0, 50]]}],
    });
    const Gio = (await import('gi://Gio')).default;
    const cancellable = new Gio.Cancellable();
    cancellable.cancel();
    await assertRejects(new Mockup.Renderer().render_async(Mockup.Artwork.new_from_file(artPath),
        Mockup.Template.new_from_file(path), cancellable), e => {
        assert(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), `${e}`);
    });
});

run();
