import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ReplyControls } from '../http/reply';
import { Metrics } from './metrics';

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics: requests, allocations, retries, pool, outbox lag' })
  @ApiOkResponse({
    description: 'The Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string', example: 'http_requests_total{…} 12' } } },
  })
  async getMetrics(@Res({ passthrough: true }) reply: ReplyControls): Promise<string> {
    const { contentType, body } = await this.metrics.exposition();
    reply.header('Content-Type', contentType);
    return body;
  }
}
