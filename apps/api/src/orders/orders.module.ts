import { Module } from '@nestjs/common';
import { MessageBus } from '../application/message-bus';
import { OutboxSignal } from '../application/outbox-signal';
import { Metrics } from '../metrics/metrics';
import { PrismaService } from '../infrastructure/database/prisma.service';
import { PrismaUnitOfWork } from '../infrastructure/database/prisma-unit-of-work';
import {
  addItem,
  cancelOrder,
  createOrder,
  placeOrder,
  recordShipment,
  removeItem,
  setPrice,
} from './application/handlers';
import { ORDERS_BUS, type OrdersBus, type OrdersCommandHandlers } from './application/orders-bus';
import { OrdersController } from './http/orders.controller';
import { PricesController } from './http/prices.controller';
import { PrismaOrdersQueries } from './infrastructure/prisma-orders.queries';
import { prismaOrdersTransaction } from './infrastructure/prisma-orders-transaction';
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

/** Binds the orders ports to their Prisma adapters. */
@Module({
  controllers: [OrdersController, PricesController],
  providers: [
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
      useFactory: (prisma: PrismaService) => new PrismaOrdersQueries(prisma.client),
      inject: [PrismaService],
    },
    { provide: ORDERS_BUS, useFactory: ordersBus, inject: [ORDERS_UNIT_OF_WORK] },
    OrdersWorkers,
  ],
})
export class OrdersModule {}
