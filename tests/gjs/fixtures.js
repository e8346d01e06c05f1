// fixtures.js: images and templates for the GJS tests, made with GdkPixbuf
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GdkPixbuf from 'gi://GdkPixbuf';
import GLib from 'gi://GLib';

export function tempDir() {
    return GLib.dir_make_tmp('mockup-gjs-XXXXXX');
}

/** A solid image of 0xRRGGBBAA saved as PNG or JPEG by extension. */
export function writeImage(dir, name, width, height, rgba) {
    const alpha = !name.endsWith('.jpg');
    const pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, alpha, 8, width, height);
    pixbuf.fill(rgba);
    const path = GLib.build_filenamev([dir, name]);
    pixbuf.savev(path, alpha ? 'png' : 'jpeg', [], []);
    return path;
}

export function writeTemplate(dir, folder, manifest) {
    const base = GLib.build_filenamev([dir, folder]);
    GLib.mkdir_with_parents(base, 0o755);
    const path = GLib.build_filenamev([base, 'template.json']);
    GLib.file_set_contents(path, typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
    return {base, path};
}

/** @n templates with a 200×150 photo each; the ones in @broken are malformed. */
export function writeTemplates(dir, n, broken = []) {
    const paths = [];
    for (let i = 0; i < n; i++) {
        const {base} = writeTemplate(dir, `t${i}`, '{}');
        writeImage(base, 'photo.jpg', 200, 150, 0x506070ff);
        const manifest = broken.includes(i) ? '{"format": 1, "layers": [' : {
            format: 1, name: `Template ${i}`,
            layers: [
                {type: 'image', source: 'photo.jpg'},
                {type: 'artwork', quad: [[20 + i, 10], [180, 20], [170, 140], [30, 130]]},
            ],
        };
        paths.push(writeTemplate(dir, `t${i}`, manifest).path);
    }
    return paths;
}

export function pixel(pixbuf, x, y) {
    const n = pixbuf.get_n_channels();
    const bytes = pixbuf.get_pixels();
    const o = y * pixbuf.get_rowstride() + x * n;
    return [bytes[o], bytes[o + 1], bytes[o + 2]];
}
