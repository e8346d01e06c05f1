// test-preview.js: drives Mockup Preview in process, under Xvfb.
//
// It makes a folder of sample templates (one of them broken) and two
// artworks, starts the app on the folder, and through the app's actions:
// opens an unreadable file and a missing one (a toast each, no crash),
// opens an artwork and at once another (the first batch is cancelled),
// waits for every preview, takes screenshots and checks from their pixels
// that they show a grid of pictures, opens the large view, exports every
// mockup (JPEG) and the selected one (PNG, WebP), checks the files, cancels
// an export, and checks that the window kept answering while it worked.
// Then it imports Photoshop mockups (app.import-psd, mockup-import-psd into
// $XDG_CACHE_HOME, here a folder of the test's): a corrupt one and one the
// importer refuses (toasts, no tile), a good one (a new tile, rendered with
// the artwork, in a screenshot), the same again (from the cache), a changed
// one (its tile replaced), one dropped, and one cancelled.
//
//   xvfb-run -a dbus-run-session -- gjs -m examples/preview/tests/test-preview.js
//
// (meson test --suite preview runs it so.) Screenshots go to
// $PREVIEW_TEST_OUTDIR if set, else to a temporary folder that is kept.
// Output is TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Adw from 'gi://Adw?version=1';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GdkPixbuf from 'gi://GdkPixbuf';
import Gtk from 'gi://Gtk?version=4.0';
import Mockup from 'gi://Mockup?version=1';
import System from 'system';

import {PreviewApplication} from '../src/application.js';
import {findImporter} from '../src/psd-import.js';
import {saveScreenshot} from './screenshot.js';
import {writeSampleTemplates, writeSampleArtwork} from './sample-data.js';
import {findGrid, meanLuminance} from './image-stats.js';

const TIMEOUT_MS = 240 * 1000;

const topDir = Gio.File.new_for_path(GLib.build_filenamev([
    GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]), '..', '..', '..'])).get_path();
const psdDir = GLib.build_filenamev([topDir, 'tests', 'data', 'psd']);

// ---- TAP ---------------------------------------------------------------

let testNumber = 0;
let failures = 0;

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

function note(text) {
    print(`# ${text}`);
}

// ---- waiting -----------------------------------------------------------

function wait(ms) {
    return new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
        resolve();
        return GLib.SOURCE_REMOVE;
    }));
}

function nextSignal(object, name, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
        let timeoutId = 0;
        const handler = object.connect(name, (_obj, ...args) => {
            object.disconnect(handler);
            GLib.source_remove(timeoutId);
            resolve(args);
        });
        timeoutId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, timeoutMs, () => {
            object.disconnect(handler);
            reject(new Error(`no ${name} signal within ${timeoutMs} ms`));
            return GLib.SOURCE_REMOVE;
        });
    });
}

async function until(predicate, what, timeoutMs = 30000) {
    const end = GLib.get_monotonic_time() + timeoutMs * 1000;
    while (!predicate()) {
        if (GLib.get_monotonic_time() > end)
            throw new Error(`timed out waiting for ${what}`);
        await wait(20);
    }
}

// Measures the longest the main loop went without running a 10 ms timer,
// to see that the window stays responsive while work goes on.
class LatencyProbe {
    start() {
        this.max = 0;
        this._last = GLib.get_monotonic_time();
        this._id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
            const now = GLib.get_monotonic_time();
            this.max = Math.max(this.max, (now - this._last) / 1000);
            this._last = now;
            return GLib.SOURCE_CONTINUE;
        });
    }

    stop() {
        GLib.source_remove(this._id);
        return this.max;
    }

    // runs fn (a screenshot, which draws the whole window at once) without
    // counting the time it takes
    skip(fn) {
        const result = fn();
        this._last = GLib.get_monotonic_time();
        return result;
    }
}

// ---- files -------------------------------------------------------------

function listDir(path) {
    const names = [];
    const enumerator = Gio.File.new_for_path(path).enumerate_children('standard::name',
        Gio.FileQueryInfoFlags.NONE, null);
    let info;
    while ((info = enumerator.next_file(null)) !== null)
        names.push(info.get_name());
    return names.sort();
}

function removeTree(path) {
    const file = Gio.File.new_for_path(path);
    if (file.query_file_type(Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null) === Gio.FileType.DIRECTORY) {
        for (const name of listDir(path))
            removeTree(GLib.build_filenamev([path, name]));
    }
    file.delete(null);
}

