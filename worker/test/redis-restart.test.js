// Redis restarts while jobs run: the workers reconnect, finish the jobs
// they held, and go on with the queue.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMockupWorker, enqueueMockupJob, Queue } from '../lib/index.js';
import {
  artwork, assertOutputFolder, defer, mockupRender, startRedis, tempDir, templates, templatesDir,
  waitFor,
} from './helpers.js';

test('Redis restarted mid-run: workers reconnect and every job completes', async (t) => {
  const dir = await tempDir(t);
  const redis = await startRedis(t, dir);
  const connection = { path: redis.socket };
  const queue = new Queue('mockup', { connection });
  queue.on('error', () => {}); // the test's own connection drops too
  defer(t, () => queue.close());

  const logs = [[], []];
  const workers = [];
  for (const [i, log] of logs.entries()) {
    const mockupWorker = await createMockupWorker({
      connection, mockupRender, log: (record) => log.push(record),
      workerOptions: { name: `W${i}` },
    });
    defer(t, () => mockupWorker.close());
    workers.push(mockupWorker);
  }

  const ids = [];
  const enqueue = async (count, data) => {
    for (let i = 0; i < count; i++) {
      const n = ids.length;
      const job = await enqueueMockupJob(queue, {
        artwork, output_dir: join(dir, `out-${n}`), ...data(n),
      }, { jobId: `job-${n}` });
      ids.push(job.id);
    }
  };
  await enqueue(20, (n) => ({ templates: [templates[n % 6]], max_size: 64 }));
  await waitFor(async () => (await queue.getJobCounts('completed')).completed >= 5,
    { what: '5 jobs completed' });

  await redis.restart();
  const restarted = logs.map((log) => log.length);

  // jobs long enough (every template) that both workers must be back to
  // share them
  await enqueue(12, () => ({ templates: [templatesDir], max_size: 200 }));
  await waitFor(async () => (await queue.getJobCounts('completed')).completed === ids.length,
    { what: 'every job completed', timeout: 90_000 });

  assert.equal((await queue.getJobCounts('failed')).failed, 0);
  for (const [n, id] of ids.entries()) {
    const { done, results } = (await queue.getJob(id)).returnvalue;
    assert.equal(done.rendered, n < 20 ? 1 : 6);
    await assertOutputFolder(join(dir, `out-${n}`), results);
  }
  for (const [i, log] of logs.entries()) {
    assert.ok(log.slice(restarted[i]).some((r) => r.event === 'job' && r.status === 'completed'),
      `W${i} completed jobs after the restart`);
  }
});
