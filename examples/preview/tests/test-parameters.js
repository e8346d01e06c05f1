// test-parameters.js: the large view's template options, under Xvfb.
//
// It starts the app on the bundled sample templates (data/templates) with
// the sample artwork, and through the options panel's widgets: picks a
// named colour of the t-shirt (a swatch), a custom one (the colour button),
// places the artwork by hand and fits it again, resets, types a name on
// the mug; after each change it checks the preview and the large view
// against the library's own render of the template with the same
// Mockup.RenderOptions (Mockup.Renderer.render_full()), and that the
// shirt's pixels took the colour. Then it exports every mockup and checks
// that the t-shirt's and the mug's files carry their choices and another
// template's does not.
//
//   xvfb-run -a dbus-run-session -- gjs -m examples/preview/tests/test-parameters.js
//
// Its screenshot of the panel goes to $PREVIEW_SCREENSHOTS (the source
// tree's examples/preview/screenshots when meson runs it), else to a
// temporary folder. Output is TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Adw from 'gi://Adw?version=1';
import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GdkPixbuf from 'gi://GdkPixbuf';
import Gtk from 'gi://Gtk?version=4.0';
import Mockup from 'gi://Mockup?version=1';
import System from 'system';

import {PreviewApplication} from '../src/application.js';
import {PREVIEW_SIZE} from '../src/window.js';
import {saveScreenshot} from './screenshot.js';

const TIMEOUT_MS = 280 * 1000;

const topDir = Gio.File.new_for_path(GLib.build_filenamev([
    GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]), '..', '..', '..'])).get_path();
const templatesDir = GLib.build_filenamev([topDir, 'data', 'templates']);
const artworkPath = GLib.build_filenamev([topDir, 'data', 'artwork', 'sample-artwork.png']);
const workDir = GLib.dir_make_tmp('mockup-preview-parameters-XXXXXX');
const shotDir = GLib.getenv('PREVIEW_SCREENSHOTS') || workDir;
GLib.mkdir_with_parents(shotDir, 0o755);

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

// ---- pixels ------------------------------------------------------------

// {max, mean} of |a - b| over the colour channels; null if sizes differ
function difference(a, b) {
    if (!a || !b || a.width !== b.width || a.height !== b.height)
        return null;
    const [pa, pb] = [a.get_pixels(), b.get_pixels()];
    const [na, nb] = [a.get_n_channels(), b.get_n_channels()];
    let max = 0, sum = 0;
    for (let y = 0; y < a.height; y++) {
        let i = y * a.get_rowstride(), j = y * b.get_rowstride();
        for (let x = 0; x < a.width; x++, i += na, j += nb) {
            for (let c = 0; c < 3; c++) {
                const d = Math.abs(pa[i + c] - pb[j + c]);
                sum += d;
                if (d > max)
                    max = d;
            }
        }
    }
    collect();
    return {max, mean: sum / (a.width * a.height * 3)};
}

// The pixel arrays are copies, megabytes each: collected at once, in a
// full collection. Left to the incremental collector, GJS 1.74 now and then
// refused to run one of the app's callbacks afterwards ("call back into
// JSAPI during the sweeping phase of GC", a critical, so fatal here).
function collect() {
    System.gc();
}

function describe(d) {
    return d ? `max ${d.max}, mean ${d.mean.toFixed(3)}` : 'sizes differ';
}

// The pixels that changed from @before to @after by more than 24 levels:
// how many (a fraction), and their mean colour in @after.
function changedPixels(before, after) {
    const [pa, pb] = [before.get_pixels(), after.get_pixels()];
    const n = before.get_n_channels();
    let count = 0;
    const mean = [0, 0, 0];
    for (let y = 0; y < before.height; y++) {
        for (let x = 0, i = y * before.get_rowstride(); x < before.width; x++, i += n) {
            let d = 0;
            for (let c = 0; c < 3; c++)
                d = Math.max(d, Math.abs(pa[i + c] - pb[i + c]));
            if (d > 24) {
                count++;
                for (let c = 0; c < 3; c++)
                    mean[c] += pb[i + c];
            }
        }
    }
    collect();
    return {fraction: count / (before.width * before.height), mean: mean.map(v => (count ? v / count : 0))};
}

function pixel(pixbuf, x, y) {
    const i = y * pixbuf.get_rowstride() + x * pixbuf.get_n_channels();
    return [...pixbuf.get_pixels().slice(i, i + 3)];
}

