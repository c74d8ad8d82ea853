import type { OrderEvent } from '@allocation/orders-domain';
import type { Prisma } from '@allocation/platform';
import type { OrdersTransaction } from '../ports/orders-transaction';
import { PrismaOrderRepository } from './prisma-order.repository';
import { PrismaPriceCatalogue } from './prisma-price-catalogue';
import { PrismaShipmentLog } from './prisma-shipment-log';

class PrismaOrdersTransaction implements OrdersTransaction {
  readonly orders: PrismaOrderRepository;
  readonly prices: PrismaPriceCatalogue;
  readonly shipments: PrismaShipmentLog;
  private readonly recorded: OrderEvent[] = [];

  constructor(tx: Prisma.TransactionClient) {
    this.orders = new PrismaOrderRepository(tx);
    this.prices = new PrismaPriceCatalogue(tx);
    this.shipments = new PrismaShipmentLog(tx);
  }

  get events(): ReadonlyArray<OrderEvent> {
    return this.recorded;
  }

  record(events: ReadonlyArray<OrderEvent>): void {
    this.recorded.push(...events);
  }
}

/** Binds the orders repositories to one transaction, for `PrismaUnitOfWork`. */
export const prismaOrdersTransaction = (tx: Prisma.TransactionClient): OrdersTransaction =>
  new PrismaOrdersTransaction(tx);
