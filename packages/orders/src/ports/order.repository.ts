import type * as O from 'fp-ts/Option';
import type { Order, OrderId } from '@allocation/orders-domain';

/** Orders inside a unit of work: loading locks the order until the transaction ends. */
export interface OrderRepository {
  get(id: OrderId): Promise<O.Option<Order>>;
  /** Stores a new order; false when the id was taken meanwhile. */
  add(order: Order): Promise<boolean>;
  /** Stores a changed order; a version that moved meanwhile throws `ConcurrencyConflict`. */
  save(order: Order): Promise<void>;
}
