import * as E from 'fp-ts/Either';
import { OrderId, Sku } from '@allocation/allocation-domain';
import { CurrencyCode, UnitPrice } from '../lib/money';
import { createOrder, type Order } from '../lib/order';
import { CustomerId, ItemQuantity } from '../lib/value-objects';

/** The Right of a value the test knows to be valid. */
export const valid = <A>(either: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(either)) throw new Error(either.left.message);
  return either.right;
};

export const sku = (value: string) => valid(Sku(value));
export const qty = (value: number) => valid(ItemQuantity(value));
export const price = (amountMinor: number, currency = 'EUR') =>
  valid(UnitPrice(amountMinor, currency));

export const draftOrder = (id = 'order-1', currency = 'EUR'): Order =>
  createOrder({
    id: valid(OrderId(id)),
    customerId: valid(CustomerId('customer-1')),
    currency: valid(CurrencyCode(currency)),
    createdAt: CREATED_AT,
  }).order;

/** The creation time of the orders tests build. */
export const CREATED_AT = '2026-12-01T09:30:00.000Z';

export const item = (
  skuValue: string,
  quantity: number,
  amountMinor: number,
  currency = 'EUR',
) => ({
  sku: sku(skuValue),
  quantity: qty(quantity),
  unitPrice: price(amountMinor, currency),
});
