import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import * as O from 'fp-ts/Option';
import { randomUUID } from 'node:crypto';
import { pickListNotFound, PickListId } from '@allocation/allocation-domain';
import {
  ApiErrors,
  ApiFailureException,
  DEFAULT_PAGE_SIZE,
  GenericErrors,
} from '@allocation/platform';
import { createPickListCommand, pickListCommand } from '../application/pick-list.commands';
import { FULFILMENT_BUS, type FulfilmentBus } from '../application/fulfilment-bus';
import {
  PICK_LISTS_QUERIES,
  type PickListsQueries,
  type PickListView,
} from '../ports/pick-lists.queries';
import { FulfilmentErrors, orFail, toApiFailure, writeErrors } from './pick-list-failures';
import { CreatePickListRequest, ListPickListsQuery } from './pick-list.requests';
import { PickListPageResponse, PickListResponse } from './pick-list.responses';

const idParam = ApiParam({ name: 'id', example: '5f0c3a9e-0b1d-4e55-9a57-3f6a2f0f2b71' });

@ApiTags('pick lists')
@Controller('api/pick-lists')
export class PickListsController {
  constructor(
    @Inject(FULFILMENT_BUS) private readonly bus: FulfilmentBus,
    @Inject(PICK_LISTS_QUERIES) private readonly queries: PickListsQueries,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Make a pick list of every allocated line not yet picked (of some orders)',
    description:
      'Its lines are reserved: no shrinking or removal of their batches takes them back, and no other pick list gets them.',
  })
  @ApiCreatedResponse({ type: PickListResponse })
  @ApiErrors(...writeErrors, FulfilmentErrors.InvalidValue, FulfilmentErrors.NothingToPick)
  async createPickList(@Body() body: CreatePickListRequest): Promise<PickListResponse> {
    const command = orFail(createPickListCommand(randomUUID(), body.orderIds));
    orFail(await this.bus.handle(command));
    return this.view(command.id);
  }

  @Get()
  @ApiOperation({ summary: 'List pick lists, newest first, optionally by status' })
  @ApiOkResponse({ type: PickListPageResponse })
  @ApiErrors(GenericErrors.validation)
  async listPickLists(@Query() query: ListPickListsQuery): Promise<PickListPageResponse> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const found = await this.queries.pickLists({
      page,
      pageSize,
      ...(query.status === undefined ? {} : { status: query.status }),
    });
    return { items: found.items.map(toResponse), page, pageSize, total: found.total };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One pick list, by batch' })
  @idParam
  @ApiOkResponse({ type: PickListResponse })
  @ApiErrors(FulfilmentErrors.InvalidValue, FulfilmentErrors.PickListNotFound)
  getPickList(@Param('id') id: string): Promise<PickListResponse> {
    return this.view(orFail(PickListId(id)));
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm a pick list: what is on it has shipped',
    description:
      "Each batch's purchased and allocated quantities drop by what was picked; the lines are shipped and never reallocated. Orders whose lines have all shipped become shipped.",
  })
  @idParam
  @ApiOkResponse({ type: PickListResponse })
  @ApiErrors(
    ...writeErrors,
    FulfilmentErrors.InvalidValue,
    FulfilmentErrors.PickListNotFound,
    FulfilmentErrors.PickListNotOpen,
  )
  confirmPickList(@Param('id') id: string): Promise<PickListResponse> {
    return this.close('ConfirmPickList', id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a pick list: its lines stay allocated, free to pick again' })
  @idParam
  @ApiOkResponse({ type: PickListResponse })
  @ApiErrors(
    ...writeErrors,
    FulfilmentErrors.InvalidValue,
    FulfilmentErrors.PickListNotFound,
    FulfilmentErrors.PickListNotOpen,
  )
  cancelPickList(@Param('id') id: string): Promise<PickListResponse> {
    return this.close('CancelPickList', id);
  }

  /** Confirms or cancels a list and answers with it as it now is. */
  private async close(
    tag: 'ConfirmPickList' | 'CancelPickList',
    id: string,
  ): Promise<PickListResponse> {
    const command = orFail(pickListCommand(tag, id));
    orFail(await this.bus.handle(command));
    return this.view(command.id);
  }

  private async view(id: PickListId): Promise<PickListResponse> {
    const found = await this.queries.pickList(id);
    if (O.isNone(found)) throw new ApiFailureException(toApiFailure(pickListNotFound(id)));
    return toResponse(found.value);
  }
}

const toResponse = (view: PickListView): PickListResponse => ({
  ...view,
  batches: view.batches.map((batch) => ({
    ...batch,
    lines: batch.lines.map((line) => ({ ...line })),
  })),
});
