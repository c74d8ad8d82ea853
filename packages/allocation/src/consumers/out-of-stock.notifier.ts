import { asDomainEvent, type OutOfStock } from '@allocation/allocation-domain';
import type { FeedItem, Notification, Notifier, OutboxConsumer } from '@allocation/platform';

export const OUT_OF_STOCK_NOTIFIER_NAME = 'out-of-stock-notifier';

export const outOfStockNotification = (event: OutOfStock, item: FeedItem): Notification => ({
  subject: `Out of stock for ${event.sku}`,
  text: [
    `Order ${event.orderId} asked for ${event.quantity} of ${event.sku} and no batch could take it.`,
    `Event ${item.id}, ${item.occurredAt}.`,
  ].join('\n'),
});

/** Tells someone about every OutOfStock event of the outbox, at least once, in order. */
export const outOfStockNotifier = (notifier: Notifier): OutboxConsumer => ({
  name: OUT_OF_STOCK_NOTIFIER_NAME,
  types: ['OutOfStock'],
  handle: async (items) => {
    for (const item of items) {
      const event = asDomainEvent(item.type, item.data);
      if (event?._tag === 'OutOfStock') await notifier.send(outOfStockNotification(event, item));
    }
  },
});
