// A worker killed with SIGKILL in the middle of a job, with its
// mockup-render child (a lost machine): the stalled-job check hands its
// job to the other workers, no job is lost or done twice, and no
// temporary or half-written file is left.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { enqueueMockupJob } from '../lib/index.js';
import {
  artwork, assertOutputFolder, processGone, spawnWorker, startQueue, templatesDir, waitFor,
} from './helpers.js';

// Short locks, so that a dead worker's job is noticed within seconds.
const lockArgs = ['--lock-duration', '3000', '--stalled-interval', '1000', '--timeout', '60'];

test('a worker killed mid-job: its job is retried elsewhere, nothing lost', async (t) => {
  const { dir, redis, queue, events } = await startQueue(t);
  const completions = new Map();
  const stalled = new Set();
  events.on('completed', ({ jobId }) => completions.set(jobId, (completions.get(jobId) ?? 0) + 1));
  events.on('stalled', ({ jobId }) => stalled.add(jobId));

  const a = spawnWorker(t, ['--redis', redis.socket, '--name', 'A', ...lockArgs]);
  const { children: [childA] } = await a.waitForLine((l) => l.event === 'worker-started');

  // every template, so that a job is still rendering after its first result
  const ids = [];
  for (let i = 0; i < 12; i++) {
    const job = await enqueueMockupJob(queue, {
      artwork, templates: [templatesDir], output_dir: join(dir, `out-${i}`), max_size: 400,
    }, { jobId: `job-${i}` });
    ids.push(job.id);
  }

  // A's first result: freeze its child where it is, then kill A and it
  await once(events, 'progress');
  process.kill(childA, 'SIGSTOP');
  a.child.kill('SIGKILL');
  await a.exited;
  process.kill(childA, 'SIGKILL');
  await waitFor(() => processGone(childA), { what: `A's child ${childA} to die` });

  const held = (await queue.getActive()).map((job) => job.id);
  // A always holds a job: finishing one fetches the next in the same step
  assert.ok(held.length >= 1, 'A held a job when it was killed');
  assert.ok(held.every((id) => !completions.has(id)));

  const others = ['B', 'C'].map((name) => spawnWorker(t, ['--redis', redis.socket, '--name', name, ...lockArgs]));
  await waitFor(async () => (await queue.getJobCounts('completed')).completed === ids.length,
    { what: 'every job completed', timeout: 60_000 });
  await waitFor(() => completions.size === ids.length, { what: 'completed events' });

  for (const id of held) {
    assert.ok(stalled.has(id), `${id} was detected as stalled`);
    const job = await queue.getJob(id);
    assert.ok(['B', 'C'].includes(job.processedBy), `${id} finished by B or C, not ${job.processedBy}`);
  }
  for (const [i, id] of ids.entries()) {
    assert.equal(completions.get(id), 1, `${id} completed once`);
    const { done, results } = (await queue.getJob(id)).returnvalue;
    assert.equal(done.rendered, 6);
    // no temporary file of the killed child, no truncated image
    await assertOutputFolder(join(dir, `out-${i}`), results);
  }
  assert.equal((await queue.getJobCounts('failed')).failed, 0);

  for (const w of others)
    w.child.kill('SIGTERM');
  for (const w of others)
    assert.deepEqual(await w.exited, [0, null]);
});

test('SIGTERM mid-job: the worker finishes the job, stops its child, exits 0', async (t) => {
  const { dir, redis, queue, events } = await startQueue(t);

  const w = spawnWorker(t, ['--redis', redis.socket, ...lockArgs]);
  const { children: [child] } = await w.waitForLine((l) => l.event === 'worker-started');
  // The child is stopped before the job comes, and until the worker has
  // the signal: the job is in flight and unfinished when it does, however
  // slow the machine (stopping it at the job's first result would race
  // with its other templates).
  process.kill(child, 'SIGSTOP');
  const progress = [];
  events.on('progress', ({ jobId, data }) => progress.push([jobId, data.index]));
  const active = once(events, 'active');
  const job = await enqueueMockupJob(queue, {
    artwork, templates: [templatesDir], output_dir: join(dir, 'out'), max_size: 400,
  });
  assert.equal((await active)[0].jobId, job.id);
  w.child.kill('SIGTERM');
  await w.waitForLine((l) => l.event === 'worker-closing');
  assert.equal(await job.getState(), 'active');
  process.kill(child, 'SIGCONT');
  assert.deepEqual(await w.exited, [0, null]);
  assert.ok(await processGone(child), `child ${child} stopped`);

  const stored = await queue.getJob(job.id);
  assert.equal(await stored.getState(), 'completed');
  assert.equal(stored.returnvalue.done.rendered, 6);
  await assertOutputFolder(join(dir, 'out'), stored.returnvalue.results);
  assert.deepEqual(w.lines.filter((l) => l.event).map((l) => l.event),
    ['child-started', 'worker-started', 'worker-closing', 'job', 'child-exited', 'worker-closed']);
  // its results came while the worker was closing
  await waitFor(() => progress.length === 6, { what: 'six progress events' });
  assert.deepEqual(progress, [0, 1, 2, 3, 4, 5].map((index) => [job.id, index]));
});
