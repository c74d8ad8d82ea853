import { Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import type { OrderEvent, OrdersCommand } from '@allocation/orders-domain';
import {
  MessageBus,
  Metrics,
  OutboxSignal,
  preferringStatements,
  PrismaService,
  PrismaUnitOfWork,
  StatementUnitOfWork,
  firstAttemptReports,
  unitOfWorkReports,
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
import {
  ORDERS_BUS,
  type OrdersBus,
  type OrdersCommandHandlers,
  type OrdersError,
  type OrdersResults,
} from './application/orders-bus';
import { OrdersController } from './http/orders.controller';
import { PricesController } from './http/prices.controller';
import { PrismaOrdersQueries } from './infrastructure/prisma-orders.queries';
import {
  rememberingOrdersTransaction,
  statementOrdersTransaction,
} from './infrastructure/prisma-orders-transaction';
import { PriceMemory } from './infrastructure/price-memory';
import { LINE_ALLOCATIONS, type LineAllocations } from './ports/line-allocations';
import { ORDERS_QUERIES } from './ports/orders.queries';
import {
  ORDERS_UNIT_OF_WORK,
  type OrdersTransaction,
  type OrdersUnitOfWork,
} from './ports/orders-transaction';
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

/**
 * The changes of one order that write nothing but the order (prices and shipments are written
 * elsewhere): they can run without a transaction.
 */
const STATEMENT_COMMANDS: ReadonlySet<OrdersCommand['_tag']> = new Set([
  'CreateOrder',
  'AddItem',
  'RemoveItem',
  'PlaceOrder',
  'CancelOrder',
]);

/**
 * The orders bus on any unit of work. Its events reach allocation through the outbox. With
 * `statements` (a `StatementUnitOfWork` that gives up at its first lost claim), an order's own
 * changes run there first.
 */
export const ordersBus = (
  unitOfWork: OrdersUnitOfWork,
  statements?: OrdersUnitOfWork,
): OrdersBus => {
  const busOn = (unit: OrdersUnitOfWork) =>
    new MessageBus<OrdersCommand, OrdersResults, OrderEvent, OrdersTransaction, OrdersError>(
      unit,
      ordersCommandHandlers,
      {},
    );
  const transactional = busOn(unitOfWork);
  if (statements === undefined) return transactional;
  return preferringStatements(transactional, busOn(statements), STATEMENT_COMMANDS);
};

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
        // One per process: the catalogue's prices as this process last read them.
        { provide: PriceMemory, useFactory: () => new PriceMemory() },
        {
          provide: ORDERS_UNIT_OF_WORK,
          useFactory: (
            prisma: PrismaService,
            signal: OutboxSignal,
            metrics: Metrics,
            memory: PriceMemory,
          ) =>
            new PrismaUnitOfWork(
              prisma,
              rememberingOrdersTransaction(memory),
              unitOfWorkReports(signal, metrics, 'orders'),
            ),
          inject: [PrismaService, OutboxSignal, Metrics, PriceMemory],
        },
        {
          provide: ORDERS_QUERIES,
          useFactory: (prisma: PrismaService, lines: LineAllocations) =>
            new PrismaOrdersQueries(prisma.client, lines),
          inject: [PrismaService, LINE_ALLOCATIONS],
        },
        {
          provide: ORDERS_BUS,
          useFactory: (
            unitOfWork: OrdersUnitOfWork,
            prisma: PrismaService,
            signal: OutboxSignal,
            metrics: Metrics,
            memory: PriceMemory,
          ) =>
            ordersBus(
              unitOfWork,
              new StatementUnitOfWork(
                statementOrdersTransaction(prisma, memory),
                firstAttemptReports(signal, metrics, 'orders'),
              ),
            ),
          inject: [ORDERS_UNIT_OF_WORK, PrismaService, OutboxSignal, Metrics, PriceMemory],
        },
        OrdersWorkers,
      ],
    };
  }
}
