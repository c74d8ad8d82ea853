import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import type { OrderId, Sku } from '@allocation/allocation-domain';
import {
  emptyOrder,
  itemNotOnOrder,
  orderNotEditable,
  tooManyLines,
  tooManyUnits,
  wrongOrderState,
  type EmptyOrder,
  type ItemNotOnOrder,
  type OrderNotEditable,
  type TooManyLines,
  type TooManyUnits,
  type WrongOrderState,
} from './errors';
import type { OrderEvent } from './events';
import {
  currencyMismatch,
  type CurrencyCode,
  type CurrencyMismatch,
  type Money,
  type UnitPrice,
} from './money';
import {
  MAX_ITEM_QUANTITY,
  MAX_ORDER_LINES,
  type CustomerId,
  type ItemQuantity,
  type OrderStatus,
} from './value-objects';

export type { OrderStatus } from './value-objects';

/** One SKU on an order, at the unit price it had when it was first added. */
export interface OrderItem {
  readonly sku: Sku;
  readonly quantity: ItemQuantity;
  readonly unitPrice: UnitPrice;
}

export interface Order {
  readonly id: OrderId;
  readonly customerId: CustomerId;
  readonly currency: CurrencyCode;
  readonly status: OrderStatus;
  /** In the order they were first added; one per SKU. */
  readonly items: ReadonlyArray<OrderItem>;
  /** Goes up by one with every change, so concurrent writers can be told apart. */
  readonly version: number;
  /** When it was created, an ISO 8601 instant its creator gives (the domain keeps no clock). */
  readonly createdAt: string;
}

/** A new state and the events that got there. */
export interface Changed {
  readonly order: Order;
  readonly events: ReadonlyArray<OrderEvent>;
}

const changed = (order: Order, events: ReadonlyArray<OrderEvent>): Changed => ({
  order: { ...order, version: order.version + 1 },
  events,
});

export const createOrder = (input: {
  readonly id: OrderId;
  readonly customerId: CustomerId;
  readonly currency: CurrencyCode;
  readonly createdAt: string;
}): Changed => ({
  order: { ...input, status: 'draft', items: [], version: 1 },
  events: [
    {
      _tag: 'OrderCreated',
      orderId: input.id,
      customerId: input.customerId,
      currency: input.currency,
    },
  ],
});

const mustBeDraft = (order: Order): E.Either<OrderNotEditable, Order> =>
  order.status === 'draft' ? E.right(order) : E.left(orderNotEditable(order.id, order.status));

/**
 * Adds units of a SKU at its catalogue price. A SKU already on the order gets the units added to
 * its line (at most 999 in all) and keeps the price it was first added at.
 */
export const addItem = (
  order: Order,
  item: { readonly sku: Sku; readonly quantity: ItemQuantity; readonly unitPrice: UnitPrice },
): E.Either<OrderNotEditable | CurrencyMismatch | TooManyUnits | TooManyLines, Changed> => {
  if (order.status !== 'draft') return E.left(orderNotEditable(order.id, order.status));
  if (item.unitPrice.currency !== order.currency) {
    return E.left(currencyMismatch(order.currency, item.unitPrice.currency));
  }
  const existing = order.items.find((line) => line.sku === item.sku);
  const lineQuantity = (existing?.quantity ?? 0) + item.quantity;
  if (lineQuantity > MAX_ITEM_QUANTITY) {
    return E.left(tooManyUnits(order.id, item.sku, lineQuantity));
  }
  if (existing === undefined && order.items.length >= MAX_ORDER_LINES) {
    return E.left(tooManyLines(order.id));
  }
  const line: OrderItem = {
    sku: item.sku,
    quantity: lineQuantity as ItemQuantity,
    unitPrice: existing?.unitPrice ?? item.unitPrice,
  };
  const items =
    existing === undefined
      ? [...order.items, line]
      : order.items.map((other) => (other.sku === item.sku ? line : other));
  return E.right(
    changed({ ...order, items }, [
      {
        _tag: 'ItemAdded',
        orderId: order.id,
        sku: item.sku,
        quantity: item.quantity,
        lineQuantity,
        unitPrice: { amountMinor: line.unitPrice.amountMinor, currency: line.unitPrice.currency },
      },
    ]),
  );
};

export const removeItem = (
  order: Order,
  sku: Sku,
): E.Either<OrderNotEditable | ItemNotOnOrder, Changed> => {
  const draft = mustBeDraft(order);
  if (E.isLeft(draft)) return draft;
  const removed = order.items.find((line) => line.sku === sku);
  if (removed === undefined) return E.left(itemNotOnOrder(order.id, sku));
  return E.right(
    changed({ ...order, items: order.items.filter((line) => line.sku !== sku) }, [
      { _tag: 'ItemRemoved', orderId: order.id, sku, quantity: removed.quantity },
    ]),
  );
};

