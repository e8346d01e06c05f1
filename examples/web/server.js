#!/usr/bin/env node
// A small web service on mockup-worker: upload an artwork, watch its
// mockups render (Server-Sent Events), fetch them. node:http only.
//
//   POST /mockups               the artwork as the raw body (Content-Type
//                               image/png, image/jpeg or image/webp);
//                               answers 202 {id, events}
//   GET  /mockups/ID/events     progress of job ID as Server-Sent Events:
//                               `result` per mockup, then `done` or `failed`
//   GET  /mockups/ID/FILE       a rendered mockup
//   GET  /                      a page that does all this
//
// Run it next to a Redis and at least one mockup-worker that sees the same
// DATA_DIR (see doc/scaling.md):
//
//   PORT=8080 REDIS_URL=redis://127.0.0.1:6379 DATA_DIR=/srv/mockups \
//     TEMPLATES=/srv/templates node examples/web/server.js
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DEFAULT_QUEUE, enqueueMockupJob, Queue, QueueEvents, redisConnection,
} from '../../worker/lib/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const uploadTypes = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
const outputTypes = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
const idPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Copies a request body to `path`, failing with 413 past `limit` bytes. */
async function saveBody(request, path, limit) {
  let size = 0;
  const counter = new Transform({
    transform(chunk, _encoding, callback) {
      size += chunk.length;
      callback(size > limit ? new HttpError(413, `the artwork is larger than ${limit} bytes`) : null, chunk);
    },
  });
  try {
    await pipeline(request, counter, createWriteStream(path, { flags: 'wx' }));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  if (size === 0) {
    await rm(path, { force: true });
    throw new HttpError(400, 'the request has no body: send the artwork as the body');
  }
}

/**
 * Creates the HTTP server (not yet listening).
 *
 * @param {object} options
 * @param {object|string} [options.connection] Redis, as for createMockupWorker
 * @param {string} [options.queue='mockup'] queue name
 * @param {string} options.dataDir storage shared with the workers:
 *   uploads go to DIR/uploads, mockups to DIR/out/ID
 * @param {string[]} options.templates template paths (as the workers see them)
 * @param {number} [options.maxSize=1200] mockups' longer side
 * @param {number} [options.maxUpload=50e6] largest artwork accepted, bytes
 */
export async function createWebServer({
  connection = redisConnection(), queue: queueName = DEFAULT_QUEUE, dataDir, templates,
  maxSize = 1200, maxUpload = 50e6,
}) {
  if (typeof connection === 'string')
    connection = redisConnection(connection);
  dataDir = resolve(dataDir);
  await mkdir(join(dataDir, 'uploads'), { recursive: true });
  await mkdir(join(dataDir, 'out'), { recursive: true });
  const page = await readFile(join(here, 'index.html'));

  const queue = new Queue(queueName, { connection });
  // One QueueEvents for every open event stream, fanned out by job id.
  const queueEvents = new QueueEvents(queueName, { connection });
  const byJob = new EventEmitter().setMaxListeners(0);
  queueEvents.on('progress', ({ jobId, data }) => byJob.emit(jobId, 'progress', data));
  queueEvents.on('completed', ({ jobId }) => byJob.emit(jobId, 'completed'));
  queueEvents.on('failed', ({ jobId }) => byJob.emit(jobId, 'failed'));
  for (const emitter of [queue, queueEvents])
    emitter.on('error', (error) => console.error(`web: redis: ${error.message}`));
  await queueEvents.waitUntilReady();

  // What the browser sees of a result line: a URL instead of a path.
  const publicResult = (id, result) => ({
    index: result.index, id: result.id, name: result.name,
    width: result.width, height: result.height, bytes: result.bytes,
    url: result.path ? `/mockups/${id}/${encodeURIComponent(basename(result.path))}` : null,
    error: result.error, error_code: result.error_code,
  });

  async function upload(request, response) {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim();
    if (!(type in uploadTypes))
      throw new HttpError(415, `send the artwork as image/png, image/jpeg or image/webp, not "${type}"`);
    const id = randomUUID();
    const artwork = join(dataDir, 'uploads', `${id}.${uploadTypes[type]}`);
    await saveBody(request, artwork, maxUpload);
    await enqueueMockupJob(queue, {
      artwork, templates, output_dir: join(dataDir, 'out', id), format: 'jpeg', max_size: maxSize,
    }, { jobId: id });
    response.writeHead(202, { 'content-type': 'application/json', location: `/mockups/${id}/events` });
    response.end(JSON.stringify({ id, events: `/mockups/${id}/events` }));
  }

  async function streamEvents(id, request, response) {
    const job = await queue.getJob(id);
    if (!job)
      throw new HttpError(404, `no job ${id}`);
    response.writeHead(200, {
      'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive',
    });
    const send = (event, data) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    let finished = false;
    const finish = async () => {
      if (finished)
        return;
      finished = true;
      const stored = await queue.getJob(id);
      const state = await stored.getState();
      if (state === 'completed') {
        const { done, results } = stored.returnvalue;
        send('done', { rendered: done.rendered, failed: done.failed, results: results.map((r) => publicResult(id, r)) });
      } else {
        send('failed', { reason: stored.failedReason });
      }
      response.end();
    };
    // QueueEvents says 'failed' only once no attempt is left; a job that
    // will be retried says 'delayed' or 'waiting', and the stream stays open.
    const onEvent = (kind, data) => {
      if (kind === 'progress')
        send('result', publicResult(id, data));
      else
        finish().catch(() => response.destroy());
    };
    byJob.on(id, onEvent);
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    request.on('close', () => {
      byJob.off(id, onEvent);
      clearInterval(keepAlive);
    });
    // The job may have moved on before this stream subscribed.
    const state = await job.getState();
    if (state === 'completed' || state === 'failed')
      await finish();
    else if (job.progress && typeof job.progress === 'object')
      send('result', publicResult(id, job.progress));
  }

  async function serveMockup(id, name, response) {
    const extension = name.split('.').pop();
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name) || !(extension in outputTypes))
      throw new HttpError(404, 'no such mockup');
    const path = join(dataDir, 'out', id, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile())
      throw new HttpError(404, 'no such mockup');
    response.writeHead(200, { 'content-type': outputTypes[extension], 'content-length': info.size });
    await pipeline(createReadStream(path), response);
  }

  async function route(request, response) {
    const { pathname } = new URL(request.url, 'http://localhost');
    const parts = pathname.split('/').slice(1);
    if (request.method === 'GET' && pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
    } else if (request.method === 'POST' && pathname === '/mockups') {
      await upload(request, response);
    } else if (request.method === 'GET' && parts[0] === 'mockups' && idPattern.test(parts[1] ?? '')
               && parts.length === 3) {
      if (parts[2] === 'events')
        await streamEvents(parts[1], request, response);
      else
        await serveMockup(parts[1], decodeURIComponent(parts[2]), response);
    } else {
      throw new HttpError(404, 'not found');
    }
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error) => {
      const status = error.status ?? 500;
      if (status === 500)
        console.error(`web: ${request.method} ${request.url}: ${error.stack}`);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      response.end(JSON.stringify({ error: error.message }));
      // an unread upload body is not waited for
      request.resume();
    });
  });

  return {
    server,
    queue,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await queueEvents.close();
      await queue.close();
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const web = await createWebServer({
    connection: process.env.REDIS_URL,
    queue: process.env.QUEUE,
    dataDir: process.env.DATA_DIR ?? join(tmpdir(), 'mockup-web'),
    templates: (process.env.TEMPLATES ?? join(here, '../../data/templates')).split(':').map((p) => resolve(p)),
    maxSize: process.env.MAX_SIZE ? Number(process.env.MAX_SIZE) : undefined,
  });
  const port = Number(process.env.PORT ?? 8080);
  web.server.listen(port, () => console.log(`web: http://localhost:${port}/`));
  for (const signal of ['SIGTERM', 'SIGINT'])
    process.on(signal, () => web.close().then(() => process.exit(0)));
}
