import type * as E from 'fp-ts/Either';
import type * as O from 'fp-ts/Option';
import type {
  AllocatedLine,
  BatchReference,
  DuplicateBatchReference,
  OrderId,
  Product,
  Sku,
} from '@allocation/allocation-domain';

/** Rows to write beside the product: lines allocated and portions given back. */
export interface LineChanges {
  readonly added: ReadonlyArray<AllocatedLine>;
  /** A line's rows to delete: all of them, or only the one in `batchReference`. */
  readonly removed: ReadonlyArray<{
    readonly orderId: OrderId;
    readonly sku: Sku;
    readonly batchReference?: BatchReference;
  }>;
}

export const noLineChanges: LineChanges = { added: [], removed: [] };

/**
 * Products and their allocated lines, within one unit of work (it lives as long as its
 * transaction). Loads only what a command needs: the product with its batch totals, plus the
 * lines it names. Saving checks the version seen at load (optimistic concurrency) and throws
 * `ConcurrencyConflict` when another unit of work got there first.
 */
export interface ProductRepository {
  get(sku: Sku): Promise<O.Option<Product>>;
  getByBatchReference(reference: BatchReference): Promise<O.Option<Product>>;
  /** The order's line for this SKU, with all its portions. */
  lineOf(sku: Sku, orderId: OrderId): Promise<O.Option<AllocatedLine>>;
  /** The SKUs in which the order has allocated lines. */
  skusOfOrder(orderId: OrderId): Promise<ReadonlyArray<Sku>>;
  /** The batch's lines, newest first, until their quantity in the batch reaches `covering`. */
  newestLinesOf(reference: BatchReference, covering: number): Promise<ReadonlyArray<AllocatedLine>>;
  /** Writes a new or changed product and its line changes. */
  save(product: Product, lines?: LineChanges): Promise<E.Either<DuplicateBatchReference, void>>;
}
