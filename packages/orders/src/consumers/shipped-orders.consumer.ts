import * as E from 'fp-ts/Either';
import { asAllocationEvent, OrderId, type PickListConfirmed } from '@allocation/orders-domain';
import type { OutboxConsumer } from '@allocation/platform';
import type { OrdersBus } from '../application/orders-bus';

export const SHIPPED_ORDERS_CONSUMER_NAME = 'orders-shipped-by-pick-lists';

export interface ShipmentLogger {
  warn(message: string): void;
}

/** A confirmed pick list's lines, by order: what each order got, per SKU. */
const byOrder = (event: PickListConfirmed): Map<string, Map<string, number>> => {
  const orders = new Map<string, Map<string, number>>();
  for (const line of event.shipped) {
    const skus = orders.get(line.orderId) ?? new Map<string, number>();
    skus.set(line.sku, (skus.get(line.sku) ?? 0) + line.quantity);
    orders.set(line.orderId, skus);
  }
  return orders;
};

/**
 * Orders' side of shipping: every confirmed pick list is noted against the orders it shipped, and
 * an order whose items have all shipped becomes shipped. Hearing a pick list twice counts it once,
 * so the outbox's at-least-once delivery is safe. Lines allocated directly (no order here) are
 * not orders' business and are passed over.
 */
export const shippedOrdersConsumer = (bus: OrdersBus, log: ShipmentLogger): OutboxConsumer => ({
  name: SHIPPED_ORDERS_CONSUMER_NAME,
  // It runs units of work of its own: the embedded database's one connection must be free.
  holdWhileHandling: false,
  types: ['PickListConfirmed'],
  handle: async (items) => {
    for (const item of items) {
      const event = asAllocationEvent(item.type, item.data);
      if (event?._tag !== 'PickListConfirmed') continue;
      for (const [orderId, skus] of byOrder(event)) {
        const id = OrderId(orderId);
        if (E.isLeft(id)) continue;
        const result = await bus.handle({
          _tag: 'RecordShipment',
          orderId: id.right,
          pickListId: event.pickListId,
          lines: [...skus].map(([sku, quantity]) => ({ sku, quantity })),
        });
        if (E.isRight(result)) continue;
        switch (result.left._tag) {
          case 'RetriesExhausted':
            // Not handled: the turn fails and this pick list comes again.
            throw new Error(result.left.message);
          case 'OrderNotFound':
            break;
          default:
            log.warn(`Pick list ${event.pickListId}, order ${orderId}: ${result.left.message}`);
        }
      }
    }
  },
});