// ---- the library's own render, to compare with ---------------------------

function templateOf(id) {
    return Mockup.Template.new_from_file(GLib.build_filenamev([templatesDir, id, 'template.json']));
}

function options(choices) {
    const opts = Mockup.RenderOptions.new();
    for (const [name, value] of Object.entries(choices.parameters ?? {}))
        opts.set_parameter(name, value);
    for (const [slot, p] of Object.entries(choices.placement ?? {}))
        opts.set_placement(slot, ...p);
    return opts;
}

// A render of the template with the options, by a renderer of its own,
// with the template read again, in a batch as the app renders. It takes
// the app's Mockup.Artwork: an artwork keeps the largest texture it was
// decoded to and renders from that, which moves some pixels by a few
// levels, so that a fresh artwork would not give the same pixels after the
// large view.
function direct(artwork, id, choices, maxSize) {
    const renderer = new Mockup.Renderer({format: Mockup.Format.PIXBUF, max_size: maxSize});
    const store = new Gio.ListStore({item_type: Mockup.Template.$gtype});
    store.append(templateOf(id));
    const batch = renderer.render_batch_full(artwork, store, null, [options(choices)], null);
    const result = batch.next(null);
    if (result.get_error())
        throw result.get_error();
    return result.get_pixbuf();
}

// ---- the test ----------------------------------------------------------

// Waits for the large view to show its final picture after a change, and
// checks the preview and the large view against the library's renders.
async function checkRendered(window, tile, id, choices, what) {
    await nextSignal(window, 'detail-updated', 60000);
    ok(tile.state === 'done', `${what}: the preview rendered`, tile.state);
    const preview = tile.result.get_pixbuf();
    const d = difference(preview, direct(window.artwork, id, choices, PREVIEW_SIZE));
    ok(d !== null && d.max <= 1, `${what}: the preview is the library's render with these options (${describe(d)})`);
    const large = window.detailResult?.get_pixbuf();
    if (large && large !== preview) {
        const size = Math.max(large.width, large.height);
        const dl = difference(large, direct(window.artwork, id, choices, size));
        ok(dl !== null && dl.max <= 1, `${what}: so is the large view, at ${large.width}×${large.height} (${describe(dl)})`);
    }
    return preview;
}

