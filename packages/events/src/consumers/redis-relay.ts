import type { OutboxConsumer, RedisChannels, RedisMessage } from '@allocation/platform';

/** What the relay needs of a Redis connection: publish several messages, in order, at once. */
export interface RedisPublisher {
  publishAll(messages: ReadonlyArray<RedisMessage>): Promise<void>;
}

export const REDIS_RELAY_NAME = 'redis-relay';

/** Publishes every event of the outbox to its Redis channels, in feed order, at least once. */
export const redisRelay = (publisher: RedisPublisher, channels: RedisChannels): OutboxConsumer => ({
  name: REDIS_RELAY_NAME,
  handle: (items) => publisher.publishAll(items.flatMap(channels)),
});
