// Redis connection options from one string, for the CLI, the web example
// and the tests.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

/** The default Redis: REDIS_URL, or a local server on port 6379. */
export const DEFAULT_REDIS = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * BullMQ `connection` options for a `redis://` or `rediss://` URL, a Unix
 * socket path (`/run/redis.sock`) or a `unix:///run/redis.sock` URL.
 */
export function redisConnection(where = DEFAULT_REDIS) {
  if (where.startsWith('/'))
    return { path: where };
  if (where.startsWith('unix://'))
    return { path: new URL(where).pathname };
  return { url: where };
}