export const placeOrder = (order: Order): E.Either<WrongOrderState | EmptyOrder, Changed> => {
  if (order.status !== 'draft') return E.left(wrongOrderState(order.id, order.status, 'place'));
  if (order.items.length === 0) return E.left(emptyOrder(order.id));
  const total = orderTotal(order);
  return E.right(
    changed({ ...order, status: 'placed' }, [
      {
        _tag: 'OrderPlaced',
        orderId: order.id,
        customerId: order.customerId,
        lines: order.items.map((line) => ({ sku: line.sku, quantity: line.quantity })),
        total: { amountMinor: total.amountMinor, currency: total.currency },
      },
    ]),
  );
};

/** An item as a whole order names it: a SKU, its units and its catalogue price now. */
export interface PricedItem {
  readonly sku: Sku;
  readonly quantity: ItemQuantity;
  readonly unitPrice: UnitPrice;
}

/** Applies one more step to a change, keeping the events of both. */
const andThen =
  <L>(step: (order: Order) => E.Either<L, Changed>) =>
  <K>(change: E.Either<K, Changed>): E.Either<K | L, Changed> =>
    E.isLeft(change)
      ? change
      : E.map((next: Changed) => ({
          order: next.order,
          events: [...change.right.events, ...next.events],
        }))(step(change.right.order));

/** What refuses a whole order (a new draft is editable, so only its contents can). */
export type OpenOrderError =
  OrderNotEditable | CurrencyMismatch | TooManyUnits | TooManyLines | WrongOrderState | EmptyOrder;

/**
 * A whole order at once, as a shop's checkout sends it: exactly what creating it, adding each
 * item in turn and (with `place`) placing it would decide, as one change with all their events.
 */
export const openOrder = (
  input: Parameters<typeof createOrder>[0],
  items: ReadonlyArray<PricedItem>,
  place: boolean,
): E.Either<OpenOrderError, Changed> => {
  let change: E.Either<OpenOrderError, Changed> = E.right(createOrder(input));
  for (const item of items) change = andThen((order) => addItem(order, item))(change);
  return place ? andThen(placeOrder)(change) : change;
};

/** A draft or placed order can be cancelled; a placed one's lines are then to be released. */
export const cancelOrder = (order: Order): E.Either<WrongOrderState, Changed> => {
  if (order.status !== 'draft' && order.status !== 'placed') {
    return E.left(wrongOrderState(order.id, order.status, 'cancel'));
  }
  return E.right(
    changed({ ...order, status: 'cancelled' }, [
      { _tag: 'OrderCancelled', orderId: order.id, wasPlaced: order.status === 'placed' },
    ]),
  );
};

export const shipOrder = (order: Order): E.Either<WrongOrderState, Changed> =>
  order.status === 'placed'
    ? E.right(
        changed({ ...order, status: 'shipped' }, [{ _tag: 'OrderShipped', orderId: order.id }]),
      )
    : E.left(wrongOrderState(order.id, order.status, 'ship'));

/** What has shipped of an order so far: each SKU's total over every shipment. */
export type ShippedSoFar = ReadonlyMap<string, number>;

/** Every item has shipped in full. */
export const isFullyShipped = (order: Order, shipped: ShippedSoFar): boolean =>
  order.items.every((item) => (shipped.get(item.sku) ?? 0) >= item.quantity);

/**
 * Takes note of a shipment: a placed order whose items have all shipped in full becomes shipped
 * (`some`); one still waiting for some of its items is unchanged (`none`), as is one already
 * shipped (a shipment heard twice). Drafts and cancelled orders ship nothing.
 */
export const recordShipment = (
  order: Order,
  shipped: ShippedSoFar,
): E.Either<WrongOrderState, O.Option<Changed>> => {
  if (order.status === 'shipped') return E.right(O.none);
  if (order.status !== 'placed') return E.left(wrongOrderState(order.id, order.status, 'ship'));
  return isFullyShipped(order, shipped)
    ? E.map((change: Changed) => O.some(change))(shipOrder(order))
    : E.right(O.none);
};

/**
 * A line's total. Unit prices are at most 10^10 minor units and lines at most 999 units, so the
 * product is always a safe integer: exact, no rounding.
 */
export const lineTotal = (line: OrderItem): Money => ({
  amountMinor: line.unitPrice.amountMinor * line.quantity,
  currency: line.unitPrice.currency,
});

/** The exact sum of the lines (at most 100 of them: still a safe integer). */
export const orderTotal = (order: Order): Money => ({
  amountMinor: order.items.reduce((sum, line) => sum + lineTotal(line).amountMinor, 0),
  currency: order.currency,
});