// Reads a WebP file's canvas size from its header (GdkPixbuf may have no
// WebP loader).
function webpSize(path) {
    const [, bytes] = GLib.file_get_contents(path);
    const tag = (o, n) => String.fromCharCode(...bytes.slice(o, o + n));
    if (tag(0, 4) !== 'RIFF' || tag(8, 4) !== 'WEBP')
        throw new Error(`${path}: not a WebP file`);
    const chunk = tag(12, 4);
    const u24 = o => bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16);
    if (chunk === 'VP8X')
        return [u24(24) + 1, u24(27) + 1];
    if (chunk === 'VP8L') {
        const b = bytes.slice(21, 25);
        const bits = b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
        return [(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1];
    }
    if (chunk === 'VP8 ')
        return [(bytes[26] | (bytes[27] << 8)) & 0x3fff, (bytes[28] | (bytes[29] << 8)) & 0x3fff];
    throw new Error(`${path}: unknown WebP chunk ${chunk}`);
}

// ---- the test ----------------------------------------------------------

const workDir = GLib.dir_make_tmp('mockup-preview-test-XXXXXX');
// imported PSDs go to the user's cache: the test's own, empty at the start
const cacheHome = GLib.build_filenamev([workDir, 'cache']);
GLib.setenv('XDG_CACHE_HOME', cacheHome, true);
// the importer: this source tree's, unless $MOCKUP_IMPORT_PSD names another
// (an installed mockup-import-psd); some checks put stand-ins there
const importerCommand = GLib.getenv('MOCKUP_IMPORT_PSD');
function useImporter(command) {
    if (command)
        GLib.setenv('MOCKUP_IMPORT_PSD', command, true);
    else
        GLib.unsetenv('MOCKUP_IMPORT_PSD');
}
const outDir = GLib.getenv('PREVIEW_TEST_OUTDIR') || GLib.dir_make_tmp('mockup-preview-screenshots-XXXXXX');
GLib.mkdir_with_parents(outDir, 0o755);

const templatesDir = GLib.build_filenamev([workDir, 'templates']);
const templates = writeSampleTemplates(templatesDir, {broken: true});
const goodTemplates = templates.filter(t => !t.broken);
const sunPath = GLib.build_filenamev([workDir, 'sun.png']);
const wavePath = GLib.build_filenamev([workDir, 'wave.png']);
writeSampleArtwork(sunPath, 0);
writeSampleArtwork(wavePath, 1);
const badPath = GLib.build_filenamev([workDir, 'not-an-image.png']);
GLib.file_set_contents(badPath, 'This is text, not a PNG.\n');
const missingPath = GLib.build_filenamev([workDir, 'missing.jpg']);

// count Mockup.Batch.cancel() calls, to see that a new artwork cancels
let batchCancels = 0;
const realCancel = Mockup.Batch.prototype.cancel;
Mockup.Batch.prototype.cancel = function (...args) {
    batchCancels++;
    return realCancel.apply(this, args);
};

function shot(window, name) {
    const path = GLib.build_filenamev([outDir, name]);
    // a window between two frames may have nothing to give: try again
    for (let attempt = 0; ; attempt++) {
        try {
            saveScreenshot(window, path);
            break;
        } catch (e) {
            if (attempt >= 20)
                throw e;
            const context = GLib.MainContext.default();
            const end = GLib.get_monotonic_time() + 50000;
            while (GLib.get_monotonic_time() < end)
                context.iteration(false);
        }
    }
    note(`screenshot: ${path}`);
    return path;
}

async function checkGridScreenshot(window, path, what) {
    const pixbuf = GdkPixbuf.Pixbuf.new_from_file(path);
    const grid = findGrid(pixbuf);
    const rowSizes = grid.rows.map(r => r.length);
    note(`${what}: ${grid.regions.length} picture regions in rows of ${rowSizes.join(', ')}; ` +
        `background rgb(${grid.background.join(', ')})`);
    ok(grid.regions.length >= goodTemplates.length,
        `${what}: the screenshot shows at least ${goodTemplates.length} distinct pictures`,
        JSON.stringify(grid.regions));
    ok(grid.rows.length >= 2 && Math.max(...rowSizes) >= 2,
        `${what}: the pictures are laid out in a grid (several rows, several a row)`,
        JSON.stringify(rowSizes));

    // every rendered tile's thumbnail is where a picture region was found
    let matched = 0;
    for (const tile of window.tiles.filter(t => t.state === 'done')) {
        const [okBounds, bounds] = tile.compute_bounds(window);
        if (!okBounds)
            continue;
        const cx = bounds.get_x() + bounds.get_width() / 2;
        const cy = bounds.get_y() + bounds.get_width() * 0.4;
        if (grid.regions.some(r => cx >= r.x && cx <= r.x + r.width && cy >= r.y && cy <= r.y + r.height))
            matched++;
    }
    ok(matched === goodTemplates.length,
        `${what}: each rendered tile's picture is found in the screenshot (${matched}/${goodTemplates.length})`);
    return {pixbuf, grid};
}

