import {
  BadRequestException,
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
import { pipe } from 'fp-ts/function';
import { BatchReference, batchNotFound, Sku } from '@allocation/allocation-domain';
import { ApiErrors, DEFAULT_PAGE_SIZE, GenericErrors } from '@allocation/platform';
import { ALLOCATION_BUS, type AllocationBus } from '../application/allocation-bus';
import { AllocationBatcher } from '../application/allocation-batcher';
import { ALLOCATION_QUERIES, type AllocationQueries } from '../ports/allocation.queries';
import { AllocationErrors, orFail, writeErrors } from './allocation-failures';
import { ChangeBatchQuantityRequest } from './change-batch-quantity.request';
import { changeBatchQuantityCommand, createBatchCommand } from '../application/product.commands';
import { CreateBatchRequest } from './create-batch.request';
import { ListBatchesQuery } from './list-batches.query';
import { PreviewBatchChangeQuery } from './preview-batch-change.query';
import {
  BatchChangeResponse,
  BatchPageResponse,
  BatchResponse,
  reallocationsOf,
  toBatchResponse,
} from './responses';

const referenceParam = ApiParam({ name: 'reference', example: 'batch-001' });

@ApiTags('batches')
@Controller('api/batches')
export class BatchesController {
  constructor(
    @Inject(ALLOCATION_BUS) private readonly bus: AllocationBus,
    @Inject(ALLOCATION_QUERIES) private readonly queries: AllocationQueries,
    private readonly batcher: AllocationBatcher,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add a batch of stock (a new SKU starts a new product)' })
  @ApiCreatedResponse({ type: BatchResponse })
  @ApiErrors(
    ...writeErrors,
    AllocationErrors.InvalidValue,
    AllocationErrors.DuplicateBatchReference,
    AllocationErrors.StockLimitExceeded,
  )
  async createBatch(@Body() body: CreateBatchRequest): Promise<BatchResponse> {
    const command = orFail(createBatchCommand(body));
    return toBatchResponse(orFail(await this.bus.handle(command)).value);
  }

  @Get()
  @ApiOperation({ summary: 'List batches, optionally of one SKU, in allocation preference order' })
  @ApiOkResponse({ type: BatchPageResponse })
  @ApiErrors(GenericErrors.validation)
  async listBatches(@Query() query: ListBatchesQuery): Promise<BatchPageResponse> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const sku = query.sku === undefined ? {} : { sku: orFail(Sku(query.sku)) };
    const found = await this.queries.batches({ page, pageSize, ...sku });
    return { items: found.items.map(toBatchResponse), page, pageSize, total: found.total };
  }

  @Get(':reference')
  @ApiOperation({ summary: 'One batch' })
  @referenceParam
  @ApiOkResponse({ type: BatchResponse })
  @ApiErrors(AllocationErrors.InvalidValue, AllocationErrors.BatchNotFound)
  async getBatch(@Param('reference') reference: string): Promise<BatchResponse> {
    const valid = orFail(BatchReference(reference));
    const batch = pipe(
      await this.queries.batch(valid),
      E.fromOption(() => batchNotFound(valid)),
    );
    return toBatchResponse(orFail(batch));
  }

  @Patch(':reference')
  @ApiOperation({
    summary: "Change a batch's quantity; lines it can no longer hold are reallocated",
    description:
      '`reallocations` lists each line pushed out of the batch and where it went: other batches, or out of stock.',
  })
  @referenceParam
  @ApiOkResponse({ type: BatchChangeResponse })
  @ApiErrors(
    ...writeErrors,
    AllocationErrors.InvalidValue,
    AllocationErrors.BatchNotFound,
    AllocationErrors.StockReserved,
    AllocationErrors.StockLimitExceeded,
  )
  async changeBatchQuantity(
    @Param('reference') reference: string,
    @Body() body: ChangeBatchQuantityRequest,
  ): Promise<BatchChangeResponse> {
    const command = orFail(changeBatchQuantityCommand(reference, body.quantity));
    // Decided in the group commit with the allocations about it (one write for all of them).
    const { value, events } = orFail(await this.batcher.change(command));
    return { ...toBatchResponse(value), reallocations: reallocationsOf(events) };
  }

  @Get(':reference/preview')
  @ApiOperation({
    summary:
      'What changing the quantity (`?quantity=N`) or removing the batch (`?remove=true`) would do',
    description:
      'Decided exactly as the change itself, then rolled back: nothing changes and no event is recorded. `reallocations` says where each line would go, as PATCH does; the UI asks with it before acting.',
  })
  @referenceParam
  @ApiOkResponse({ type: BatchChangeResponse })
  @ApiErrors(
    GenericErrors.validation,
    AllocationErrors.InvalidValue,
    AllocationErrors.BatchNotFound,
    AllocationErrors.StockReserved,
    AllocationErrors.StockLimitExceeded,
  )
  async previewBatchChange(
    @Param('reference') reference: string,
    @Query() query: PreviewBatchChangeQuery,
  ): Promise<BatchChangeResponse> {
    if ((query.quantity === undefined) === (query.remove === undefined)) {
      throw new BadRequestException(['give either quantity or remove=true']);
    }
    const command =
      query.quantity === undefined
        ? { _tag: 'RemoveBatch' as const, reference: orFail(BatchReference(reference)) }
        : orFail(changeBatchQuantityCommand(reference, Number(query.quantity)));
    const { value, events } = orFail(await this.bus.preview(command));
    return { ...toBatchResponse(value), reallocations: reallocationsOf(events) };
  }

  @Delete(':reference')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a batch; its lines are reallocated to other batches' })
  @referenceParam
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(
    GenericErrors.conflicts,
    AllocationErrors.InvalidValue,
    AllocationErrors.BatchNotFound,
    AllocationErrors.StockReserved,
  )
  async removeBatch(@Param('reference') reference: string): Promise<void> {
    const valid = orFail(BatchReference(reference));
    orFail(await this.bus.handle({ _tag: 'RemoveBatch', reference: valid }));
  }
}
