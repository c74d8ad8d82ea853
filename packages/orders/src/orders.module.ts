import { Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import {
  MessageBus,
  Metrics,
  OutboxSignal,
  PrismaService,
  PrismaUnitOfWork,
} from '@allocation/platform';
import {
  addItem,
  cancelOrder,
  createOrder,
  placeOrder,
  recordShipment,
  removeItem,
  setPrice,
} from './application/order.handlers';
import { ORDERS_BUS, type OrdersBus, type OrdersCommandHandlers } from './application/orders-bus';
import { OrdersController } from './http/orders.controller';
import { PricesController } from './http/prices.controller';
import { PrismaOrdersQueries } from './infrastructure/prisma-orders.queries';
import { prismaOrdersTransaction } from './infrastructure/prisma-orders-transaction';
import { LINE_ALLOCATIONS, type LineAllocations } from './ports/line-allocations';
import { ORDERS_QUERIES } from './ports/orders.queries';
import { ORDERS_UNIT_OF_WORK, type OrdersUnitOfWork } from './ports/orders-transaction';
import { OrdersWorkers } from './orders-workers';

/** Each orders command to its one handler. */
export const ordersCommandHandlers: OrdersCommandHandlers = {
  CreateOrder: createOrder,
  AddItem: addItem,
  RemoveItem: removeItem,
  PlaceOrder: placeOrder,
  CancelOrder: cancelOrder,
  SetPrice: setPrice,
  RecordShipment: recordShipment,
};

/** The orders bus on any unit of work. Its events reach allocation through the outbox. */
export const ordersBus = (unitOfWork: OrdersUnitOfWork): OrdersBus =>
  new MessageBus(unitOfWork, ordersCommandHandlers, {});

/** How the app answers orders' question to allocation (see `LineAllocations`). */
export interface OrdersModuleOptions {
  readonly lineAllocations: Omit<FactoryProvider<LineAllocations>, 'provide'> & {
    readonly imports?: DynamicModule['imports'];
  };
}

/** Binds the orders ports to their Prisma adapters. */
@Module({})
export class OrdersModule {
  static forRoot({ lineAllocations }: OrdersModuleOptions): DynamicModule {
    const { imports, ...factory } = lineAllocations;
    return {
      module: OrdersModule,
      imports: imports ?? [],
      controllers: [OrdersController, PricesController],
      providers: [
        { provide: LINE_ALLOCATIONS, ...factory },
        {
          provide: ORDERS_UNIT_OF_WORK,
          useFactory: (prisma: PrismaService, signal: OutboxSignal, metrics: Metrics) =>
            new PrismaUnitOfWork(prisma, prismaOrdersTransaction, {
              onEventsCommitted: () => signal.notify(),
              onRetry: () => metrics.unitOfWorkRetries.inc({ context: 'orders' }),
              onExhausted: () => metrics.unitOfWorkExhausted.inc({ context: 'orders' }),
            }),
          inject: [PrismaService, OutboxSignal, Metrics],
        },
        {
          provide: ORDERS_QUERIES,
          useFactory: (prisma: PrismaService, lines: LineAllocations) =>
            new PrismaOrdersQueries(prisma.client, lines),
          inject: [PrismaService, LINE_ALLOCATIONS],
        },
        { provide: ORDERS_BUS, useFactory: ordersBus, inject: [ORDERS_UNIT_OF_WORK] },
        OrdersWorkers,
      ],
    };
  }
}
