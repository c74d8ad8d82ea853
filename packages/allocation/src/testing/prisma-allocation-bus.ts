import {
  defaultRetryPolicy,
  type PrismaService,
  PrismaUnitOfWork,
  type RetryPolicy,
  StatementUnitOfWork,
} from '@allocation/platform';
import { AllocationBatcher, defaultBatcherOptions } from '../application/allocation-batcher';
import { ProductLocks } from '../application/product-locks';
import { allocationBus } from '../allocation.module';
import { BatchDirectory } from '../infrastructure/batch-directory';
import { PooledProductStore } from '../infrastructure/pooled-product-store';
import type { AllocationBus } from '../application/allocation-bus';
import {
  prismaAllocationTransaction,
  statementAllocationTransaction,
  type AllocationTransactionOptions,
} from '../infrastructure/prisma-allocation-transaction';

export interface TestBusOptions extends AllocationTransactionOptions {
  readonly retry?: RetryPolicy;
  /** Run the commands that need no transaction in a `StatementUnitOfWork`, as the module does. */
  readonly statements?: boolean;
}

/** The allocation bus as the module composes it, on a given database, for tests and benchmarks. */
export const prismaAllocationBus = (
  prisma: PrismaService,
  options: TestBusOptions = {},
): AllocationBus => {
  const retry = options.retry === undefined ? {} : { retry: options.retry };
  if (options.statements !== true) {
    return allocationBus(new PrismaUnitOfWork(prisma, prismaAllocationTransaction(options), retry));
  }
  // As the module composes them: one process's holds and hints shared by both ways of writing, and one
  // attempt without a transaction before the one with it.
  const shared = {
    holds: options.holds ?? new ProductLocks(),
    batches: options.batches ?? new BatchDirectory(),
  };
  return allocationBus(
    new PrismaUnitOfWork(prisma, prismaAllocationTransaction({ ...options, ...shared }), retry),
    new StatementUnitOfWork(statementAllocationTransaction(prisma, shared), {
      retry: { ...(options.retry ?? defaultRetryPolicy), maxAttempts: 1 },
    }),
  );
};

/**
 * The bus and the group commit over it as the module composes them: one process's holds and
 * batch hints shared by both, for benchmarks that drive the group commit without HTTP.
 */
export const prismaGroupCommit = (prisma: PrismaService) => {
  const holds = new ProductLocks();
  const batches = new BatchDirectory();
  const bus = prismaAllocationBus(prisma, { statements: true, holds, batches });
  const batcher = new AllocationBatcher(
    new PooledProductStore(prisma.sql),
    bus,
    defaultBatcherOptions,
    () => undefined,
    {},
    holds,
    (reference) => batches.skuOf(reference),
  );
  return { bus, batcher };
};
