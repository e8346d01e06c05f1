// RenderPool against the real mockup-render, without Redis: routing of
// lines to jobs, error lines, a child that dies, a child that hangs.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { RenderChildError, RenderJobError, RenderPool } from '../lib/index.js';
import {
  artwork, assertOutputFolder, defer, mockupRender, processGone, tempDir, templates, waitFor,
} from './helpers.js';

async function startPool(t, options = {}) {
  const pool = new RenderPool({ command: mockupRender, ...options });
  await pool.start();
  defer(t, () => pool.close());
  return pool;
}

test('jobs on two children get their own lines, in template order', async (t) => {
  const dir = await tempDir(t);
  const pool = await startPool(t, { children: 2 });
  assert.equal(pool.concurrency, 2);
  assert.equal(pool.pids.length, 2);
  const jobs = Array.from({ length: 6 }, (_, i) => ({
    id: `job-${i}`, artwork, templates: [templates[i], templates[(i + 1) % 6]],
    output_dir: join(dir, `out-${i}`), max_size: 64, format: i % 2 ? 'png' : 'jpeg',
  }));
  const seen = jobs.map(() => []);
  const answers = await Promise.all(jobs.map((job, i) =>
    pool.run(job, { onResult: (line) => seen[i].push(line) })));
  for (const [i, answer] of answers.entries()) {
    assert.equal(answer.done.job, `job-${i}`);
    assert.equal(answer.done.rendered, 2);
    assert.deepEqual(answer.results.map((r) => r.index), [0, 1]);
    assert.ok(answer.results.every((r) => r.job === `job-${i}`));
    assert.deepEqual(seen[i], answer.results);
    assert.ok(answer.maxResidentMemory > 0);
    assert.ok(answer.peakResidentMemory >= answer.maxResidentMemory);
    assert.ok(answer.peakResidentMemory > 1e6, 'peak RSS in bytes');
    await assertOutputFolder(jobs[i].output_dir, answer.results);
  }
});

test('several jobs in flight in one child (--jobs) are told apart by id', async (t) => {
  const help = spawnSync(mockupRender, ['--help'], { encoding: 'utf8' }).stdout;
  if (!help.includes('--jobs')) {
    t.skip(`${mockupRender} has no --jobs`);
    return;
  }
  const dir = await tempDir(t);
  const pool = await startPool(t, { jobs: 3 });
  assert.equal(pool.concurrency, 3);
  assert.deepEqual(pool.args.slice(0, 4), ['--server', '-q', '--jobs', '3']);
  const jobs = Array.from({ length: 6 }, (_, i) => ({
    id: `job-${i}`, artwork, templates, output_dir: join(dir, `out-${i}`), max_size: 48 + 8 * i,
  }));
  const answers = await Promise.all(jobs.map((job) => pool.run(job)));
  for (const [i, { done, results }] of answers.entries()) {
    assert.equal(done.job, `job-${i}`);
    assert.equal(done.rendered, templates.length);
    assert.deepEqual(results.map((r) => r.index), templates.map((_, n) => n));
    assert.ok(results.every((r) => r.job === `job-${i}` && r.path.startsWith(jobs[i].output_dir)));
    await assertOutputFolder(jobs[i].output_dir, results);
  }
});

test('an error line rejects its job with the server\'s code', async (t) => {
  const pool = await startPool(t);
  await assert.rejects(
    pool.run({ id: 'missing', artwork: '/nonexistent/art.png', templates: [templates[0]] }),
    (error) => error instanceof RenderJobError && error.code === 'not-found'
      && error.message.includes('/nonexistent/art.png'));
  await assert.rejects(
    pool.run({ id: 'typo', artwork, templates: [templates[0]], 'output-dir': '/tmp' }),
    (error) => error instanceof RenderJobError && error.code === 'invalid-job'
      && error.message.includes('output-dir'));
});

test('a child that dies fails its job, and is started again', async (t) => {
  const dir = await tempDir(t);
  const pool = await startPool(t);
  const [pid] = pool.pids;
  const job = { id: 'j', artwork, templates, output_dir: dir, max_size: 800 };
  pool.once('dispatch', ({ pid: target }) => process.kill(target, 'SIGKILL'));
  await assert.rejects(pool.run(job), (error) => error instanceof RenderChildError
    && !error.timedOut && /killed by SIGKILL/.test(error.message));
  await waitFor(() => pool.pids.length === 1 && pool.pids[0] !== pid, { what: 'a new child' });
  const answer = await pool.run({ ...job, id: 'again', max_size: 64 });
  assert.equal(answer.done.rendered, templates.length);
});

