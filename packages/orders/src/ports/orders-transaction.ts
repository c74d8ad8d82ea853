import type { OrderEvent } from '@allocation/orders-domain';
import type { RecordsEvents, UnitOfWork } from '@allocation/platform';
import type { OrderRepository } from './order.repository';
import type { PriceCatalogue } from './price-catalogue';
import type { ShipmentLog } from './shipment-log';

/** What one attempt of an orders unit of work sees: repositories on its transaction. */
export interface OrdersTransaction extends RecordsEvents<OrderEvent> {
  readonly orders: OrderRepository;
  readonly prices: PriceCatalogue;
  readonly shipments: ShipmentLog;
}

export type OrdersUnitOfWork = UnitOfWork<OrdersTransaction>;

export const ORDERS_UNIT_OF_WORK = Symbol('OrdersUnitOfWork');
