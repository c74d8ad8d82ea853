import type { CurrencyMismatch } from './money';
import type { OrderStatus } from './value-objects';

/** Expected failures of the order rules, each with a message fit to show a client. */
export type OrderError =
  | OrderNotEditable
  | WrongOrderState
  | EmptyOrder
  | TooManyUnits
  | TooManyLines
  | ItemNotOnOrder
  | CurrencyMismatch;

export interface OrderNotEditable {
  readonly _tag: 'OrderNotEditable';
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly message: string;
}

export interface WrongOrderState {
  readonly _tag: 'WrongOrderState';
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly action: 'place' | 'cancel' | 'ship';
  readonly message: string;
}

export interface EmptyOrder {
  readonly _tag: 'EmptyOrder';
  readonly orderId: string;
  readonly message: string;
}

export interface TooManyUnits {
  readonly _tag: 'TooManyUnits';
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly message: string;
}

export interface TooManyLines {
  readonly _tag: 'TooManyLines';
  readonly orderId: string;
  readonly message: string;
}

export interface ItemNotOnOrder {
  readonly _tag: 'ItemNotOnOrder';
  readonly orderId: string;
  readonly sku: string;
  readonly message: string;
}

export const orderNotEditable = (orderId: string, status: OrderStatus): OrderNotEditable => ({
  _tag: 'OrderNotEditable',
  orderId,
  status,
  message: `Order ${orderId} is ${status}; only a draft order's items can change`,
});

const DONE = { place: 'placed', cancel: 'cancelled', ship: 'shipped' } as const;

export const wrongOrderState = (
  orderId: string,
  status: OrderStatus,
  action: WrongOrderState['action'],
): WrongOrderState => ({
  _tag: 'WrongOrderState',
  orderId,
  status,
  action,
  message: `Order ${orderId} is ${status}; it cannot be ${DONE[action]}`,
});

export const emptyOrder = (orderId: string): EmptyOrder => ({
  _tag: 'EmptyOrder',
  orderId,
  message: `Order ${orderId} has no items; add one before placing it`,
});

export const tooManyUnits = (orderId: string, sku: string, quantity: number): TooManyUnits => ({
  _tag: 'TooManyUnits',
  orderId,
  sku,
  quantity,
  message: `An order line holds at most 999 units; order ${orderId} would have ${quantity} of ${sku}`,
});

export const tooManyLines = (orderId: string): TooManyLines => ({
  _tag: 'TooManyLines',
  orderId,
  message: `Order ${orderId} already has 100 lines, the most an order may have`,
});

export const itemNotOnOrder = (orderId: string, sku: string): ItemNotOnOrder => ({
  _tag: 'ItemNotOnOrder',
  orderId,
  sku,
  message: `Order ${orderId} has no item ${sku}`,
});
