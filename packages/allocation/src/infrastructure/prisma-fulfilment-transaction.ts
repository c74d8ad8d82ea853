import type { DomainEvent } from '@allocation/allocation-domain';
import type { Prisma } from '@allocation/platform';
import { PrismaProductRepository } from './prisma-product.repository';
import type { FulfilmentTransaction } from '../ports/fulfilment-transaction';
import { PrismaPickListRepository } from './prisma-pick-list.repository';

class PrismaFulfilmentTransaction implements FulfilmentTransaction {
  // Products are locked as they load, as allocation does: writers queue rather than retry.
  readonly products: PrismaProductRepository;
  readonly pickLists: PrismaPickListRepository;
  private readonly recorded: DomainEvent[] = [];

  constructor(tx: Prisma.TransactionClient) {
    this.products = new PrismaProductRepository(tx, { lockOnRead: true });
    this.pickLists = new PrismaPickListRepository(tx);
  }

  get events(): ReadonlyArray<DomainEvent> {
    return this.recorded;
  }

  record(events: ReadonlyArray<DomainEvent>): void {
    this.recorded.push(...events);
  }
}

/** Binds the fulfilment repositories to one transaction, for `PrismaUnitOfWork`. */
export const prismaFulfilmentTransaction = (tx: Prisma.TransactionClient): FulfilmentTransaction =>
  new PrismaFulfilmentTransaction(tx);
