import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import * as E from 'fp-ts/Either';
import { OrderId } from '@allocation/allocation-domain';
import { ApiErrors, ApiFailureException, failureOf } from '@allocation/platform';
import { ALLOCATION_BUS, type AllocationBus } from '../application/allocation-bus';
import { AllocationBatcher } from '../application/allocation-batcher';
import { ALLOCATION_QUERIES, type AllocationQueries } from '../ports/allocation.queries';
import { AllocationErrors, orFail, writeErrors } from './allocation-failures';
import { allocateCommand, createBatchCommand } from '../application/product.commands';
import { AddBatchCompatRequest, AllocateCompatRequest } from './compat.requests';
import { CompatAllocationResponse } from './responses';

/** The reference service answers a bare JSON string. */
const OK = JSON.stringify('OK');
const asJson = Header('Content-Type', 'application/json; charset=utf-8');

/** The reference service answers an unknown order with a bare "not found". */
const CompatNotFound = { ...AllocationErrors.OrderNotAllocated, example: 'not found' } as const;

/** The Python reference service's routes and answers, so its clients keep working. */
@ApiTags('reference-service compatibility')
@Controller()
export class CompatController {
  constructor(
    @Inject(ALLOCATION_BUS) private readonly bus: AllocationBus,
    @Inject(ALLOCATION_QUERIES) private readonly queries: AllocationQueries,
    private readonly batcher: AllocationBatcher,
  ) {}

  @Post('add_batch')
  @asJson
  @ApiOperation({ summary: 'Add a batch (reference-service form)' })
  @ApiCreatedResponse({ schema: { type: 'string', example: 'OK' } })
  @ApiErrors(
    ...writeErrors,
    AllocationErrors.InvalidValue,
    AllocationErrors.DuplicateBatchReference,
    AllocationErrors.StockLimitExceeded,
  )
  async addBatchCompat(@Body() body: AddBatchCompatRequest): Promise<string> {
    const command = orFail(
      createBatchCommand({ reference: body.ref, sku: body.sku, quantity: body.qty, eta: body.eta }),
    );
    orFail(await this.bus.handle(command));
    return OK;
  }

  @Post('allocate')
  @HttpCode(202)
  @asJson
  @ApiOperation({
    summary: 'Allocate a line (reference-service form)',
    description:
      'Out of stock is not an error here: it is recorded as an event, and the answer is 202.',
  })
  @ApiAcceptedResponse({ schema: { type: 'string', example: 'OK' } })
  @ApiErrors(
    ...writeErrors,
    AllocationErrors.InvalidValue,
    AllocationErrors.UnknownSku,
    AllocationErrors.LineAlreadyAllocated,
    AllocationErrors.LineShipped,
  )
  async allocateCompat(@Body() body: AllocateCompatRequest): Promise<string> {
    const command = orFail(
      allocateCommand({ orderId: body.orderid, sku: body.sku, quantity: body.qty }),
    );
    const result = await this.batcher.submit(command);
    if (E.isLeft(result) && result.left._tag === 'OutOfStock') return OK;
    orFail(result);
    return OK;
  }

  @Get('allocations/:orderid')
  @ApiOperation({ summary: "An order's allocations (reference-service form)" })
  @ApiOkResponse({ type: [CompatAllocationResponse] })
  @ApiErrors(AllocationErrors.InvalidValue, CompatNotFound)
  async getAllocationsCompat(
    @Param('orderid') orderId: string,
  ): Promise<CompatAllocationResponse[]> {
    const rows = await this.queries.orderAllocations(orFail(OrderId(orderId)));
    if (rows.length === 0) {
      throw new ApiFailureException(failureOf(CompatNotFound, CompatNotFound.example));
    }
    return rows.map((row) => ({ sku: row.sku, batchref: row.batchReference }));
  }
}
