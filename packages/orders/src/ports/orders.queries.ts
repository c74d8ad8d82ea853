import type * as O from 'fp-ts/Option';
import type { Money, OrderId, OrderStatus, Sku, UnitPrice } from '@allocation/orders-domain';
import type { LineAllocation } from './line-allocations';

export interface OrderLineView {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly lineTotal: Money;
  /** Only for placed and shipped orders: where allocation put the line. */
  readonly allocation: LineAllocation | null;
}

export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly status: OrderStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly items: ReadonlyArray<OrderLineView>;
  readonly total: Money;
}

export interface OrderSummary {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly lines: number;
  readonly total: Money;
  readonly createdAt: string;
}

export interface OrderFilter {
  readonly customerId?: string;
  readonly status?: OrderStatus;
  readonly page: number;
  readonly pageSize: number;
}

export interface PriceView {
  readonly sku: string;
  readonly price: UnitPrice;
  readonly updatedAt: string;
}

/** The read side of orders and prices: plain queries, no aggregate loaded. */
export interface OrdersQueries {
  order(id: OrderId): Promise<O.Option<OrderView>>;
  orders(filter: OrderFilter): Promise<{ items: ReadonlyArray<OrderSummary>; total: number }>;
  price(sku: Sku): Promise<O.Option<PriceView>>;
  /** The catalogue by SKU, or only the SKUs that start with `skuStartsWith` (any case). */
  prices(page: {
    page: number;
    pageSize: number;
    skuStartsWith?: string;
  }): Promise<{ items: ReadonlyArray<PriceView>; total: number }>;
}

export const ORDERS_QUERIES = Symbol('OrdersQueries');
