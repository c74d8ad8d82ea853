import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { BatchReference, OrderId } from '@allocation/allocation-domain';
import { ApiErrors } from '../../http/api-errors.decorator';
import { orFail } from '../../http/domain-errors';
import { MessageBus } from '../application/message-bus';
import { ALLOCATIONS_QUERY, type AllocationsQuery } from '../ports/allocations.view';
import { allocateCommand } from './commands';
import { AllocateRequest } from './allocate.request';
import {
  AllocationResponse,
  OrderAllocationResponse,
  toAllocationResponse,
  toOrderAllocation,
} from './responses';

const orderIdParam = ApiParam({ name: 'orderId', example: 'order-1234' });

@ApiTags('allocations')
@Controller('api/allocations')
export class AllocationsController {
  constructor(
    private readonly bus: MessageBus,
    @Inject(ALLOCATIONS_QUERY) private readonly allocations: AllocationsQuery,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Allocate an order line to a batch',
    description:
      'Prefers stock in the warehouse, then the earliest ETA. Repeating an allocation that stands answers 200 with it and changes nothing.',
  })
  @ApiCreatedResponse({ type: AllocationResponse, description: 'Allocated' })
  @ApiOkResponse({ type: AllocationResponse, description: 'Already allocated identically' })
  @ApiErrors(400, 409, 413, 503)
  async allocate(
    @Body() body: AllocateRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AllocationResponse> {
    const command = orFail(allocateCommand(body));
    const { line, created } = orFail(await this.bus.handle(command)).value;
    if (!created) response.status(200);
    return toAllocationResponse(line);
  }

  @Get(':orderId')
  @ApiOperation({ summary: "An order's allocations (from the read model)" })
  @orderIdParam
  @ApiOkResponse({ type: [OrderAllocationResponse] })
  @ApiErrors(400, 404)
  async forOrder(@Param('orderId') orderId: string): Promise<OrderAllocationResponse[]> {
    const valid = orFail(OrderId(orderId));
    const rows = await this.allocations.forOrder(valid);
    if (rows.length === 0) throw new NotFoundException(`Order ${valid} has no allocations`);
    return rows.map(toOrderAllocation);
  }

  @Delete(':orderId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deallocate a whole order' })
  @orderIdParam
  @ApiNoContentResponse({ description: 'Deallocated' })
  @ApiErrors(400, 404, 503)
  async deallocate(@Param('orderId') orderId: string): Promise<void> {
    orFail(await this.bus.handle({ _tag: 'Deallocate', orderId: orFail(OrderId(orderId)) }));
  }

  @Delete(':orderId/batch/:reference')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deallocate an order from one batch' })
  @orderIdParam
  @ApiParam({ name: 'reference', example: 'batch-001' })
  @ApiNoContentResponse({ description: 'Deallocated' })
  @ApiErrors(400, 404, 503)
  async deallocateFromBatch(
    @Param('orderId') orderId: string,
    @Param('reference') reference: string,
  ): Promise<void> {
    orFail(
      await this.bus.handle({
        _tag: 'Deallocate',
        orderId: orFail(OrderId(orderId)),
        batchReference: orFail(BatchReference(reference)),
      }),
    );
  }
}
