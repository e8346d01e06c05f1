// createMockupWorker(): a BullMQ worker whose jobs are mockup-render
// server-mode jobs, rendered by a pool of `mockup-render --server` children.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import { MetricsTime, UnrecoverableError, Worker } from 'bullmq';
import { redisConnection } from './connection.js';
import { DEFAULT_QUEUE } from './queue.js';
import { RenderChildError, RenderJobError, RenderPool } from './render-pool.js';

/**
 * Error codes of a job's error line that another attempt may not see:
 * the output could not be written (a full or unmounted disk), or the
 * server was interrupted. Every other code (`invalid-job`, `not-found`,
 * `invalid-image`, `unsupported`, `too-large`, …) fails the job at once.
 */
export const RETRYABLE_ERROR_CODES = new Set(['io', 'cancelled']);

/** Writes `record` as one JSON line on stdout. */
export function logJson(record) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
}

const round = (ms) => Math.round(ms * 10) / 10;

// mockup-render refuses a job id longer than this many bytes.
const MAX_WIRE_ID_BYTES = 256;
let wireSequence = 0;

/**
 * The id a job attempt goes to its child with. It only has to be unique
 * among the child's jobs in flight; a stalled job started again gets a new
 * one. A BullMQ id too long for the server is cut, and numbered.
 */
function wireId(job) {
  const id = `${job.id}:${job.attemptsStarted}`;
  if (Buffer.byteLength(id) <= MAX_WIRE_ID_BYTES)
    return id;
  const suffix = `…#${++wireSequence}`;
  let head = Buffer.from(id).subarray(0, MAX_WIRE_ID_BYTES - Buffer.byteLength(suffix)).toString();
  // a code point cut in two decodes as U+FFFD (3 bytes), which may not fit
  while (Buffer.byteLength(head + suffix) > MAX_WIRE_ID_BYTES)
    head = head.slice(0, -1);
  return head + suffix;
}

/**
 * Starts a pool of mockup-render servers and a BullMQ worker that feeds
 * them. Resolves once the children run and the worker is connected.
 *
 * @param {object} [options]
 * @param {string} [options.queue='mockup'] queue name
 * @param {object|string} [options.connection] BullMQ connection options, or
 *   a Redis URL or socket path (default: REDIS_URL, else 127.0.0.1:6379)
 * @param {string} [options.mockupRender] mockup-render binary (default:
 *   MOCKUP_RENDER, else `mockup-render` on PATH)
 * @param {number} [options.children=1] mockup-render processes
 * @param {number} [options.jobs] jobs in flight per process (`--jobs`);
 *   unset: one, and `--jobs` is not passed
 * @param {string} [options.memoryLimit] `--memory-limit` of each process
 * @param {number} [options.threads] `--threads` of each process
 * @param {string} [options.outputDir] output folder of jobs without `output_dir`
 * @param {number} [options.timeout=300000] ms one attempt of a job may take;
 *   past it, its child is killed and the job retried (0: no limit)
 * @param {{max: number, duration: number}} [options.limiter] the queue's
 *   rate limiter: at most `max` jobs every `duration` ms, over all workers
 * @param {number} [options.metricsDataPoints] minutes of BullMQ metrics to
 *   keep (default two weeks)
 * @param {object} [options.workerOptions] more BullMQ Worker options
 *   (`name`, `lockDuration`, `stalledInterval`, `removeOnComplete`, …)
 * @param {function|false} [options.log] called with one record per event
 *   (default: one JSON line on stdout)
 * @returns {Promise<{worker: Worker, pool: RenderPool, close: function}>}
 */
export async function createMockupWorker({
  queue = DEFAULT_QUEUE,
  connection = redisConnection(),
  mockupRender = process.env.MOCKUP_RENDER || 'mockup-render',
  children = 1,
  jobs,
  memoryLimit,
  threads,
  outputDir,
  timeout = 300_000,
  limiter,
  metricsDataPoints = MetricsTime.TWO_WEEKS,
  workerOptions = {},
  log = logJson,
} = {}) {
  log ||= () => {};
  if (typeof connection === 'string')
    connection = redisConnection(connection);

  const pool = new RenderPool({
    command: mockupRender, children, jobs, memoryLimit, threads, outputDir,
  });
  pool.on('spawn', ({ pid }) => log({ event: 'child-started', pid }));
  pool.on('exit', ({ pid, code, signal }) => log({ event: 'child-exited', pid, code, signal }));
  pool.on('timeout', ({ pid, id }) => log({ event: 'child-timeout', pid, id, timeout }));
  pool.on('start-error', (error) => log({ event: 'child-error', error: error.message }));
  await pool.start();

  async function render(job) {
    const started = performance.now();
    const record = { event: 'job', queue, job: job.id, attempt: job.attemptsMade + 1 };
    const id = wireId(job);
    let progress = Promise.resolve();
    const onResult = ({ job: _, ...result }) => {
      progress = progress.then(() => job.updateProgress(result))
        .catch((error) => log({ event: 'progress-error', job: job.id, error: error.message }));
    };
    try {
      const data = job.data;
      if (data === null || typeof data !== 'object' || Array.isArray(data))
        throw new UnrecoverableError(`invalid-job: job data must be a JSON object, not ${JSON.stringify(data)}`);
      const result = await pool.run({ ...data, id }, {
        timeout, onResult, onStart: ({ pid }) => { record.child = pid; },
      });
      await progress;
      const { done } = result;
      log({
        ...record, status: 'completed', ms: round(performance.now() - started),
        rendered: done.rendered, failed: done.failed, cached: done.cached,
        artwork_cached: done.artwork_cached, peak_rss: result.maxResidentMemory,
        child_peak_rss: result.peakResidentMemory,
      });
      return { done, results: result.results };
    } catch (error) {
      await progress;
      let thrown = error;
      if (error instanceof RenderJobError && !RETRYABLE_ERROR_CODES.has(error.code))
        thrown = new UnrecoverableError(`${error.code}: ${error.message}`);
      else if (error instanceof RenderJobError)
        thrown = new Error(`${error.code}: ${error.message}`);
      log({
        ...record, status: 'failed', ms: round(performance.now() - started),
        retry: !(thrown instanceof UnrecoverableError), error: thrown.message,
      });
      throw thrown;
    }
  }

  const worker = new Worker(queue, render, {
    connection,
    concurrency: pool.concurrency,
    ...(limiter && { limiter }),
    metrics: { maxDataPoints: metricsDataPoints },
    ...workerOptions,
  });
  // Without a listener, a lost Redis connection would end the process.
  worker.on('error', (error) => log({ event: 'worker-error', error: error.message }));
  try {
    await worker.waitUntilReady();
  } catch (error) {
    await worker.close(true);
    await pool.close();
    throw error;
  }
  log({ event: 'worker-started', queue, pid: process.pid, children: pool.pids, concurrency: pool.concurrency });

  let closing = null;
  return {
    worker,
    pool,
    /**
     * Stops taking jobs and waits for the running ones (or, with `force`,
     * leaves them to the stalled-job check of other workers), then stops
     * the children: stdin closed, killed after `grace` ms.
     */
    close({ force = false, grace = 10_000 } = {}) {
      closing ??= (async () => {
        await worker.close(force);
        await pool.close(grace);
        log({ event: 'worker-closed', queue, pid: process.pid });
      })();
      return closing;
    },
  };
}
