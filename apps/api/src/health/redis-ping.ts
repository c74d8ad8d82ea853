import type { Redis } from 'ioredis';

/** What readiness asks of Redis: does it answer, within a second. */
export interface RedisPing {
  ping(): Promise<boolean>;
  close(): void;
}

export const HEALTH_REDIS = Symbol('HealthRedis');

const TIMEOUT_MS = 1_000;

export const redisPing = (redis: Redis): RedisPing => ({
  ping: async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), TIMEOUT_MS);
    });
    try {
      return await Promise.race([redis.ping().then((answer) => answer === 'PONG'), late]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  },
  close: () => redis.disconnect(),
});
