// sample-data.js: small, self-drawn templates and artworks for the preview
// app's test (and for trying the app while data/templates is empty).
//
// Every image is drawn with Cairo here, so the test needs no files from
// elsewhere. make-samples.js writes them to a folder, to try the app:
//
//   gjs -m examples/preview/tests/make-samples.js OUTDIR
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Cairo from 'cairo';

function surface(width, height, draw, format = Cairo.Format.RGB24) {
    const s = new Cairo.ImageSurface(format, width, height);
    const cr = new Cairo.Context(s);
    draw(cr, width, height);
    cr.$dispose();
    return s;
}

function writePng(path, width, height, draw, format) {
    const s = surface(width, height, draw, format);
    s.writeToPNG(path);
    s.finish?.();
}

function linear(cr, x0, y0, x1, y1, stops) {
    const p = new Cairo.LinearGradient(x0, y0, x1, y1);
    for (const [offset, r, g, b, a = 1] of stops)
        p.addColorStopRGBA(offset, r, g, b, a);
    cr.setSource(p);
}

function radial(cr, x, y, r0, r1, stops) {
    const p = new Cairo.RadialGradient(x, y, r0, x, y, r1);
    for (const [offset, r, g, b, a = 1] of stops)
        p.addColorStopRGBA(offset, r, g, b, a);
    cr.setSource(p);
}

function roundedRect(cr, x, y, w, h, r) {
    cr.newSubPath();
    cr.arc(x + w - r, y + r, r, -Math.PI / 2, 0);
    cr.arc(x + w - r, y + h - r, r, 0, Math.PI / 2);
    cr.arc(x + r, y + h - r, r, Math.PI / 2, Math.PI);
    cr.arc(x + r, y + r, r, Math.PI, 1.5 * Math.PI);
    cr.closePath();
}

function polygon(cr, points) {
    cr.newPath();
    cr.moveTo(...points[0]);
    for (const p of points.slice(1))
        cr.lineTo(...p);
    cr.closePath();
}

// A soft shadow: a few growing, fading copies of a shape.
function softShadow(cr, shape, blur, alpha) {
    for (let i = blur; i > 0; i -= 2) {
        cr.save();
        shape(i);
        cr.setSourceRGBA(0, 0, 0, alpha / blur * 2);
        cr.fill();
        cr.restore();
    }
}

// A diagonal glare for glass: transparent PNG, drawn with "screen".
function writeGlare(path, width, height, quad) {
    writePng(path, width, height, cr => {
        polygon(cr, quad);
        cr.clip();
        const [x0, y0] = quad[0];
        const [x1, y1] = quad[2];
        linear(cr, x0, y0, x1, y1, [
            [0.0, 1, 1, 1, 0.0],
            [0.30, 1, 1, 1, 0.35],
            [0.42, 1, 1, 1, 0.05],
            [1.0, 1, 1, 1, 0.0],
        ]);
        cr.paint();
    }, Cairo.Format.ARGB32);
}

