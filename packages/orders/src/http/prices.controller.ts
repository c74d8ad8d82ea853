import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import * as O from 'fp-ts/Option';
import { Sku } from '@allocation/orders-domain';
import {
  ApiErrors,
  ApiFailureException,
  DEFAULT_PAGE_SIZE,
  failureOf,
  GenericErrors,
} from '@allocation/platform';
import { setPriceCommand } from '../application/order.commands';
import { ORDERS_BUS, type OrdersBus } from '../application/orders-bus';
import { ORDERS_QUERIES, type OrdersQueries, type PriceView } from '../ports/orders.queries';
import { orFail, OrdersErrors, PriceNotFound, writeErrors } from './orders-failures';
import { ListPricesQuery, SetPriceRequest } from './requests';
import { PricePageResponse, PriceResponse } from './responses';

const skuParam = ApiParam({ name: 'sku', example: 'RED-CHAIR' });

@ApiTags('prices')
@Controller('api/prices')
export class PricesController {
  constructor(
    @Inject(ORDERS_BUS) private readonly bus: OrdersBus,
    @Inject(ORDERS_QUERIES) private readonly queries: OrdersQueries,
  ) {}

  @Put(':sku')
  @ApiOperation({
    summary: "Set a SKU's unit price (orders keep the price their items were added at)",
  })
  @skuParam
  @ApiOkResponse({ type: PriceResponse })
  @ApiErrors(...writeErrors, OrdersErrors.InvalidValue)
  async setPrice(@Param('sku') sku: string, @Body() body: SetPriceRequest): Promise<PriceResponse> {
    const command = orFail(setPriceCommand(sku, body));
    orFail(await this.bus.handle(command));
    return this.price(command.sku);
  }

  @Get()
  @ApiOperation({ summary: 'The price catalogue, by SKU; `?sku=` keeps the SKUs starting with it' })
  @ApiOkResponse({ type: PricePageResponse })
  @ApiErrors(GenericErrors.validation)
  async listPrices(@Query() query: ListPricesQuery): Promise<PricePageResponse> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const found = await this.queries.prices({
      page,
      pageSize,
      ...(query.sku === undefined ? {} : { skuStartsWith: query.sku }),
    });
    return { items: found.items.map(toPriceResponse), page, pageSize, total: found.total };
  }

  @Get(':sku')
  @ApiOperation({ summary: "A SKU's unit price" })
  @skuParam
  @ApiOkResponse({ type: PriceResponse })
  @ApiErrors(OrdersErrors.InvalidValue, PriceNotFound)
  getPrice(@Param('sku') sku: string): Promise<PriceResponse> {
    return this.price(orFail(Sku(sku)));
  }

  private async price(sku: Sku): Promise<PriceResponse> {
    const found = await this.queries.price(sku);
    if (O.isNone(found))
      throw new ApiFailureException(failureOf(PriceNotFound, `${sku} has no price`));
    return toPriceResponse(found.value);
  }
}

const toPriceResponse = (view: PriceView): PriceResponse => ({
  sku: view.sku,
  amountMinor: view.price.amountMinor,
  currency: view.price.currency,
  updatedAt: view.updatedAt,
});
