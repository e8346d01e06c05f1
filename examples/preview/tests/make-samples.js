// make-samples.js: writes the test's sample templates and artworks to a
// folder, to try the preview app without other templates:
//
//   gjs -m examples/preview/tests/make-samples.js /tmp/samples
//   examples/preview/run --templates /tmp/samples/templates /tmp/samples/artwork-sun.png
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import System from 'system';
import {writeSampleTemplates, writeSampleArtwork} from './sample-data.js';

if (ARGV.length !== 1) {
    printerr('usage: make-samples.js OUTDIR');
    System.exit(2);
}
const out = ARGV[0];
const templates = GLib.build_filenamev([out, 'templates']);
GLib.mkdir_with_parents(templates, 0o755);
for (const t of writeSampleTemplates(templates))
    print(`${t.path}  ${t.width}×${t.height}  ${t.name}`);
writeSampleArtwork(GLib.build_filenamev([out, 'artwork-sun.png']), 0);
writeSampleArtwork(GLib.build_filenamev([out, 'artwork-wave.png']), 1);
print(GLib.build_filenamev([out, 'artwork-sun.png']));
print(GLib.build_filenamev([out, 'artwork-wave.png']));
