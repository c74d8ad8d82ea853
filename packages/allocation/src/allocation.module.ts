import { Module } from '@nestjs/common';
import {
  APP_CONFIG,
  type AppConfig,
  MessageBus,
  Metrics,
  OutboxSignal,
  PrismaService,
  PrismaUnitOfWork,
} from '@allocation/platform';
import type { DomainEvent } from '@allocation/allocation-domain';
import {
  ALLOCATION_BUS,
  type AllocationBus,
  type AllocationFailure,
  type AllocationCommandHandlers,
  type AllocationEventHandlers,
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
import { prismaAllocationTransaction } from './infrastructure/prisma-allocation-transaction';
import { PrismaAllocationQueries } from './infrastructure/prisma-allocation.queries';
import { PooledProductStore } from './infrastructure/pooled-product-store';
import { ALLOCATION_UNIT_OF_WORK, type AllocationUnitOfWork } from './ports/allocation-transaction';
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

/** The allocation bus on any unit of work: Prisma's here, the in-memory one in tests. */
export const allocationBus = (unitOfWork: AllocationUnitOfWork): AllocationBus =>
  new MessageBus(unitOfWork, allocationCommandHandlers, allocationEventHandlers, keptOnFailure);

/** Binds the allocation ports to their Prisma adapters; handlers only ever see the ports. */
@Module({
  imports: [ProductLocksModule],
  controllers: [BatchesController, AllocationsController, ProductsController, CompatController],
  exports: [ALLOCATION_QUERIES],
  providers: [
    {
      provide: ALLOCATION_UNIT_OF_WORK,
      useFactory: (
        prisma: PrismaService,
        signal: OutboxSignal,
        metrics: Metrics,
        locks: ProductLocks,
      ) =>
        new PrismaUnitOfWork(prisma, prismaAllocationTransaction({ holds: locks }), {
          onEventsCommitted: () => signal.notify(),
          onRetry: () => metrics.unitOfWorkRetries.inc({ context: 'allocation' }),
          onExhausted: () => metrics.unitOfWorkExhausted.inc({ context: 'allocation' }),
        }),
      inject: [PrismaService, OutboxSignal, Metrics, ProductLocks],
    },
    {
      provide: ALLOCATION_QUERIES,
      useFactory: (prisma: PrismaService) => new PrismaAllocationQueries(prisma.client),
      inject: [PrismaService],
    },
    {
      provide: ALLOCATION_BUS,
      useFactory: allocationBus,
      inject: [ALLOCATION_UNIT_OF_WORK],
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
      ) =>
        new AllocationBatcher(
          new PooledProductStore(prisma.sql),
          bus,
          config.allocationBatch,
          () => signal.notify(),
          {
            decided: (outcome) => metrics.allocations.inc({ outcome: outcomeLabel(outcome) }),
            fellBack: () => metrics.batchFallbacks.inc(),
          },
          locks,
        ),
      inject: [PrismaService, OutboxSignal, ALLOCATION_BUS, APP_CONFIG, Metrics, ProductLocks],
    },
    AllocationWorkers,
  ],
})
export class AllocationModule {}
