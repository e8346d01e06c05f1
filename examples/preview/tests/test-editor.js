// test-editor.js: drives Mockup Preview's template editor in process,
// under Xvfb, through its actions and the canvas's pointer entry points
// (the ones its gestures call).
//
// It makes a 2400 × 1600 product photo with a known light ramp, opens it
// in the editor (app.new-template), zooms in and drags the quad's corners
// to known sub-pixel points (with the loupe), nudges one by 0.1 px with
// Shift+Right, paints an occluder, generates the shading map, adds a
// cylinder slot with an occluder chosen by colour, undoes and redoes,
// saves, and checks: the saved manifest's corners are within 0.5 px of the
// drop points, it is valid against data/mockup-template.schema.json, the
// shading map recovers the photo's ramp within 2/255, the template joined
// the grid, `mockup-render` renders it exactly like a manifest written by
// hand with the same numbers, it reopens with the same slots, and closing
// with changes asks first. It measures the live render's time per update
// while a corner is dragged (reported, not asserted) and checks that a
// burst of moves cancels the renders in flight.
//
// Screenshots of the editor go to $PREVIEW_EDITOR_SCREENSHOTS (the source
// tree's examples/preview/screenshots when meson runs it), else to a
// temporary folder. Output is TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Adw from 'gi://Adw?version=1';
import Gdk from 'gi://Gdk?version=4.0';
import GdkPixbuf from 'gi://GdkPixbuf';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

import {PreviewApplication} from '../src/application.js';
import * as Shapes from '../src/shapes.js';
import {saveScreenshot} from './screenshot.js';
import {writeSampleTemplates, writeSampleArtwork} from './sample-data.js';

const TIMEOUT_MS = 240 * 1000;
const topDir = Gio.File.new_for_path(GLib.build_filenamev([
    GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]), '..', '..', '..'])).get_path();

// ---- TAP -----------------------------------------------------------------

let testNumber = 0, failures = 0;
function ok(condition, description, diagnostic = null) {
    testNumber++;
    print(`${condition ? 'ok' : 'not ok'} ${testNumber} - ${description}`);
    if (!condition) {
        failures++;
        if (diagnostic !== null)
            print(`# ${String(diagnostic).split('\n').join('\n# ')}`);
    }
    return condition;
}
const note = text => print(`# ${text}`);

function wait(ms) {
    return new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
        resolve();
        return GLib.SOURCE_REMOVE;
    }));
}

async function until(predicate, what, timeoutMs = 60000) {
    const end = GLib.get_monotonic_time() + timeoutMs * 1000;
    while (!predicate()) {
        if (GLib.get_monotonic_time() > end)
            throw new Error(`timed out waiting for ${what}`);
        await wait(15);
    }
}

function nextSignal(object, name, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
        let id = 0;
        const handler = object.connect(name, (_o, ...args) => {
            object.disconnect(handler);
            GLib.source_remove(id);
            resolve(args);
        });
        id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, timeoutMs, () => {
            object.disconnect(handler);
            reject(new Error(`no ${name} within ${timeoutMs} ms`));
            return GLib.SOURCE_REMOVE;
        });
    });
}

function run(argv) {
    const proc = Gio.Subprocess.new(argv, Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_MERGE);
    const [, out] = proc.communicate_utf8(null, null);
    return {status: proc.get_exit_status(), out};
}

function removeTree(path) {
    const file = Gio.File.new_for_path(path);
    const type = file.query_file_type(Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    if (type === Gio.FileType.UNKNOWN)
        return;
    if (type === Gio.FileType.DIRECTORY) {
        const e = file.enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        let info;
        while ((info = e.next_file(null)) !== null)
            removeTree(GLib.build_filenamev([path, info.get_name()]));
    }
    file.delete(null);
}

// get_pixels() copies the whole image (11 MB for the photo): collected at
// once, in a full collection. Left to the incremental collector, GJS 1.74
// now and then refuses to run one of the app's callbacks afterwards ("call
// back into JSAPI during the sweeping phase of GC", a critical, fatal here).
function grey(pixbuf, x, y) {
    const d = pixbuf.get_pixels();
    const i = y * pixbuf.get_rowstride() + x * pixbuf.get_n_channels();
    const value = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
    System.gc();
    return value;
}

// ---- the photo: a wall, a poster with a light ramp, a red "clip" ---------

const W = 2400, H = 1600;
const ramp = x => Math.round(70 + 150 * x / W);   // the poster's grey, by x
const CLIP = [[1950, 700], 70];                    // a red disc, outside the poster

function writePhoto(path) {
    const stride = W * 3;
    const data = new Uint8Array(stride * H);
    for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
            const i = y * stride + x * 3;
            const v = ramp(x);
            let rgb = [v, v, v];
            if (Math.hypot(x - CLIP[0][0], y - CLIP[0][1]) < CLIP[1])
                rgb = [214, 32, 40];
            data[i] = rgb[0];
            data[i + 1] = rgb[1];
            data[i + 2] = rgb[2];
        }
    }
    GdkPixbuf.Pixbuf.new_from_bytes(new GLib.Bytes(data), GdkPixbuf.Colorspace.RGB, false, 8, W, H, stride)
        .savev(path, 'png', ['compression'], ['1']);
}

