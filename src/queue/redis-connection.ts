import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * A Redis connection. As BullMQ workers need it, commands wait for a reconnect rather than fail
 * (maxRetriesPerRequest: null); with `failFast` (HTTP handlers) they fail at once instead.
 * Reconnects back off up to 5 s, forever.
 */
export function connectRedis(
  url: string,
  logger: Logger,
  name: string,
  options: { failFast?: boolean } = {},
): Redis {
  const redis = new Redis(url, {
    // An HTTP handler must answer 503 at once when Redis is away, not wait for it to come back.
    ...(options.failFast
      ? { maxRetriesPerRequest: 1, commandTimeout: 2_000 }
      : { maxRetriesPerRequest: null }),
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.warn({ err: { message: err.message }, name }, 'Redis connection problem; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ name }, 'Redis connection back');
    down = false;
  });
  return redis;
}
