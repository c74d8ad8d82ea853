import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { CREATED_AT, draftOrder, item, sku, valid } from '../test-support/builders';
import { CustomerId, ItemQuantity } from './value-objects';
import {
  addItem,
  cancelOrder,
  createOrder,
  openOrder,
  orderTotal,
  placeOrder,
  recordShipment,
  removeItem,
  shipOrder,
  type Order,
  type Changed,
} from './order';

const then = (change: E.Either<{ message: string }, Changed>): Order => valid(change).order;

const withItems = (...items: Array<ReturnType<typeof item>>): Order =>
  items.reduce((order, next) => then(addItem(order, next)), draftOrder());

const placed = () => then(placeOrder(withItems(item('LAMP', 2, 1999))));

const tagOf = (either: E.Either<{ _tag: string }, unknown>) =>
  E.isLeft(either) ? either.left._tag : 'Right';

describe('creating an order', () => {
  it('starts as an empty draft in its currency, at version 1, with OrderCreated', () => {
    const created = createOrder({
      id: draftOrder().id,
      customerId: valid(CustomerId('cust-7')),
      currency: draftOrder().currency,
      createdAt: CREATED_AT,
    });
    expect(created.order).toMatchObject({
      status: 'draft',
      items: [],
      version: 1,
      currency: 'EUR',
      createdAt: CREATED_AT,
    });
    expect(created.events).toEqual([
      { _tag: 'OrderCreated', orderId: 'order-1', customerId: 'cust-7', currency: 'EUR' },
    ]);
  });

  it('totals nothing when empty', () => {
    expect(orderTotal(draftOrder('o', 'JPY'))).toEqual({ amountMinor: 0, currency: 'JPY' });
  });
});

describe('opening a whole order at once', () => {
  const input = () => ({
    id: draftOrder().id,
    customerId: draftOrder().customerId,
    currency: draftOrder().currency,
    createdAt: CREATED_AT,
  });
  const lines = [item('LAMP', 2, 1999), item('SOFA', 1, 49_900), item('LAMP', 1, 1999)];

  it('decides exactly what creating it, adding each item and placing it would, in one change', () => {
    const steps: Array<(order: Order) => E.Either<{ message: string }, Changed>> = [
      ...lines.map((line) => (order: Order) => addItem(order, line)),
      placeOrder,
    ];
    const stepByStep = steps.reduce<Changed>((sofar, step) => {
      const next = valid(step(sofar.order));
      return { order: next.order, events: [...sofar.events, ...next.events] };
    }, createOrder(input()));
    expect(valid(openOrder(input(), lines, true))).toEqual(stepByStep);
    expect(stepByStep.order).toMatchObject({ status: 'placed', version: 5 });
  });

  it('leaves it a draft without `place`', () => {
    const opened = valid(openOrder(input(), lines, false));
    expect(opened.order.status).toBe('draft');
    expect(opened.order.items.map((line) => [line.sku, line.quantity])).toEqual([
      ['LAMP', 3],
      ['SOFA', 1],
    ]);
    expect(opened.events.map((event) => event._tag)).toEqual([
      'OrderCreated',
      'ItemAdded',
      'ItemAdded',
      'ItemAdded',
    ]);
  });

  it('refuses the whole order for any item or step that would be refused on its own', () => {
    expect(tagOf(openOrder(input(), [item('YEN', 1, 500, 'JPY')], false))).toBe('CurrencyMismatch');
    expect(tagOf(openOrder(input(), [item('LAMP', 600, 1), item('LAMP', 600, 1)], false))).toBe(
      'TooManyUnits',
    );
    expect(tagOf(openOrder(input(), [], true))).toBe('EmptyOrder');
  });
});

