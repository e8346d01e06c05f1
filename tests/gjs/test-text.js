// test-text.js: a text layer and its parameter from GJS, as the preview
// app would set a customer's name
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Mockup from '../../bindings/gjs/mockup.js';

import {assert, assertEqual, assertThrows, run, test} from './harness.js';
import {pixel, tempDir, writeImage, writeTemplate} from './fixtures.js';

const dir = tempDir();
const artPath = writeImage(dir, 'art.png', 8, 8, 0x808080ff);

function inkedColumns(pixbuf) {
    const columns = new Set();
    for (let y = 0; y < pixbuf.get_height(); y++) {
        for (let x = 0; x < pixbuf.get_width(); x++) {
            if (pixel(pixbuf, x, y)[0] < 100)
                columns.add(x);
        }
    }
    return columns.size;
}

test('a text parameter sets the name', () => {
    const {path} = writeTemplate(dir, 'name', {
        format: 1, size: [240, 80], background: '#ffffff',
        parameters: {name: {type: 'text', default: 'Al', max_length: 32}},
        layers: [{type: 'text', text: {parameter: 'name'}, font: 'DejaVu Sans', size: 0.5,
            quad: [[0, 0], [240, 0], [240, 80], [0, 80]]}],
    });
    const template = Mockup.Template.new_from_file(path);
    const artwork = Mockup.Artwork.new_from_file(artPath);
    const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF});
    const options = new Mockup.RenderOptions();

    const short = renderer.render_full(artwork, template, null, null).get_pixbuf();
    options.set_parameter('name', 'Alexandra');
    const long = renderer.render_full(artwork, template, options, null).get_pixbuf();
    // a longer name inks more of the width
    assert(inkedColumns(long) > 2 * inkedColumns(short), `${inkedColumns(long)} vs ${inkedColumns(short)}`);
    assertEqual(pixel(long, 2, 2), [255, 255, 255]);
});

test('a bad text layer member names itself', () => {
    const {path} = writeTemplate(dir, 'bad', {
        format: 1, size: [100, 100],
        layers: [{type: 'text', text: 'Alex', size: 'large', quad: [[0, 0], [100, 0], [100, 100], [0, 100]]}],
    });
    assertThrows(() => Mockup.Template.new_from_file(path), e =>
        assert(e instanceof GLib.Error && e.matches(Mockup.error_quark(), Mockup.Error.INVALID_TEMPLATE) &&
            e.message.includes('bad/template.json: layers[0].size'), String(e)));
});

run();
