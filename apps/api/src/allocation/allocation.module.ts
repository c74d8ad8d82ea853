import { Module } from '@nestjs/common';
import { PrismaService } from '../infrastructure/database/prisma.service';
import { MessageBus } from './application/message-bus';
import { AllocationsController } from './http/allocations.controller';
import { BatchesController } from './http/batches.controller';
import { CompatController } from './http/compat.controller';
import { ProductsController } from './http/products.controller';
import { PrismaAllocationsView } from './infrastructure/prisma-allocations.view';
import { PrismaBatchQueries } from './infrastructure/prisma-batch.queries';
import { PrismaProductRepository } from './infrastructure/prisma-product.repository';
import { PrismaUnitOfWork } from './infrastructure/prisma-unit-of-work';
import { ALLOCATIONS_QUERY } from './ports/allocations.view';
import { BATCH_QUERIES } from './ports/batch.queries';
import { PRODUCT_REPOSITORY } from './ports/product.repository';
import { UNIT_OF_WORK, type UnitOfWork } from './ports/unit-of-work';

/** Binds the allocation ports to their Prisma adapters; handlers only ever see the ports. */
@Module({
  controllers: [BatchesController, AllocationsController, ProductsController, CompatController],
  providers: [
    {
      provide: UNIT_OF_WORK,
      useFactory: (prisma: PrismaService) => new PrismaUnitOfWork(prisma),
      inject: [PrismaService],
    },
    {
      provide: PRODUCT_REPOSITORY,
      useFactory: (prisma: PrismaService) => new PrismaProductRepository(prisma.client),
      inject: [PrismaService],
    },
    {
      provide: BATCH_QUERIES,
      useFactory: (prisma: PrismaService) => new PrismaBatchQueries(prisma.client),
      inject: [PrismaService],
    },
    {
      provide: ALLOCATIONS_QUERY,
      useFactory: (prisma: PrismaService) => new PrismaAllocationsView(prisma.client),
      inject: [PrismaService],
    },
    {
      provide: MessageBus,
      useFactory: (unitOfWork: UnitOfWork) => new MessageBus(unitOfWork),
      inject: [UNIT_OF_WORK],
    },
  ],
})
export class AllocationModule {}