describe('adding items', () => {
  it('adds a line at its catalogue price and says so', () => {
    const change = valid(addItem(draftOrder(), item('LAMP', 2, 1999)));
    expect(change.order.items).toEqual([
      { sku: 'LAMP', quantity: 2, unitPrice: { amountMinor: 1999, currency: 'EUR' } },
    ]);
    expect(change.order.version).toBe(2);
    expect(change.events).toEqual([
      {
        _tag: 'ItemAdded',
        orderId: 'order-1',
        sku: 'LAMP',
        quantity: 2,
        lineQuantity: 2,
        unitPrice: { amountMinor: 1999, currency: 'EUR' },
      },
    ]);
  });

  it('merges a repeated SKU into its line, keeping the price it was first added at', () => {
    const order = withItems(item('LAMP', 2, 1999), item('LAMP', 3, 2500));
    expect(order.items).toEqual([
      { sku: 'LAMP', quantity: 5, unitPrice: { amountMinor: 1999, currency: 'EUR' } },
    ]);
  });

  it('keeps lines in the order they were first added', () => {
    const order = withItems(item('B', 1, 1), item('A', 1, 1), item('B', 1, 1));
    expect(order.items.map((line) => line.sku)).toEqual(['B', 'A']);
  });

  it('allows exactly 999 units of a SKU, in one go or several', () => {
    expect(withItems(item('LAMP', 999, 1)).items[0]?.quantity).toBe(999);
    expect(withItems(item('LAMP', 500, 1), item('LAMP', 499, 1)).items[0]?.quantity).toBe(999);
  });

  it('refuses a line that would go over 999 units, naming the total', () => {
    const result = addItem(withItems(item('LAMP', 500, 1)), item('LAMP', 500, 1));
    expect(result).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'TooManyUnits',
          quantity: 1000,
          message: 'An order line holds at most 999 units; order order-1 would have 1000 of LAMP',
        }),
      ),
    );
  });

  it('allows 100 lines and refuses a 101st, but still merges into an existing one', () => {
    const full = withItems(...Array.from({ length: 100 }, (_, i) => item(`SKU-${i}`, 1, 1)));
    expect(full.items).toHaveLength(100);
    expect(tagOf(addItem(full, item('ONE-MORE', 1, 1)))).toBe('TooManyLines');
    expect(tagOf(addItem(full, item('SKU-7', 1, 1)))).toBe('Right');
  });

  it('refuses a price in another currency than the order’s', () => {
    expect(addItem(draftOrder(), item('LAMP', 1, 100, 'USD'))).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'CurrencyMismatch',
          message: 'Cannot combine USD with EUR',
        }),
      ),
    );
  });

  it.each([0, 1000, 1.5, -1, '2'])('refuses a quantity of %p', (quantity) => {
    expect(ItemQuantity(quantity)).toEqual(
      E.left(expect.objectContaining({ message: 'quantity must be a whole number from 1 to 999' })),
    );
  });
});

describe('removing items', () => {
  it('removes a line and records how many units went with it', () => {
    const change = valid(
      removeItem(withItems(item('LAMP', 2, 1), item('SOFA', 1, 1)), sku('LAMP')),
    );
    expect(change.order.items.map((line) => line.sku)).toEqual(['SOFA']);
    expect(change.events).toEqual([
      { _tag: 'ItemRemoved', orderId: 'order-1', sku: 'LAMP', quantity: 2 },
    ]);
  });

  it('refuses a SKU that is not on the order', () => {
    expect(removeItem(draftOrder(), sku('LAMP'))).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'ItemNotOnOrder',
          message: 'Order order-1 has no item LAMP',
        }),
      ),
    );
  });
});

describe('placing', () => {
  it('places a draft with items, handing allocation each line and the total', () => {
    const change = valid(placeOrder(withItems(item('LAMP', 2, 1999), item('SOFA', 1, 50_000))));
    expect(change.order.status).toBe('placed');
    expect(change.events).toEqual([
      {
        _tag: 'OrderPlaced',
        orderId: 'order-1',
        customerId: 'customer-1',
        lines: [
          { sku: 'LAMP', quantity: 2 },
          { sku: 'SOFA', quantity: 1 },
        ],
        total: { amountMinor: 53_998, currency: 'EUR' },
      },
    ]);
  });

  it('refuses an empty order', () => {
    expect(placeOrder(draftOrder())).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'EmptyOrder',
          message: 'Order order-1 has no items; add one before placing it',
        }),
      ),
    );
  });

  it('refuses to place an order twice', () => {
    expect(placeOrder(placed())).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'WrongOrderState',
          message: 'Order order-1 is placed; it cannot be placed',
        }),
      ),
    );
  });

  it('freezes the items of a placed order', () => {
    const order = placed();
    expect(addItem(order, item('SOFA', 1, 1))).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'OrderNotEditable',
          message: "Order order-1 is placed; only a draft order's items can change",
        }),
      ),
    );
    expect(tagOf(removeItem(order, sku('LAMP')))).toBe('OrderNotEditable');
  });
});

