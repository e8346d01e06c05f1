// The producer's side: enqueueing a mockup job.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

/** The queue name that mockup-worker consumes by default. */
export const DEFAULT_QUEUE = 'mockup';

/**
 * Job options that enqueueMockupJob() uses unless told otherwise: three
 * attempts, 2 s then 4 s apart, for jobs whose child crashed or hung (an
 * invalid job or a missing file fails at once, whatever `attempts` says);
 * finished jobs are kept for a day (at most 1000) and failed ones a week.
 */
export const defaultJobOptions = Object.freeze({
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
});

/**
 * Adds a render job to `queue` (a BullMQ Queue) and returns the Job.
 *
 * `data` is a mockup-render server-mode job object (`artwork`, `templates`,
 * `output_dir`, `format`, `quality`, `max_size`, `slots`, `parameters`,
 * `placement`), with absolute
 * paths on storage that every worker sees. The worker sets its `id`;
 * mockup-render validates the rest. `opts` are BullMQ job options over
 * defaultJobOptions, e.g. `{jobId}` to choose the job's id.
 */
export async function enqueueMockupJob(queue, data, opts = {}) {
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new TypeError('mockup job data must be a server-mode job object');
  return queue.add('render', data, { ...defaultJobOptions, ...opts });
}