async function runTest(app, window) {
    const toasts = [];
    window.connect('toast-shown', (_w, title) => toasts.push(title));
    const previewsFinished = [];
    window.connect('previews-finished', (_w, okCount, failedCount) =>
        previewsFinished.push({okCount, failedCount, artwork: window.artwork_path}));

    await wait(300);
    ok(window.entries.length === templates.length,
        `the window lists the ${templates.length} templates of --templates DIR`, window.entries.length);
    ok(window.tiles.length === templates.length, 'one tile per template');
    shot(window, 'empty.png');

    // -- unreadable and missing artworks: a toast, not a crash
    app.activate_action('open-artwork', new GLib.Variant('s', badPath));
    await wait(50);
    ok(toasts.some(t => t.includes('not-an-image.png')),
        'opening a file that is not an image shows a toast', toasts.join(' | '));
    app.activate_action('open-artwork', new GLib.Variant('s', missingPath));
    await wait(50);
    ok(toasts.some(t => t.includes('missing.jpg')), 'opening a missing file shows a toast', toasts.join(' | '));
    ok(window.artwork_path === null, 'after them, no artwork is open');
    shot(window, 'toast.png');

    // -- a drop goes through the same path (Gtk.DropTarget with a Gio.File)
    let dropTarget = null;
    const controllers = window.get_content().observe_controllers();
    for (let i = 0; i < controllers.get_n_items(); i++) {
        if (controllers.get_item(i) instanceof Gtk.DropTarget)
            dropTarget = controllers.get_item(i);
    }
    ok(dropTarget !== null, 'the window takes dropped files');
    if (dropTarget) {
        // what a drop of an unreadable file does (Gtk.DropTarget::drop)
        const before = toasts.length;
        dropTarget.emit('drop', Gio.File.new_for_path(badPath), 10, 10);
        ok(toasts.length === before + 1 && window.artwork_path === null,
            'dropping an unreadable file shows a toast too');
    }

    // -- open an artwork, and another as soon as the first renders
    const probe = new LatencyProbe();
    probe.start();
    const t0 = GLib.get_monotonic_time();
    app.activate_action('open-artwork', new GLib.Variant('s', sunPath));
    ok(window.artwork_path === sunPath, 'app.open-artwork opens the artwork');
    ok(window.rendering, 'the previews are rendering');
    await until(() => window.tiles.some(t => t.state === 'done'), 'a first preview');
    probe.skip(() => shot(window, 'preview-rendering.png'));
    const cancelsBefore = batchCancels;
    app.activate_action('open-artwork', new GLib.Variant('s', wavePath));
    ok(batchCancels > cancelsBefore, 'opening another artwork cancels the running batch (Mockup.Batch.cancel)');
    ok(window.tiles.every(t => t.state === 'waiting'), 'every tile waits for the new artwork');

    const [okCount, failedCount] = await nextSignal(window, 'previews-finished', 120000);
    const renderMs = (GLib.get_monotonic_time() - t0) / 1000;
    const previewLatency = probe.stop();
    note(`previews: ${okCount} rendered, ${failedCount} failed, in ${renderMs.toFixed(0)} ms; ` +
        `longest main-loop stall ${previewLatency.toFixed(0)} ms`);
    await wait(300);
    ok(previewsFinished.length === 1 && previewsFinished[0].artwork === wavePath,
        'only the second artwork\'s batch finished', JSON.stringify(previewsFinished));
    ok(okCount === goodTemplates.length && failedCount === 1,
        `every good template rendered (${okCount}), the broken one failed (${failedCount})`);
    ok(window.tiles.filter(t => t.state === 'done').length === goodTemplates.length,
        'the tiles show the previews');
    const brokenTile = window.tiles.find(t => t.entry.id === 'broken-mug');
    ok(brokenTile?.state === 'failed', 'the broken template\'s tile shows its failure');
    ok(toasts.some(t => t.includes('Mug') || t.includes('broken-mug')) &&
        toasts.some(t => t.includes('quad')),
    'a toast names the broken template and its error', toasts.join(' | '));
    const preview = window.tiles.find(t => t.state === 'done').result;
    ok(Math.max(preview.width, preview.height) <= 800 && preview.get_pixbuf() !== null,
        `previews are pixbufs at preview size (${preview.width}×${preview.height})`);
    ok(previewLatency < 1000, `the window kept answering while previews rendered (${previewLatency.toFixed(0)} ms)`);

    // -- screenshots of the grid, checked from their pixels
    const styleManager = Adw.StyleManager.get_default();
    styleManager.color_scheme = Adw.ColorScheme.FORCE_LIGHT;
    window.dismissToasts();
    await wait(600); // let the toasts go and the thumbnails' scaled copies be drawn
    const gridShot = shot(window, 'preview-grid.png');
    const light = await checkGridScreenshot(window, gridShot, 'light grid');

    styleManager.color_scheme = Adw.ColorScheme.FORCE_DARK;
    await wait(400);
    const darkShot = shot(window, 'preview-grid-dark.png');
    const dark = await checkGridScreenshot(window, darkShot, 'dark grid');
    ok(meanLuminance(dark.pixbuf) < meanLuminance(light.pixbuf) - 30,
        'the dark style is dark', `${meanLuminance(dark.pixbuf)} vs ${meanLuminance(light.pixbuf)}`);
    ok(dark.grid.background[0] < 100, 'the dark style\'s background is dark', dark.grid.background);
    styleManager.color_scheme = Adw.ColorScheme.DEFAULT;
    await wait(200);

    // -- the large view
    const index = window.tiles.findIndex(t => t.entry.id === 'living-room-poster');
    window.tiles[index].activate();
    ok(window.showingDetail, 'clicking a tile shows its mockup large');
    await until(() => !window.detailRendering, 'the large render', 60000);
    window.dismissToasts();
    await wait(600);
    shot(window, 'preview-detail.png');
    const detailPixbuf = GdkPixbuf.Pixbuf.new_from_file(GLib.build_filenamev([outDir, 'preview-detail.png']));
    const detailGrid = findGrid(detailPixbuf, light.grid.background);
    ok(detailGrid.regions.some(r => r.width > window.get_width() * 0.5),
        'the large view shows one big picture', JSON.stringify(detailGrid.regions));
    window.activate_action('next', null);
    ok(window.selectedIndex === index + 1, 'win.next goes to the next mockup');
    window.activate_action('previous', null);
    ok(window.selectedIndex === index, 'win.previous goes back');

    // -- export the selected one (PNG), from the large view
    const selectedDir = GLib.build_filenamev([workDir, 'export-selected']);
    app.change_action_state('export-format', new GLib.Variant('s', 'png'));
    let done = nextSignal(window, 'export-finished', 120000);
    app.activate_action('export-selected', new GLib.Variant('s', selectedDir));
    let [saved, failed] = await done;
    const poster = templates.find(t => t.id === 'living-room-poster');
    let files = listDir(selectedDir);
    ok(saved === 1 && failed === 0 && files.length === 1 && files[0] === 'wave-living-room-poster.png',
        'app.export-selected saves the selected mockup as PNG', files.join(', '));
    if (files.length === 1) {
        const pixbuf = GdkPixbuf.Pixbuf.new_from_file(GLib.build_filenamev([selectedDir, files[0]]));
        ok(pixbuf.width === poster.width && pixbuf.height === poster.height,
            `it decodes, at the template's full size (${pixbuf.width}×${pixbuf.height})`);
    }

    // ... and as WebP
    const webpDir = GLib.build_filenamev([workDir, 'export-webp']);
    app.change_action_state('export-format', new GLib.Variant('s', 'webp'));
    done = nextSignal(window, 'export-finished', 120000);
    app.activate_action('export-selected', new GLib.Variant('s', webpDir));
    [saved] = await done;
    files = listDir(webpDir);
    ok(saved === 1 && files.length === 1 && files[0].endsWith('.webp'), 'export as WebP', files.join(', '));
    if (files.length === 1) {
        const [w, h] = webpSize(GLib.build_filenamev([webpDir, files[0]]));
        ok(w === poster.width && h === poster.height, `the WebP is a WebP at full size (${w}×${h})`);
    }

    window.activate_action('back', null);
    ok(!window.showingDetail, 'win.back returns to the grid');
    await wait(500);

    // -- export all (JPEG), watching the main loop meanwhile
    const exportDir = GLib.build_filenamev([workDir, 'export-all']);
    app.change_action_state('export-format', new GLib.Variant('s', 'jpeg'));
    probe.start();
    done = nextSignal(window, 'export-finished', 180000);
    const t1 = GLib.get_monotonic_time();
    app.activate_action('export-all', new GLib.Variant('s', exportDir));
    ok(window.exporting, 'the export runs in the background');
    await wait(120);
    if (window.exporting)
        probe.skip(() => shot(window, 'preview-exporting.png'));
    let cancelled;
    [saved, failed, , cancelled] = await done;
    const exportLatency = probe.stop();
    note(`export: ${saved} saved, ${failed} failed in ${((GLib.get_monotonic_time() - t1) / 1000).toFixed(0)} ms; ` +
        `longest main-loop stall ${exportLatency.toFixed(0)} ms`);
    ok(!cancelled && saved === goodTemplates.length && failed === 1,
        `app.export-all saves every good template (${saved}) and reports the broken one (${failed})`);
    files = listDir(exportDir);
    const expected = goodTemplates.map(t => `wave-${t.id}.jpg`).sort();
    ok(JSON.stringify(files) === JSON.stringify(expected), 'one JPEG a template, named after artwork and template',
        `${files.join(', ')} != ${expected.join(', ')}`);
    let sizesRight = 0;
    for (const t of goodTemplates) {
        try {
            const pixbuf = GdkPixbuf.Pixbuf.new_from_file(GLib.build_filenamev([exportDir, `wave-${t.id}.jpg`]));
            if (pixbuf.width === t.width && pixbuf.height === t.height)
                sizesRight++;
            else
                note(`${t.id}: ${pixbuf.width}×${pixbuf.height}, expected ${t.width}×${t.height}`);
        } catch (e) {
            note(`${t.id}: ${e.message}`);
        }
    }
    ok(sizesRight === goodTemplates.length, `every exported JPEG decodes at its template's full size (${sizesRight})`);
    ok(exportLatency < 1000, `the window kept answering while it exported (${exportLatency.toFixed(0)} ms)`);
    ok(toasts.some(t => t.startsWith(`Exported ${goodTemplates.length} mockups`)), 'a toast says where they went');

    // -- cancel an export
    const cancelDir = GLib.build_filenamev([workDir, 'export-cancelled']);
    app.change_action_state('export-format', new GLib.Variant('s', 'png'));
    done = nextSignal(window, 'export-finished', 120000);
    app.activate_action('export-all', new GLib.Variant('s', cancelDir));
    await wait(30);
    window.activate_action('cancel-export', null);
    [saved, , , cancelled] = await done;
    files = listDir(cancelDir);
    ok(cancelled && !window.exporting, `an export can be cancelled (after ${saved} files)`);
    ok(files.length === saved && files.every(f => f.endsWith('.png')),
        'a cancelled export leaves only whole files', files.join(', '));

    await testPhotoshopMockups(app, window, toasts, dropTarget);

    // -- a narrow window: the grid reflows to one column
    window.set_default_size(400, 800);
    await until(() => window.get_width() <= 420, 'the window to shrink', 5000).catch(() => {});
    await wait(500);
    if (window.get_width() <= 420) {
        const narrow = shot(window, 'preview-narrow.png');
        const grid = findGrid(GdkPixbuf.Pixbuf.new_from_file(narrow)).rows;
        ok(grid.length >= 1 && grid.every(row => row.length === 1), 'a narrow window shows one tile a row',
            JSON.stringify(grid.map(r => r.length)));
    } else {
        note(`the window could not be made narrow here (${window.get_width()} px wide); skipped`);
    }
}

