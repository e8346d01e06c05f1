// test-options.js: render-time choices from GJS, as plain objects
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Mockup, {renderOptions} from '../../bindings/gjs/mockup.js';

import {assert, assertEqual, assertRejects, assertThrows, run, test} from './harness.js';
import {pixel, tempDir, writeImage, writeTemplate} from './fixtures.js';

const dir = tempDir();
const artPath = writeImage(dir, 'art.png', 40, 40, 0xffffffff);

// A 60 × 40 canvas: the shirt colour over everything, an artwork square
// that a boolean parameter shows or hides.
const {path} = writeTemplate(dir, 'shirt', {
    format: 1, id: 'shirt', size: [60, 40],
    parameters: {
        shirt: {type: 'color', default: 'navy', label: 'Shirt colour',
            choices: {navy: '#1d2a44', white: '#f4f4f2', red: '#b3202a'}},
        logo: {type: 'boolean', default: true},
        glare: {type: 'number', default: 0.5, minimum: 0, maximum: 1},
    },
    layers: [
        {type: 'color', color: {parameter: 'shirt'}},
        {type: 'artwork', visible: {parameter: 'logo'}, quad: [[40, 10], [55, 10], [55, 30], [40, 30]]},
    ],
});
const template = Mockup.Template.new_from_file(path);
const artwork = Mockup.Artwork.new_from_file(artPath);

function isMockupError(e, code) {
    return e instanceof GLib.Error && e.matches(Mockup.error_quark(), code);
}

test('the template describes its parameters', () => {
    assertEqual(template.dup_parameter_names(), ['shirt', 'logo', 'glare']);
    const shirt = template.get_parameter('shirt');
    assertEqual(shirt.parameter_type, Mockup.ParameterType.COLOR);
    assertEqual(shirt.label, 'Shirt colour');
    assertEqual(shirt.default_value, 'navy');
    assertEqual(shirt.dup_choice_names(), ['navy', 'white', 'red']);
    assertEqual(shirt.get_choice_value('red'), '#b3202a');
    assertEqual(template.get_parameter('glare').maximum, 1);
});

test('renderOptions() takes a plain object', () => {
    const options = renderOptions({
        parameters: {shirt: 'white', glare: 0.25, logo: false},
        placement: {artwork: [0.1, 0.2, 0.5], back: {left: 0, top: 0, width: 1, degrees: 90}},
    });
    assertEqual(options.dup_parameter_names(), ['glare', 'logo', 'shirt']);
    assertEqual(options.get_parameter('logo'), 'false');
    assertEqual(options.get_parameter('glare'), '0.25');
    assertEqual(options.get_placement('back'), [true, 0, 0, 1, 90]);
    assertEqual(options.get_placement('artwork'), [true, 0.1, 0.2, 0.5, 0]);
    assertThrows(() => renderOptions({parameters: {glare: NaN}}), e => assert(e instanceof RangeError, `${e}`));
    assertThrows(() => renderOptions({placement: {artwork: [1, 2]}}), e => assert(e instanceof TypeError, `${e}`));
    assertThrows(() => renderOptions({colours: {}}), e => assert(e instanceof TypeError, `${e}`));
});

test('a colour parameter and visible, through render_full_async', async () => {
    const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF});
    const result = await renderer.render_full_async(artwork, template,
        {parameters: {shirt: 'red', logo: false}}, null);
    const pixbuf = result.get_pixbuf();
    assertEqual(pixel(pixbuf, 5, 5), [0xb3, 0x20, 0x2a]);
    // the artwork is hidden: the shirt shows where it would be
    assertEqual(pixel(pixbuf, 47, 20), [0xb3, 0x20, 0x2a]);

    const shown = renderer.render_full(artwork, template, {parameters: {shirt: '#00ff00'}}, null);
    assertEqual(pixel(shown.get_pixbuf(), 5, 5), [0, 255, 0]);
    assertEqual(pixel(shown.get_pixbuf(), 47, 20), [255, 255, 255]);
});

test('a bad value names the parameter', async () => {
    const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF});
    await assertRejects(renderer.render_full_async(artwork, template, {parameters: {shirt: 'teal'}}, null),
        e => assert(isMockupError(e, Mockup.Error.INVALID_OPTION) && e.message.includes('"shirt"'), `${e}`));
    assertThrows(() => renderer.render_full(artwork, template, {parameters: {sleeves: 'long'}}, null),
        e => assert(isMockupError(e, Mockup.Error.INVALID_OPTION) && e.message.includes('"sleeves"'), `${e}`));
});

test('a batch of variants comes template by template', async () => {
    const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF});
    const colours = ['navy', 'white', 'red'];
    const batch = await renderer.render_batch_full_async(artwork, [template, template], null,
        colours.map(shirt => ({parameters: {shirt}})), null);
    const seen = [];
    for await (const result of batch) {
        const hex = template.get_parameter('shirt').get_choice_value(colours[result.variant]);
        const expected = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
        assertEqual(pixel(result.get_pixbuf(), 5, 5), expected);
        seen.push([result.index, result.variant]);
    }
    assertEqual(seen, [[0, 0], [1, 1], [2, 2], [3, 0], [4, 1], [5, 2]]);
});

run();