test('a job past its timeout is killed with its child', async (t) => {
  const pool = await startPool(t);
  let stopped;
  pool.once('dispatch', ({ pid }) => { stopped = pid; process.kill(pid, 'SIGSTOP'); });
  await assert.rejects(
    pool.run({ id: 'hang', artwork, templates: [templates[0]], max_size: 64 }, { timeout: 500 }),
    (error) => error instanceof RenderChildError && error.timedOut && /timed out/.test(error.message));
  await waitFor(() => processGone(stopped), { what: 'the stopped child to die' });
  await waitFor(() => pool.pids.length === 1, { what: 'a new child' });
});

test('a \'dispatch\' listener acts on the child before it can read the job', async (t) => {
  const dir = await tempDir(t);
  const pool = await startPool(t);
  const job = { artwork, templates: [templates[0]], output_dir: dir, max_size: 64 };
  // warm caches: the job alone would take a few milliseconds
  await pool.run({ ...job, id: 'warm' });
  let stopped;
  pool.once('dispatch', ({ pid }) => {
    // however long the listener takes (a loaded machine), the line is not
    // written yet: the child cannot answer before it is stopped
    const until = performance.now() + 200;
    while (performance.now() < until);
    stopped = pid;
    process.kill(pid, 'SIGSTOP');
  });
  await assert.rejects(pool.run({ ...job, id: 'hang' }, { timeout: 500 }),
    (error) => error instanceof RenderChildError && error.timedOut);
  await waitFor(() => processGone(stopped), { what: 'the stopped child to die' });

  // a listener that throws: the job is not sent, its slot is free again
  pool.once('dispatch', () => { throw new Error('listener'); });
  await waitFor(() => pool.pids.length === 1, { what: 'a new child' });
  await assert.rejects(pool.run({ ...job, id: 'thrown' }), /^Error: listener$/);
  const answer = await pool.run({ ...job, id: 'thrown' });
  assert.equal(answer.done.job, 'thrown');
});

test('a child being killed takes no new job; the next child runs it', async (t) => {
  const dir = await tempDir(t);
  const pool = await startPool(t, { jobs: 2 });
  const [pid] = pool.pids;
  const dispatched = [];
  pool.on('dispatch', ({ pid: to, id }) => dispatched.push([id, to]));
  const job = { artwork, templates: [templates[0]], output_dir: dir, max_size: 64 };
  const first = pool.run({ ...job, id: 'first' });
  // as a timeout does: its exit is not seen yet when the next job comes
  pool.children[0].kill();
  assert.deepEqual(pool.pids, []);
  const second = pool.run({ ...job, id: 'second' });
  await assert.rejects(first, /killed by SIGKILL while running job first/);
  const answer = await second;
  assert.equal(answer.done.rendered, 1);
  assert.equal(dispatched.length, 2);
  assert.deepEqual(dispatched[0], ['first', pid]);
  assert.equal(dispatched[1][0], 'second');
  assert.notEqual(dispatched[1][1], pid);
  assert.deepEqual(pool.pids, [dispatched[1][1]]);
});

test('line numbers count from 1 again in a restarted child', async (t) => {
  const dir = await tempDir(t);
  const pool = await startPool(t, { jobs: 2 });
  const job = { artwork, templates: [templates[0]], output_dir: dir, max_size: 64 };
  await pool.run({ ...job, id: 'one' });
  await pool.run({ ...job, id: 'two' });
  const [pid] = pool.pids;
  pool.children[0].kill();
  await waitFor(() => pool.pids.length === 1 && pool.pids[0] !== pid, { what: 'a new child' });
  // an id the server refuses: its error line has "job": null and names
  // the input line, which the new process counts from 1
  const long = 'x'.repeat(300);
  await assert.rejects(pool.run({ ...job, id: long }, { timeout: 60_000 }),
    (error) => error instanceof RenderJobError && error.code === 'invalid-job'
      && error.line.job === null && error.line.line === 1 && /id/.test(error.message));
  assert.equal((await pool.run({ ...job, id: 'three' })).done.rendered, 1);
});

test('a binary that cannot start is an error at start', async (t) => {
  const pool = new RenderPool({ command: '/nonexistent/mockup-render' });
  await assert.rejects(pool.start(), /cannot start \/nonexistent\/mockup-render/);
  await pool.close();
});
