// Jobs that fail: bad jobs fail at once without retries, a template that
// fails is a result of a completed job, a hung child is killed at the
// timeout and its job retried.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMockupWorker, enqueueMockupJob } from '../lib/index.js';
import {
  artwork, assertOutputFolder, defer, mockupRender, processGone, startQueue, templates, waitFor,
} from './helpers.js';

async function setUp(t, workerOptions = {}) {
  const { dir, connection, queue, events } = await startQueue(t);
  const log = [];
  const mockupWorker = await createMockupWorker({
    connection, mockupRender, log: (record) => log.push(record), ...workerOptions,
  });
  defer(t, () => mockupWorker.close());
  return { dir, queue, events, mockupWorker, log };
}

// Hang guard for one job, however loaded the machine: never reached
// unless something is wrong.
const FINISH_TIMEOUT = 120_000;

/** Waits for `job` to fail and returns it as stored, with its reason. */
async function failed(queue, events, job) {
  await assert.rejects(job.waitUntilFinished(events, FINISH_TIMEOUT));
  return queue.getJob(job.id);
}

test('bad jobs fail at once with the reason, without retries', async (t) => {
  const { dir, queue, events, log } = await setUp(t);
  const opts = { attempts: 3, backoff: { type: 'fixed', delay: 10 } };

  const missing = await failed(queue, events, await enqueueMockupJob(queue,
    { artwork: join(dir, 'missing.png'), templates, output_dir: dir }, opts));
  assert.equal(await missing.getState(), 'failed');
  assert.equal(missing.attemptsMade, 1);
  assert.match(missing.failedReason, /^not-found: artwork: .*missing\.png: No such file or directory/);

  const unknown = await failed(queue, events, await enqueueMockupJob(queue,
    { artwork, templates, output_dir: dir, colour: 'red' }, opts));
  assert.equal(unknown.attemptsMade, 1);
  assert.match(unknown.failedReason, /^invalid-job: unknown member "colour"/);

  const range = await failed(queue, events, await enqueueMockupJob(queue,
    { artwork, templates, output_dir: dir, quality: 101 }, opts));
  assert.equal(range.attemptsMade, 1);
  assert.match(range.failedReason, /^invalid-job: quality: 101 is out of range/);

  const notObject = await failed(queue, events, await queue.add('render', 'art.png', opts));
  assert.equal(notObject.attemptsMade, 1);
  assert.match(notObject.failedReason, /^invalid-job: job data must be a JSON object/);

  await assert.rejects(enqueueMockupJob(queue, ['art.png']), TypeError);

  const logged = log.filter((r) => r.event === 'job');
  assert.equal(logged.length, 4);
  assert.ok(logged.every((r) => r.status === 'failed' && r.retry === false && r.error));
  assert.equal((await queue.getJobCounts('failed')).failed, 4);
});

test('a template that fails is one result of a completed job', async (t) => {
  const { dir, queue, events } = await setUp(t);
  const progress = [];
  events.on('progress', ({ data }) => progress.push(data));
  const job = await enqueueMockupJob(queue, {
    artwork, templates: [templates[3], join(dir, 'no-such-template')],
    output_dir: join(dir, 'out'), max_size: 64,
  });
  const { done, results } = await job.waitUntilFinished(events, FINISH_TIMEOUT);
  assert.equal(done.rendered, 1);
  assert.equal(done.failed, 1);
  assert.equal(results[1].path, null);
  assert.equal(results[1].error_code, 'not-found');
  await assertOutputFolder(join(dir, 'out'), results.slice(0, 1));
  await waitFor(() => progress.length === 2, { what: 'two progress events' });
  assert.equal(progress[1].error_code, 'not-found');
});

test('a hung child is killed at the timeout, and the job retried', async (t) => {
  // The hung attempts last exactly the timeout; the one that renders, on a
  // child just started, must finish within it on a loaded machine too.
  const { dir, queue, events, mockupWorker, log } = await setUp(t, { timeout: 5000 });
  const { pool } = mockupWorker;
  const stopped = [];
  // 'dispatch' comes before the job's line is written: the child is
  // stopped before it can read the job, however late this runs.
  const hang = ({ pid }) => { stopped.push(pid); process.kill(pid, 'SIGSTOP'); };
  const data = { artwork, templates: [templates[0]], output_dir: join(dir, 'out'), max_size: 64 };

  // the first attempt hangs, the second succeeds
  pool.once('dispatch', hang);
  const job = await enqueueMockupJob(queue, data, { backoff: { type: 'fixed', delay: 10 } });
  const { done, results } = await job.waitUntilFinished(events, FINISH_TIMEOUT);
  assert.equal(done.rendered, 1);
  await assertOutputFolder(join(dir, 'out'), results);
  const retried = await queue.getJob(job.id);
  assert.equal(retried.attemptsMade, 2);
  assert.match(retried.stacktrace[0], /timed out: mockup-render \(pid \d+\) did not finish job/);
  assert.ok(await processGone(stopped[0]), 'the hung child was killed');
  assert.ok(!pool.pids.includes(stopped[0]));

  // every attempt hangs: the job ends in the failed set with the reason
  pool.on('dispatch', hang);
  const doomed = await failed(queue, events, await enqueueMockupJob(queue, data,
    { attempts: 2, backoff: { type: 'fixed', delay: 10 } }));
  pool.off('dispatch', hang);
  assert.equal(doomed.attemptsMade, 2);
  assert.match(doomed.failedReason, /^timed out: mockup-render \(pid \d+\) did not finish job/);
  assert.equal(stopped.length, 3);
  for (const pid of stopped)
    await waitFor(() => processGone(pid), { what: `child ${pid} killed` });

  const timeouts = log.filter((r) => r.event === 'child-timeout');
  assert.equal(timeouts.length, 3);
  const failures = log.filter((r) => r.event === 'job' && r.status === 'failed');
  assert.equal(failures.length, 3);
  assert.ok(failures.every((r) => r.retry === true));
});

test('a job id too long for mockup-render is cut on the wire, and the job renders', async (t) => {
  const { dir, queue, events, log } = await setUp(t);
  // mockup-render refuses ids over 256 bytes; BullMQ takes any
  const jobId = `${'é'.repeat(200)}-long`;
  const job = await enqueueMockupJob(queue,
    { artwork, templates: [templates[3]], output_dir: join(dir, 'out'), max_size: 64 }, { jobId });
  assert.equal(job.id, jobId);
  const { done, results } = await job.waitUntilFinished(events, FINISH_TIMEOUT);
  assert.equal(done.rendered, 1);
  assert.match(done.job, /^(é)+…#\d+$/);
  assert.ok(Buffer.byteLength(done.job) <= 256);
  await assertOutputFolder(join(dir, 'out'), results);
  const logged = log.filter((r) => r.event === 'job');
  assert.deepEqual(logged.map((r) => [r.job, r.status]), [[jobId, 'completed']]);
});
