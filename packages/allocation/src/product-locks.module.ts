import { Module } from '@nestjs/common';
import { ProductLocks } from './application/product-locks';

/**
 * This process's one `ProductLocks`: the group commit and the units of work of allocation and
 * fulfilment take products in the same instance, so each context imports this module.
 */
@Module({ providers: [ProductLocks], exports: [ProductLocks] })
export class ProductLocksModule {}
