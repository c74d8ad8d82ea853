import { Global, Module, type DynamicModule } from '@nestjs/common';
import { OutboxSignal } from '../application/outbox-signal';
import { PrismaService } from '../infrastructure/database/prisma.service';
import { LiveFeed } from './application/live-feed';
import { EventsController } from './http/events.controller';
import { PrismaEventFeed } from './infrastructure/prisma-event-feed';
import { PrismaOutboxConsumers } from './infrastructure/prisma-outbox-consumers';
import { EVENT_FEED } from './ports/event-feed';
import { OUTBOX_CONSUMERS } from './ports/outbox-consumers';
import type { RedisChannels } from './relay/redis-relay';
import { EventWorkers, REDIS_CHANNELS } from './event-workers';

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
