// test-photo-maps.js: maps made from a photo, from GJS, as the preview
// app's template editor makes them
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GdkPixbuf from 'gi://GdkPixbuf';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Mockup from '../../bindings/gjs/mockup.js';

import {assert, assertEqual, assertRejects, assertThrows, run, test} from './harness.js';
import {pixel, tempDir} from './fixtures.js';

const dir = tempDir();
const W = 240, H = 160;
const region = [40, 30, 200, 30, 200, 130, 40, 130];

/** A grey photo brighter to the right: 100 + x / 2 on a black wall. */
function writeRamp(name) {
    const bytes = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
            const v = x >= 20 && x < 220 && y >= 20 && y < 140 ? 100 + Math.floor(x / 2) : 0;
            bytes.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
        }
    }
    const pixbuf = GdkPixbuf.Pixbuf.new_from_bytes(new GLib.Bytes(bytes), GdkPixbuf.Colorspace.RGB,
        false, 8, W, H, W * 3);
    const path = GLib.build_filenamev([dir, name]);
    pixbuf.savev(path, 'png', [], []);
    return path;
}

const photo = writeRamp('ramp.png');

function isIoError(e, code) {
    return e instanceof GLib.Error && e.matches(Gio.io_error_quark(), code);
}

test('shading with the promise API', async () => {
    const out = GLib.build_filenamev([dir, 'shading.png']);
    assertEqual(await Mockup.photo_maps_shading_async(photo, region, 1.5, out, null), true);
    const map = GdkPixbuf.Pixbuf.new_from_file(out);
    assertEqual([map.get_width(), map.get_height()], [W, H]);
    // 0.5 × L / median: the median under the region is at x = 120, 160
    for (const x of [60, 120, 180]) {
        const want = 0.5 * (100 + Math.floor(x / 2)) / 160 * 255;
        assert(Math.abs(pixel(map, x, 80)[0] - want) <= 2, `x ${x}: ${pixel(map, x, 80)} vs ${want}`);
    }
    assertEqual(pixel(map, 5, 5), [128, 128, 128]);
});

test('displacement and colour mask, with callbacks', async () => {
    const disp = GLib.build_filenamev([dir, 'disp.png']);
    const mask = GLib.build_filenamev([dir, 'mask.png']);
    const ok = await new Promise((resolve, reject) => {
        Mockup.photo_maps_displacement_async(photo, region, 3, disp, null, (_source, result) => {
            try {
                resolve(Mockup.photo_maps_displacement_finish(result));
            } catch (e) {
                reject(e);
            }
        });
    });
    assert(ok);
    // brighter to the right: the print moves right, not up or down
    const d = pixel(GdkPixbuf.Pixbuf.new_from_file(disp), 120, 80);
    assert(d[0] > 128 && Math.abs(d[1] - 128) <= 1 && d[2] === 128, `${d}`);

    assert(await Mockup.photo_maps_color_mask_async(photo, null, '#000', 0, 0, mask, null));
    const m = GdkPixbuf.Pixbuf.new_from_file(mask);
    assertEqual(pixel(m, 5, 5), [255, 255, 255]);
    assertEqual(pixel(m, 120, 80), [0, 0, 0]);
    assert(Mockup.photo_maps_color_mask(photo, region, '#000', 0, 0, mask, null));
    assertEqual(pixel(GdkPixbuf.Pixbuf.new_from_file(mask), 5, 5), [0, 0, 0]);
});

test('errors and cancellation', async () => {
    const out = GLib.build_filenamev([dir, 'never.png']);
    assertThrows(() => Mockup.photo_maps_shading(photo, [1, 2, 3, 4], 2, out, null),
        e => assert(isIoError(e, Gio.IOErrorEnum.INVALID_ARGUMENT) &&
                    e.message.includes('ramp.png: region: expected at least 3 points'), e.message));
    assertThrows(() => Mockup.photo_maps_displacement(photo, region, -1, out, null),
        e => assert(e.message.includes('smoothing: -1 is out of range'), e.message));
    await assertRejects(Mockup.photo_maps_color_mask_async(photo, null, 'blue', 0.1, 0, out, null),
        e => assert(e.message.includes('color: "blue" is not a colour'), e.message));
    const cancellable = new Gio.Cancellable();
    cancellable.cancel();
    await assertRejects(Mockup.photo_maps_shading_async(photo, region, 2, out, cancellable),
        e => assert(isIoError(e, Gio.IOErrorEnum.CANCELLED), e.message));
    assert(!GLib.file_test(out, GLib.FileTest.EXISTS), 'a failed map was written');
});

run();
