import type { OrderEvent } from '@allocation/orders-domain';
import type { Prisma, PrismaService } from '@allocation/platform';
import type { OrdersTransaction } from '../ports/orders-transaction';
import { PrismaOrderRepository } from './prisma-order.repository';
import { PrismaPriceCatalogue } from './prisma-price-catalogue';
import { PriceMemory } from './price-memory';
import { PrismaShipmentLog } from './prisma-shipment-log';

class PrismaOrdersTransaction implements OrdersTransaction {
  readonly orders: PrismaOrderRepository;
  readonly prices: PrismaPriceCatalogue;
  readonly shipments: PrismaShipmentLog;
  private readonly recorded: OrderEvent[] = [];

  constructor(tx: Prisma.TransactionClient, memory?: PriceMemory) {
    this.orders = new PrismaOrderRepository(tx);
    this.prices = new PrismaPriceCatalogue(tx, memory);
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

/** The same, keeping this process's `PriceMemory` up to date with what it reads and sets. */
export const rememberingOrdersTransaction =
  (memory: PriceMemory) =>
  (tx: Prisma.TransactionClient): OrdersTransaction =>
    new PrismaOrdersTransaction(tx, memory);

/**
 * Orders' repositories outside any transaction, for `StatementUnitOfWork`: reads on the client
 * (prices from this process's memory when it has them all), and the one order a command changes
 * written by `flush`, with the events, in one statement that checks the remembered prices.
 */
class StatementOrdersTransaction implements OrdersTransaction {
  readonly orders: PrismaOrderRepository;
  readonly prices: PrismaPriceCatalogue;
  readonly shipments: PrismaShipmentLog;
  private readonly recorded: OrderEvent[] = [];

  constructor(
    prisma: PrismaService,
    private readonly memory: PriceMemory,
  ) {
    this.orders = new PrismaOrderRepository(prisma.client, prisma.sql);
    this.prices = new PrismaPriceCatalogue(prisma.client, memory, true);
    this.shipments = new PrismaShipmentLog(prisma.client);
  }

  get events(): ReadonlyArray<OrderEvent> {
    return this.recorded;
  }

  record(events: ReadonlyArray<OrderEvent>): void {
    this.recorded.push(...events);
  }

  async flush(): Promise<void> {
    try {
      await this.orders.flush(this.recorded, this.prices.assumed);
    } catch (error) {
      // One of them may have moved: the next change reads them.
      this.memory.forget(this.prices.assumed.map((a) => a.sku));
      throw error;
    }
  }
}

/**
 * A fresh statement context for each attempt of a `StatementUnitOfWork`, pricing from `memory`
 * (one per process, shared with its transactions' contexts).
 */
export const statementOrdersTransaction =
  (prisma: PrismaService, memory: PriceMemory = new PriceMemory()) =>
  (): StatementOrdersTransaction =>
    new StatementOrdersTransaction(prisma, memory);
