import { connectRedis, type RedisLog } from '@allocation/platform';
import type { InboundRedis } from './inbound-commands';

/**
 * Inbound commands over ioredis: a subscriber that comes back by itself (and subscribes again)
 * after Redis restarts, and a separate connection to publish handover marks on.
 */
export const ioredisInbound = (url: string, log: RedisLog): InboundRedis => {
  const subscriber = connectRedis(url, 'commands', log, { queueWhileDown: true });
  const publisher = connectRedis(url, 'handover', log);
  return {
    subscribe: (channels, onMessage) => {
      subscriber.on('message', onMessage);
      void subscriber.subscribe(...channels).catch((error: unknown) => {
        log.warn(`Subscribing to ${channels.join(', ')} failed: ${String(error)}`);
      });
    },
    publish: async (channel, message) => {
      await publisher.publish(channel, message);
    },
    close: () => {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
};
