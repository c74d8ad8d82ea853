import { type ErrorDoc, failureMapping } from '@allocation/platform';
import type { OrdersError } from '../application/orders-bus';

type Tag = OrdersError['_tag'];

/** The orders context's failures as HTTP sees them: the one place they become statuses and codes. */
export const OrdersErrors = {
  InvalidValue: {
    status: 400,
    code: 'INVALID_VALUE',
    example: 'currency XYZ is not one this service prices in',
    description: 'A value breaks a domain rule',
  },
  OrderNotFound: {
    status: 404,
    code: 'ORDER_NOT_FOUND',
    example: 'Order order-1234 not found',
    description: 'No order has this id',
  },
  ItemNotOnOrder: {
    status: 404,
    code: 'ITEM_NOT_ON_ORDER',
    example: 'Order order-1234 has no item RED-CHAIR',
    description: 'The order has no line of this SKU',
  },
  OrderNotEditable: {
    status: 409,
    code: 'ORDER_NOT_EDITABLE',
    example: "Order order-1234 is placed; only a draft order's items can change",
    description: 'Items change only while the order is a draft',
  },
  WrongOrderState: {
    status: 409,
    code: 'WRONG_ORDER_STATE',
    example: 'Order order-1234 is shipped; it cannot be cancelled',
    description: 'The order is not in a state that allows this',
  },
  EmptyOrder: {
    status: 409,
    code: 'EMPTY_ORDER',
    example: 'Order order-1234 has no items; add one before placing it',
    description: 'An order needs an item before it is placed',
  },
  TooManyUnits: {
    status: 409,
    code: 'TOO_MANY_UNITS',
    example: 'An order line holds at most 999 units; order order-1234 would have 1000 of RED-CHAIR',
    description: 'A line holds at most 999 units',
  },
  TooManyLines: {
    status: 409,
    code: 'TOO_MANY_LINES',
    example: 'Order order-1234 already has 100 lines, the most an order may have',
    description: 'An order has at most 100 lines',
  },
  CurrencyMismatch: {
    status: 409,
    code: 'CURRENCY_MISMATCH',
    example: 'Cannot combine USD with EUR',
    description: "The SKU's price is in another currency than the order",
  },
  NoPrice: {
    status: 409,
    code: 'NO_PRICE',
    example: 'RED-CHAIR has no price; set one with PUT /api/prices/RED-CHAIR',
    description: 'The SKU is not in the price catalogue',
  },
  OrderIdTaken: {
    status: 409,
    code: 'ORDER_ID_TAKEN',
    example: 'Order id order-1234 is taken by an order of another customer, currency or items',
    description: 'The given order id belongs to a different order',
  },
} as const satisfies Record<Tag, ErrorDoc>;

export const PriceNotFound = {
  status: 404,
  code: 'PRICE_NOT_FOUND',
  example: 'RED-CHAIR has no price',
  description: 'The SKU is not in the price catalogue',
} as const satisfies ErrorDoc;

export const { toApiFailure, orFail } = failureMapping<OrdersError>(OrdersErrors);

export { writeErrors } from '@allocation/platform';
