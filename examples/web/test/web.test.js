// The web example end to end: Redis, a worker with the real mockup-render,
// the HTTP service; an upload, its event stream, a mockup.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMockupWorker } from '../../../worker/lib/index.js';
import {
  artwork, defer, mockupRender, startRedis, tempDir, templatesDir,
} from '../../../worker/test/helpers.js';
import { createWebServer } from '../server.js';

/** Reads a Server-Sent Events response to its end: [{event, data}]. */
async function readEvents(response) {
  const events = [];
  let buffer = '';
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':'))
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
      if (fields.event)
        events.push({ event: fields.event, data: JSON.parse(fields.data) });
    }
  }
  return events;
}

async function startWeb(t, dir, socket, options = {}) {
  const web = await createWebServer({
    connection: socket, dataDir: join(dir, 'data'), templates: [templatesDir], maxSize: 200, ...options,
  });
  web.server.listen(0, '127.0.0.1');
  await once(web.server, 'listening');
  defer(t, () => web.close());
  return `http://127.0.0.1:${web.server.address().port}`;
}

test('upload an artwork, follow its events, fetch a mockup', async (t) => {
  const dir = await tempDir(t);
  const redis = await startRedis(t, dir);
  const worker = await createMockupWorker({ connection: redis.socket, mockupRender, log: false });
  defer(t, () => worker.close());
  const base = await startWeb(t, dir, redis.socket);

  const page = await fetch(`${base}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<form id="form">/);

  const upload = await fetch(`${base}/mockups`, {
    method: 'POST', headers: { 'content-type': 'image/png' }, body: await readFile(artwork),
  });
  assert.equal(upload.status, 202);
  const { id, events: eventsUrl } = await upload.json();

  const stream = await fetch(`${base}${eventsUrl}`);
  assert.equal(stream.status, 200);
  assert.equal(stream.headers.get('content-type'), 'text/event-stream');
  const events = await readEvents(stream);
  const last = events.at(-1);
  assert.equal(last.event, 'done', JSON.stringify(last));
  assert.equal(last.data.rendered, 6);
  assert.equal(last.data.failed, 0);
  // every result event is one of the final results
  for (const { event, data } of events.slice(0, -1)) {
    assert.equal(event, 'result');
    assert.deepEqual(data, last.data.results[data.index]);
  }

  const mockup = last.data.results.find((r) => r.id === 'mug');
  assert.equal(mockup.url, `/mockups/${id}/mug.jpg`);
  const image = await fetch(`${base}${mockup.url}`);
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/jpeg');
  const bytes = new Uint8Array(await image.arrayBuffer());
  assert.equal(bytes.length, mockup.bytes);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG magic');
  assert.deepEqual([...bytes.subarray(-2)], [0xff, 0xd9], 'JPEG end');

  // a finished job's stream answers at once
  const again = await readEvents(await fetch(`${base}${eventsUrl}`));
  assert.deepEqual(again, [last]);

  // bad requests
  assert.equal((await fetch(`${base}/mockups`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status, 415);
  assert.equal((await fetch(`${base}/mockups`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: '' })).status, 400);
  assert.equal((await fetch(`${base}/mockups/${id}/..%2F..%2Fredis.sock`)).status, 404);
  assert.equal((await fetch(`${base}/mockups/${id}/nothing.jpg`)).status, 404);
  assert.equal((await fetch(`${base}/mockups/00000000-0000-0000-0000-000000000000/events`)).status, 404);
});

test('an upload that is not an image fails with the reason', async (t) => {
  const dir = await tempDir(t);
  const redis = await startRedis(t, dir);
  const worker = await createMockupWorker({ connection: redis.socket, mockupRender, log: false });
  defer(t, () => worker.close());
  const base = await startWeb(t, dir, redis.socket, { maxUpload: 64 });

  const tooLarge = await fetch(`${base}/mockups`, {
    method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(65),
  });
  assert.equal(tooLarge.status, 413);

  const upload = await fetch(`${base}/mockups`, {
    method: 'POST', headers: { 'content-type': 'image/png' }, body: 'not a PNG at all',
  });
  assert.equal(upload.status, 202);
  const events = await readEvents(await fetch(`${base}${(await upload.json()).events}`));
  assert.equal(events.length, 1);
  assert.equal(events[0].event, 'failed');
  assert.match(events[0].data.reason, /^invalid-image: /);
});