// ---- Photoshop mockups -------------------------------------------------

function copyFile(from, to, length = -1) {
    const [, bytes] = GLib.file_get_contents(from);
    GLib.file_set_contents(to, length >= 0 ? bytes.slice(0, length) : bytes);
}

// the mean of |rendered - photo| over a rectangle, in levels of 255
function meanDifference(a, b, x0, y0, x1, y1) {
    let sum = 0, n = 0;
    const [da, db] = [a.get_pixels(), b.get_pixels()];
    for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
            const i = y * a.get_rowstride() + x * a.get_n_channels();
            const j = y * b.get_rowstride() + x * b.get_n_channels();
            for (let c = 0; c < 3; c++)
                sum += Math.abs(da[i + c] - db[j + c]);
            n += 3;
        }
    }
    // the pixel arrays are copies: collected at once, in a full collection
    // (GJS 1.74's incremental one now and then refuses a callback later)
    System.gc();
    return sum / n;
}

// Dismisses every toast once the newest has finished appearing, then waits
// for them to go. (libadwaita 1.2 frees a toast dismissed while it slides
// in when its 300 ms hide ends, before the 500 ms slide-in of a toast that
// replaced another does: that slide-in's end then crashes.)
async function clearToasts(window) {
    await wait(700);
    window.dismissToasts();
    await wait(600);
}

