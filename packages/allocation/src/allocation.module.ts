import { Module } from '@nestjs/common';
import {
  APP_CONFIG,
  type AppConfig,
  MessageBus,
  Metrics,
  OutboxSignal,
  PrismaService,
  PrismaUnitOfWork,
  preferringStatements,
  StatementUnitOfWork,
  firstAttemptReports,
  unitOfWorkReports,
} from '@allocation/platform';
import type { AllocationError, Command, DomainEvent } from '@allocation/allocation-domain';
import {
  ALLOCATION_BUS,
  type AllocationBus,
  type AllocationFailure,
  type AllocationCommandHandlers,
  type AllocationEventHandlers,
  type AllocationResults,
} from './application/allocation-bus';
import { AllocationWorkers } from './allocation-workers';
import {
  allocate,
  changeBatchQuantity,
  createBatch,
  deallocate,
  removeBatch,
} from './application/product.handlers';
import { AllocationBatcher, outcomeLabel } from './application/allocation-batcher';
import { ProductLocks } from './application/product-locks';
import { ProductLocksModule } from './product-locks.module';
import { AllocationsController } from './http/allocations.controller';
import { BatchesController } from './http/batches.controller';
import { CompatController } from './http/compat.controller';
import { ProductsController } from './http/products.controller';
import {
  prismaAllocationTransaction,
  statementAllocationTransaction,
} from './infrastructure/prisma-allocation-transaction';
import { BatchDirectory } from './infrastructure/batch-directory';
import { PrismaAllocationQueries } from './infrastructure/prisma-allocation.queries';
import { PooledProductStore } from './infrastructure/pooled-product-store';
import {
  ALLOCATION_UNIT_OF_WORK,
  type AllocationTransaction,
  type AllocationUnitOfWork,
} from './ports/allocation-transaction';
import { ALLOCATION_QUERIES } from './ports/allocation.queries';

/** Each command to its one handler. */
export const allocationCommandHandlers: AllocationCommandHandlers = {
  CreateBatch: createBatch,
  Allocate: allocate,
  Deallocate: deallocate,
  ChangeBatchQuantity: changeBatchQuantity,
  RemoveBatch: removeBatch,
};

/**
 * Each event to the handlers that react to it, in order, inside the same unit of work. None
 * needs one: the product write keeps the read model beside the rows it writes.
 */
export const allocationEventHandlers: AllocationEventHandlers = {};

/** A refused allocation still tells the world the SKU ran out: its event commits on its own. */
export const keptOnFailure = (failure: AllocationFailure): ReadonlyArray<DomainEvent> =>
  failure._tag === 'OutOfStock' ? failure.events : [];

/**
 * Commands whose every write is the product store's one checked statement (no batch removed,
 * no new batch whose reference another product may hold): they can run without a transaction.
 */
const STATEMENT_COMMANDS: ReadonlySet<Command['_tag']> = new Set([
  'Allocate',
  'Deallocate',
  'ChangeBatchQuantity',
]);

/**
 * The allocation bus on any unit of work: Prisma's here, the in-memory one in tests. With
 * `statements` (a `StatementUnitOfWork`, which should give up at its first lost claim), the
 * commands that need no transaction run there first.
 */
export const allocationBus = (
  unitOfWork: AllocationUnitOfWork,
  statements?: AllocationUnitOfWork,
): AllocationBus => {
  const busOn = (unit: AllocationUnitOfWork) =>
    new MessageBus<Command, AllocationResults, DomainEvent, AllocationTransaction, AllocationError>(
      unit,
      allocationCommandHandlers,
      allocationEventHandlers,
      keptOnFailure,
    );
  const transactional = busOn(unitOfWork);
  if (statements === undefined) return transactional;
  return preferringStatements(transactional, busOn(statements), STATEMENT_COMMANDS);
};

/** Binds the allocation ports to their Prisma adapters; handlers only ever see the ports. */
@Module({
  imports: [ProductLocksModule],
  controllers: [BatchesController, AllocationsController, ProductsController, CompatController],
  exports: [ALLOCATION_QUERIES],
  providers: [
    // One per process: the units of work share its hints of where each batch is.
    { provide: BatchDirectory, useFactory: () => new BatchDirectory() },
    {
      provide: ALLOCATION_UNIT_OF_WORK,
      useFactory: (
        prisma: PrismaService,
        signal: OutboxSignal,
        metrics: Metrics,
        locks: ProductLocks,
        batches: BatchDirectory,
      ) =>
        new PrismaUnitOfWork(
          prisma,
          prismaAllocationTransaction({ holds: locks, batches }),
          unitOfWorkReports(signal, metrics, 'allocation'),
        ),
      inject: [PrismaService, OutboxSignal, Metrics, ProductLocks, BatchDirectory],
    },
    {
      provide: ALLOCATION_QUERIES,
      useFactory: (prisma: PrismaService) => new PrismaAllocationQueries(prisma.client),
      inject: [PrismaService],
    },
    {
      provide: ALLOCATION_BUS,
      useFactory: (
        unitOfWork: AllocationUnitOfWork,
        prisma: PrismaService,
        signal: OutboxSignal,
        metrics: Metrics,
        locks: ProductLocks,
        batches: BatchDirectory,
      ) =>
        allocationBus(
          unitOfWork,
          new StatementUnitOfWork(
            statementAllocationTransaction(prisma, { holds: locks, batches }),
            firstAttemptReports(signal, metrics, 'allocation'),
          ),
        ),
      inject: [
        ALLOCATION_UNIT_OF_WORK,
        PrismaService,
        OutboxSignal,
        Metrics,
        ProductLocks,
        BatchDirectory,
      ],
    },
    {
      provide: AllocationBatcher,
      useFactory: (
        prisma: PrismaService,
        signal: OutboxSignal,
        bus: AllocationBus,
        config: AppConfig,
        metrics: Metrics,
        locks: ProductLocks,
        batches: BatchDirectory,
      ) =>
        new AllocationBatcher(
          new PooledProductStore(prisma.sql, {
            onLoad: (source) => metrics.batchLoads.inc({ source }),
          }),
          bus,
          config.allocationBatch,
          (types) => signal.notify(types),
          {
            decided: (outcome) => metrics.allocations.inc({ outcome: outcomeLabel(outcome) }),
            fellBack: () => metrics.batchFallbacks.inc(),
            retried: () => metrics.batchRetries.inc(),
            committed: (seconds) => metrics.batchSeconds.observe(seconds),
          },
          locks,
          (reference) => batches.skuOf(reference),
        ),
      inject: [
        PrismaService,
        OutboxSignal,
        ALLOCATION_BUS,
        APP_CONFIG,
        Metrics,
        ProductLocks,
        BatchDirectory,
      ],
    },
    AllocationWorkers,
  ],
})
export class AllocationModule {}
