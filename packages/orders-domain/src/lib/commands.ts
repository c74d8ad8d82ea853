import type { CurrencyCode, UnitPrice } from './money';
import type { CustomerId, ItemQuantity } from './value-objects';
import type { OrderId, Sku } from '@allocation/allocation-domain';

/** Requests to change orders and prices, built only from validated values. */
export type OrdersCommand =
  CreateOrder | AddItem | RemoveItem | PlaceOrder | CancelOrder | SetPrice | RecordShipment;

export interface CreateOrder {
  readonly _tag: 'CreateOrder';
  readonly orderId: OrderId;
  readonly customerId: CustomerId;
  readonly currency: CurrencyCode;
  /** Items to add at once, in this order, each at its catalogue price (a whole order). */
  readonly items?: ReadonlyArray<{ readonly sku: Sku; readonly quantity: ItemQuantity }>;
  /** Place the order as soon as it is created. */
  readonly place?: boolean;
  /** When the request arrived: the order's creation time if it is new (ISO 8601). */
  readonly createdAt: string;
}

export interface AddItem {
  readonly _tag: 'AddItem';
  readonly orderId: OrderId;
  readonly sku: Sku;
  readonly quantity: ItemQuantity;
}

export interface RemoveItem {
  readonly _tag: 'RemoveItem';
  readonly orderId: OrderId;
  readonly sku: Sku;
}

export interface PlaceOrder {
  readonly _tag: 'PlaceOrder';
  readonly orderId: OrderId;
}

export interface CancelOrder {
  readonly _tag: 'CancelOrder';
  readonly orderId: OrderId;
}

/** A pick list shipped some of the order's lines (heard from fulfilment, at least once). */
export interface RecordShipment {
  readonly _tag: 'RecordShipment';
  readonly orderId: OrderId;
  readonly pickListId: string;
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
}

export interface SetPrice {
  readonly _tag: 'SetPrice';
  readonly sku: Sku;
  readonly price: UnitPrice;
}
