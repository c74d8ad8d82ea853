import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import {
  ApiErrors,
  ApiFailureException,
  failureOf,
  GenericErrors,
  PrismaService,
  ShutdownState,
} from '@allocation/platform';
import { HEALTH_REDIS, type RedisPing } from './redis-ping';

class HealthResponse {
  @ApiProperty({ example: 'ok' }) status!: string;
  @ApiProperty({ example: 'up' }) database!: string;
}

class LivenessResponse {
  @ApiProperty({ example: 'ok' }) status!: string;
}

class ReadinessResponse {
  @ApiProperty({ example: 'ok' }) status!: string;
  @ApiProperty({
    description: 'Each dependency checked, by name: `database`, and `redis` when configured',
    example: { database: { status: 'up' }, redis: { status: 'up' } },
  })
  info!: Record<string, { status: string }>;
}

const { shuttingDown: ShuttingDown, notReady: NotReady } = GenericErrors;

/**
 * `/api/health` answers as it always has (database and drain). `live` says only that the process
 * answers: an orchestrator restarts it when it does not. `ready` says whether to send it traffic:
 * its dependencies answer and it is not draining.
 */
@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly shutdown: ShutdownState,
    private readonly checks: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(HEALTH_REDIS) private readonly redis: RedisPing | null,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and database check' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiErrors(ShuttingDown, GenericErrors.databaseUnavailable)
  async checkHealth(): Promise<HealthResponse> {
    if (this.shutdown.isStopping) {
      throw new ApiFailureException(failureOf(ShuttingDown, ShuttingDown.example));
    }
    if (!(await this.prisma.isHealthy())) {
      throw new ApiFailureException(
        failureOf(GenericErrors.databaseUnavailable, 'The database does not answer', 5),
      );
    }
    return { status: 'ok', database: 'up' };
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (also while it drains)' })
  @ApiOkResponse({ type: LivenessResponse })
  checkLive(): LivenessResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer' })
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiErrors(ShuttingDown, NotReady)
  async checkReady(): Promise<ReadinessResponse> {
    if (this.shutdown.isStopping) {
      throw new ApiFailureException(failureOf(ShuttingDown, ShuttingDown.example));
    }
    const redis = this.redis;
    try {
      const result = await this.checks.check([
        () => this.check('database', () => this.prisma.isHealthy()),
        ...(redis === null ? [] : [() => this.check('redis', () => redis.ping())]),
      ]);
      const info = Object.entries(result.info ?? {}).map(([key, checked]) => [
        key,
        { status: checked?.status ?? 'up' },
      ]);
      return { status: result.status, info: Object.fromEntries(info) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const down = Object.keys((error.getResponse() as HealthCheckResult).error ?? {});
      throw new ApiFailureException(failureOf(NotReady, `Not ready: ${down.join(', ')} down`, 5));
    }
  }

  private async check(
    key: string,
    answers: () => Promise<boolean>,
  ): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    return (await answers()) ? indicator.up() : indicator.down();
  }
}
