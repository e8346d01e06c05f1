// Shared by the worker tests: a private redis-server, worker processes,
// and checks of the files a render leaves.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Queue, QueueEvents } from '../lib/index.js';

export const workerDir = resolve(fileURLToPath(import.meta.url), '../..');
export const sourceDir = resolve(workerDir, '..');
export const templatesDir = join(sourceDir, 'data/templates');
export const templates = ['canvas-angle', 'framed-poster', 'gallery-wall', 'mug', 'phone', 'tshirt']
  .map((name) => join(templatesDir, name));
export const artwork = join(sourceDir, 'data/artwork/sample-artwork.png');
export const workerBin = join(workerDir, 'bin/mockup-worker.js');

/** The binary under test: MOCKUP_RENDER (meson sets it), else the PATH's. */
export const mockupRender = process.env.MOCKUP_RENDER || 'mockup-render';

const cleanups = new WeakMap();

/**
 * Runs `fn` when test `t` ends, before what was deferred earlier (t.after
 * hooks run first to last; a temporary folder must go after the Redis and
 * the workers using it).
 */
export function defer(t, fn) {
  if (!cleanups.has(t)) {
    const stack = [];
    cleanups.set(t, stack);
    t.after(async () => {
      while (stack.length)
        await stack.pop()();
    });
  }
  cleanups.get(t).push(fn);
}

/** A temporary folder, removed when test `t` ends. */
export async function tempDir(t) {
  const dir = await mkdtemp(join(tmpdir(), 'mockup-worker-'));
  defer(t, () => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Polls `predicate` until it returns a truthy value; a guard against hangs. */
export async function waitFor(predicate, { timeout = 60_000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value)
      return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}`);
    await sleep(interval);
  }
}

function socketAccepts(path) {
  return new Promise((resolvePromise) => {
    const socket = connect(path);
    socket.once('connect', () => { socket.destroy(); resolvePromise(true); });
    socket.once('error', () => resolvePromise(false));
  });
}

/** Whether `pid` is gone (or a zombie nobody has reaped yet). */
export async function processGone(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return /^State:\s+Z/m.test(status);
  } catch {
    return true;
  }
}

/**
 * A redis-server of the test's own, on a Unix socket in `dir`, without
 * persistence, stopped by its PID when the test ends.
 */
export async function startRedis(t, dir) {
  const socket = join(dir, 'redis.sock');
  const redis = {
    socket,
    process: null,
    async start() {
      const child = spawn(process.env.REDIS_SERVER || 'redis-server', [
        '--port', '0', '--unixsocket', socket, '--unixsocketperm', '700',
        '--save', '', '--appendonly', 'no', '--dir', dir,
        '--logfile', join(dir, 'redis.log'),
      ], { stdio: 'ignore' });
      this.process = child;
      const exited = once(child, 'exit');
      await Promise.race([
        waitFor(() => socketAccepts(socket), { timeout: 10_000, interval: 20, what: 'redis-server' }),
        exited.then(([code]) => { throw new Error(`redis-server exited with status ${code}`); }),
      ]);
    },
    /**
     * Stops the server and starts a new one on the same socket. Without
     * persistence a restart empties the queue, so the server is told to
     * save its data set on the way out (SHUTDOWN SAVE, into `dir`), which
     * the new one loads.
     */
    async restart() {
      const exited = once(this.process, 'exit');
      const client = new Redis({ path: socket, lazyConnect: true, maxRetriesPerRequest: 0 });
      await client.connect();
      // the connection drops as the server exits: no reply
      await client.call('SHUTDOWN', 'SAVE').catch(() => {});
      client.disconnect();
      await exited;
      await this.start();
    },
    /** SIGTERM to the PID, and wait until it has exited. */
    async stop() {
      const child = this.process;
      if (!child || child.exitCode !== null || child.signalCode !== null)
        return;
      const exited = once(child, 'exit');
      process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
  await redis.start();
  defer(t, () => redis.stop());
  return redis;
}

/**
 * A temporary folder, a redis-server of its own in it, and the queue
 * "mockup" with its QueueEvents, ready; all closed when the test ends.
 */
export async function startQueue(t) {
  const dir = await tempDir(t);
  const redis = await startRedis(t, dir);
  const connection = { path: redis.socket };
  const queue = new Queue('mockup', { connection });
  const events = new QueueEvents('mockup', { connection });
  defer(t, async () => { await events.close(); await queue.close(); });
  await events.waitUntilReady();
  return { dir, redis, connection, queue, events };
}

/**
 * Runs bin/mockup-worker.js as a child process with `args`. Its stdout's
 * JSON lines collect in `lines`; `waitForLine(predicate)` waits for one.
 */
export function spawnWorker(t, args) {
  const child = spawn(process.execPath, [workerBin, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, MOCKUP_RENDER: mockupRender },
  });
  const lines = [];
  const waiters = new Set();
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line;
    try {
      line = JSON.parse(text);
    } catch {
      line = { text };
    }
    lines.push(line);
    for (const waiter of waiters)
      waiter();
  });
  const exited = once(child, 'exit');
  defer(t, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return {
    child,
    lines,
    exited,
    waitForLine(predicate, timeout = 60_000) {
      const found = lines.find(predicate);
      if (found)
        return Promise.resolve(found);
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`worker ${child.pid}: no such log line in ${timeout} ms`));
        }, timeout);
        const check = () => {
          const line = lines.find(predicate);
          if (line) {
            clearTimeout(timer);
            waiters.delete(check);
            resolvePromise(line);
          }
        };
        waiters.add(check);
      });
    },
  };
}

/**
 * Checks that `result` (a result line) names a complete image file of
 * `result.bytes` bytes: a JPEG ends with FF D9, a PNG with its IEND chunk,
 * a WebP's RIFF size matches the file's.
 */
export async function assertCompleteImage(result) {
  assert.equal(result.error, null, `${result.id}: ${result.error}`);
  const data = await readFile(result.path);
  assert.equal(data.length, result.bytes, `${result.path}: size`);
  if (result.path.endsWith('.jpg')) {
    assert.deepEqual([...data.subarray(0, 3)], [0xff, 0xd8, 0xff], `${result.path}: JPEG start`);
    assert.deepEqual([...data.subarray(-2)], [0xff, 0xd9], `${result.path}: JPEG end (FF D9)`);
  } else if (result.path.endsWith('.png')) {
    assert.deepEqual([...data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${result.path}: PNG signature`);
    assert.equal(data.subarray(-8, -4).toString('latin1'), 'IEND', `${result.path}: PNG IEND chunk last`);
  } else if (result.path.endsWith('.webp')) {
    assert.equal(data.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.equal(data.readUInt32LE(4) + 8, data.length, `${result.path}: RIFF size`);
  } else {
    assert.fail(`${result.path}: unexpected extension`);
  }
}

/**
 * Checks a job's output folder: it holds exactly the files its result
 * lines name (no temporary or half-written file), each complete.
 */
export async function assertOutputFolder(dir, results) {
  const names = (await readdir(dir)).sort();
  const expected = results.filter((r) => r.path).map((r) => r.path.slice(dir.length + 1)).sort();
  assert.deepEqual(names, expected, `${dir}: files left`);
  for (const result of results)
    await assertCompleteImage(result);
}
