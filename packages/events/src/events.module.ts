import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_FEED, OutboxSignal, type EventFeed, type RedisChannels } from '@allocation/platform';
import { LiveFeed } from './application/live-feed';
import { knowEventTypes } from './http/event-types';
import { EventsController } from './http/events.controller';
import { EventWorkers, REDIS_CHANNELS } from './events-workers';

export interface EventsModuleOptions {
  /** Each context's events, as the Redis channels it declares. */
  readonly channels: RedisChannels;
  /** Every event type the contexts write (the feed's `?type=` accepts these). */
  readonly eventTypes: ReadonlyArray<string>;
}

/** The outbox read back in public: the feed, the live stream, the relay to Redis, retention. */
@Module({})
export class EventsModule {
  static forRoot(options: EventsModuleOptions): DynamicModule {
    knowEventTypes(options.eventTypes);
    return {
      module: EventsModule,
      controllers: [EventsController],
      providers: [
        { provide: REDIS_CHANNELS, useValue: options.channels },
        {
          provide: LiveFeed,
          useFactory: (feed: EventFeed, signal: OutboxSignal) => new LiveFeed(feed, signal),
          inject: [EVENT_FEED, OutboxSignal],
        },
        EventWorkers,
      ],
      exports: [LiveFeed],
    };
  }
}
