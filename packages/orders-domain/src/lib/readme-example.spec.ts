import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import {
  addItem,
  createOrder,
  CurrencyCode,
  CustomerId,
  formatMoney,
  ItemQuantity,
  ORDER_EVENT_TYPES,
  OrderId,
  orderTotal,
  placeOrder,
  Sku,
  UnitPrice,
} from '../index';
import * as api from '../index';

// The README's example, through the package's public entry point.
describe('the README example', () => {
  it('creates, fills and places an order, totalling it exactly', () => {
    const placed = pipe(
      E.Do,
      E.apS('id', OrderId('order-1')),
      E.apS('customerId', CustomerId('customer-1')),
      E.apS('currency', CurrencyCode('EUR')),
      E.apS('sku', Sku('LAMP')),
      E.apS('quantity', ItemQuantity(2)),
      E.apS('unitPrice', UnitPrice(1999, 'EUR')),
      E.flatMap(({ sku, quantity, unitPrice, ...order }) =>
        addItem(createOrder({ ...order, createdAt: '2026-12-06T10:00:00.000Z' }).order, {
          sku,
          quantity,
          unitPrice,
        }),
      ),
      E.flatMap(({ order }) => placeOrder(order)),
    );
    expect(E.isRight(placed) && placed.right.order.status).toBe('placed');
    expect(E.isRight(placed) && placed.right.events.map((e) => e._tag)).toEqual(['OrderPlaced']);
    expect(E.isRight(placed) && formatMoney(orderTotal(placed.right.order))).toBe('39.98 EUR');
  });

  it('reads an event back from its type and data, and nothing else', () => {
    expect(api.asOrderEvent('OrderShipped', { orderId: 'o1' })).toEqual({
      _tag: 'OrderShipped',
      orderId: 'o1',
    });
    expect(api.asOrderEvent('Allocated', {})).toBeUndefined();
  });

  it('lists every event type, for readers that meet events by name', () => {
    expect(ORDER_EVENT_TYPES).toEqual([
      'OrderCreated',
      'ItemAdded',
      'ItemRemoved',
      'OrderPlaced',
      'OrderCancelled',
      'OrderShipped',
    ]);
  });

  it('offers every rule through its entry point', () => {
    for (const name of ['addItem', 'removeItem', 'placeOrder', 'cancelOrder', 'shipOrder']) {
      expect(typeof api[name as keyof typeof api]).toBe('function');
    }
    expect(typeof api.lineTotal).toBe('function');
  });
});
