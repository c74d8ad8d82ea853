import type {
  BatchReference,
  OrderId,
  Product,
  Quantity,
  Sku,
} from '@allocation/allocation-domain';
import type { StandingLine } from './product.repository';

/** One product as a batch of allocations needs it: the product and the lines they name. */
export interface ProductForBatch {
  readonly product: Product;
  /** Each named order's line of this product, by order id. */
  readonly lines: ReadonlyMap<string, StandingLine>;
}

/** What a batch changed of one product: its new state and the portions it allocated. */
export interface BatchedProductChange {
  readonly product: Product;
  readonly loadedVersion: number;
  readonly allocated: ReadonlyArray<{
    readonly orderId: OrderId;
    readonly batchReference: BatchReference;
    readonly quantity: Quantity;
  }>;
}

/**
 * Allocations in bulk, inside one unit of work: every product a batch of commands touches loaded
 * in one round trip, and everything they changed written in another. Saving checks each
 * product's version as loaded and throws `ConcurrencyConflict` if any moved.
 */
export interface AllocationBatchStore {
  load(
    requests: ReadonlyArray<{ readonly sku: Sku; readonly orderId: OrderId }>,
  ): Promise<ReadonlyMap<string, ProductForBatch>>;
  save(changes: ReadonlyArray<BatchedProductChange>): Promise<void>;
}