describe('cancelling and shipping', () => {
  it('cancels a draft, saying nothing was handed to allocation', () => {
    const change = valid(cancelOrder(withItems(item('LAMP', 1, 1))));
    expect(change.order.status).toBe('cancelled');
    expect(change.events).toEqual([
      { _tag: 'OrderCancelled', orderId: 'order-1', wasPlaced: false },
    ]);
  });

  it('cancels a placed order, so that its lines are released', () => {
    expect(valid(cancelOrder(placed())).events).toEqual([
      { _tag: 'OrderCancelled', orderId: 'order-1', wasPlaced: true },
    ]);
  });

  it('ships a placed order', () => {
    const change = valid(shipOrder(placed()));
    expect(change.order.status).toBe('shipped');
    expect(change.events).toEqual([{ _tag: 'OrderShipped', orderId: 'order-1' }]);
  });

  it('ships neither a draft nor a cancelled order', () => {
    expect(shipOrder(draftOrder())).toEqual(
      E.left(expect.objectContaining({ message: 'Order order-1 is draft; it cannot be shipped' })),
    );
    expect(tagOf(shipOrder(then(cancelOrder(placed()))))).toBe('WrongOrderState');
  });

  it('ships a placed order once every item has shipped in full, over any number of shipments', () => {
    const order = then(placeOrder(withItems(item('LAMP', 2, 1999), item('SOFA', 1, 45000))));
    expect(recordShipment(order, new Map([['LAMP', 2]]))).toEqual(E.right(O.none));
    expect(
      recordShipment(
        order,
        new Map([
          ['LAMP', 1],
          ['SOFA', 1],
        ]),
      ),
    ).toEqual(E.right(O.none));
    const shipped = valid(
      recordShipment(
        order,
        new Map([
          ['LAMP', 2],
          ['SOFA', 1],
        ]),
      ),
    );
    expect(O.isSome(shipped) && shipped.value.events).toEqual([
      { _tag: 'OrderShipped', orderId: 'order-1' },
    ]);
  });

  it('hears a shipment of a shipped order twice without changing it', () => {
    const shipped = then(shipOrder(placed()));
    expect(recordShipment(shipped, new Map([['LAMP', 2]]))).toEqual(E.right(O.none));
  });

  it('ships nothing of a cancelled order', () => {
    const cancelled = then(cancelOrder(placed()));
    expect(tagOf(recordShipment(cancelled, new Map([['LAMP', 2]])))).toBe('WrongOrderState');
  });

  it('cancels neither a shipped nor a cancelled order', () => {
    const shipped = then(shipOrder(placed()));
    expect(cancelOrder(shipped)).toEqual(
      E.left(
        expect.objectContaining({ message: 'Order order-1 is shipped; it cannot be cancelled' }),
      ),
    );
    expect(tagOf(cancelOrder(then(cancelOrder(draftOrder()))))).toBe('WrongOrderState');
  });

  it('leaves the order it was given untouched: every change is a new value', () => {
    const before = withItems(item('LAMP', 1, 1));
    const copy = JSON.parse(JSON.stringify(before));
    pipe(
      placeOrder(before),
      E.chainW((c) => shipOrder(c.order)),
    );
    expect(before).toEqual(copy);
  });
});

describe('customers', () => {
  it.each(['', ' x', 'a'.repeat(65), 5])('refuses a customer id of %p', (input) => {
    expect(E.isLeft(CustomerId(input))).toBe(true);
  });

  it('takes the identifier charset', () => {
    expect(CustomerId('cust_42.b-1')).toEqual(E.right('cust_42.b-1'));
  });
});
