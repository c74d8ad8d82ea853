import { Inject, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  ConsumerLoop,
  defaultConsumerLoopOptions,
  OUTBOX_CONSUMERS,
  type OutboxConsumers,
  OutboxSignal,
} from '@allocation/platform';
import { ORDERS_BUS, type OrdersBus } from './application/orders-bus';
import { shippedOrdersConsumer } from './consumers/shipped-orders.consumer';

/** Orders' reader of the outbox for the life of the app: shipments from confirmed pick lists. */
export class OrdersWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private shipments: ConsumerLoop | undefined;

  constructor(
    @Inject(ORDERS_BUS) private readonly bus: OrdersBus,
    @Inject(OUTBOX_CONSUMERS) private readonly consumers: OutboxConsumers,
    private readonly signal: OutboxSignal,
  ) {}

  onApplicationBootstrap(): void {
    const log = new Logger('Shipments');
    this.shipments = new ConsumerLoop(
      this.consumers,
      shippedOrdersConsumer(this.bus, log),
      this.signal,
      log,
      { ...defaultConsumerLoopOptions, batchSize: 50 },
    );
    this.shipments.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.shipments?.stop();
  }
}