async function runTest(app, window) {
    await wait(300); // the window is still being built when it is added
    const panel = window.optionsPanel;

    let finished = nextSignal(window, 'previews-finished', 120000);
    app.activate_action('open-artwork', new GLib.Variant('s', artworkPath));
    const [okCount, failedCount] = await finished;
    ok(failedCount === 0 && okCount === window.entries.length, `the sample templates render (${okCount})`);

    const tshirtIndex = window.entries.findIndex(e => e.id === 'tshirt');
    const mugIndex = window.entries.findIndex(e => e.id === 'mug');
    const frameIndex = window.entries.findIndex(e => e.id === 'framed-poster');
    const posterIndex = window.entries.findIndex(e => !['tshirt', 'mug', 'framed-poster'].includes(e.id));
    ok(tshirtIndex >= 0 && mugIndex >= 0 && frameIndex >= 0, 'the t-shirt, the mug and the framed poster are there');
    const tshirt = window.tiles[tshirtIndex];
    const mug = window.tiles[mugIndex];
    const tshirtDefault = tshirt.result.get_pixbuf();

    // -- the t-shirt's large view, with its options beside it
    let updated = nextSignal(window, 'detail-updated', 60000);
    tshirt.activate();
    await updated;
    ok(window.showingDetail && panel.template?.id === 'tshirt', 'the large view shows the t-shirt\'s options');
    const shirtRow = panel.rows.get('shirt');
    const choiceNames = templateOf('tshirt').get_parameter('shirt').dup_choice_names();
    ok(shirtRow && [...shirtRow.swatches.keys()].join() === choiceNames.join(),
        'the shirt colour has a swatch a named choice', [...(shirtRow?.swatches.keys() ?? [])].join());
    ok(shirtRow?.swatches.get('denim').active && shirtRow.row.subtitle.startsWith('Denim'),
        'the default choice is shown chosen', shirtRow?.row.subtitle);
    const focusable = [...shirtRow.swatches.values(), shirtRow.button].map(w => {
        w.grab_focus();
        const focus = window.get_focus();
        return focus !== null && (focus === w || focus.is_ancestor(w));
    });
    ok(focusable.every(f => f), 'the swatches and the colour button take the keyboard focus', focusable.join());
    ok(!panel._resetButton.sensitive, 'nothing to reset yet');

    // -- a named choice: red
    shirtRow.swatches.get('red').emit('clicked');
    ok(window.choicesFor(tshirtIndex).parameters.shirt === 'red', 'clicking the red swatch chooses red');
    const red = await checkRendered(window, tshirt, 'tshirt', {parameters: {shirt: 'red'}}, 'shirt red');
    const changed = changedPixels(tshirtDefault, red);
    const [r, g, b] = changed.mean.map(Math.round);
    note(`shirt red: ${(changed.fraction * 100).toFixed(1)} % of the pixels changed, to rgb(${r}, ${g}, ${b}) on average`);
    ok(changed.fraction > 0.05 && r > g + 40 && r > b + 40,
        'the shirt\'s pixels changed, and to red', `${changed.fraction} rgb(${r}, ${g}, ${b})`);
    ok(JSON.stringify(pixel(red, 2, 2)) === JSON.stringify(pixel(tshirtDefault, 2, 2)),
        'the surface around the shirt did not change', `${pixel(red, 2, 2)} vs ${pixel(tshirtDefault, 2, 2)}`);
    ok(panel._resetButton.sensitive, 'Reset can be used now');
    shirtRow.swatches.get('red').grab_focus();
    await wait(400);
    const shotPath = GLib.build_filenamev([shotDir, 'parameters.png']);
    saveScreenshot(window, shotPath);
    note(`screenshot: ${shotPath}`);

    // -- a custom colour, from the colour button
    const green = new Gdk.RGBA();
    green.parse('#20c040');
    shirtRow.button.set_rgba(green);
    shirtRow.button.emit('color-set');
    ok(window.choicesFor(tshirtIndex).parameters.shirt === '#20c040' &&
        [...shirtRow.swatches.values()].every(s => !s.active) && shirtRow.row.subtitle === '#20c040',
    'the colour button chooses any colour, and no swatch is chosen then', shirtRow.row.subtitle);
    await checkRendered(window, tshirt, 'tshirt', {parameters: {shirt: '#20c040'}}, 'shirt #20c040');

    // -- placed by hand, then fitted again
    const slotRow = panel.rows.get('artwork');
    ok(slotRow && !slotRow.row.enable_expansion, 'the slot is fitted by default');
    slotRow.row.enable_expansion = true;
    const placement = window.choicesFor(tshirtIndex).placement.artwork;
    ok(JSON.stringify(placement) === JSON.stringify([0.25, 0.1, 0.5, 0]), 'its switch places the artwork by hand',
        JSON.stringify(placement));
    await checkRendered(window, tshirt, 'tshirt',
        {parameters: {shirt: '#20c040'}, placement: {artwork: [0.25, 0.1, 0.5, 0]}}, 'placed');
    slotRow.spins[3].value = 15;
    await checkRendered(window, tshirt, 'tshirt',
        {parameters: {shirt: '#20c040'}, placement: {artwork: [0.25, 0.1, 0.5, 15]}}, 'placed and turned 15°');
    slotRow.row.enable_expansion = false;
    ok(!('artwork' in window.choicesFor(tshirtIndex).placement), 'switched off, the slot is fitted again');
    await checkRendered(window, tshirt, 'tshirt', {parameters: {shirt: '#20c040'}}, 'fitted again');

    // -- Reset
    panel._resetButton.emit('clicked');
    ok(Object.keys(window.choicesFor(tshirtIndex).parameters).length === 0 &&
        shirtRow.swatches.get('denim').active, 'Reset goes back to the defaults');
    const reset = await checkRendered(window, tshirt, 'tshirt', {}, 'reset');
    // (the grid's preview came from a smaller texture of the artwork)
    const dr = difference(reset, tshirtDefault);
    const dRed = difference(red, tshirtDefault);
    ok(dr !== null && dr.mean < 1 && dr.mean * 10 < dRed.mean,
        `after Reset the preview is the grid's default one again (${describe(dr)}; red was ${describe(dRed)})`);

    shirtRow.swatches.get('navy').emit('clicked');
    await checkRendered(window, tshirt, 'tshirt', {parameters: {shirt: 'navy'}}, 'shirt navy');

    // -- F9 folds the options away and back
    const flap = window._detail_flap;
    const revealed = flap.reveal_flap;
    window.activate_action('toggle-options', null);
    const folded = flap.reveal_flap;
    window.activate_action('toggle-options', null);
    ok(revealed && !folded && flap.reveal_flap, 'win.toggle-options (F9) hides and shows the options');

    // -- Page Up/Down and Escape reach the focused widget first (a spin
    // button's page step), then the window
    const bubbled = new Map();
    const controllers = window.observe_controllers();
    for (let i = 0; i < controllers.get_n_items(); i++) {
        const c = controllers.get_item(i);
        if (!(c instanceof Gtk.ShortcutController) || c.propagation_phase !== Gtk.PropagationPhase.BUBBLE)
            continue;
        for (let j = 0; j < c.get_n_items(); j++) {
            const shortcut = c.get_item(j);
            if (shortcut.action instanceof Gtk.NamedAction)
                bubbled.set(shortcut.trigger.to_string(), shortcut.action.action_name);
        }
    }
    const captured = ['win.back', 'win.previous', 'win.next'].flatMap(a => app.get_accels_for_action(a));
    ok(bubbled.get('Escape') === 'win.back' && bubbled.get('Page_Up') === 'win.previous' &&
        bubbled.get('Page_Down') === 'win.next' && !captured.some(k => ['Escape', 'Page_Up', 'Page_Down'].includes(k)),
    'Escape, Page Up and Page Down are the window\'s, after the focused widget',
    `${JSON.stringify([...bubbled])} app: ${captured.join(' ')}`);

    // -- the mug's name
    updated = nextSignal(window, 'detail-updated', 60000);
    window.showDetail(mugIndex);
    await updated;
    ok(panel.template?.id === 'mug', 'the mug\'s options replace the t-shirt\'s');
    const mugDefault = mug.result.get_pixbuf();
    const nameRow = panel.rows.get('name');
    ok(nameRow?.row.text === 'Alex', 'its name row shows the default name', nameRow?.row.text);
    nameRow.row.text = 'Robin';
    const named = await checkRendered(window, mug, 'mug', {parameters: {name: 'Robin'}}, 'name Robin');
    const dn = difference(named, mugDefault);
    ok(dn !== null && dn.mean > 0.05, `the name changed the preview (${describe(dn)})`);
    const dAlex = difference(named, direct(window.artwork, 'mug', {}, PREVIEW_SIZE));
    ok(dAlex !== null && dAlex.max > 40, `it is not the default name's render (${describe(dAlex)})`);

    // -- the framed poster: a number (the glass's reflection) and a boolean
    // (the frame's shadow)
    const frame = window.tiles[frameIndex];
    updated = nextSignal(window, 'detail-updated', 60000);
    window.showDetail(frameIndex);
    await updated;
    ok(panel.template?.id === 'framed-poster', 'the framed poster\'s options are shown');
    const glareRow = panel.rows.get('glare');
    const shadowRow = panel.rows.get('shadow');
    const adjustment = glareRow?.spin?.adjustment;
    ok(adjustment && Math.abs(glareRow.spin.value - 0.35) < 1e-9 && adjustment.lower === 0 && adjustment.upper === 1,
        'the reflection is a spin button at its default, within the parameter\'s range',
        adjustment ? `${glareRow.spin.value} in [${adjustment.lower}, ${adjustment.upper}]` : 'no spin button');
    ok(shadowRow?.toggle?.active === true, 'the shadow is a switch, on by default');
    const frameDefault = frame.result.get_pixbuf();
    glareRow.spin.value = 0;
    ok(window.choicesFor(frameIndex).parameters.glare === '0', 'the spin button sets the number',
        window.choicesFor(frameIndex).parameters.glare);
    const noGlare = await checkRendered(window, frame, 'framed-poster', {parameters: {glare: '0'}}, 'no reflection');
    const dg = difference(noGlare, frameDefault);
    ok(dg !== null && dg.mean > 0.5, `the reflection is gone from the preview (${describe(dg)})`);
    shadowRow.toggle.active = false;
    ok(window.choicesFor(frameIndex).parameters.shadow === 'false', 'the switch sets the boolean',
        window.choicesFor(frameIndex).parameters.shadow);
    const noShadow = await checkRendered(window, frame, 'framed-poster',
        {parameters: {glare: '0', shadow: 'false'}}, 'no reflection, no shadow');
    const ds = difference(noShadow, noGlare);
    ok(ds !== null && ds.mean > 0.05, `the shadow is gone too (${describe(ds)})`);
    panel._resetButton.emit('clicked');
    ok(Math.abs(glareRow.spin.value - 0.35) < 1e-9 && shadowRow.toggle.active &&
        Object.keys(window.choicesFor(frameIndex).parameters).length === 0,
    'Reset puts the spin button and the switch back');
    await checkRendered(window, frame, 'framed-poster', {}, 'framed poster reset');

    // -- back to the t-shirt: its choice was kept
    updated = nextSignal(window, 'detail-updated', 60000);
    window.showDetail(tshirtIndex);
    await updated;
    ok(panel.rows.get('shirt').swatches.get('navy').active, 'the t-shirt\'s choice is kept');

    // -- a narrow window: the options fold over the picture
    window.set_default_size(400, 800);
    const end = GLib.get_monotonic_time() + 5000 * 1000;
    while (window.get_width() > 480 && GLib.get_monotonic_time() < end)
        await wait(50);
    await wait(500);
    if (window.get_width() <= 480) {
        ok(flap.folded && !flap.reveal_flap, 'in a narrow window the options fold away');
        window.activate_action('toggle-options', null);
        await wait(400);
        ok(flap.reveal_flap, 'F9 shows them over the picture');
        const narrowPath = GLib.build_filenamev([shotDir, 'parameters-narrow.png']);
        saveScreenshot(window, narrowPath);
        note(`screenshot: ${narrowPath}`);
        window.activate_action('toggle-options', null);
        ok(!flap.reveal_flap, 'and hides them again');
    } else {
        note(`the window could not be made narrow here (${window.get_width()} px wide); skipped`);
    }
    window.set_default_size(1120, 780);
    await wait(300);

    // -- export every mockup: the choices go with the t-shirt and the mug
    window.activate_action('back', null);
    const exportDir = GLib.build_filenamev([workDir, 'export']);
    app.change_action_state('export-format', new GLib.Variant('s', 'png'));
    const done = nextSignal(window, 'export-finished', 200000);
    app.activate_action('export-all', new GLib.Variant('s', exportDir));
    const [saved, failed] = await done;
    ok(saved === window.entries.length && failed === 0, `every mockup is exported (${saved})`);
    const exported = id => GdkPixbuf.Pixbuf.new_from_file(GLib.build_filenamev([exportDir, `sample-artwork-${id}.png`]));
    // an export renders several templates at once from one artwork, whose
    // texture grows to the largest they need: near the library's render
    // with the choices, far from the one without
    const near = (id, choices, what) => {
        const file = exported(id);
        const chosen = difference(file, direct(window.artwork, id, choices, 0));
        const plain = difference(file, direct(window.artwork, id, {}, 0));
        ok(chosen !== null && plain !== null && chosen.mean < 0.5 && chosen.mean * 4 < plain.mean,
            `${what} (${describe(chosen)}; without: ${describe(plain)})`);
    };
    near('tshirt', {parameters: {shirt: 'navy'}}, 'the t-shirt is exported in navy at full size');
    near('mug', {parameters: {name: 'Robin'}}, 'the mug is exported with its name');
    const other = window.entries[posterIndex].id;
    const dp = difference(exported(other), direct(window.artwork, other, {}, 0));
    ok(dp !== null && dp.mean < 0.5, `${other} is exported with its defaults (${describe(dp)})`);

    // -- a new artwork renders with the choices too
    finished = nextSignal(window, 'previews-finished', 120000);
    app.activate_action('open-artwork', new GLib.Variant('s', artworkPath));
    const [okAgain, failedAgain] = await finished;
    ok(okAgain === window.entries.length && failedAgain === 0, 'the artwork opened again renders every template');
    const again = tshirt.result?.get_pixbuf();
    const navy = difference(again, direct(window.artwork, 'tshirt', {parameters: {shirt: 'navy'}}, PREVIEW_SIZE));
    const denim = difference(again, direct(window.artwork, 'tshirt', {}, PREVIEW_SIZE));
    ok(navy !== null && denim !== null && navy.mean < 0.5 && navy.mean * 4 < denim.mean,
        `... the t-shirt with its choice (${describe(navy)}; without: ${describe(denim)})`);
}

const app = new PreviewApplication({nonUnique: true});
app.connect('window-added', (_app, window) => {
    if (!('optionsPanel' in window))
        return;
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
System.exit(failures > 0 || status !== 0 ? 1 : 0);
