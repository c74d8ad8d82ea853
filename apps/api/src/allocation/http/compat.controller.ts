import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import * as E from 'fp-ts/Either';
import { OrderId } from '@allocation/allocation-domain';
import { ApiErrors } from '../../http/api-errors.decorator';
import { orFail } from '../../http/domain-errors';
import { MessageBus } from '../application/message-bus';
import { ALLOCATIONS_QUERY, type AllocationsQuery } from '../ports/allocations.view';
import { allocateCommand, createBatchCommand } from './commands';
import { AddBatchCompatRequest, AllocateCompatRequest } from './compat.requests';
import { CompatAllocationResponse } from './responses';

/** The reference service answers a bare JSON string. */
const OK = JSON.stringify('OK');
const asJson = Header('Content-Type', 'application/json; charset=utf-8');

/** The Python reference service's routes and answers, so its clients keep working. */
@ApiTags('reference-service compatibility')
@Controller()
export class CompatController {
  constructor(
    private readonly bus: MessageBus,
    @Inject(ALLOCATIONS_QUERY) private readonly allocations: AllocationsQuery,
  ) {}

  @Post('add_batch')
  @asJson
  @ApiOperation({ summary: 'Add a batch (reference-service form)' })
  @ApiCreatedResponse({ schema: { type: 'string', example: 'OK' } })
  @ApiErrors(400, 409)
  async addBatch(@Body() body: AddBatchCompatRequest): Promise<string> {
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
  @ApiErrors(400, 409)
  async allocate(@Body() body: AllocateCompatRequest): Promise<string> {
    const command = orFail(
      allocateCommand({ orderId: body.orderid, sku: body.sku, quantity: body.qty }),
    );
    const result = await this.bus.handle(command);
    if (E.isLeft(result) && result.left._tag === 'OutOfStock') return OK;
    orFail(result);
    return OK;
  }

  @Get('allocations/:orderid')
  @ApiOperation({ summary: "An order's allocations (reference-service form)" })
  @ApiOkResponse({ type: [CompatAllocationResponse] })
  @ApiErrors(400, 404)
  async forOrder(@Param('orderid') orderId: string): Promise<CompatAllocationResponse[]> {
    const rows = await this.allocations.forOrder(orFail(OrderId(orderId)));
    if (rows.length === 0) throw new NotFoundException('not found');
    return rows.map((row) => ({ sku: row.sku, batchref: row.batchReference }));
  }
}
