import { asDomainEvent, type DomainEvent } from '@allocation/allocation-domain';
import type { FeedItem, RedisMessage } from '@allocation/platform';

const message = (channel: string, payload: Record<string, unknown>): RedisMessage => ({
  channel,
  message: JSON.stringify(payload),
});

/**
 * Allocation's Redis contract. `line_allocated` and `out_of_stock` keep the reference service's
 * field names (`orderid`, `sku`, `qty`, `batchref`), one message per batch a line was served from.
 */
const messagesOf = (event: DomainEvent): ReadonlyArray<RedisMessage> => {
  switch (event._tag) {
    case 'Allocated':
      return [
        message('line_allocated', {
          orderid: event.orderId,
          sku: event.sku,
          qty: event.quantity,
          batchref: event.batchReference,
        }),
      ];
    case 'Deallocated':
      return event.portions.map((portion) =>
        message('line_deallocated', {
          orderid: event.orderId,
          sku: event.sku,
          qty: portion.quantity,
          batchref: portion.batchReference,
          reason: event.reason,
        }),
      );
    case 'OutOfStock':
      return [
        message('out_of_stock', { orderid: event.orderId, sku: event.sku, qty: event.quantity }),
      ];
    case 'BatchCreated':
      return [
        message('batch_created', {
          ref: event.reference,
          sku: event.sku,
          qty: event.quantity,
          eta: event.eta,
        }),
      ];
    case 'BatchQuantityChanged':
      return [
        message('batch_quantity_changed', {
          batchref: event.reference,
          sku: event.sku,
          qty: event.quantity,
        }),
      ];
    case 'BatchRemoved':
      return [message('batch_removed', { batchref: event.reference, sku: event.sku })];
    case 'Backordered':
      return [
        message('line_backordered', {
          orderid: event.orderId,
          sku: event.sku,
          qty: event.quantity,
        }),
      ];
    case 'BackorderCancelled':
      return [
        message('backorder_cancelled', {
          orderid: event.orderId,
          sku: event.sku,
          qty: event.quantity,
        }),
      ];
    case 'Shipped':
      return [
        message('line_shipped', {
          orderid: event.orderId,
          sku: event.sku,
          qty: event.quantity,
          batchref: event.batchReference,
          picklist: event.pickListId,
        }),
      ];
    case 'PickListCreated':
      return [
        message('pick_list_created', { pickListId: event.pickListId, batches: event.batches }),
      ];
    case 'PickListConfirmed':
      return [
        message('pick_list_confirmed', { pickListId: event.pickListId, shipped: event.shipped }),
      ];
    case 'PickListCancelled':
      return [message('pick_list_cancelled', { pickListId: event.pickListId })];
  }
};

/** The Redis messages of an outbox item, when it is an allocation event. */
export const allocationChannels = (item: FeedItem): ReadonlyArray<RedisMessage> => {
  const event = asDomainEvent(item.type, item.data);
  return event === undefined ? [] : messagesOf(event);
};
