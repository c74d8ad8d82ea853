import type * as E from 'fp-ts/Either';
import type * as O from 'fp-ts/Option';
import type {
  AllocatedLine,
  BatchReference,
  DuplicateBatchReference,
  OrderId,
  PickListId,
  Product,
  Sku,
} from '@allocation/allocation-domain';
import type { LineChanges, ProductChange, ProductStore } from './product-store';

/** A batch to shrink or remove: its product, and the lines it lets go, newest first. */
export interface BatchRelease {
  readonly product: Product;
  readonly lines: ReadonlyArray<AllocatedLine>;
}

/**
 * Products and their allocated lines, within one unit of work (it lives as long as its
 * transaction). Loads only what a command needs: the product with its batch totals, plus the
 * lines it names. Saving checks the version seen at load (optimistic concurrency) and throws
 * `ConcurrencyConflict` when another unit of work got there first.
 */
export interface ProductRepository extends Pick<ProductStore, 'load'> {
  get(sku: Sku): Promise<O.Option<Product>>;
  getByBatchReference(reference: BatchReference): Promise<O.Option<Product>>;
  /**
   * The product holding a batch, loaded with the lines the batch lets go to hold no more than
   * `keeping` units (`ProductRequest.release`): what a shrink or a removal decides on.
   */
  batchToRelease(reference: BatchReference, keeping: number): Promise<O.Option<BatchRelease>>;
  /** The SKUs in which the order has lines, allocated or backordered. */
  skusOfOrder(orderId: OrderId): Promise<ReadonlyArray<Sku>>;
  /** SKUs with allocated lines on no pick list (only these orders' lines, when given). */
  skusToPick(orderIds: ReadonlyArray<OrderId> | null): Promise<ReadonlyArray<Sku>>;
  /** The product's allocated lines on no pick list (of these orders, when given), oldest first. */
  linesToPick(
    sku: Sku,
    orderIds: ReadonlyArray<OrderId> | null,
  ): Promise<ReadonlyArray<AllocatedLine>>;
  /** The product's lines reserved on this pick list. */
  linesOn(sku: Sku, pickListId: PickListId): Promise<ReadonlyArray<AllocatedLine>>;
  /**
   * Writes the changed products (batches, backorders, version) and their line changes, as the
   * group commit's store does; the unit of work records the events and writes them with it.
   */
  commit(changes: ReadonlyArray<ProductChange>): Promise<E.Either<DuplicateBatchReference, void>>;
  /** A commit of one. */
  save(product: Product, lines?: LineChanges): Promise<E.Either<DuplicateBatchReference, void>>;
}