function cacheEntries(root) {
    return GLib.file_test(root, GLib.FileTest.IS_DIR) ? listDir(root) : [];
}

async function testPhotoshopMockups(app, window, toasts, dropTarget) {
    const cacheRoot = GLib.build_filenamev([cacheHome, 'mockup-preview', 'psd']);
    ok(GLib.get_user_cache_dir() === cacheHome, 'the app\'s cache folder is the test\'s',
        GLib.get_user_cache_dir());
    const importPsd = (path, timeoutMs = 120000) => {
        const finished = nextSignal(window, 'import-finished', timeoutMs);
        app.activate_action('import-psd', new GLib.Variant('s', path));
        return finished;
    };
    const nTiles = window.tiles.length;
    note(`importer: ${findImporter()?.argv.join(' ')}`);
    await clearToasts(window);

    // -- a corrupt PSD: the importer's error in a toast, no tile, nothing cached
    const corruptPath = GLib.build_filenamev([workDir, 'corrupt.psd']);
    copyFile(GLib.build_filenamev([psdDir, 'placedLayer.psd']), corruptPath, 3000);
    let toastsBefore = toasts.length;
    let [, outcome, detail] = await importPsd(corruptPath);
    ok(outcome === 'failed' && detail.includes('truncated'), 'a corrupt PSD fails with the importer\'s error',
        `${outcome}: ${detail}`);
    ok(toasts.slice(toastsBefore).some(t => t.startsWith('Cannot import “corrupt.psd”: ') && t.includes('truncated')),
        'a toast shows it', toasts.slice(toastsBefore).join(' | '));
    ok(window.tiles.length === nTiles && window.entries.length === nTiles, 'no tile is added for it');
    ok(cacheEntries(cacheRoot).length === 0, 'nothing is left in the cache', cacheEntries(cacheRoot).join(', '));
    ok(!window.importing, 'the import is over');
    await wait(500);
    shot(window, 'psd-corrupt-toast.png');

    // -- one the importer refuses: its problems name the layers and the feature
    toastsBefore = toasts.length;
    [, outcome, detail] = await importPsd(GLib.build_filenamev([psdDir, 'rgb-blend-modes.psd']));
    const problems = detail.split('\n');
    ok(outcome === 'failed' && problems.length === 2 &&
        problems.every(p => p.startsWith('layer "') && p.includes('dissolve')),
    'a PSD with a layer the importer refuses fails, naming each layer and its feature', detail);
    const refusedToast = toasts.slice(toastsBefore).find(t => t.startsWith('Cannot import “rgb-blend-modes.psd”'));
    ok(refusedToast?.includes('dissolve') && refusedToast.includes('(and 1 more)'),
        'its toast shows the first problem and how many more', refusedToast);
    // ... with every problem behind the toast's Details button
    const before = new Set(Gtk.Window.list_toplevels());
    window._toasts[window._toasts.length - 1].emit('button-clicked');
    await wait(300);
    const dialog = Gtk.Window.list_toplevels().find(w => !before.has(w) && w instanceof Adw.MessageDialog);
    ok(dialog && problems.every(p => dialog.body.includes(p)), 'Details shows every problem in a dialog',
        dialog?.body);
    if (dialog) {
        shot(dialog, 'psd-problems-dialog.png');
        dialog.response('close'); // its Close button
        await wait(100);
        ok(!dialog.visible, 'its Close button closes it');
    }
    ok(window.tiles.length === nTiles && cacheEntries(cacheRoot).length === 0, 'no tile, nothing cached');

    // -- a good one: a photo and three smart objects
    const placedPath = GLib.build_filenamev([psdDir, 'placedLayer.psd']);
    await clearToasts(window);
    let finished = importPsd(placedPath);
    ok(window.importing, 'app.import-psd starts an import in the background');
    await wait(350);
    if (window.importing)
        shot(window, 'psd-importing.png');
    [, outcome, detail] = await finished;
    ok(outcome === 'imported', 'placedLayer.psd is imported', `${outcome}: ${detail}`);
    const entries = cacheEntries(cacheRoot);
    ok(entries.length === 1 && /^[0-9a-f]{64}$/.test(entries[0]) &&
        detail === GLib.build_filenamev([cacheRoot, entries[0], 'template.json']),
    'into a cache folder named by a SHA-256, with nothing else left there', `${entries.join(', ')}; ${detail}`);
    ok(window.tiles.length === nTiles + 1 && window.entries.length === nTiles + 1, 'the grid has one tile more');
    const placedTile = window.tiles[nTiles];
    ok(placedTile?.entry.psdPath === placedPath && placedTile.entry.path === detail &&
        placedTile.entry.width === 256 && !placedTile.entry.loadError,
    'the new tile is the imported template (256 × 256)', JSON.stringify(placedTile?.entry, (k, v) => (k === 'item' ? undefined : v)));
    await until(() => placedTile.state !== 'waiting' && placedTile.state !== 'empty', 'the imported template\'s preview', 60000);
    ok(placedTile.state === 'done', 'it renders with the open artwork', placedTile.state);
    const rendered = placedTile.result?.get_pixbuf();
    if (rendered) {
        const photo = GdkPixbuf.Pixbuf.new_from_file(GLib.build_filenamev([cacheRoot, entries[0], 'photo.png']));
        const inside = meanDifference(rendered, photo, 40, 85, 216, 171);
        const outside = meanDifference(rendered, photo, 0, 0, 256, 60);
        note(`imported template: mean difference from its photo ${inside.toFixed(1)} in the slots, ` +
            `${outside.toFixed(2)} above them`);
        ok(rendered.width === 256 && inside > 20 && outside < 1,
            'the artwork is in its slots and the photo around them');
    }
    await clearToasts(window);
    const psdShot = shot(window, 'preview-psd.png');
    const grid = findGrid(GdkPixbuf.Pixbuf.new_from_file(psdShot));
    const [boundsOk, bounds] = placedTile.compute_bounds(window);
    const cx = bounds.get_x() + bounds.get_width() / 2, cy = bounds.get_y() + bounds.get_width() * 0.4;
    ok(boundsOk && placedTile.is_selected() &&
        grid.regions.some(r => cx >= r.x && cx <= r.x + r.width && cy >= r.y && cy <= r.y + r.height),
    'the new tile is selected, scrolled to, and its picture is in the screenshot',
    `${cx}, ${cy}: ${JSON.stringify(grid.regions)}`);

    // -- the same file again: from the cache, without running any importer
    useImporter('/nonexistent/mockup-import-psd');
    toastsBefore = toasts.length;
    [, outcome, detail] = await importPsd(placedPath);
    ok(outcome === 'reused' && window.tiles.length === nTiles + 1 && window.tiles[nTiles] === placedTile,
        'the same PSD again is taken from the cache and shown, not added twice', outcome);
    ok(toasts.slice(toastsBefore).some(t => t.includes('in the grid already')), 'a toast says it is there');

    // -- no importer: a toast says so
    const labelPath = GLib.build_filenamev([workDir, 'label.psd']);
    copyFile(GLib.build_filenamev([psdDir, 'smartobject-layer.psd']), labelPath);
    [, outcome, detail] = await importPsd(labelPath);
    ok(outcome === 'failed' && detail.includes('cannot run the importer') && window.tiles.length === nTiles + 1,
        'an importer that cannot be run is an error, not a crash', detail);
    useImporter(importerCommand);

    // -- a second one, then changed: its tile is replaced in place
    [, outcome, detail] = await importPsd(labelPath);
    ok(outcome === 'imported' && window.tiles.length === nTiles + 2, 'a second PSD adds a second tile', outcome);
    const labelTile = window.tiles[nTiles + 1];
    await until(() => labelTile.state === 'done', 'the second imported template\'s preview', 60000);
    const firstLabelTemplate = detail;
    const info = new Gio.FileInfo();
    info.set_modification_date_time(GLib.DateTime.new_now_utc().add_seconds(60));
    Gio.File.new_for_path(labelPath).set_attributes_from_info(info, Gio.FileQueryInfoFlags.NONE, null);
    [, outcome, detail] = await importPsd(labelPath);
    const newLabelTile = window.tiles[nTiles + 1];
    ok(outcome === 'imported' && detail !== firstLabelTemplate && window.tiles.length === nTiles + 2 &&
        newLabelTile !== labelTile && newLabelTile.entry.path === detail && newLabelTile.get_index() === nTiles + 1,
    'the PSD changed: it is imported again and its tile replaced in place', `${outcome} ${detail}`);
    await until(() => newLabelTile.state === 'done', 'the replaced tile\'s preview', 60000);

    // -- a dropped PSD, told from an artwork by its signature (no suffix)
    const droppedPath = GLib.build_filenamev([workDir, 'dropped-mockup']);
    copyFile(GLib.build_filenamev([psdDir, 'smartobject-layer.psd']), droppedPath);
    const artworkBefore = window.artwork_path;
    finished = nextSignal(window, 'import-finished', 120000);
    const accepted = dropTarget?.emit('drop', Gio.File.new_for_path(droppedPath), 10, 10);
    [, outcome] = await finished;
    ok(accepted && outcome === 'imported' && window.tiles.length === nTiles + 3 &&
        window.artwork_path === artworkBefore, 'a dropped PSD is imported as a template, not opened as the artwork');

    // -- cancelled: a stand-in importer that never ends is stopped
    const slowPath = GLib.build_filenamev([workDir, 'slow.psd']);
    copyFile(GLib.build_filenamev([psdDir, 'smartobject-layer.psd']), slowPath);
    useImporter("/bin/sh -c 'exec sleep 60' sh");
    finished = importPsd(slowPath, 20000);
    await wait(300);
    ok(window.importing && window.lookup_action('cancel-import').enabled, 'win.cancel-import is there while it runs');
    window.activate_action('cancel-import', null);
    [, outcome] = await finished;
    useImporter(importerCommand);
    ok(outcome === 'cancelled' && !window.importing && window.tiles.length === nTiles + 3,
        'an import can be cancelled: no tile', outcome);
    // placedLayer.psd, label.psd twice, dropped-mockup
    ok(cacheEntries(cacheRoot).every(name => /^[0-9a-f]{64}$/.test(name)) && cacheEntries(cacheRoot).length === 4,
        'and no partial folder is left in the cache', cacheEntries(cacheRoot).join(', '));

    // -- the imported templates stay through a reload, and render in the batch
    finished = nextSignal(window, 'previews-finished', 120000);
    app.activate_action('reload-templates', null);
    const [okCount, failedCount] = await finished;
    ok(window.tiles.length === nTiles + 3 && window.entries.filter(e => e.psdPath).length === 3 &&
        okCount === goodTemplates.length + 3 && failedCount === 1,
    `after a reload the 3 imported templates are still there and render (${okCount} rendered, ${failedCount} failed)`);
    await clearToasts(window);
}

const app = new PreviewApplication({nonUnique: true});
app.connect('window-added', (_app, window) => {
    app.hold();
    const timeout = GLib.timeout_add(GLib.PRIORITY_DEFAULT, TIMEOUT_MS, () => {
        ok(false, `the test finished within ${TIMEOUT_MS / 1000} s`);
        app.quit();
        return GLib.SOURCE_REMOVE;
    });
    runTest(app, window).catch(e => {
        ok(false, 'the test ran to the end', `${e}\n${e.stack}`);
    }).finally(() => {
        GLib.source_remove(timeout);
        app.release();
        window.close();
        app.quit();
    });
});

const status = app.run(['mockup-preview', '--templates', templatesDir]);
ok(status === 0, 'the app exits cleanly', status);
print(`1..${testNumber}`);
if (failures === 0 && !GLib.getenv('PREVIEW_TEST_KEEP'))
    removeTree(workDir);
else
    note(`kept ${workDir}`);
System.exit(failures > 0 || status !== 0 ? 1 : 0);