// ---- set-up ----------------------------------------------------------------

// a fixed name: the editor shows the photo's name, and screenshots stay alike
const workDir = GLib.build_filenamev([GLib.get_tmp_dir(), 'mockup-editor-test']);
removeTree(workDir);
GLib.mkdir_with_parents(workDir, 0o755);
GLib.setenv('XDG_CACHE_HOME', GLib.build_filenamev([workDir, 'cache']), true);
const shotDir = GLib.getenv('PREVIEW_EDITOR_SCREENSHOTS') || GLib.dir_make_tmp('mockup-editor-shots-XXXXXX');
GLib.mkdir_with_parents(shotDir, 0o755);
const mockupRender = GLib.getenv('MOCKUP_RENDER') || GLib.build_filenamev([topDir, '_build', 'tools', 'mockup-render']);

const templatesDir = GLib.build_filenamev([workDir, 'templates']);
writeSampleTemplates(templatesDir, {count: 2});
const artPath = GLib.build_filenamev([workDir, 'artwork.png']);
writeSampleArtwork(artPath, 0);
const photoPath = GLib.build_filenamev([workDir, 'poster-on-wall.png']);
writePhoto(photoPath);

const app = new PreviewApplication({nonUnique: true});
app.templatesDir = templatesDir;

function shot(widget, name) {
    const path = GLib.build_filenamev([shotDir, name]);
    try {
        saveScreenshot(widget, path);
        note(`screenshot ${name}`);
    } catch (e) {
        ok(false, `screenshot ${name}`, e.message);
    }
}

// Drags a handle of the selected slot from where it is to the photo point
// (tx, ty), in @steps pointer moves, waiting for each live render when
// @timed; returns the per-update times.
async function dragHandle(editor, id, tx, ty, {steps = 6, timed = false, hold = null} = {}) {
    const canvas = editor.canvas;
    const h = Shapes.handles(editor.doc.slot(editor.selectedSlot)).find(k => k.id === id);
    const [sx, sy] = canvas.toWidget(h.x, h.y);
    const [ex, ey] = canvas.toWidget(tx, ty);
    const times = [];
    canvas.pointerDown(sx, sy, 1, 0);
    for (let i = 1; i <= steps; i++) {
        const f = i / steps;
        const live = timed ? nextSignal(editor, 'live-updated') : null;
        canvas.pointerMove(sx + (ex - sx) * f, sy + (ey - sy) * f);
        if (live) {
            const [ms] = await live;
            times.push(ms);
        }
    }
    if (hold)
        await hold();
    canvas.pointerUp(ex, ey);
    return times;
}

