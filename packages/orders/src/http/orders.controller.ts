import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import * as O from 'fp-ts/Option';
import { randomUUID } from 'node:crypto';
import { OrderId, type OrdersCommand } from '@allocation/orders-domain';
import {
  ApiErrors,
  ApiFailureException,
  DEFAULT_PAGE_SIZE,
  GenericErrors,
  type ReplyControls,
} from '@allocation/platform';
import {
  addItemCommand,
  createOrderCommand,
  orderCommand,
  removeItemCommand,
} from '../application/order.commands';
import { orderNotFound, ORDERS_BUS, type OrdersBus } from '../application/orders-bus';
import { toOrderView } from '../application/order-view';
import { ORDERS_QUERIES, type OrderView, type OrdersQueries } from '../ports/orders.queries';
import { orFail, OrdersErrors, toApiFailure, writeErrors } from './orders-failures';
import { AddItemRequest, CreateOrderRequest, ListOrdersQuery } from './requests';
import { OrderPageResponse, OrderResponse } from './responses';

const orderIdParam = ApiParam({ name: 'orderId', example: 'order-1234' });

@ApiTags('orders')
@Controller('api/orders')
export class OrdersController {
  constructor(
    @Inject(ORDERS_BUS) private readonly bus: OrdersBus,
    @Inject(ORDERS_QUERIES) private readonly queries: OrdersQueries,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a draft order, or a whole order at once',
    description:
      'Give your own `orderId` to make the request safe to retry: the same request again answers 200 with the same order. With `items` (and `place: true`) one request does what creating it, adding each item and placing it would, all or nothing.',
  })
  @ApiCreatedResponse({ type: OrderResponse })
  @ApiOkResponse({ type: OrderResponse, description: 'The same order, created earlier' })
  @ApiErrors(
    ...writeErrors,
    OrdersErrors.InvalidValue,
    OrdersErrors.OrderIdTaken,
    OrdersErrors.NoPrice,
    OrdersErrors.CurrencyMismatch,
    OrdersErrors.TooManyUnits,
    OrdersErrors.TooManyLines,
    OrdersErrors.EmptyOrder,
  )
  async createOrder(
    @Body() body: CreateOrderRequest,
    @Res({ passthrough: true }) response: ReplyControls,
  ): Promise<OrderResponse> {
    const command = orFail(createOrderCommand({ ...body, orderId: body.orderId ?? randomUUID() }));
    const { order, created } = orFail(await this.bus.handle(command)).value;
    response.status(created ? 201 : 200);
    // A new order is answered as written; one found again may have been allocated since.
    return created ? toOrderResponse(toOrderView(order)) : this.view(command.orderId);
  }

  @Get()
  @ApiOperation({ summary: 'List orders, newest first, optionally of one customer or status' })
  @ApiOkResponse({ type: OrderPageResponse })
  @ApiErrors(GenericErrors.validation)
  async listOrders(@Query() query: ListOrdersQuery): Promise<OrderPageResponse> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const found = await this.queries.orders({
      page,
      pageSize,
      ...(query.customerId === undefined ? {} : { customerId: query.customerId }),
      ...(query.status === undefined ? {} : { status: query.status }),
    });
    return { items: [...found.items], page, pageSize, total: found.total };
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'An order: its lines, prices, totals and where each line is allocated' })
  @orderIdParam
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(OrdersErrors.InvalidValue, OrdersErrors.OrderNotFound)
  getOrder(@Param('orderId') orderId: string): Promise<OrderResponse> {
    return this.view(orFail(OrderId(orderId)));
  }

  @Post(':orderId/items')
  @ApiOperation({
    summary: 'Add units of a SKU at its catalogue price (a SKU already there adds up)',
  })
  @orderIdParam
  @ApiCreatedResponse({ type: OrderResponse })
  @ApiErrors(
    ...writeErrors,
    OrdersErrors.InvalidValue,
    OrdersErrors.OrderNotFound,
    OrdersErrors.OrderNotEditable,
    OrdersErrors.NoPrice,
    OrdersErrors.CurrencyMismatch,
    OrdersErrors.TooManyUnits,
    OrdersErrors.TooManyLines,
  )
  async addItem(
    @Param('orderId') orderId: string,
    @Body() body: AddItemRequest,
  ): Promise<OrderResponse> {
    return this.change(orFail(addItemCommand(orderId, body)));
  }

  @Delete(':orderId/items/:sku')
  @ApiOperation({ summary: 'Remove a SKU from a draft order' })
  @orderIdParam
  @ApiParam({ name: 'sku', example: 'RED-CHAIR' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(
    ...writeErrors,
    OrdersErrors.InvalidValue,
    OrdersErrors.OrderNotFound,
    OrdersErrors.ItemNotOnOrder,
    OrdersErrors.OrderNotEditable,
  )
  async removeItem(
    @Param('orderId') orderId: string,
    @Param('sku') sku: string,
  ): Promise<OrderResponse> {
    return this.change(orFail(removeItemCommand(orderId, sku)));
  }

  @Post(':orderId/place')
  @HttpCode(200)
  @ApiOperation({ summary: 'Place a draft order: its lines go to allocation' })
  @orderIdParam
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(
    ...writeErrors,
    OrdersErrors.InvalidValue,
    OrdersErrors.OrderNotFound,
    OrdersErrors.WrongOrderState,
    OrdersErrors.EmptyOrder,
  )
  async placeOrder(@Param('orderId') orderId: string): Promise<OrderResponse> {
    return this.change(orFail(orderCommand('PlaceOrder', orderId)));
  }

  @Post(':orderId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a draft or placed order (a placed one is deallocated)' })
  @orderIdParam
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(
    ...writeErrors,
    OrdersErrors.InvalidValue,
    OrdersErrors.OrderNotFound,
    OrdersErrors.WrongOrderState,
  )
  async cancelOrder(@Param('orderId') orderId: string): Promise<OrderResponse> {
    return this.change(orFail(orderCommand('CancelOrder', orderId)));
  }

  /**
   * Runs a change to one order and answers with the order as the change wrote it, without
   * reading it again: allocation takes a placed order's lines only after the commit, so they are
   * all pending in this answer.
   */
  private async change(
    command: Extract<
      OrdersCommand,
      { _tag: 'AddItem' | 'RemoveItem' | 'PlaceOrder' | 'CancelOrder' }
    >,
  ): Promise<OrderResponse> {
    return toOrderResponse(toOrderView(orFail(await this.bus.handle(command)).value));
  }

  private async view(orderId: OrderId): Promise<OrderResponse> {
    const order = await this.queries.order(orderId);
    if (O.isNone(order)) throw new ApiFailureException(toApiFailure(orderNotFound(orderId)));
    return toOrderResponse(order.value);
  }
}

const toOrderResponse = (order: OrderView): OrderResponse => ({
  ...order,
  items: order.items.map((item) => ({
    ...item,
    allocation:
      item.allocation === null || !('batches' in item.allocation)
        ? item.allocation
        : { status: item.allocation.status, batches: [...item.allocation.batches] },
  })),
});
