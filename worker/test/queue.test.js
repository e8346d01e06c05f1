// Three mockup-worker processes share one queue of 60 jobs: every job
// completes once, with its progress, and every output file is complete.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { enqueueMockupJob } from '../lib/index.js';
import {
  artwork, assertOutputFolder, processGone, spawnWorker, startQueue, templates, waitFor,
} from './helpers.js';

test('3 workers, 60 jobs: each completes once, every file complete', async (t) => {
  const { dir, redis, queue, events } = await startQueue(t);

  const completions = new Map();
  const progress = new Map();
  events.on('completed', ({ jobId }) => completions.set(jobId, (completions.get(jobId) ?? 0) + 1));
  events.on('progress', ({ jobId, data }) => progress.set(jobId, [...(progress.get(jobId) ?? []), data]));

  const workers = ['A', 'B', 'C'].map((name) => spawnWorker(t, [
    '--redis', redis.socket, '--name', name, '--children', '1', '--timeout', '60',
  ]));
  const started = await Promise.all(workers.map((w) => w.waitForLine((l) => l.event === 'worker-started')));

  const jobs = [];
  for (let i = 0; i < 60; i++) {
    const data = {
      artwork,
      templates: [templates[i % 6], templates[(i + 1) % 6]],
      output_dir: join(dir, `out-${i}`),
      format: i % 2 ? 'png' : 'jpeg',
      max_size: 48 + (i % 4) * 16,
    };
    jobs.push(await enqueueMockupJob(queue, data, { jobId: `job-${i}` }));
  }

  await waitFor(async () => (await queue.getJobCounts('completed')).completed === 60,
    { what: '60 completed jobs', timeout: 90_000 });
  const counts = await queue.getJobCounts();
  assert.equal(counts.failed, 0);
  assert.equal(counts.active + counts.waiting + counts.delayed, 0);

  // 'completed' events arrive on their own stream; wait for the last ones
  await waitFor(() => completions.size === 60, { what: 'completed events' });
  for (const [i, { id }] of jobs.entries()) {
    const job = await queue.getJob(id);
    assert.equal(completions.get(id), 1, `${id} completed once`);
    assert.equal(job.attemptsMade, 1, `${id}: one attempt`);
    assert.ok(['A', 'B', 'C'].includes(job.processedBy));
    const { done, results } = job.returnvalue;
    assert.equal(done.done, true);
    assert.equal(done.rendered, 2);
    assert.equal(done.failed, 0);
    assert.equal(results.length, 2);
    assert.equal(results[0].path.endsWith(i % 2 ? '.png' : '.jpg'), true);
    await assertOutputFolder(join(dir, `out-${i}`), results);
    // one progress update per result line, in order, without the wire id
    const updates = progress.get(id) ?? [];
    assert.deepEqual(updates.map((u) => u.index), [0, 1], `${id}: progress`);
    assert.equal(updates[1].path, results[1].path);
    assert.equal('job' in updates[0], false);
  }

  // one log line per job, over all workers
  const logged = workers.flatMap((w) => w.lines.filter((l) => l.event === 'job'));
  assert.equal(logged.length, 60);
  for (const line of logged) {
    assert.equal(line.status, 'completed');
    assert.equal(line.rendered, 2);
    assert.ok(line.child_peak_rss > 0 && line.peak_rss > 0 && line.ms >= 0);
  }

  // BullMQ metrics are kept
  const metrics = await queue.getMetrics('completed');
  assert.equal(Number(metrics.meta.count), 60);

  // SIGTERM: each worker closes, stops its child, exits 0
  for (const w of workers)
    w.child.kill('SIGTERM');
  for (const [i, w] of workers.entries()) {
    const [code] = await w.exited;
    assert.equal(code, 0);
    for (const pid of started[i].children)
      assert.ok(await processGone(pid), `child ${pid} of worker ${w.child.pid} stopped`);
  }
});
