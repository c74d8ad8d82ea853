import type { OrderEvent } from '@allocation/orders-domain';
import type { Prisma, PrismaService } from '@allocation/platform';
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

/**
 * Orders' repositories outside any transaction, for `StatementUnitOfWork`: reads on the client,
 * and the one order a command changes written by `flush`, with the events, in one statement.
 */
class StatementOrdersTransaction implements OrdersTransaction {
  readonly orders: PrismaOrderRepository;
  readonly prices: PrismaPriceCatalogue;
  readonly shipments: PrismaShipmentLog;
  private readonly recorded: OrderEvent[] = [];

  constructor(prisma: PrismaService) {
    this.orders = new PrismaOrderRepository(prisma.client, prisma.sql);
    this.prices = new PrismaPriceCatalogue(prisma.client);
    this.shipments = new PrismaShipmentLog(prisma.client);
  }

  get events(): ReadonlyArray<OrderEvent> {
    return this.recorded;
  }

  record(events: ReadonlyArray<OrderEvent>): void {
    this.recorded.push(...events);
  }

  flush(): Promise<void> {
    return this.orders.flush(this.recorded);
  }
}

/** A fresh statement context for each attempt of a `StatementUnitOfWork`. */
export const statementOrdersTransaction =
  (prisma: PrismaService) => (): StatementOrdersTransaction =>
    new StatementOrdersTransaction(prisma);
