import type { FeedItem } from './event-feed';

/** One Redis message: a channel and its payload as sent. */
export interface RedisMessage {
  readonly channel: string;
  readonly message: string;
}

/** How events become Redis messages: each context declares the channels of its own events. */
export type RedisChannels = (item: FeedItem) => ReadonlyArray<RedisMessage>;
