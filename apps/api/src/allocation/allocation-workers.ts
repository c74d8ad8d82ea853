import { Inject, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OutboxSignal } from '../application/outbox-signal';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ConsumerLoop, defaultConsumerLoopOptions } from '../events/application/consumer-loop';
import { OUTBOX_CONSUMERS, type OutboxConsumers } from '../events/ports/outbox-consumers';
import { LogNotifier, SmtpNotifier } from '../infrastructure/mail/smtp-notifier';
import { connectRedis } from '../infrastructure/redis/redis-connection';
import { ALLOCATION_BUS, type AllocationBus } from './application/allocation-bus';
import { AllocationBatcher } from './application/allocation-batcher';
import { outOfStockNotifier } from './notifications/out-of-stock.notifier';
import { placedOrdersConsumer } from './orders/placed-orders.consumer';
import {
  CHANGE_BATCH_QUANTITY_CHANNEL,
  changeBatchQuantityHandler,
} from './redis/change-batch-quantity.subscriber';

/**
 * Allocation's own readers and listeners for the life of the app: out-of-stock notices, placed
 * orders to allocate, and Redis commands when `REDIS_URL` is set.
 */
export class AllocationWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private notices: { loop: ConsumerLoop; close(): void } | undefined;
  private placedOrders: ConsumerLoop | undefined;
  private subscriber: Redis | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ALLOCATION_BUS) private readonly bus: AllocationBus,
    private readonly batcher: AllocationBatcher,
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
      placedOrdersConsumer(this.bus, handoff, (command) => this.batcher.submit(command)),
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
