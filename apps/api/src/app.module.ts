import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AllocationModule } from './allocation/allocation.module';
import { allocationChannels } from './allocation/redis/allocation-channels';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { EventsModule } from './events/events.module';
import { FulfilmentModule } from './fulfilment/fulfilment.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import type { OpenDatabase } from './infrastructure/database/database';
import { DatabaseModule } from './infrastructure/database/database.module';
import { accessLogOptions } from './logging/access-log';
import { OrdersModule } from './orders/orders.module';
import { ordersChannels } from './orders/redis/orders-channels';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: OpenDatabase): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Every route, as Fastify's middleware layer spells it.
        LoggerModule.forRoot({
          pinoHttp: accessLogOptions(config),
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database),
        HealthModule,
        MetricsModule,
        // Each context's events go to the Redis channels it declares.
        EventsModule.forRoot({
          channels: (item) => [...allocationChannels(item), ...ordersChannels(item)],
        }),
        AllocationModule,
        OrdersModule,
        FulfilmentModule,
      ],
    };
  }
}
