import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiFailureException,
  failureOf,
  GenericErrors,
  PrismaService,
  ShutdownState,
} from '@allocation/platform';

class HealthResponse {
  @ApiProperty({ example: 'ok' }) status!: string;
  @ApiProperty({ example: 'up' }) database!: string;
}

const ShuttingDown = GenericErrors.shuttingDown;

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly shutdown: ShutdownState,
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
}
