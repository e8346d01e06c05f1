// main.js: starts Mockup Preview.
//
//   gjs -m examples/preview/main.js [--templates DIR] [ARTWORK]
//
// (examples/preview/run does this against the library's build tree.)
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import 'gi://Gtk?version=4.0';
import 'gi://Adw?version=1';
import GLib from 'gi://GLib';
import System from 'system';

import {PreviewApplication} from './src/application.js';

GLib.set_prgname('mockup-preview');
GLib.set_application_name('Mockup Preview');

const app = new PreviewApplication();
const status = app.run([System.programInvocationName, ...ARGV]);
System.exit(status);
