import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  batchNotFound,
  lineReserved,
  orderNotAllocated,
  type LineReserved,
  type BatchNotFound,
  type OrderNotAllocated,
  type SkuMismatch,
} from './errors';
import type { DeallocationReason, Deallocated } from './events';
import { isNonEmpty, type AllocatedLine, type Backorder, type Portion } from './order-line';
import { findBackorder, settle } from './backorder';
import { checkSku, findBatch, withBatches, type Changed, type Product } from './product';
import { applyPortions } from './stock';
import type { BatchReference, OrderId, Quantity } from './value-objects';

export interface DeallocationResult {
  /** The portions given back; empty when the line was only waiting for stock. */
  readonly removed: ReadonlyArray<Portion>;
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
 * Deallocates an order's line from the product, or only its portion in one batch; the stock it
 * frees goes to the backorders. `line` is the order's allocated line for this SKU, if it has
 * one. A line that is only waiting for stock is taken out of the queue (when no batch is named).
 * A line on an open pick list is refused: the pick list must be cancelled first.
 */
export const deallocate = (
  product: Product,
  orderId: OrderId,
  line: O.Option<AllocatedLine>,
  fromBatch: O.Option<BatchReference> = O.none,
): E.Either<
  SkuMismatch | BatchNotFound | OrderNotAllocated | LineReserved,
  Changed<DeallocationResult>
> => {
  if (O.isSome(fromBatch) && O.isNone(findBatch(product, fromBatch.value))) {
    return E.left(batchNotFound(fromBatch.value));
  }
  if (O.isNone(line) || line.value.orderId !== orderId) {
    const waiting = O.isNone(fromBatch) ? findBackorder(product, orderId) : undefined;
    return waiting === undefined
      ? E.left(orderNotAllocated(orderId))
      : E.right(cancelBackorder(product, waiting));
  }
  const sameSku = checkSku(product, line.value.sku);
  if (E.isLeft(sameSku)) return sameSku;
  if (line.value.reservedFor !== undefined) {
    return E.left(lineReserved(orderId, line.value.sku, line.value.reservedFor));
  }
  return O.isSome(fromBatch)
    ? removeFromBatch(product, line.value, fromBatch.value)
    : E.right(removeWholeLine(product, line.value));
};

const removeWholeLine = (product: Product, line: AllocatedLine): Changed<DeallocationResult> => {
  const settled = settle(product, applyPortions(product.batches, line.portions, -1));
  return {
    product: settled.product,
    events: [deallocatedEvent(line, 'Requested'), ...settled.events],
    value: { removed: line.portions, remaining: O.none },
  };
};

const cancelBackorder = (product: Product, waiting: Backorder): Changed<DeallocationResult> => ({
  product: {
    ...withBatches(product, product.batches),
    backorders: product.backorders.filter((b) => b !== waiting),
  },
  events: [
    {
      _tag: 'BackorderCancelled',
      orderId: waiting.orderId,
      sku: waiting.sku,
      quantity: waiting.quantity,
    },
  ],
  value: { removed: [], remaining: O.none },
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
  const settled = settle(product, applyPortions(product.batches, removed, -1));
  return E.right({
    product: settled.product,
    events: [deallocatedEvent(line, 'Requested', removed), ...settled.events],
    value: { removed, remaining },
  });
};
