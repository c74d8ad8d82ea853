import { Module, type DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AllocationModule } from './allocation/allocation.module';
import type { AppConfig } from './config/app-config';
import { HealthController } from './health/health.controller';
import { ShutdownState } from './health/shutdown-state';
import type { OpenDatabase } from './infrastructure/database/database';
import { DatabaseModule } from './infrastructure/database/database.module';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is sane, otherwise makes one. */
const requestId = (request: IncomingMessage): string => {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
};

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: OpenDatabase): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (request, response) => {
              const id = requestId(request);
              response.setHeader('X-Request-Id', id);
              return id;
            },
            // The exception filter logs failures with their context; these are access logs.
            customLogLevel: (_request, response, error) =>
              error !== undefined || response.statusCode >= 500 ? 'error' : 'info',
            redact: ['req.headers.authorization', 'req.headers.cookie'],
          },
        }),
        DatabaseModule.forRoot(database),
        AllocationModule,
      ],
      controllers: [HealthController],
      providers: [ShutdownState],
    };
  }
}
