#!/usr/bin/env node
// mockup-worker: consumes a BullMQ queue of mockup-render server-mode jobs.
// Options are described by --help and in doc/scaling.md.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createMockupWorker, logJson } from '../lib/worker.js';
import { DEFAULT_REDIS } from '../lib/connection.js';
import { DEFAULT_QUEUE } from '../lib/queue.js';

const usage = `Usage: mockup-worker [OPTION…]

Renders the jobs of a BullMQ queue with mockup-render --server processes.
Each job's data is a mockup-render server-mode job object.

  --redis URL|PATH          Redis URL or Unix socket path (default: REDIS_URL, or ${DEFAULT_REDIS})
  --queue NAME              queue name (default: ${DEFAULT_QUEUE})
  --mockup-render PATH      mockup-render binary (default: MOCKUP_RENDER, or mockup-render on PATH)
  --children N              mockup-render processes (default: 1)
  --jobs N                  jobs in flight per process, passed as --jobs (default: processors + 1)
  --memory-limit SIZE       --memory-limit of each process (e.g. 512M)
  --threads N               --threads of each process
  --output-dir DIR          output folder of jobs that name none
  --timeout SECONDS         time one attempt of a job may take before its process is killed
                            and the job retried (default: 300; 0: no limit)
  --limit-max N             rate limiter: at most N jobs …
  --limit-duration MS       … every MS milliseconds, over all workers of the queue
  --name NAME               worker name, stored on the jobs it processes
  --lock-duration MS        BullMQ job lock duration (default: 30000)
  --stalled-interval MS     BullMQ stalled-job check interval (default: 30000)
  --metrics-points N        minutes of BullMQ metrics to keep (default: 20160, two weeks)
  -h, --help                show this help

SIGTERM or SIGINT: take no new jobs, finish the running ones, stop the
processes, exit 0. A second signal kills the processes and exits 1; the
jobs they ran go back to the queue after the lock duration.
`;

function fail(message) {
  process.stderr.write(`mockup-worker: ${message}\n${usage}`);
  process.exit(2);
}

function integer(name, text, min = 0) {
  if (text === undefined)
    return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    fail(`--${name}: expected an integer ≥ ${min}, got "${text}"`);
  return value;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      redis: { type: 'string' },
      queue: { type: 'string' },
      'mockup-render': { type: 'string' },
      children: { type: 'string' },
      jobs: { type: 'string' },
      'memory-limit': { type: 'string' },
      threads: { type: 'string' },
      'output-dir': { type: 'string' },
      timeout: { type: 'string' },
      'limit-max': { type: 'string' },
      'limit-duration': { type: 'string' },
      name: { type: 'string' },
      'lock-duration': { type: 'string' },
      'stalled-interval': { type: 'string' },
      'metrics-points': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(error.message);
}
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const limitMax = integer('limit-max', values['limit-max'], 1);
const limitDuration = integer('limit-duration', values['limit-duration'], 1);
if ((limitMax === undefined) !== (limitDuration === undefined))
  fail('--limit-max and --limit-duration go together');

const workerOptions = {};
if (values.name !== undefined)
  workerOptions.name = values.name;
if (values['lock-duration'] !== undefined)
  workerOptions.lockDuration = integer('lock-duration', values['lock-duration'], 1);
if (values['stalled-interval'] !== undefined)
  workerOptions.stalledInterval = integer('stalled-interval', values['stalled-interval'], 1);

const timeout = integer('timeout', values.timeout);

let mockupWorker;
try {
  mockupWorker = await createMockupWorker({
    queue: values.queue,
    connection: values.redis,
    mockupRender: values['mockup-render'],
    children: integer('children', values.children, 1),
    // one server using every core: its jobs in flight share one memory budget
    jobs: integer('jobs', values.jobs, 1) ?? availableParallelism() + 1,
    memoryLimit: values['memory-limit'],
    threads: integer('threads', values.threads, 1),
    outputDir: values['output-dir'],
    timeout: timeout === undefined ? undefined : timeout * 1000,
    limiter: limitMax === undefined ? undefined : { max: limitMax, duration: limitDuration },
    metricsDataPoints: integer('metrics-points', values['metrics-points'], 1),
    workerOptions,
  });
} catch (error) {
  process.stderr.write(`mockup-worker: ${error.message}\n`);
  process.exit(1);
}

let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (signalled) {
      logJson({ event: 'worker-killed', signal });
      mockupWorker.pool.kill();
      process.exit(1);
    }
    signalled = true;
    logJson({ event: 'worker-closing', signal });
    mockupWorker.close().then(() => process.exit(0), (error) => {
      process.stderr.write(`mockup-worker: ${error.message}\n`);
      process.exit(1);
    });
  });
}
