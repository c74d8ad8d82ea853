import type { OutboxConsumer } from '../application/consumer-loop';
import type { FeedItem } from '../ports/event-feed';

/** One Redis message: a channel and its payload as sent. */
export interface RedisMessage {
  readonly channel: string;
  readonly message: string;
}

/** How events become Redis messages: each context declares the channels of its own events. */
export type RedisChannels = (item: FeedItem) => ReadonlyArray<RedisMessage>;

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
