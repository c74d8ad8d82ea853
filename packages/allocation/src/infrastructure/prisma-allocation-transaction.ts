import type { DomainEvent } from '@allocation/allocation-domain';
import type { Prisma, PrismaService } from '@allocation/platform';
import type { AllocationTransaction } from '../ports/allocation-transaction';
import type { ProductHolds } from '../ports/product-store';
import type { BatchDirectory } from './batch-directory';
import { PrismaProductRepository } from './prisma-product.repository';

class PrismaAllocationTransaction implements AllocationTransaction {
  readonly products: PrismaProductRepository;
  private readonly recorded: DomainEvent[] = [];

  constructor(tx: Prisma.TransactionClient, options: AllocationTransactionOptions) {
    this.products = new PrismaProductRepository(tx, {
      ...options,
      lockOnRead: options.lockOnRead ?? true,
    });
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

export interface AllocationTransactionOptions {
  /**
   * Lock each product as it is loaded (the default). Off, concurrent writers rely on the
   * version check alone and retry; tests turn it off to force that path.
   */
  readonly lockOnRead?: boolean;
  /** This process's holds on products, shared with the group commit (`ProductLocks`). */
  readonly holds?: ProductHolds;
  /** This process's hints of which product holds a batch (`BatchDirectory`). */
  readonly batches?: BatchDirectory;
}

/** Binds the allocation repositories to one transaction, for `PrismaUnitOfWork`. */
export const prismaAllocationTransaction =
  (options: AllocationTransactionOptions = {}) =>
  (tx: Prisma.TransactionClient): AllocationTransaction =>
    new PrismaAllocationTransaction(tx, options);

/**
 * Allocation's repositories outside any transaction, for `StatementUnitOfWork`: reads on the
 * client and the pool, this process's holds instead of row locks, and every change written by
 * `flush` in the product store's one checked statement, with the events.
 */
class StatementAllocationTransaction implements AllocationTransaction {
  readonly products: PrismaProductRepository;
  private readonly recorded: DomainEvent[] = [];

  constructor(prisma: PrismaService, options: Omit<AllocationTransactionOptions, 'lockOnRead'>) {
    this.products = new PrismaProductRepository(prisma.client, {
      ...options,
      lockOnRead: false,
      pool: prisma.sql,
    });
  }

  get events(): ReadonlyArray<DomainEvent> {
    return this.recorded;
  }

  record(events: ReadonlyArray<DomainEvent>): void {
    this.recorded.push(...events);
  }

  flush(): Promise<void> {
    return this.products.flush(this.recorded);
  }

  ended(): void {
    this.products.releaseHolds();
  }
}

/** A fresh statement context for each attempt of a `StatementUnitOfWork`. */
export const statementAllocationTransaction =
  (prisma: PrismaService, options: Omit<AllocationTransactionOptions, 'lockOnRead'> = {}) =>
  (): StatementAllocationTransaction =>
    new StatementAllocationTransaction(prisma, options);
