import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  type AddItem,
  addItem as addItemTo,
  type CancelOrder,
  cancelOrder as cancel,
  type CreateOrder,
  openOrder,
  type PricedItem,
  type Order,
  type Changed,
  type PlaceOrder,
  placeOrder as place,
  type RecordShipment,
  recordShipment as noteShipment,
  type RemoveItem,
  removeItem as removeItemFrom,
  type SetPrice,
} from '@allocation/orders-domain';
import { ConcurrencyConflict } from '@allocation/platform';
import type { OrdersTransaction } from '../ports/orders-transaction';
import {
  noPrice,
  orderIdTaken,
  orderNotFound,
  type OrdersError,
  type OrdersHandler,
} from './orders-bus';

const load = async (
  context: OrdersTransaction,
  orderId: CreateOrder['orderId'],
): Promise<E.Either<OrdersError, Order>> => {
  const order = await context.orders.get(orderId);
  return O.isSome(order) ? E.right(order.value) : E.left(orderNotFound(orderId));
};

/** Saves what a domain function decided and records its events. */
const keep = async (
  context: OrdersTransaction,
  change: Changed,
): Promise<E.Either<OrdersError, Order>> => {
  await context.orders.save(change.order);
  context.record(change.events);
  return E.right(change.order);
};

/** Loads the order, applies a rule to it, and keeps the result. */
const changeOrder =
  <M extends { readonly orderId: CreateOrder['orderId'] }>(
    decide: (
      order: Order,
      command: M,
      context: OrdersTransaction,
    ) => Promise<E.Either<OrdersError, Changed>>,
  ): OrdersHandler<M, Order> =>
  async (command, context) => {
    const order = await load(context, command.orderId);
    if (E.isLeft(order)) return order;
    const change = await decide(order.right, command, context);
    return E.isLeft(change) ? change : keep(context, change.right);
  };

/**
 * A given id makes creation safe to retry: the same request again answers the order as it is.
 * With items (and `place`) it opens a whole order at once, priced from the catalogue, exactly as
 * the steps one by one would. A new id is the common case, so the order is decided and added
 * first; only when the id proves taken (or the order is refused) is the one under it read, and
 * that order decides the answer, as if it had been looked at first.
 */
export const createOrder: OrdersHandler<CreateOrder, { order: Order; created: boolean }> = async (
  command,
  context,
) => {
  const opened = await openFromCatalogue(command, context);
  if (E.isRight(opened) && (await context.orders.add(opened.right.order))) {
    context.record(opened.right.events);
    return E.right({ order: opened.right.order, created: true });
  }
  // Refused, or the id is taken: an order already under it answers, as if looked at first.
  const existing = await context.orders.get(command.orderId);
  if (O.isSome(existing)) {
    return isSameOrder(existing.value, command)
      ? E.right({ order: existing.value, created: false })
      : E.left(orderIdTaken(command.orderId));
  }
  if (E.isLeft(opened)) return opened;
  // The insert met the id of an order created meanwhile: the next attempt reads it.
  throw new ConcurrencyConflict(`Order ${command.orderId} was created meanwhile`);
};

/** The order a creation asks for, its items priced from the catalogue (one read, if any). */
const openFromCatalogue = async (
  command: CreateOrder,
  context: OrdersTransaction,
): Promise<E.Either<OrdersError, Changed>> => {
  const wanted = command.items ?? [];
  const prices = await context.prices.pricesOf(wanted.map((item) => item.sku));
  const priced: PricedItem[] = [];
  for (const item of wanted) {
    const unitPrice = prices.get(item.sku);
    if (unitPrice === undefined) return E.left(noPrice(item.sku));
    priced.push({ ...item, unitPrice });
  }
  return openOrder(
    {
      id: command.orderId,
      customerId: command.customerId,
      currency: command.currency,
      createdAt: command.createdAt,
    },
    priced,
    command.place ?? false,
  );
};

/**
 * Whether an existing order is what this creation asks for: the same customer and currency, and
 * when it names items, those units of those SKUs (a placed order for a repeated `place`).
 */
const isSameOrder = (order: Order, command: CreateOrder): boolean => {
  if (order.customerId !== command.customerId || order.currency !== command.currency) return false;
  if (command.place === true && order.status === 'draft') return false;
  if (command.items === undefined) return true;
  const units = new Map<string, number>();
  for (const item of command.items) units.set(item.sku, (units.get(item.sku) ?? 0) + item.quantity);
  return (
    order.items.length === units.size &&
    order.items.every((item) => units.get(item.sku) === item.quantity)
  );
};

export const addItem = changeOrder<AddItem>(async (order, command, context) => {
  const price = await context.prices.priceOf(command.sku);
  if (O.isNone(price)) return E.left(noPrice(command.sku));
  return addItemTo(order, { sku: command.sku, quantity: command.quantity, unitPrice: price.value });
});

export const removeItem = changeOrder<RemoveItem>(async (order, command) =>
  removeItemFrom(order, command.sku),
);

export const placeOrder = changeOrder<PlaceOrder>(async (order) => place(order));

export const cancelOrder = changeOrder<CancelOrder>(async (order) => cancel(order));

export const setPrice: OrdersHandler<SetPrice, SetPrice['price']> = async (command, context) => {
  await context.prices.set(command.sku, command.price);
  return E.right(command.price);
};

/**
 * Takes note of what a pick list shipped of the order; once every item has shipped in full the
 * order is shipped. A pick list heard before changes nothing.
 */
export const recordShipment: OrdersHandler<RecordShipment, Order> = async (command, context) => {
  const order = await load(context, command.orderId);
  if (E.isLeft(order)) return order;
  const fresh = await context.shipments.record(command.orderId, command.pickListId, command.lines);
  if (!fresh) return E.right(order.right);
  const decided = noteShipment(order.right, await context.shipments.shippedOf(command.orderId));
  if (E.isLeft(decided)) return decided;
  return O.isSome(decided.right) ? keep(context, decided.right.value) : E.right(order.right);
};
