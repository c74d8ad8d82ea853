import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import * as E from 'fp-ts/Either';
import { BatchReference, OrderId, orderNotAllocated } from '@allocation/allocation-domain';
import { ApiErrors, GenericErrors, type ReplyControls } from '@allocation/platform';
import { ALLOCATION_BUS, type AllocationBus } from '../application/allocation-bus';
import { AllocationBatcher } from '../application/allocation-batcher';
import { ALLOCATION_QUERIES, type AllocationQueries } from '../ports/allocation.queries';
import { AllocateRequest } from './allocate.request';
import { AllocationErrors, orFail, writeErrors } from './allocation-failures';
import { allocateCommand } from '../application/product.commands';
import {
  AllocationResponse,
  OrderAllocationResponse,
  toAllocationResponse,
  toOrderAllocations,
} from './responses';

const orderIdParam = ApiParam({ name: 'orderId', example: 'order-1234' });

@ApiTags('allocations')
@Controller('api/allocations')
export class AllocationsController {
  constructor(
    @Inject(ALLOCATION_BUS) private readonly bus: AllocationBus,
    @Inject(ALLOCATION_QUERIES) private readonly queries: AllocationQueries,
    private readonly batcher: AllocationBatcher,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Allocate an order line to a batch',
    description:
      'Prefers stock in the warehouse, then the earliest ETA. Repeating an allocation that stands answers 200 with it and changes nothing; a line of a placed order that waits for stock answers 200 with `status: backordered`. A line that finds no stock is refused (409) and not kept.',
  })
  @ApiCreatedResponse({ type: AllocationResponse, description: 'Allocated' })
  @ApiOkResponse({ type: AllocationResponse, description: 'Already allocated identically' })
  @ApiErrors(
    ...writeErrors,
    AllocationErrors.InvalidValue,
    AllocationErrors.UnknownSku,
    AllocationErrors.OutOfStock,
    AllocationErrors.LineAlreadyAllocated,
    AllocationErrors.LineShipped,
  )
  async allocateLine(
    @Body() body: AllocateRequest,
    @Res({ passthrough: true }) response: ReplyControls,
  ): Promise<AllocationResponse> {
    const command = orFail(allocateCommand(body));
    // Allocations arriving together commit together (group commit); the results are the same.
    const result = orFail(await this.batcher.submit(command)).value;
    if (!result.created) response.status(200);
    return toAllocationResponse(result);
  }

  @Get(':orderId')
  @ApiOperation({
    summary: "An order's allocations (from the read model), its backordered and its shipped lines",
  })
  @orderIdParam
  @ApiOkResponse({ type: [OrderAllocationResponse] })
  @ApiErrors(AllocationErrors.InvalidValue, AllocationErrors.OrderNotAllocated)
  async getOrderAllocations(@Param('orderId') orderId: string): Promise<OrderAllocationResponse[]> {
    const valid = orFail(OrderId(orderId));
    const [rows, waiting, shipped] = await Promise.all([
      this.queries.orderAllocations(valid),
      this.queries.orderBackorders(valid),
      this.queries.orderShipped(valid),
    ]);
    if (rows.length + waiting.length + shipped.length === 0) {
      orFail(E.left(orderNotAllocated(valid)));
    }
    return toOrderAllocations(rows, waiting, shipped);
  }

  @Delete(':orderId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deallocate a whole order' })
  @orderIdParam
  @ApiNoContentResponse({ description: 'Deallocated' })
  @ApiErrors(
    GenericErrors.conflicts,
    AllocationErrors.InvalidValue,
    AllocationErrors.OrderNotAllocated,
    AllocationErrors.LineReserved,
  )
  async deallocateOrder(@Param('orderId') orderId: string): Promise<void> {
    // In the group commit with the allocations, in the order the requests came.
    orFail(
      await this.batcher.deallocate({ _tag: 'Deallocate', orderId: orFail(OrderId(orderId)) }),
    );
  }

  @Delete(':orderId/batch/:reference')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deallocate an order from one batch' })
  @orderIdParam
  @ApiParam({ name: 'reference', example: 'batch-001' })
  @ApiNoContentResponse({ description: 'Deallocated' })
  @ApiErrors(
    GenericErrors.conflicts,
    AllocationErrors.InvalidValue,
    AllocationErrors.BatchNotFound,
    AllocationErrors.OrderNotAllocated,
    AllocationErrors.LineReserved,
  )
  async deallocateOrderFromBatch(
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
