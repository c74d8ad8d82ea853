import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AllocationModule } from './allocation/allocation.module';
import type { AppConfig } from './config/app-config';
import { HealthController } from './health/health.controller';
import { ShutdownState } from './health/shutdown-state';
import type { OpenDatabase } from './infrastructure/database/database';
import { DatabaseModule } from './infrastructure/database/database.module';
import { accessLogOptions } from './logging/access-log';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: OpenDatabase): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: accessLogOptions(config) }),
        DatabaseModule.forRoot(database),
        AllocationModule,
      ],
      controllers: [HealthController],
      providers: [ShutdownState],
    };
  }
}
