// mockup-worker: render mockup jobs from a BullMQ queue with a pool of
// `mockup-render --server` processes. See doc/scaling.md.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

export { createMockupWorker, logJson, RETRYABLE_ERROR_CODES } from './worker.js';
export { DEFAULT_QUEUE, defaultJobOptions, enqueueMockupJob } from './queue.js';
export { DEFAULT_REDIS, redisConnection } from './connection.js';
export { RenderChild, RenderChildError, RenderJobError, RenderPool, peakResidentMemory } from './render-pool.js';
// The BullMQ classes a producer needs, so that it can share this package's
// dependencies (examples/web does).
export { Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
