import { asOrderEvent, type OrderEvent } from '@allocation/orders-domain';
import type { FeedItem, RedisMessage } from '@allocation/platform';

const CHANNELS: Record<OrderEvent['_tag'], string> = {
  OrderCreated: 'order_created',
  ItemAdded: 'order_item_added',
  ItemRemoved: 'order_item_removed',
  OrderPlaced: 'order_placed',
  OrderCancelled: 'order_cancelled',
  OrderShipped: 'order_shipped',
};

/** Orders' Redis contract: each event on its own channel, its data as the feed shows it. */
export const ordersChannels = (item: FeedItem): ReadonlyArray<RedisMessage> => {
  const event = asOrderEvent(item.type, item.data);
  if (event === undefined) return [];
  const { _tag, ...data } = event;
  return [{ channel: CHANNELS[_tag], message: JSON.stringify(data) }];
};
