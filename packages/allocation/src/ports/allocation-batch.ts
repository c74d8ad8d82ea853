import type {
  BatchReference,
  DomainEvent,
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
    /** When the product accepted the line the portion is of. */
    readonly accepted: number;
  }>;
}

/**
 * Allocations in bulk, in two round trips and no transaction of its own: every product a batch
 * of commands touches is loaded in one, and everything they changed, with their events, is
 * committed in the other, all or nothing. Committing checks each product's version as loaded
 * and throws `ConcurrencyConflict`, writing nothing, if any moved.
 */
export interface AllocationBatchStore {
  load(
    requests: ReadonlyArray<{ readonly sku: Sku; readonly orderId: OrderId }>,
  ): Promise<ReadonlyMap<string, ProductForBatch>>;
  commit(
    changes: ReadonlyArray<BatchedProductChange>,
    events: ReadonlyArray<DomainEvent>,
  ): Promise<void>;
}

export const ALLOCATION_BATCH_STORE = Symbol('AllocationBatchStore');
