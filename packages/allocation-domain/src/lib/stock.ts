import type { Allocated } from './events';
import { availableQuantity, type Batch } from './batch';
import type { ReadonlyNonEmptyArray } from 'fp-ts/ReadonlyNonEmptyArray';
import { isNonEmpty, type AllocatedLine, type Portion } from './order-line';
import type { Quantity } from './value-objects';

/** The first batch that can take the whole line, in preference order. */
const wholeFit = (batches: ReadonlyArray<Batch>, quantity: Quantity): Portion[] | undefined => {
  for (const batch of batches) {
    if (availableQuantity(batch) >= quantity)
      return [{ batchReference: batch.reference, quantity }];
  }
  return undefined;
};

/** Fills the line from batches in preference order, if together they hold enough. */
const splitFit = (batches: ReadonlyArray<Batch>, quantity: Quantity): Portion[] | undefined => {
  const portions: Portion[] = [];
  let remaining: number = quantity;
  for (const batch of batches) {
    if (remaining === 0) break;
    const take = Math.min(remaining, availableQuantity(batch));
    if (take > 0) {
      portions.push({ batchReference: batch.reference, quantity: take as Quantity });
      remaining -= take;
    }
  }
  return remaining === 0 ? portions : undefined;
};

/**
 * Where a line of this quantity goes: one batch if any can take it whole, else (when allowed)
 * several in preference order; undefined when the stock is short.
 */
export const portionsFor = (
  batches: ReadonlyArray<Batch>,
  quantity: Quantity,
  allowSplit: boolean,
): ReadonlyNonEmptyArray<Portion> | undefined => {
  const portions =
    wholeFit(batches, quantity) ?? (allowSplit ? splitFit(batches, quantity) : undefined);
  return portions !== undefined && isNonEmpty(portions) ? portions : undefined;
};

/** Adds (sign 1) or returns (sign -1) the line's portions to the batches' allocated totals. */
export const applyPortions = (
  batches: ReadonlyArray<Batch>,
  portions: ReadonlyArray<Portion>,
  sign: 1 | -1,
): ReadonlyArray<Batch> => {
  // A copy with only the touched batches replaced: the others are shared with the old product.
  const updated = batches.slice();
  for (const portion of portions) {
    const index = updated.findIndex((batch) => batch.reference === portion.batchReference);
    const batch = updated[index];
    if (batch === undefined) continue;
    updated[index] = {
      reference: batch.reference,
      sku: batch.sku,
      eta: batch.eta,
      purchasedQuantity: batch.purchasedQuantity,
      allocatedQuantity: batch.allocatedQuantity + sign * portion.quantity,
      reservedQuantity: batch.reservedQuantity,
      position: batch.position,
    };
  }
  return updated;
};

/** One `Allocated` per batch the line is served from. */
export const allocatedEvents = (line: AllocatedLine): Allocated[] =>
  line.portions.map((portion) => ({
    _tag: 'Allocated',
    orderId: line.orderId,
    sku: line.sku,
    quantity: portion.quantity,
    batchReference: portion.batchReference,
  }));
