import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { DOMAIN_EVENT_TYPES } from '@allocation/allocation-domain';
import { ORDER_EVENT_TYPES } from '@allocation/orders-domain';
import {
  ALLOCATION_QUERIES,
  allocationChannels,
  AllocationModule,
  FulfilmentModule,
} from '@allocation/allocation';
import {
  type AppConfig,
  ConfigModule,
  DatabaseModule,
  MetricsModule,
  type OpenDatabase,
  OutboxModule,
} from '@allocation/platform';
import { EventsModule } from '@allocation/events';
import { lineAllocationsFrom } from './context-map';
import { HealthModule } from './health/health.module';
import { ordersChannels, OrdersModule } from '@allocation/orders';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: OpenDatabase, logger: PinoLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Nest's own logs through the service's one pino logger. No per-request middleware: its
        // request-scoped context (AsyncLocalStorage) slowed every promise of every request; the
        // access log is the request middleware's (see createApp).
        LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] }),
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database),
        HealthModule,
        MetricsModule,
        // Each context's events go to the Redis channels it declares.
        OutboxModule,
        EventsModule.forRoot({
          channels: (item) => [...allocationChannels(item), ...ordersChannels(item)],
          eventTypes: [...DOMAIN_EVENT_TYPES, ...ORDER_EVENT_TYPES],
        }),
        AllocationModule,
        OrdersModule.forRoot({
          lineAllocations: {
            imports: [AllocationModule],
            useFactory: lineAllocationsFrom,
            inject: [ALLOCATION_QUERIES],
          },
        }),
        FulfilmentModule,
      ],
    };
  }
}