const TEMPLATES = [
    {
        id: 'living-room-poster',
        name: 'Framed poster, living room',
        size: [1600, 1200],
        quad: [[620, 190], [980, 190], [980, 640], [620, 640]],
        glare: true,
        draw(cr, w, h) {
            linear(cr, 0, 0, 0, h, [[0, 0.93, 0.89, 0.83], [0.78, 0.84, 0.79, 0.72]]);
            cr.paint();
            // floor
            linear(cr, 0, 0.8 * h, 0, h, [[0, 0.55, 0.40, 0.28], [1, 0.42, 0.29, 0.19]]);
            cr.rectangle(0, 0.8 * h, w, 0.2 * h);
            cr.fill();
            // frame with mat and shadow
            softShadow(cr, i => roundedRect(cr, 570 - i + 14, 140 - i + 22, 460 + 2 * i, 550 + 2 * i, 6 + i), 24, 0.25);
            cr.setSourceRGB(0.12, 0.11, 0.10);
            cr.rectangle(570, 140, 460, 550);
            cr.fill();
            cr.setSourceRGB(0.97, 0.96, 0.94);
            cr.rectangle(590, 160, 420, 510);
            cr.fill();
            // sofa
            softShadow(cr, i => roundedRect(cr, 330 - i, 760 - i, 940 + 2 * i, 250 + 2 * i, 40 + i), 20, 0.2);
            cr.setSourceRGB(0.29, 0.42, 0.45);
            roundedRect(cr, 330, 740, 940, 200, 40);
            cr.fill();
            cr.setSourceRGB(0.25, 0.37, 0.40);
            roundedRect(cr, 300, 840, 1000, 170, 36);
            cr.fill();
            cr.setSourceRGB(0.22, 0.33, 0.36);
            roundedRect(cr, 270, 800, 110, 230, 40);
            cr.fill();
            roundedRect(cr, 1220, 800, 110, 230, 40);
            cr.fill();
            // plant
            cr.setSourceRGB(0.85, 0.83, 0.80);
            roundedRect(cr, 1390, 860, 120, 150, 16);
            cr.fill();
            cr.setSourceRGB(0.24, 0.48, 0.30);
            for (let i = 0; i < 9; i++) {
                cr.save();
                cr.translate(1450, 870);
                cr.rotate(-1.2 + i * 0.3);
                cr.scale(1, 3.2);
                cr.arc(0, -40, 40, 0, 2 * Math.PI);
                cr.restore();
                cr.fill();
            }
        },
    },
    {
        id: 'gallery-canvas',
        name: 'Canvas in a gallery',
        size: [1600, 1100],
        quad: [[560, 250], [1100, 300], [1095, 860], [555, 900]],
        draw(cr, w, h) {
            linear(cr, 0, 0, w, 0, [[0, 0.80, 0.81, 0.84], [1, 0.93, 0.94, 0.95]]);
            cr.paint();
            // floor in perspective
            linear(cr, 0, 0.82 * h, 0, h, [[0, 0.68, 0.66, 0.63], [1, 0.52, 0.50, 0.47]]);
            polygon(cr, [[0, 0.86 * h], [w, 0.78 * h], [w, h], [0, h]]);
            cr.fill();
            // canvas edge and shadow
            softShadow(cr, i => polygon(cr, [[555 + 20 - i, 250 + 26 - i], [1100 + 24 + i, 300 + 26 - i],
                [1095 + 24 + i, 860 + 26 + i], [555 + 20 - i, 900 + 26 + i]]), 28, 0.28);
            cr.setSourceRGB(0.30, 0.30, 0.32);
            polygon(cr, [[1100, 300], [1116, 306], [1111, 864], [1095, 860]]);
            cr.fill();
            // spotlight
            radial(cr, 830, 180, 0, 700, [[0, 1, 1, 0.95, 0.35], [1, 1, 1, 1, 0]]);
            cr.paint();
        },
        shadow: true,
    },
    {
        id: 'tshirt-front',
        name: 'T-shirt, front print',
        size: [1200, 1400],
        quad: [[440, 460], [760, 460], [760, 800], [440, 800]],
        fit: 'contain',
        blend: 'multiply',
        draw(cr, w, h) {
            radial(cr, w / 2, h / 2, 100, 900, [[0, 0.90, 0.87, 0.82], [1, 0.76, 0.72, 0.66]]);
            cr.paint();
            const shirt = [[420, 190], [520, 160], [600, 210], [680, 160], [780, 190], [1010, 330],
                [930, 520], [830, 470], [840, 1180], [360, 1180], [370, 470], [270, 520], [190, 330]];
            softShadow(cr, i => polygon(cr, shirt.map(([x, y]) => [x + 10 + (x - 600) * i / 400, y + 20 + (y - 670) * i / 600])), 20, 0.25);
            polygon(cr, shirt);
            linear(cr, 0, 160, 0, 1180, [[0, 0.98, 0.98, 0.97], [1, 0.90, 0.90, 0.89]]);
            cr.fill();
            // collar
            cr.setSourceRGB(0.84, 0.84, 0.83);
            cr.setLineWidth(18);
            cr.moveTo(520, 165);
            cr.curveTo(550, 250, 650, 250, 680, 165);
            cr.stroke();
        },
    },
    {
        id: 'phone-screen',
        name: 'Phone on a desk',
        size: [1000, 1400],
        quad: [[330, 255], [680, 255], [680, 1015], [330, 1015]],
        glare: true,
        draw(cr, w, h) {
            linear(cr, 0, 0, w, h, [[0, 0.20, 0.27, 0.38], [1, 0.08, 0.11, 0.17]]);
            cr.paint();
            radial(cr, 200, 150, 0, 900, [[0, 1, 1, 1, 0.12], [1, 1, 1, 1, 0]]);
            cr.paint();
            softShadow(cr, i => roundedRect(cr, 300 - i + 20, 200 - i + 30, 410 + 2 * i, 870 + 2 * i, 60 + i), 40, 0.5);
            cr.setSourceRGB(0.05, 0.05, 0.06);
            roundedRect(cr, 300, 200, 410, 870, 60);
            cr.fill();
            cr.setSourceRGB(0.22, 0.22, 0.24);
            cr.setLineWidth(4);
            roundedRect(cr, 302, 202, 406, 866, 58);
            cr.stroke();
            cr.setSourceRGB(0.12, 0.12, 0.14);
            roundedRect(cr, 455, 222, 100, 16, 8);
            cr.fill();
        },
    },
    {
        id: 'billboard',
        name: 'Billboard at dusk',
        size: [1600, 1000],
        quad: [[330, 170], [1290, 230], [1285, 630], [335, 660]],
        draw(cr, w, h) {
            linear(cr, 0, 0, 0, h, [[0, 0.17, 0.20, 0.42], [0.55, 0.86, 0.52, 0.42], [0.75, 0.98, 0.78, 0.55]]);
            cr.paint();
            // city silhouette
            cr.setSourceRGB(0.16, 0.14, 0.22);
            let x = 0;
            for (const [bw, bh] of [[120, 180], [90, 260], [160, 140], [110, 300], [140, 200], [100, 240],
                [180, 160], [120, 280], [150, 190], [130, 230], [170, 150], [140, 260]]) {
                cr.rectangle(x, h - 90 - bh, bw, bh + 90);
                x += bw;
            }
            cr.fill();
            cr.setSourceRGB(0.10, 0.09, 0.14);
            cr.rectangle(0, h - 90, w, 90);
            cr.fill();
            // posts and frame
            cr.setSourceRGB(0.22, 0.22, 0.26);
            cr.rectangle(560, 640, 40, h - 640);
            cr.rectangle(1030, 620, 40, h - 620);
            cr.fill();
            polygon(cr, [[310, 150], [1312, 212], [1306, 650], [315, 682]]);
            cr.fill();
        },
    },
    {
        id: 'notebook-cover',
        name: 'Notebook cover',
        size: [1400, 1050],
        quad: [[470, 180], [930, 220], [900, 860], [420, 830]],
        shadow: true,
        draw(cr, w, h) {
            // wooden desk
            linear(cr, 0, 0, w, h, [[0, 0.72, 0.56, 0.40], [1, 0.58, 0.43, 0.29]]);
            cr.paint();
            cr.setLineWidth(3);
            for (let y = 20; y < h; y += 37) {
                cr.setSourceRGBA(0.35, 0.22, 0.12, 0.15 + 0.1 * Math.sin(y));
                cr.moveTo(0, y);
                cr.curveTo(w / 3, y + 12 * Math.sin(y / 50), 2 * w / 3, y - 10, w, y + 8);
                cr.stroke();
            }
            // pages under the cover and its shadow
            softShadow(cr, i => polygon(cr, [[470 + 12 - i, 180 + 22 - i], [930 + 16 + i, 220 + 22 - i],
                [900 + 16 + i, 860 + 22 + i], [420 + 12 - i, 830 + 22 + i]]), 30, 0.35);
            cr.setSourceRGB(0.96, 0.95, 0.91);
            polygon(cr, [[930, 220], [944, 228], [914, 870], [900, 860]]);
            cr.fill();
            // pencil
            cr.setSourceRGB(0.95, 0.73, 0.16);
            polygon(cr, [[1040, 300], [1080, 290], [1190, 840], [1150, 850]]);
            cr.fill();
            cr.setSourceRGB(0.30, 0.25, 0.20);
            polygon(cr, [[1150, 850], [1190, 840], [1176, 900]]);
            cr.fill();
        },
    },
];

