import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { MessageBus } from '../application/message-bus';
import { OutboxSignal } from '../application/outbox-signal';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ConsumerLoop, defaultConsumerLoopOptions } from '../events/application/consumer-loop';
import { OUTBOX_CONSUMERS, type OutboxConsumers } from '../events/ports/outbox-consumers';
import { LogNotifier, SmtpNotifier } from '../infrastructure/mail/smtp-notifier';
import { connectRedis } from '../infrastructure/redis/redis-connection';
import { PrismaService } from '../infrastructure/database/prisma.service';
import { PrismaUnitOfWork } from '../infrastructure/database/prisma-unit-of-work';
import { addToReadModel } from './application/add-to-read-model.handler';
import { allocate } from './application/allocate.handler';
import type { DomainEvent } from '@allocation/allocation-domain';
import {
  ALLOCATION_BUS,
  type AllocationBus,
  type AllocationFailure,
  type AllocationCommandHandlers,
  type AllocationEventHandlers,
} from './application/allocation-bus';
import { changeBatchQuantity } from './application/change-batch-quantity.handler';
import { createBatch } from './application/create-batch.handler';
import { deallocate } from './application/deallocate.handler';
import { reallocate } from './application/reallocate.handler';
import { removeBatch } from './application/remove-batch.handler';
import { removeFromReadModel } from './application/remove-from-read-model.handler';
import { AllocationsController } from './http/allocations.controller';
import { BatchesController } from './http/batches.controller';
import { CompatController } from './http/compat.controller';
import { ProductsController } from './http/products.controller';
import { prismaAllocationTransaction } from './infrastructure/prisma-allocation-transaction';
import { PrismaAllocationQueries } from './infrastructure/prisma-allocation.queries';
import { ALLOCATION_UNIT_OF_WORK, type AllocationUnitOfWork } from './ports/allocation-transaction';
import { ALLOCATION_QUERIES } from './ports/allocation.queries';
import { outOfStockNotifier } from './notifications/out-of-stock.notifier';
import { placedOrdersConsumer } from './orders/placed-orders.consumer';
import {
  CHANGE_BATCH_QUANTITY_CHANNEL,
  changeBatchQuantityHandler,
} from './redis/change-batch-quantity.subscriber';

/** Each command to its one handler. */
export const allocationCommandHandlers: AllocationCommandHandlers = {
  CreateBatch: createBatch,
  Allocate: allocate,
  Deallocate: deallocate,
  ChangeBatchQuantity: changeBatchQuantity,
  RemoveBatch: removeBatch,
};

/** Each event to the handlers that react to it, in order, inside the same unit of work. */
export const allocationEventHandlers: AllocationEventHandlers = {
  Allocated: [addToReadModel],
  Deallocated: [removeFromReadModel, reallocate],
};

/** A refused allocation still tells the world the SKU ran out: its event commits on its own. */
const keptOnFailure = (failure: AllocationFailure): ReadonlyArray<DomainEvent> =>
  failure._tag === 'OutOfStock' ? failure.events : [];

/** The allocation bus on any unit of work: Prisma's here, the in-memory one in tests. */
export const allocationBus = (unitOfWork: AllocationUnitOfWork): AllocationBus =>
  new MessageBus(unitOfWork, allocationCommandHandlers, allocationEventHandlers, keptOnFailure);

/** Allocation's own readers and listeners: out-of-stock notices, and Redis commands when set. */
class AllocationWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private notices: { loop: ConsumerLoop; close(): void } | undefined;
  private placedOrders: ConsumerLoop | undefined;
  private subscriber: Redis | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ALLOCATION_BUS) private readonly bus: AllocationBus,
    @Inject(OUTBOX_CONSUMERS) private readonly consumers: OutboxConsumers,
    private readonly signal: OutboxSignal,
  ) {}

  onApplicationBootstrap(): void {
    const logger = new Logger('OutOfStock');
    const { mail } = this.config.events;
    const smtp = mail === null ? undefined : new SmtpNotifier(mail);
    const notifier = outOfStockNotifier(smtp ?? new LogNotifier(logger));
    // Mail can wait a second; one turn a second keeps the reader's cost off busy allocations.
    const loop = new ConsumerLoop(this.consumers, notifier, this.signal, logger, {
      ...defaultConsumerLoopOptions,
      minGapMs: 1_000,
      pollMs: 2_000,
    });
    loop.start();
    this.notices = { loop, close: () => smtp?.close() };

    const handoff = new Logger('PlacedOrders');
    this.placedOrders = new ConsumerLoop(
      this.consumers,
      placedOrdersConsumer(this.bus, handoff),
      this.signal,
      handoff,
      { ...defaultConsumerLoopOptions, batchSize: 50 },
    );
    this.placedOrders.start();

    if (this.config.redisUrl !== null) {
      const log = new Logger('RedisCommands');
      const handle = changeBatchQuantityHandler(this.bus, log);
      const redis = connectRedis(this.config.redisUrl, 'commands', log, { queueWhileDown: true });
      redis.on('message', (channel: string, message: string) => {
        if (channel === CHANGE_BATCH_QUANTITY_CHANNEL) void handle(message);
      });
      void redis.subscribe(CHANGE_BATCH_QUANTITY_CHANNEL).catch((error: unknown) => {
        log.error(`Subscribing to ${CHANGE_BATCH_QUANTITY_CHANNEL} failed: ${String(error)}`);
      });
      this.subscriber = redis;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber?.disconnect();
    await this.placedOrders?.stop();
    await this.notices?.loop.stop();
    this.notices?.close();
  }
}

/** Binds the allocation ports to their Prisma adapters; handlers only ever see the ports. */
@Module({
  controllers: [BatchesController, AllocationsController, ProductsController, CompatController],
  providers: [
    {
      provide: ALLOCATION_UNIT_OF_WORK,
      useFactory: (prisma: PrismaService, signal: OutboxSignal) =>
        new PrismaUnitOfWork(prisma, prismaAllocationTransaction(), {
          onEventsCommitted: () => signal.notify(),
        }),
      inject: [PrismaService, OutboxSignal],
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
    AllocationWorkers,
  ],
})
export class AllocationModule {}
