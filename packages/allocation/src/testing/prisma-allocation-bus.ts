import { type PrismaService, PrismaUnitOfWork, type RetryPolicy } from '@allocation/platform';
import { allocationBus } from '../allocation.module';
import type { AllocationBus } from '../application/allocation-bus';
import {
  prismaAllocationTransaction,
  type AllocationTransactionOptions,
} from '../infrastructure/prisma-allocation-transaction';

/** The allocation bus as the module composes it, on a given database, for tests and benchmarks. */
export const prismaAllocationBus = (
  prisma: PrismaService,
  options: AllocationTransactionOptions & { readonly retry?: RetryPolicy } = {},
): AllocationBus =>
  allocationBus(
    new PrismaUnitOfWork(
      prisma,
      prismaAllocationTransaction(options),
      options.retry === undefined ? {} : { retry: options.retry },
    ),
  );