/**
 * Writes the sample templates into @dir, one sub-folder each.
 *
 * @param {string} dir - an existing or new folder
 * @param {object} [options]
 * @param {boolean} [options.broken] - also write a template whose
 *   manifest is invalid (its artwork quad has three points)
 * @param {number} [options.count] - how many of the templates to write
 * @returns {Array<{id, name, width, height, path}>} the templates written,
 *   in the order the library's find_in_folder() lists them
 */
export function writeSampleTemplates(dir, {broken = false, count = TEMPLATES.length} = {}) {
    const written = [];
    for (const t of TEMPLATES.slice(0, count)) {
        const folder = GLib.build_filenamev([dir, t.id]);
        GLib.mkdir_with_parents(folder, 0o755);
        const [w, h] = t.size;
        writePng(GLib.build_filenamev([folder, 'background.png']), w, h, cr => t.draw(cr, w, h));
        const layers = [
            {type: 'image', source: 'background.png'},
            {type: 'artwork', quad: t.quad, fit: t.fit ?? 'cover', ...t.blend ? {blend: t.blend} : {}},
        ];
        if (t.glare) {
            writeGlare(GLib.build_filenamev([folder, 'glare.png']), w, h, t.quad);
            layers.push({type: 'image', source: 'glare.png', blend: 'screen', opacity: 0.8});
        }
        if (t.shadow) {
            // light falling across the artwork from the left
            writePng(GLib.build_filenamev([folder, 'light.png']), w, h, cr => {
                cr.setSourceRGB(1, 1, 1);
                cr.paint();
                polygon(cr, t.quad);
                linear(cr, t.quad[0][0], 0, t.quad[1][0], 0, [[0, 1, 1, 1], [1, 0.72, 0.72, 0.74]]);
                cr.fill();
            });
            layers.push({type: 'image', source: 'light.png', blend: 'multiply'});
        }
        const manifest = {format: 1, id: t.id, name: t.name, layers};
        const path = GLib.build_filenamev([folder, 'template.json']);
        GLib.file_set_contents(path, JSON.stringify(manifest, null, 2));
        written.push({id: t.id, name: t.name, width: w, height: h, path});
    }
    if (broken) {
        const folder = GLib.build_filenamev([dir, 'broken-mug']);
        GLib.mkdir_with_parents(folder, 0o755);
        writePng(GLib.build_filenamev([folder, 'background.png']), 800, 600, cr => {
            cr.setSourceRGB(0.5, 0.5, 0.5);
            cr.paint();
        });
        const manifest = {
            format: 1, id: 'broken-mug', name: 'Mug (broken manifest)',
            layers: [
                {type: 'image', source: 'background.png'},
                {type: 'artwork', quad: [[100, 100], [700, 100], [700, 500]]},
            ],
        };
        const path = GLib.build_filenamev([folder, 'template.json']);
        GLib.file_set_contents(path, JSON.stringify(manifest, null, 2));
        written.push({id: 'broken-mug', name: manifest.name, width: 0, height: 0, path, broken: true});
    }
    written.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    return written;
}