async function main() {
    app.register(null);
    app.activate();
    const main = app.window;
    await until(() => main.get_mapped(), 'the main window');
    main.openArtwork(artPath);
    await until(() => main.artwork !== null, 'the artwork');
    const entriesBefore = main.entries.length;

    // ---- a new template from a photo ----
    app.activate_action('new-template', new GLib.Variant('s', ''));
    let editor = app.get_windows().find(w => w.constructor.name === 'EditorWindow' || w.doc);
    ok(editor !== undefined, 'app.new-template opens the editor');
    await until(() => editor.get_mapped(), 'the editor window');
    await until(() => editor.get_width() > 0, 'the editor’s size');
    await wait(200);
    shot(editor, 'editor-empty.png');

    const opened = nextSignal(editor, 'opened');
    editor.activate_action('open-photo', new GLib.Variant('s', photoPath));
    const [good] = await opened;
    ok(good && editor.doc.width === W && editor.doc.height === H,
        'the photo opens at its size', `${editor.doc.width}×${editor.doc.height}`);
    ok(editor.doc.slots.length === 1 && editor.selectedSlot === 'artwork',
        'a new template starts with one quad slot, "artwork", selected');
    ok(editor.doc.dirty && !editor.doc.can_undo, 'a new template is unsaved and has nothing to undo');
    await until(() => editor.liveTimes.length > 0, 'the first live render');
    await wait(100);

    // ---- zoom (keyboard action, pinch-like zoomAt) ----
    const canvas = editor.canvas;
    const z0 = canvas.zoom;
    editor.activate_action('zoom-in', null);
    ok(Math.abs(canvas.zoom / z0 - 1.25) < 1e-9, 'win.zoom-in zooms by 1.25', `${z0} → ${canvas.zoom}`);
    const [px0, py0] = canvas.toPhoto(200, 150);
    canvas.zoomAt(canvas.zoom * 1.7, 200, 150);
    const [px1, py1] = canvas.toPhoto(200, 150);
    ok(Math.hypot(px1 - px0, py1 - py0) < 1e-6, 'zooming at a point keeps that point under the pointer');
    editor.activate_action('zoom-fit', null);

    // ---- drag the corners to known points (sub-pixel) ----
    const drops = [[600.25, 400.5], [1800.75, 380.25], [1820.5, 1240.75], [580.5, 1200.25]];
    const liveTimes = [];
    for (let i = 0; i < 4; i++) {
        const [tx, ty] = drops[i];
        // zoom in around the target, as one would, for sub-pixel placement
        canvas.zoomTo(3, tx, ty);
        const times = await dragHandle(editor, `${i}`, tx, ty, {
            steps: 8, timed: true,
            hold: i === 2 ? async () => {
                await wait(50);
                shot(editor, 'editor-loupe.png');
            } : null,
        });
        liveTimes.push(...times);
    }
    editor.activate_action('zoom-fit', null);
    let quad = editor.doc.slot('artwork').quad;
    const worst = Math.max(...quad.map((p, i) => Math.hypot(p[0] - drops[i][0], p[1] - drops[i][1])));
    ok(worst < 1e-6, 'each corner is where it was dropped', `off by ${worst}`);
    ok(editor.doc.can_undo, 'the drags can be undone');

    // arrow keys: Shift+Right nudges the selected handle by 0.1 px, Down by 1
    canvas.selectedHandle = '1';
    canvas._onKey(Gdk.KEY_Right, Gdk.ModifierType.SHIFT_MASK);
    canvas._onKey(Gdk.KEY_Down, 0);
    quad = editor.doc.slot('artwork').quad;
    ok(Math.abs(quad[1][0] - 1800.85) < 1e-9 && Math.abs(quad[1][1] - 381.25) < 1e-9,
        'Shift+Right nudges by 0.1 px and Down by 1 px', JSON.stringify(quad[1]));
    drops[1] = [1800.85, 381.25];

    liveTimes.sort((a, b) => a - b);
    const median = liveTimes[Math.floor(liveTimes.length / 2)];
    note(`live render per update, ${W}×${H} photo, preview ${editor.doc.width * editor.doc.liveScale}` +
        ` px wide: median ${median.toFixed(1)} ms, min ${liveTimes[0].toFixed(1)} ms, ` +
        `max ${liveTimes[liveTimes.length - 1].toFixed(1)} ms over ${liveTimes.length} updates`);
    ok(liveTimes.length === 32, 'every pointer move gave a live render', liveTimes.length);
    const engine = [...editor.liveRenderTimes].sort((a, b) => a - b);
    note(`of which the engine's render (Mockup.Result.get_render_time): median ` +
        `${engine[Math.floor(engine.length / 2)].toFixed(1)} ms, min ${engine[0].toFixed(1)} ms`);

    // a burst of moves: the renders in flight are cancelled by the next
    const before = editor.liveTimes.length;
    let cancels = 0;
    const realCancel = Gio.Cancellable.prototype.cancel;
    Gio.Cancellable.prototype.cancel = function () {
        cancels++;
        return realCancel.call(this);
    };
    const h3 = editor.doc.slot('artwork').quad[3];
    const [bx, by] = canvas.toWidget(...h3);
    canvas.pointerDown(bx, by, 1, 0);
    for (let i = 1; i <= 10; i++)
        canvas.pointerMove(bx + i, by);
    canvas.pointerMove(bx, by);
    canvas.pointerUp(bx, by);
    Gio.Cancellable.prototype.cancel = realCancel;
    await until(() => !editor.liveRendering, 'the burst to settle');
    const rendered = editor.liveTimes.length - before;
    ok(cancels >= 10 && rendered < 12, 'a burst of moves cancels the renders in flight',
        `${cancels} cancelled, ${rendered} shown`);
    quad = editor.doc.slot('artwork').quad;
    ok(Math.hypot(quad[3][0] - drops[3][0], quad[3][1] - drops[3][1]) < 1e-6,
        'the burst ended where it began');

    // ---- the occluder: a brush stroke ----
    editor.activate_action('tool', new GLib.Variant('s', 'brush'));
    ok(canvas.tool === 'brush', 'win.tool switches to the brush');
    canvas.brushRadius = 40;
    const stroke = [[900, 800], [1000, 850], [1100, 820]];
    const ws = stroke.map(p => canvas.toWidget(...p));
    canvas.pointerDown(...ws[0], 1, 0);
    for (const p of ws.slice(1))
        canvas.pointerMove(...p);
    await wait(100);
    shot(editor, 'editor-brush.png');
    canvas.pointerUp(...ws[ws.length - 1]);
    const mask = editor.doc.slot('artwork').mask;
    ok(mask?.strokes.length === 1 && mask.strokes[0].radius === 40, 'the stroke is the slot’s occluder');
    editor.activate_action('tool', new GLib.Variant('s', 'select'));

    // ---- shading from the photo ----
    editor.activate_action('generate-shading', null);
    await until(() => editor.doc.slot('artwork').shading !== null, 'the shading map');
    const shading = editor.doc.slot('artwork').shading;
    ok(shading.neutral === 0.5 && shading.strength > 0, 'the slot has a shading map', JSON.stringify(shading));
    editor.activate_action('undo', null);
    ok(editor.doc.slot('artwork').shading === null, 'undo takes the shading map away');
    editor.activate_action('redo', null);
    ok(editor.doc.slot('artwork').shading?.file === shading.file, 'redo brings it back');

    // ---- a second slot, a cylinder, occluded by colour (the red clip) ----
    editor.activate_action('add-slot', new GLib.Variant('s', 'cylinder'));
    const cyl = editor.selectedSlot;
    ok(cyl === 'cylinder' && editor.doc.slots.length === 2, 'a second, named slot', cyl);
    await dragHandle(editor, 'right', 2150, 900);
    await dragHandle(editor, 'left', 1750, 900);
    await dragHandle(editor, 'top', 1950, 560);
    await dragHandle(editor, 'bottom', 1950, 1000);
    const c = editor.doc.slot(cyl).cylinder;
    ok(Math.abs(c.left - 1750) < 1e-6 && Math.abs(c.right - 2150) < 1e-6 && Math.abs(c.top - 560) < 1e-6 && Math.abs(c.bottom - 1000) < 1e-6,
        'the cylinder’s handles set its edges', JSON.stringify(c));
    editor.activate_action('tool', new GLib.Variant('s', 'pick'));
    canvas.pointerDown(...canvas.toWidget(...CLIP[0]), 1, 0);
    canvas.pointerUp(...canvas.toWidget(...CLIP[0]));
    editor.activate_action('tool', new GLib.Variant('s', 'select'));
    await until(() => editor.doc.slot(cyl).mask?.base, 'the colour mask');
    const colourMask = GdkPixbuf.Pixbuf.new_from_file(editor.doc.workPath(editor.doc.slot(cyl).mask.base));
    const ms = colourMask.get_width() / W;
    ok(grey(colourMask, Math.round(CLIP[0][0] * ms), Math.round(CLIP[0][1] * ms)) > 250 &&
        grey(colourMask, Math.round(1800 * ms), Math.round(900 * ms)) < 5,
    'picking the clip’s colour masks the clip and nothing else');
    editor.activate_action('select-slot', new GLib.Variant('s', 'artwork'));
    // the cylinder's settings from the sidebar: fit, aspect, blend, opacity
    editor.selectSlot(cyl);
    editor.setAspectPreset('square');
    editor._fitRow.selected = 1; // contain
    editor._blendRow.selected = 1; // multiply
    ok(editor.doc.slot(cyl).aspect === 1 && editor.doc.slot(cyl).fit === 'contain' &&
        editor.doc.slot(cyl).blend === 'multiply', 'aspect preset, fit and blend mode from the sidebar');
    editor.selectSlot('artwork');
    await until(() => !editor.liveRendering, 'the live render');
    await wait(200);
    shot(editor, 'editor.png');

    // dark and narrow
    Adw.StyleManager.get_default().color_scheme = Adw.ColorScheme.FORCE_DARK;
    await wait(300);
    shot(editor, 'editor-dark.png');
    Adw.StyleManager.get_default().color_scheme = Adw.ColorScheme.DEFAULT;
    editor.set_default_size(400, 760);
    await until(() => editor.get_width() <= 420, 'the narrow window', 5000).catch(() => {});
    await wait(400);
    shot(editor, 'editor-narrow.png');
    editor.set_default_size(1280, 820);
    await wait(300);

    // ---- save ----
    const saveDir = GLib.build_filenamev([workDir, 'saved', 'poster']);
    const savedSignal = nextSignal(editor, 'template-saved');
    editor.activate_action('save', new GLib.Variant('s', saveDir));
    const [savedPath] = await savedSignal;
    ok(savedPath === GLib.build_filenamev([saveDir, 'template.json']) && !editor.doc.dirty,
        'win.save writes template.json and leaves nothing unsaved', savedPath);
    const manifest = JSON.parse(new TextDecoder().decode(GLib.file_get_contents(savedPath)[1]));
    const art = manifest.layers.find(l => l.slot === 'artwork');
    const off = Math.max(...art.quad.map((p, i) => Math.hypot(p[0] - drops[i][0], p[1] - drops[i][1])));
    ok(off <= 0.5, 'the saved corners are within 0.5 px of the drop points', `off by ${off}`);
    ok(manifest.layers.filter(l => l.type === 'artwork').length === 2 &&
        manifest.layers.filter(l => l.type === 'image' && l.mask).length === 2,
    'two slots and two occluders saved', JSON.stringify(manifest.layers.map(l => l.name)));

    const schema = GLib.build_filenamev([topDir, 'data', 'mockup-template.schema.json']);
    const check = run(['/usr/bin/python3', '-c',
        'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))); print("valid")',
        savedPath, schema]);
    if (check.out.includes('No module named'))
        note('SKIP schema check: no python3-jsonschema');
    else
        ok(check.status === 0, 'the saved manifest is valid against the schema', check.out);

    // the shading map recovers the ramp: 0.5 × L / median(L) over the slot
    const map = GdkPixbuf.Pixbuf.new_from_file(GLib.build_filenamev([saveDir, art.shading.source]));
    const k = map.get_width() / W;
    const poly = art.quad;
    const inner = [], values = [];
    for (let y = 0; y < map.get_height(); y += 6) {
        for (let x = 0; x < map.get_width(); x += 6) {
            const px = (x + 0.5) / k, py = (y + 0.5) / k;
            if (!Shapes.pointInPolygon(poly, px, py))
                continue;
            values.push(ramp(px));
            // well inside: at least 30 photo pixels from every edge
            const far = poly.every((a, i) => {
                const b = poly[(i + 1) % 4];
                const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
                return Math.abs((b[0] - a[0]) * (a[1] - py) - (a[0] - px) * (b[1] - a[1])) / len > 30;
            });
            if (far)
                inner.push([x, y, px]);
        }
    }
    values.sort((a, b) => a - b);
    const med = values[Math.floor(values.length / 2)];
    let worstShade = 0;
    for (const [x, y, px] of inner) {
        const expected = 255 * Math.min(1, 0.5 * ramp(px) / med);
        worstShade = Math.max(worstShade, Math.abs(grey(map, x, y) - expected));
    }
    ok(inner.length > 500 && worstShade <= 2, 'the shading map recovers the light ramp within 2/255',
        `worst ${worstShade.toFixed(2)} over ${inner.length} points`);
    note(`shading map vs the ramp: worst ${worstShade.toFixed(2)}/255 over ${inner.length} points`);

    // joined the grid
    await until(() => main.entries.length === entriesBefore + 1, 'the new tile');
    ok(main.entries[main.entries.length - 1].path === savedPath, 'the saved template joins the grid');

    // ---- render it, and a manifest written by hand with the same numbers ----
    const handDir = GLib.build_filenamev([workDir, 'by-hand']);
    GLib.mkdir_with_parents(handDir, 0o755);
    for (const name of ['photo.png', 'shading-artwork.png', 'occluder-artwork.png', 'occluder-cylinder.png'])
        Gio.File.new_for_path(GLib.build_filenamev([saveDir, name])).copy(
            Gio.File.new_for_path(GLib.build_filenamev([handDir, name])), Gio.FileCopyFlags.OVERWRITE, null, null);
    const hand = {
        format: 1, id: 'poster', name: 'poster-on-wall', size: [2400, 1600],
        layers: [
            {type: 'image', source: 'photo.png'},
            {type: 'artwork', slot: 'artwork', quad: drops, fit: 'cover',
                shading: {source: 'shading-artwork.png', strength: 0.9, neutral: 0.5}},
            {type: 'artwork', slot: 'cylinder', fit: 'contain', aspect: 1, blend: 'multiply',
                cylinder: {left: c.left, right: c.right, top: 560, bottom: 1000, ellipse: c.ellipse, wrap: 180, rotation: 0}},
            {type: 'image', source: 'photo.png', mask: 'occluder-artwork.png'},
            {type: 'image', source: 'photo.png', mask: 'occluder-cylinder.png'},
        ],
    };
    GLib.file_set_contents(GLib.build_filenamev([handDir, 'template.json']), JSON.stringify(hand, null, 1));
    const outA = GLib.build_filenamev([workDir, 'render-editor']);
    const outB = GLib.build_filenamev([workDir, 'render-hand']);
    const ra = run([mockupRender, '-q', '--format=png', '-o', outA, artPath, saveDir]);
    const rb = run([mockupRender, '-q', '--format=png', '-o', outB, artPath, handDir]);
    ok(ra.status === 0 && rb.status === 0, 'mockup-render renders both templates', ra.out + rb.out);
    if (ra.status === 0 && rb.status === 0) {
        const a = GdkPixbuf.Pixbuf.new_from_file(GLib.build_filenamev([outA, 'poster.png']));
        const b = GdkPixbuf.Pixbuf.new_from_file(GLib.build_filenamev([outB, 'poster.png']));
        const da = a.get_pixels(), db = b.get_pixels();
        let maxDiff = 0;
        for (let i = 0; i < da.length; i += 7)
            maxDiff = Math.max(maxDiff, Math.abs(da[i] - db[i]));
        System.gc(); // (see grey())
        ok(a.get_width() === b.get_width() && a.get_height() === b.get_height() && maxDiff <= 1,
            'the editor’s template renders as the one written by hand', `max difference ${maxDiff}`);
        // and the artwork is in it: the poster's middle differs from the photo
        const photo = GdkPixbuf.Pixbuf.new_from_file(photoPath);
        ok(Math.abs(grey(a, 1400, 1000) - grey(photo, 1400, 1000)) > 10, 'the render shows the artwork in the slot');
    }

    // ---- reopen, edit, and the unsaved-changes warning ----
    const again = app.openEditor({template: savedPath});
    const [reopened] = await nextSignal(again, 'opened');
    ok(reopened && again.doc.slots.map(s => s.name).join() === 'artwork,cylinder' &&
        again.doc.slot('artwork').mask?.base && again.doc.slot('artwork').shading &&
        !again.doc.dirty, 'the saved template reopens with its slots, mask and shading, unchanged');
    const q2 = again.doc.slot('artwork').quad;
    ok(Math.max(...q2.map((p, i) => Math.hypot(p[0] - drops[i][0], p[1] - drops[i][1]))) <= 0.5,
        'reopened, the corners are where they were saved');
    again.activate_action('add-slot', new GLib.Variant('s', 'mesh'));
    ok(again.doc.slot('mesh')?.mesh.length === 4 && again.doc.dirty, 'a mesh slot makes the template unsaved');
    again.close();
    await wait(100);
    ok(again.unsavedDialog !== null && again.get_visible(), 'closing with changes asks first');
    again.respondToDialog('cancel');
    await wait(50);
    ok(again.get_visible(), 'Cancel keeps the editor open');
    again.close();
    await wait(50);
    again.respondToDialog('discard');
    await until(() => !again.get_visible(), 'the editor to close');
    ok(true, 'Discard closes it');

    editor.close();
    await wait(50);
    ok(editor.unsavedDialog === null, 'a saved editor closes without asking');
}

const timeout = GLib.timeout_add(GLib.PRIORITY_DEFAULT, TIMEOUT_MS, () => {
    ok(false, 'the test finished in time');
    System.exit(1);
});

let status = 0;
const loop = new GLib.MainLoop(null, false);
main().catch(e => {
    ok(false, 'the test ran to its end', `${e}\n${e.stack}`);
}).finally(() => {
    GLib.source_remove(timeout);
    print(`1..${testNumber}`);
    status = failures > 0 ? 1 : 0;
    for (const w of app.get_windows())
        w.destroy();
    loop.quit();
});
loop.run();
System.exit(status);
