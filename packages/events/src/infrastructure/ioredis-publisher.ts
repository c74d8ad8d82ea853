import type { Redis } from 'ioredis';
import type { RedisMessage } from '@allocation/platform';
import type { RedisPublisher } from '../consumers/redis-relay';

/** Publishes in one round trip, in order; any message not accepted fails the whole call. */
export class IoRedisPublisher implements RedisPublisher {
  constructor(private readonly redis: Redis) {}

  async publishAll(messages: ReadonlyArray<RedisMessage>): Promise<void> {
    if (messages.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { channel, message } of messages) pipeline.publish(channel, message);
    const results = await pipeline.exec();
    if (results === null) throw new Error('Redis dropped the publishes');
    const failed = results.find(([error]) => error !== null);
    if (failed !== undefined) throw failed[0];
  }
}
