import * as E from 'fp-ts/Either';
import { lineReserved, skuMismatch, type LineReserved, type SkuMismatch } from './errors';
import type { Shipped } from './events';
import type { Batch } from './batch';
import type { AllocatedLine, Portion } from './order-line';
import type { Changed, Product } from './product';
import type { PickListId } from './value-objects';

/** What a product's lines on one pick list did: the lines as they stand afterwards. */
export type Picked = ReadonlyArray<AllocatedLine>;

type BatchChange = (batch: Batch, quantity: number) => Batch;

/** Applies `change` to each batch a portion of the lines is in. */
const adjust = (
  batches: ReadonlyArray<Batch>,
  lines: ReadonlyArray<AllocatedLine>,
  change: BatchChange,
): ReadonlyArray<Batch> => {
  const byBatch = new Map<string, number>();
  for (const portion of lines.flatMap((line): ReadonlyArray<Portion> => line.portions)) {
    byBatch.set(
      portion.batchReference,
      (byBatch.get(portion.batchReference) ?? 0) + portion.quantity,
    );
  }
  return batches.map((batch) => {
    const quantity = byBatch.get(batch.reference);
    return quantity === undefined ? batch : change(batch, quantity);
  });
};

const next = (product: Product, batches: ReadonlyArray<Batch>): Product => ({
  sku: product.sku,
  version: product.version + 1,
  batches,
  backorders: product.backorders,
});

/**
 * Every line must be this product's, and (un)reserved as `expected` says. A line named twice
 * counts once.
 */
const check = (
  product: Product,
  given: ReadonlyArray<AllocatedLine>,
  expected: PickListId | undefined,
): E.Either<SkuMismatch | LineReserved, ReadonlyArray<AllocatedLine>> => {
  const lines = [...new Map(given.map((line) => [line.orderId as string, line])).values()];
  for (const line of lines) {
    if (line.sku !== product.sku) return E.left(skuMismatch(product.sku, line.sku));
    if (line.reservedFor !== expected) {
      return E.left(lineReserved(line.orderId, line.sku, line.reservedFor ?? 'none'));
    }
  }
  return E.right(lines);
};

/** Counts the lines in (1) or out of (-1) their batches' reserved totals. */
const reserve = (product: Product, lines: ReadonlyArray<AllocatedLine>, sign: 1 | -1): Product =>
  next(
    product,
    adjust(product.batches, lines, (b, q) => ({
      ...b,
      reservedQuantity: b.reservedQuantity + sign * q,
    })),
  );

/**
 * Puts allocated lines on a pick list: their batches count them as reserved, so that no
 * shrinking or removal of a batch takes them back while they are being picked.
 */
export const reserveLines = (
  product: Product,
  lines: ReadonlyArray<AllocatedLine>,
  pickListId: PickListId,
): E.Either<SkuMismatch | LineReserved, Changed<Picked>> =>
  E.map((free: ReadonlyArray<AllocatedLine>) => ({
    product: reserve(product, free, 1),
    events: [],
    value: free.map((line) => ({ ...line, reservedFor: pickListId })),
  }))(check(product, lines, undefined));

/** Takes the lines of a cancelled pick list off it: they stay allocated, no longer reserved. */
export const releaseLines = (
  product: Product,
  lines: ReadonlyArray<AllocatedLine>,
  pickListId: PickListId,
): E.Either<SkuMismatch | LineReserved, Changed<Picked>> =>
  E.map((held: ReadonlyArray<AllocatedLine>) => ({
    product: reserve(product, held, -1),
    events: [],
    value: held.map(({ reservedFor: _released, ...line }) => line),
  }))(check(product, lines, pickListId));

/**
 * Ships the lines of a confirmed pick list: what was picked leaves the warehouse, so each batch's
 * purchased, allocated and reserved quantities all drop by it (what is available does not
 * change), and the lines are gone for good: nothing can reallocate them or return their stock.
 */
export const shipLines = (
  product: Product,
  lines: ReadonlyArray<AllocatedLine>,
  pickListId: PickListId,
): E.Either<SkuMismatch | LineReserved, Changed<Picked>> => {
  const held = check(product, lines, pickListId);
  if (E.isLeft(held)) return held;
  const events: Shipped[] = held.right.flatMap((line) =>
    line.portions.map((portion) => ({
      _tag: 'Shipped' as const,
      orderId: line.orderId,
      sku: line.sku,
      quantity: portion.quantity,
      batchReference: portion.batchReference,
      pickListId,
    })),
  );
  return E.right({
    product: next(
      product,
      adjust(product.batches, held.right, (b, q) => ({
        ...b,
        purchasedQuantity: b.purchasedQuantity - q,
        allocatedQuantity: b.allocatedQuantity - q,
        reservedQuantity: b.reservedQuantity - q,
      })),
    ),
    events,
    value: held.right,
  });
};
