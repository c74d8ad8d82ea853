import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import {
  CurrencyCode,
  CustomerId,
  DEFAULT_CURRENCY,
  type InvalidValue,
  ItemQuantity,
  OrderId,
  Sku,
  UnitPrice,
  type AddItem,
  type CreateOrder,
  type RemoveItem,
  type SetPrice,
} from '@allocation/orders-domain';

/** Plain values from an edge become commands through the domains' smart constructors. */
export const createOrderCommand = (input: {
  orderId: string;
  customerId: string;
  currency?: string | undefined;
  items?: ReadonlyArray<{ sku: string; quantity: number }> | undefined;
  place?: boolean | undefined;
  /** When the request arrived; now unless told. */
  at?: Date;
}): E.Either<InvalidValue, CreateOrder> =>
  pipe(
    E.Do,
    E.apS('orderId', OrderId(input.orderId)),
    E.apS('customerId', CustomerId(input.customerId)),
    E.apS(
      'currency',
      input.currency === undefined ? E.right(DEFAULT_CURRENCY) : CurrencyCode(input.currency),
    ),
    E.apS(
      'items',
      E.traverseArray((item: { sku: string; quantity: number }) =>
        pipe(E.Do, E.apS('sku', Sku(item.sku)), E.apS('quantity', ItemQuantity(item.quantity))),
      )(input.items ?? []),
    ),
    E.map(({ items, ...values }) => ({
      _tag: 'CreateOrder' as const,
      ...values,
      // Without items the request says nothing of them: a retry matches any order's items.
      ...(input.items === undefined ? {} : { items }),
      place: input.place === true,
      createdAt: (input.at ?? new Date()).toISOString(),
    })),
  );

export const addItemCommand = (
  orderId: string,
  input: { sku: string; quantity: number },
): E.Either<InvalidValue, AddItem> =>
  pipe(
    E.Do,
    E.apS('orderId', OrderId(orderId)),
    E.apS('sku', Sku(input.sku)),
    E.apS('quantity', ItemQuantity(input.quantity)),
    E.map((values) => ({ _tag: 'AddItem' as const, ...values })),
  );

export const removeItemCommand = (
  orderId: string,
  sku: string,
): E.Either<InvalidValue, RemoveItem> =>
  pipe(
    E.Do,
    E.apS('orderId', OrderId(orderId)),
    E.apS('sku', Sku(sku)),
    E.map((values) => ({ _tag: 'RemoveItem' as const, ...values })),
  );

export const orderCommand = <T extends 'PlaceOrder' | 'CancelOrder'>(
  tag: T,
  orderId: string,
): E.Either<InvalidValue, { readonly _tag: T; readonly orderId: OrderId }> =>
  pipe(
    OrderId(orderId),
    E.map((id) => ({ _tag: tag, orderId: id })),
  );

export const setPriceCommand = (
  sku: string,
  input: { amountMinor: number; currency: string },
): E.Either<InvalidValue, SetPrice> =>
  pipe(
    E.Do,
    E.apS('sku', Sku(sku)),
    E.apS('price', UnitPrice(input.amountMinor, input.currency)),
    E.map((values) => ({ _tag: 'SetPrice' as const, ...values })),
  );
