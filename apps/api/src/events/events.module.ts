import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OutboxSignal } from '../application/outbox-signal';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PrismaService } from '../infrastructure/database/prisma.service';
import { connectRedis } from '../infrastructure/redis/redis-connection';
import { ConsumerLoop } from './application/consumer-loop';
import { LiveFeed } from './application/live-feed';
import { EventsController } from './http/events.controller';
import { IoRedisPublisher } from './infrastructure/ioredis-publisher';
import { PrismaEventFeed } from './infrastructure/prisma-event-feed';
import { PrismaOutboxConsumers } from './infrastructure/prisma-outbox-consumers';
import { pruneOutbox } from './infrastructure/prisma-outbox-retention';
import { EVENT_FEED } from './ports/event-feed';
import { OUTBOX_CONSUMERS, type OutboxConsumers } from './ports/outbox-consumers';
import { redisRelay, type RedisChannels } from './relay/redis-relay';

const REDIS_CHANNELS = Symbol('RedisChannels');
const HOUR_MS = 60 * 60 * 1_000;

/** The relay to Redis (when configured) and the outbox's retention, for the life of the app. */
class EventWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Events');
  private relay: { loop: ConsumerLoop; redis: Redis } | undefined;
  private retention: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OUTBOX_CONSUMERS) private readonly consumers: OutboxConsumers,
    @Inject(REDIS_CHANNELS) private readonly channels: RedisChannels,
    private readonly signal: OutboxSignal,
    private readonly prisma: PrismaService,
    private readonly live: LiveFeed,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.redisUrl !== null) {
      const logger = new Logger('RedisRelay');
      const redis = connectRedis(this.config.redisUrl, 'relay', logger);
      const relay = redisRelay(new IoRedisPublisher(redis), this.channels);
      const loop = new ConsumerLoop(this.consumers, relay, this.signal, logger);
      loop.start();
      this.relay = { loop, redis };
    }
    const prune = () => void this.prune();
    this.retention = setInterval(prune, HOUR_MS).unref();
    setTimeout(prune, 60_000).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.retention);
    this.live.close();
    if (this.relay !== undefined) {
      await this.relay.loop.stop();
      this.relay.redis.disconnect();
    }
  }

  private async prune(): Promise<void> {
    try {
      const pruned = await pruneOutbox(this.prisma.client, this.config.events.retentionDays);
      if (pruned > 0)
        this.logger.log(
          `Pruned ${pruned} published events older than ${this.config.events.retentionDays} days`,
        );
    } catch (error) {
      this.logger.warn(
        `Pruning the outbox failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** The outbox read back: the feed, the live stream, durable readers and the relay to Redis. */
@Global()
@Module({})
export class EventsModule {
  static forRoot(options: { readonly channels: RedisChannels }): DynamicModule {
    return {
      module: EventsModule,
      controllers: [EventsController],
      providers: [
        OutboxSignal,
        { provide: REDIS_CHANNELS, useValue: options.channels },
        {
          provide: EVENT_FEED,
          useFactory: (prisma: PrismaService) => new PrismaEventFeed(prisma.client),
          inject: [PrismaService],
        },
        {
          provide: OUTBOX_CONSUMERS,
          useFactory: (prisma: PrismaService) => new PrismaOutboxConsumers(prisma.client),
          inject: [PrismaService],
        },
        {
          provide: LiveFeed,
          useFactory: (feed: PrismaEventFeed, signal: OutboxSignal) => new LiveFeed(feed, signal),
          inject: [EVENT_FEED, OutboxSignal],
        },
        EventWorkers,
      ],
      exports: [OutboxSignal, EVENT_FEED, OUTBOX_CONSUMERS, LiveFeed],
    };
  }
}
