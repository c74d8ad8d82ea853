import type { DomainEvent } from '@allocation/allocation-domain';
import type { Prisma } from '@allocation/platform';
import { PrismaProductRepository } from './prisma-product.repository';
import type { FulfilmentTransaction } from '../ports/fulfilment-transaction';
import type { ProductHolds } from '../ports/product-store';
import { PrismaPickListRepository } from './prisma-pick-list.repository';

class PrismaFulfilmentTransaction implements FulfilmentTransaction {
  // Products are locked as they load, as allocation does: writers queue rather than retry.
  readonly products: PrismaProductRepository;
  readonly pickLists: PrismaPickListRepository;
  private readonly recorded: DomainEvent[] = [];

  constructor(tx: Prisma.TransactionClient, holds: ProductHolds | undefined) {
    this.products = new PrismaProductRepository(tx, {
      lockOnRead: true,
      ...(holds === undefined ? {} : { holds }),
    });
    this.pickLists = new PrismaPickListRepository(tx);
  }

  /** The transaction has ended: this process's holds on its products go. */
  ended(): void {
    this.products.releaseHolds();
  }

  get events(): ReadonlyArray<DomainEvent> {
    return this.recorded;
  }

  record(events: ReadonlyArray<DomainEvent>): void {
    this.recorded.push(...events);
  }
}

/**
 * Binds the fulfilment repositories to one transaction, for `PrismaUnitOfWork`; `holds` are this
 * process's holds on products, shared with the group commit (`ProductLocks`).
 */
export const prismaFulfilmentTransaction =
  (holds?: ProductHolds) =>
  (tx: Prisma.TransactionClient): FulfilmentTransaction =>
    new PrismaFulfilmentTransaction(tx, holds);
