import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  type AddItem,
  addItem as addItemTo,
  type CancelOrder,
  cancelOrder as cancel,
  type CreateOrder,
  createOrder as newOrder,
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

/** A given id makes creation safe to retry: the same request again answers the same order. */
export const createOrder: OrdersHandler<CreateOrder, { order: Order; created: boolean }> = async (
  command,
  context,
) => {
  const existing = await context.orders.get(command.orderId);
  if (O.isSome(existing)) {
    const same =
      existing.value.customerId === command.customerId &&
      existing.value.currency === command.currency;
    return same
      ? E.right({ order: existing.value, created: false })
      : E.left(orderIdTaken(command.orderId));
  }
  const created = newOrder({
    id: command.orderId,
    customerId: command.customerId,
    currency: command.currency,
  });
  // Another request created it between the look and the insert: the retry will find it.
  if (!(await context.orders.add(created.order))) {
    throw new ConcurrencyConflict(`Order ${command.orderId} was created meanwhile`);
  }
  context.record(created.events);
  return E.right({ order: created.order, created: true });
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
