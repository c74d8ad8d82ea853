import * as E from 'fp-ts/Either';
import {
  batchNotFound,
  MAX_PRODUCT_STOCK,
  stockLimitExceeded,
  stockReserved,
  type BatchNotFound,
  type StockLimitExceeded,
  type StockReserved,
} from './errors';
import type { DeallocationReason, Deallocated } from './events';
import type { Batch } from './batch';
import { deallocatedEvent } from './deallocate';
import { lineQuantityIn, type AllocatedLine, type Backorder } from './order-line';
import { backorderOf, settle } from './backorder';
import { findBatch, purchasedTotal, type Changed, type Product } from './product';
import { applyPortions } from './stock';
import type { BatchReference, StockQuantity } from './value-objects';

/** A batch shrunk or removed, and the lines that had to leave it. */
export interface ReleaseResult {
  readonly batch: Batch;
  /** Lines taken out of the product, newest first; each wants reallocating. */
  readonly deallocated: ReadonlyArray<AllocatedLine>;
}

/**
 * Takes lines out of a batch, newest first, until `excess` units are freed. The caller supplies
 * the batch's newest lines; handing over too few is a programming error, not a business one.
 */
const releaseNewest = (
  reference: BatchReference,
  newestFirst: ReadonlyArray<AllocatedLine>,
  excess: number,
): ReadonlyArray<AllocatedLine> => {
  const released: AllocatedLine[] = [];
  let freed = 0;
  for (const line of newestFirst) {
    if (freed >= excess) break;
    // A line on a pick list stays: the shelf it is picked from must still hold it.
    if (line.reservedFor !== undefined) continue;
    const inBatch = lineQuantityIn(line, reference);
    if (inBatch > 0) {
      released.push(line);
      freed += inBatch;
    }
  }
  if (freed < excess) {
    throw new Error(
      `releaseNewest: batch ${reference} needs ${excess} units freed but its lines given free only ${freed}`,
    );
  }
  return released;
};

const releaseLines = (
  batches: ReadonlyArray<Batch>,
  lines: ReadonlyArray<AllocatedLine>,
  reason: DeallocationReason,
): { batches: ReadonlyArray<Batch>; events: Deallocated[] } => ({
  batches: lines.reduce((acc, line) => applyPortions(acc, line.portions, -1), batches),
  events: lines.map((line) => deallocatedEvent(line, reason)),
});

/** Lines that lost their batch want stock again, in their place by when they were accepted. */
const pushedOut = (lines: ReadonlyArray<AllocatedLine>): Backorder[] =>
  // A line that had been split may be split again.
  lines.map((line) => backorderOf(line, line.portions.length > 1, line.accepted));

/**
 * Sets a batch's purchased quantity, never below what open pick lists hold of it. When that
 * leaves it over-allocated, its most recently allocated lines not on a pick list are deallocated (whole, from every batch they use) until it is not; they are
 * then reallocated where the stock allows, or backordered. Stock a larger quantity adds goes to
 * the backorders. `newestLines` are the batch's lines newest first; only as many as cover the
 * excess are needed.
 */
export const changeBatchQuantity = (
  product: Product,
  reference: BatchReference,
  quantity: StockQuantity,
  newestLines: ReadonlyArray<AllocatedLine>,
): E.Either<BatchNotFound | StockReserved | StockLimitExceeded, Changed<ReleaseResult>> => {
  const found = findBatch(product, reference);
  if (found._tag === 'None') return E.left(batchNotFound(reference));
  if (quantity < found.value.reservedQuantity) {
    return E.left(stockReserved(reference, found.value.reservedQuantity, 'shrink'));
  }
  if (purchasedTotal(product) - found.value.purchasedQuantity + quantity > MAX_PRODUCT_STOCK) {
    return E.left(stockLimitExceeded(product.sku));
  }
  const resized = product.batches.map((b) =>
    b.reference === reference ? { ...b, purchasedQuantity: quantity } : b,
  );
  const excess = found.value.allocatedQuantity - quantity;
  const released = excess > 0 ? releaseNewest(reference, newestLines, excess) : [];
  const result = releaseLines(resized, released, 'BatchShrunk');
  const settled = settle(product, result.batches, pushedOut(released));
  const changedBatch = settled.product.batches.find((b) => b.reference === reference) as Batch;
  return E.right({
    product: settled.product,
    events: [
      { _tag: 'BatchQuantityChanged', reference, sku: product.sku, quantity },
      ...result.events,
      ...settled.events,
    ],
    value: { batch: changedBatch, deallocated: released },
  });
};

/**
 * Removes a batch. Every line it holds is deallocated (whole) and reallocated where the stock
 * allows, or backordered; `lines` must be all of the batch's lines, newest first.
 */
export const removeBatch = (
  product: Product,
  reference: BatchReference,
  lines: ReadonlyArray<AllocatedLine>,
): E.Either<BatchNotFound | StockReserved | StockLimitExceeded, Changed<ReleaseResult>> => {
  const found = findBatch(product, reference);
  if (found._tag === 'None') return E.left(batchNotFound(reference));
  const batch = found.value;
  if (batch.reservedQuantity > 0) {
    return E.left(stockReserved(reference, batch.reservedQuantity, 'remove'));
  }
  const released =
    batch.allocatedQuantity > 0 ? releaseNewest(reference, lines, batch.allocatedQuantity) : [];
  const result = releaseLines(product.batches, released, 'BatchRemoved');
  const remaining = result.batches.filter((b) => b.reference !== reference);
  const settled = settle(product, remaining, pushedOut(released));
  return E.right({
    product: settled.product,
    events: [
      ...result.events,
      { _tag: 'BatchRemoved', reference, sku: product.sku },
      ...settled.events,
    ],
    value: { batch: { ...batch, allocatedQuantity: 0 }, deallocated: released },
  });
};
