import { Inject, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  APP_CONFIG,
  type AppConfig,
  connectRedis,
  ConsumerLoop,
  OUTBOX_CONSUMERS,
  type OutboxConsumers,
  OutboxSignal,
  PrismaService,
  type RedisChannels,
} from '@allocation/platform';
import { LiveFeed } from './application/live-feed';
import { IoRedisPublisher } from './infrastructure/ioredis-publisher';
import { pruneOutbox } from './infrastructure/prisma-outbox-retention';
import { redisRelay } from './consumers/redis-relay';

export const REDIS_CHANNELS = Symbol('RedisChannels');
const HOUR_MS = 60 * 60 * 1_000;

/** The relay to Redis (when configured) and the outbox's retention, for the life of the app. */
export class EventWorkers implements OnApplicationBootstrap, OnModuleDestroy {
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
