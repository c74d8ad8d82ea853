import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import type { ReadonlyNonEmptyArray } from 'fp-ts/ReadonlyNonEmptyArray';
import {
  batchNotFound,
  orderNotAllocated,
  type BatchNotFound,
  type OrderNotAllocated,
  type SkuMismatch,
} from './errors';
import type { DeallocationReason, Deallocated } from './events';
import { isNonEmpty, type AllocatedLine, type Portion } from './order-line';
import {
  applyPortions,
  checkSku,
  findBatch,
  withBatches,
  type Changed,
  type Product,
} from './product';
import type { BatchReference, OrderId, Quantity } from './value-objects';

export interface DeallocationResult {
  readonly removed: ReadonlyNonEmptyArray<Portion>;
  /** What is left of the line after deallocating it from one batch, if anything. */
  readonly remaining: O.Option<AllocatedLine>;
}

export const deallocatedEvent = (
  line: AllocatedLine,
  reason: DeallocationReason,
  portions: ReadonlyArray<Portion> = line.portions,
): Deallocated => ({
  _tag: 'Deallocated',
  orderId: line.orderId,
  sku: line.sku,
  quantity: portions.reduce((sum, p) => sum + p.quantity, 0),
  reason,
  portions: portions.map((p) => ({ batchReference: p.batchReference, quantity: p.quantity })),
  wasSplit: line.portions.length > 1,
});

/**
 * Deallocates an order's line from the product, or only its portion in one batch.
 * `line` is the order's allocated line for this SKU, if it has one.
 */
export const deallocate = (
  product: Product,
  orderId: OrderId,
  line: O.Option<AllocatedLine>,
  fromBatch: O.Option<BatchReference> = O.none,
): E.Either<SkuMismatch | BatchNotFound | OrderNotAllocated, Changed<DeallocationResult>> => {
  if (O.isSome(fromBatch) && O.isNone(findBatch(product, fromBatch.value))) {
    return E.left(batchNotFound(fromBatch.value));
  }
  if (O.isNone(line) || line.value.orderId !== orderId) {
    return E.left(orderNotAllocated(orderId));
  }
  const sameSku = checkSku(product, line.value.sku);
  if (E.isLeft(sameSku)) return sameSku;
  return O.isSome(fromBatch)
    ? removeFromBatch(product, line.value, fromBatch.value)
    : E.right(removeWholeLine(product, line.value));
};

const removeWholeLine = (product: Product, line: AllocatedLine): Changed<DeallocationResult> => ({
  product: withBatches(product, applyPortions(product.batches, line.portions, -1)),
  events: [deallocatedEvent(line, 'Requested')],
  value: { removed: line.portions, remaining: O.none },
});

const removeFromBatch = (
  product: Product,
  line: AllocatedLine,
  reference: BatchReference,
): E.Either<OrderNotAllocated, Changed<DeallocationResult>> => {
  const removed = line.portions.filter((p) => p.batchReference === reference);
  const kept = line.portions.filter((p) => p.batchReference !== reference);
  if (!isNonEmpty(removed)) {
    return E.left(orderNotAllocated(line.orderId, `in batch ${reference}`));
  }
  const removedQuantity = removed.reduce((sum, p) => sum + p.quantity, 0);
  const remaining: O.Option<AllocatedLine> = isNonEmpty(kept)
    ? O.some({ ...line, quantity: (line.quantity - removedQuantity) as Quantity, portions: kept })
    : O.none;
  return E.right({
    product: withBatches(product, applyPortions(product.batches, removed, -1)),
    events: [deallocatedEvent(line, 'Requested', removed)],
    value: { removed, remaining },
  });
};
