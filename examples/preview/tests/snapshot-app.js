// snapshot-app.js: runs Mockup Preview on an artwork, waits for every
// preview, saves screenshots of the grid and of the large view, and quits.
// For looking at the app without a desktop (under xvfb-run):
//
//   xvfb-run -a examples/preview/tests/snapshot-app OUTDIR [--templates DIR] ARTWORK
//
// Set ADW_DEBUG_COLOR_SCHEME=prefer-dark for the dark style, and
// SNAPSHOT_SIZE=WxH for another window size.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import 'gi://Gtk?version=4.0';
import 'gi://Adw?version=1';
import System from 'system';

import {PreviewApplication} from '../src/application.js';
import {saveScreenshot} from './screenshot.js';

const [outdir, ...args] = ARGV;
GLib.mkdir_with_parents(outdir, 0o755);
const [width, height] = (GLib.getenv('SNAPSHOT_SIZE') ?? '1120x780').split('x').map(Number);

function wait(ms) {
    return new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
        resolve();
        return GLib.SOURCE_REMOVE;
    }));
}

const app = new PreviewApplication({nonUnique: true});
app.connect('window-added', async (_app, window) => {
    app.hold();
    try {
        window.set_default_size(width, height);
        await wait(300);
        if (window.rendering)
            await new Promise(resolve => window.connect('previews-finished', resolve));
        await wait(600);
        print(saveScreenshot(window, `${outdir}/grid.png`) && `${outdir}/grid.png`);
        if (window.artwork_path !== null && window.tiles.length > 0) {
            window.showDetail(0);
            await wait(1500);
            saveScreenshot(window, `${outdir}/detail.png`);
            print(`${outdir}/detail.png`);
        }
    } catch (e) {
        logError(e);
    }
    app.release();
    app.quit();
});
System.exit(app.run(['mockup-preview', ...args]));
