import { Inject, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  APP_CONFIG,
  type AppConfig,
  ConsumerLoop,
  defaultConsumerLoopOptions,
  LogNotifier,
  OPEN_DATABASE,
  type OpenDatabase,
  OUTBOX_CONSUMERS,
  type OutboxConsumers,
  OutboxSignal,
  SmtpNotifier,
} from '@allocation/platform';
import { ALLOCATION_BUS, type AllocationBus } from './application/allocation-bus';
import { AllocationBatcher } from './application/allocation-batcher';
import { outOfStockNotifier } from './consumers/out-of-stock.notifier';
import { placedOrdersConsumer } from './consumers/placed-orders.consumer';
import {
  CHANGE_BATCH_QUANTITY_CHANNEL,
  changeBatchQuantityHandler,
} from './redis/change-batch-quantity.subscriber';
import { defaultInboundOptions, InboundCommands, soleLeadership } from './redis/inbound-commands';
import { ioredisInbound } from './redis/ioredis-inbound';
import { PostgresLeadership } from './redis/postgres-leadership';

/**
 * Allocation's own readers and listeners for the life of the app: out-of-stock notices, placed
 * orders to allocate, and Redis commands when `REDIS_URL` is set (executed by one instance at a
 * time).
 */
export class AllocationWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private notices: { loop: ConsumerLoop; close(): void } | undefined;
  private placedOrders: ConsumerLoop | undefined;
  private inbound: InboundCommands | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ALLOCATION_BUS) private readonly bus: AllocationBus,
    private readonly batcher: AllocationBatcher,
    @Inject(OUTBOX_CONSUMERS) private readonly consumers: OutboxConsumers,
    private readonly signal: OutboxSignal,
    @Inject(OPEN_DATABASE) private readonly database: OpenDatabase,
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
      placedOrdersConsumer(this.bus, handoff, (command) => this.batcher.submit(command)),
      this.signal,
      handoff,
      { ...defaultConsumerLoopOptions, batchSize: 50 },
    );
    this.placedOrders.start();

    if (this.config.redisUrl !== null) {
      const log = new Logger('RedisCommands');
      // Every instance listens; one at a time executes (see InboundCommands).
      this.inbound = new InboundCommands(
        ioredisInbound(this.config.redisUrl, log),
        this.database.embedded
          ? soleLeadership()
          : new PostgresLeadership(this.database.url, CHANGE_BATCH_QUANTITY_CHANNEL),
        changeBatchQuantityHandler(this.bus, log),
        log,
        defaultInboundOptions(CHANGE_BATCH_QUANTITY_CHANNEL),
      );
      this.inbound.start();
    }
  }

  /** Whether this instance is the one executing Redis commands now. */
  get takesRedisCommands(): boolean {
    return this.inbound?.isLeading ?? false;
  }

  async onModuleDestroy(): Promise<void> {
    // First: a successor takes over from the handover mark while this one can still execute.
    await this.inbound?.stop();
    await this.placedOrders?.stop();
    await this.notices?.loop.stop();
    this.notices?.close();
  }
}
