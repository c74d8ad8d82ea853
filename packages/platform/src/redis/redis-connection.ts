import { Redis } from 'ioredis';

export interface RedisLog {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * A connection that reconnects on its own, forever, with waits growing to 2 s. Commands sent
 * while it is down fail at once instead of queueing, so the caller decides what to retry.
 * Connection problems are logged once per outage, not once per attempt.
 */
export const connectRedis = (
  url: string,
  role: string,
  log: RedisLog,
  options: { readonly queueWhileDown?: boolean } = {},
): Redis => {
  const redis = new Redis(url, {
    connectionName: `allocation-${role}`,
    // A subscriber queues its SUBSCRIBE until the first connection is up; a publisher fails at
    // once, and a publish that gets no answer fails after 5 s.
    enableOfflineQueue: options.queueWhileDown ?? false,
    maxRetriesPerRequest: 1,
    ...(options.queueWhileDown === true ? {} : { commandTimeout: 5_000 }),
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    // On disconnect, a socket that does not close is destroyed after this long; until then its
    // timer holds the process open (2 s by default: a stop, or a test run, waited on it).
    disconnectTimeout: 200,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn(`Redis (${role}) unavailable: ${error.message}; reconnecting`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.log(`Redis (${role}) connected again`);
  });
  return redis;
};
