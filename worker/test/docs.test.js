// doc/scaling.md against the code: its JavaScript samples parse and import
// only what mockup-worker exports, and its option table is --help's.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import * as mockupWorker from '../lib/index.js';
import { sourceDir, tempDir, workerBin } from './helpers.js';

const guide = await readFile(join(sourceDir, 'doc/scaling.md'), 'utf8');
// ```javascript, not ```js: tests/docs runs ```js blocks with gjs
const samples = [...guide.matchAll(/^```javascript\n(.*?)^```/gms)].map((m) => m[1]);

test('the guide\'s JavaScript samples parse and import what exists', async (t) => {
  assert.ok(samples.length >= 3);
  const dir = await tempDir(t);
  for (const [i, code] of samples.entries()) {
    const file = join(dir, `sample-${i}.mjs`);
    await writeFile(file, code);
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, `sample ${i}: ${check.stderr}`);
    for (const [, names] of code.matchAll(/^import \{([^}]*)\} from 'mockup-worker';$/gm)) {
      for (const name of names.split(',').map((n) => n.trim()))
        assert.ok(name in mockupWorker, `sample ${i}: mockup-worker exports no ${name}`);
    }
  }
});

test('the guide\'s option table is the one --help shows', () => {
  const help = spawnSync(process.execPath, [workerBin, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  // the worker's options, not mockup-render's --server nor --help
  const options = (text) => [...new Set([...text.matchAll(/(?:^|[\s`|])(--[a-z][a-z-]+)/gm)]
    .map((m) => m[1]).filter((o) => o !== '--help' && o !== '--server'))].sort();
  const table = guide.slice(guide.indexOf('| option |'), guide.indexOf('The worker takes'));
  assert.deepEqual(options(table), options(help.stdout));
  assert.ok(options(table).length >= 15);
});
