import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { BatchReference, batchNotFound, findBatch } from '@allocation/allocation-domain';
import { ApiErrors } from '../../http/api-errors.decorator';
import { orFail } from '../../http/domain-errors';
import { MessageBus } from '../application/message-bus';
import { BATCH_QUERIES, type BatchQueries } from '../ports/batch.queries';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../ports/product.repository';
import { changeBatchQuantityCommand, createBatchCommand } from './commands';
import { ChangeBatchQuantityRequest } from './change-batch-quantity.request';
import { CreateBatchRequest } from './create-batch.request';
import { ListBatchesQuery } from './list-batches.query';
import { BatchPageResponse, BatchResponse, toBatchResponse } from './responses';

const referenceParam = ApiParam({ name: 'reference', example: 'batch-001' });

@ApiTags('batches')
@Controller('api/batches')
export class BatchesController {
  constructor(
    private readonly bus: MessageBus,
    @Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository,
    @Inject(BATCH_QUERIES) private readonly batches: BatchQueries,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add a batch of stock (a new SKU starts a new product)' })
  @ApiCreatedResponse({ type: BatchResponse })
  @ApiErrors(400, 409, 413, 503)
  async create(@Body() body: CreateBatchRequest): Promise<BatchResponse> {
    const command = orFail(createBatchCommand(body));
    return toBatchResponse(orFail(await this.bus.handle(command)).value);
  }

  @Get()
  @ApiOperation({ summary: 'List batches, optionally of one SKU, in allocation preference order' })
  @ApiOkResponse({ type: BatchPageResponse })
  @ApiErrors(400)
  async list(@Query() query: ListBatchesQuery): Promise<BatchPageResponse> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const found = await this.batches.list({
      page,
      pageSize,
      ...(query.sku === undefined ? {} : { sku: query.sku }),
    });
    return { items: found.items.map(toBatchResponse), page, pageSize, total: found.total };
  }

  @Get(':reference')
  @ApiOperation({ summary: 'One batch' })
  @referenceParam
  @ApiOkResponse({ type: BatchResponse })
  @ApiErrors(400, 404)
  async get(@Param('reference') reference: string): Promise<BatchResponse> {
    const valid = orFail(BatchReference(reference));
    const batch = pipe(
      await this.products.getByBatchReference(valid),
      O.chain((product) => findBatch(product, valid)),
      E.fromOption(() => batchNotFound(valid)),
    );
    return toBatchResponse(orFail(batch));
  }

  @Patch(':reference')
  @ApiOperation({
    summary: "Change a batch's quantity; lines it can no longer hold are reallocated",
  })
  @referenceParam
  @ApiOkResponse({ type: BatchResponse })
  @ApiErrors(400, 404, 413, 503)
  async changeQuantity(
    @Param('reference') reference: string,
    @Body() body: ChangeBatchQuantityRequest,
  ): Promise<BatchResponse> {
    const command = orFail(changeBatchQuantityCommand(reference, body.quantity));
    return toBatchResponse(orFail(await this.bus.handle(command)).value);
  }

  @Delete(':reference')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a batch; its lines are reallocated to other batches' })
  @referenceParam
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(400, 404, 503)
  async remove(@Param('reference') reference: string): Promise<void> {
    const valid = orFail(BatchReference(reference));
    orFail(await this.bus.handle({ _tag: 'RemoveBatch', reference: valid }));
  }
}
