import { Module } from '@nestjs/common';
import {
  MessageBus,
  Metrics,
  OutboxSignal,
  PrismaService,
  PrismaUnitOfWork,
  unitOfWorkReports,
} from '@allocation/platform';
import {
  FULFILMENT_BUS,
  type FulfilmentBus,
  type FulfilmentCommandHandlers,
  type FulfilmentEventHandlers,
} from './application/fulfilment-bus';
import { cancelPickList, confirmPickList, createPickList } from './application/pick-list.handlers';
import { PickListsController } from './http/pick-lists.controller';
import { prismaFulfilmentTransaction } from './infrastructure/prisma-fulfilment-transaction';
import { PrismaPickListsQueries } from './infrastructure/prisma-pick-lists.queries';
import { FULFILMENT_UNIT_OF_WORK, type FulfilmentUnitOfWork } from './ports/fulfilment-transaction';
import { PICK_LISTS_QUERIES } from './ports/pick-lists.queries';
import { ProductLocks } from './application/product-locks';
import { ProductLocksModule } from './product-locks.module';

export const fulfilmentCommandHandlers: FulfilmentCommandHandlers = {
  CreatePickList: createPickList,
  ConfirmPickList: confirmPickList,
  CancelPickList: cancelPickList,
};

/** No event needs a handler: the product write keeps the read model (shipped lines leave it). */
export const fulfilmentEventHandlers: FulfilmentEventHandlers = {};

/** The fulfilment bus on any unit of work. */
export const fulfilmentBus = (unitOfWork: FulfilmentUnitOfWork): FulfilmentBus =>
  new MessageBus(unitOfWork, fulfilmentCommandHandlers, fulfilmentEventHandlers);

/** Pick lists: reserving allocated stock by batch, and shipping it. */
@Module({
  imports: [ProductLocksModule],
  controllers: [PickListsController],
  providers: [
    {
      provide: FULFILMENT_UNIT_OF_WORK,
      useFactory: (
        prisma: PrismaService,
        signal: OutboxSignal,
        metrics: Metrics,
        locks: ProductLocks,
      ) =>
        new PrismaUnitOfWork(
          prisma,
          prismaFulfilmentTransaction(locks),
          unitOfWorkReports(signal, metrics, 'fulfilment'),
        ),
      inject: [PrismaService, OutboxSignal, Metrics, ProductLocks],
    },
    {
      provide: PICK_LISTS_QUERIES,
      useFactory: (prisma: PrismaService) => new PrismaPickListsQueries(prisma.client),
      inject: [PrismaService],
    },
    { provide: FULFILMENT_BUS, useFactory: fulfilmentBus, inject: [FULFILMENT_UNIT_OF_WORK] },
  ],
})
export class FulfilmentModule {}
