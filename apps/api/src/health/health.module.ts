import { Global, Inject, Module, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { APP_CONFIG, connectRedis, ShutdownState, type AppConfig } from '@allocation/platform';
import { HealthController } from './health.controller';
import { HEALTH_REDIS, redisPing, type RedisPing } from './redis-ping';

/** Health (terminus), and the stop state every long-lived response watches. */
@Global()
@Module({
  // Failed checks are answered with 503 and written by the access log; terminus need not log.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [
    ShutdownState,
    {
      provide: HEALTH_REDIS,
      useFactory: (config: AppConfig): RedisPing | null =>
        config.redisUrl === null
          ? null
          : // Queued while connecting, so the first probe after a start waits for the connection.
            redisPing(
              connectRedis(
                config.redisUrl,
                'health',
                { warn: () => undefined, log: () => undefined },
                { queueWhileDown: true },
              ),
            ),
      inject: [APP_CONFIG],
    },
  ],
  exports: [ShutdownState],
})
export class HealthModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(HEALTH_REDIS) private readonly redis: RedisPing | null) {}

  onApplicationShutdown(): void {
    this.redis?.close();
  }
}