const PALETTES = [
    // background stops, blobs, text colour
    {bg: [[0, 0.99, 0.80, 0.36], [1, 0.93, 0.33, 0.38]], blobs: [[0.17, 0.30, 0.62], [0.10, 0.62, 0.55], [1, 0.95, 0.85]], ink: [0.12, 0.10, 0.20]},
    {bg: [[0, 0.20, 0.55, 0.85], [1, 0.42, 0.22, 0.70]], blobs: [[0.98, 0.76, 0.20], [0.96, 0.40, 0.46], [0.60, 0.90, 0.85]], ink: [1, 1, 1]},
];

/**
 * Draws an artwork: colourful, with shapes and a word, so that a mockup
 * of it looks like something and its placement is easy to see.
 *
 * @param {string} path - where to write the PNG
 * @param {number} [variant] - 0 or 1: two artworks that look different
 * @param {number[]} [size] - width and height
 */
export function writeSampleArtwork(path, variant = 0, [width, height] = [1200, 1500]) {
    const pal = PALETTES[variant % PALETTES.length];
    writePng(path, width, height, (cr, w, h) => {
        linear(cr, 0, 0, w, h, pal.bg);
        cr.paint();
        const [c1, c2, c3] = pal.blobs;
        cr.setSourceRGB(...c1);
        cr.arc(w * 0.30, h * 0.34, w * 0.24, 0, 2 * Math.PI);
        cr.fill();
        cr.setSourceRGB(...c2);
        polygon(cr, [[w * 0.50, h * 0.30], [w * 0.92, h * 0.62], [w * 0.40, h * 0.72]]);
        cr.fill();
        cr.setSourceRGBA(...c3, 0.85);
        cr.setLineWidth(w * 0.03);
        for (let i = 0; i < 5; i++) {
            cr.moveTo(w * 0.08, h * (0.80 + i * 0.035));
            cr.curveTo(w * 0.35, h * (0.76 + i * 0.035), w * 0.65, h * (0.84 + i * 0.035), w * 0.92, h * (0.80 + i * 0.035));
        }
        cr.stroke();
        cr.setSourceRGB(...pal.ink);
        cr.selectFontFace('Sans', Cairo.FontSlant.NORMAL, Cairo.FontWeight.BOLD);
        cr.setFontSize(w * 0.16);
        const word = variant ? 'WAVE' : 'SUN';
        const ext = cr.textExtents(word);
        cr.moveTo((w - ext.width) / 2 - ext.xBearing, h * 0.14 - ext.yBearing);
        cr.showText(word);
    });
}
