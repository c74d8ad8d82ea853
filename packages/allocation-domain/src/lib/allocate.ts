import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  lineAlreadyAllocated,
  outOfStock,
  skuMismatch,
  type LineAlreadyAllocated,
  type OutOfStockError,
  type SkuMismatch,
} from './errors';
import { backorderedEvents, backorderOf, findBackorder } from './backorder';
import type { AllocatedLine, Backorder, OrderLine } from './order-line';
import { withBatches, type Changed, type Product } from './product';
import { allocatedEvents, applyPortions, portionsFor } from './stock';

/** Where the line stands: served from batches, or waiting for stock. */
export type AllocationResult =
  | {
      readonly outcome: 'allocated';
      readonly line: AllocatedLine;
      /** False when the same line was already allocated and nothing changed. */
      readonly created: boolean;
    }
  | {
      readonly outcome: 'backordered';
      readonly backorder: Backorder;
      /** False when the same line was already waiting and nothing changed. */
      readonly created: boolean;
    };

export interface AllocateOptions {
  /** Serve a line that fits no single batch from several, in preference order. */
  readonly allowSplit: boolean;
  /**
   * What a shortage means. A line of a placed order is accepted and waits (`backorder`); a
   * direct request is refused with `OutOfStock` and not kept (the default).
   */
  readonly backorder?: boolean;
}

const NO_SPLIT: AllocateOptions = { allowSplit: false };

/**
 * Allocates a line to the product's batches. `existing` is the line already allocated for the
 * same order and SKU, if any: repeating it is a no-op, changing its quantity is refused. A line
 * already waiting in the product's backorders is treated the same way.
 *
 * This is the hot path, so it is written as plain branches returning `Either` rather than a
 * pipeline of combinators: the same rules, several times faster (see the benchmark).
 */
export const allocate = (
  product: Product,
  line: OrderLine,
  existing: O.Option<AllocatedLine>,
  options: AllocateOptions = NO_SPLIT,
): E.Either<SkuMismatch | LineAlreadyAllocated | OutOfStockError, Changed<AllocationResult>> => {
  if (line.sku !== product.sku) {
    return E.left(skuMismatch(product.sku, line.sku));
  }
  if (O.isSome(existing) && existing.value.orderId === line.orderId) {
    const found = existing.value;
    return found.quantity === line.quantity
      ? E.right({
          product,
          events: [],
          value: { outcome: 'allocated', line: found, created: false },
        })
      : E.left(lineAlreadyAllocated(line.orderId, line.sku, found.quantity, line.quantity));
  }
  const waiting = product.backorders.length > 0 ? findBackorder(product, line.orderId) : undefined;
  if (waiting !== undefined) {
    return waiting.quantity === line.quantity
      ? E.right({
          product,
          events: [],
          value: { outcome: 'backordered', backorder: waiting, created: false },
        })
      : E.left(
          lineAlreadyAllocated(
            line.orderId,
            line.sku,
            waiting.quantity,
            line.quantity,
            'backordered',
          ),
        );
  }
  const portions = portionsFor(product.batches, line.quantity, options.allowSplit);
  if (portions === undefined) {
    return options.backorder === true
      ? E.right(joinBackorders(product, backorderOf(line, options.allowSplit, product.version + 1)))
      : E.left(outOfStock(line.orderId, line.sku, line.quantity));
  }
  const allocated: AllocatedLine = {
    orderId: line.orderId,
    sku: line.sku,
    quantity: line.quantity,
    portions,
    // Accepted by the version this change makes.
    accepted: product.version + 1,
  };
  return E.right({
    product: withBatches(product, applyPortions(product.batches, portions, 1)),
    events: allocatedEvents(allocated),
    value: { outcome: 'allocated', line: allocated, created: true },
  });
};

/** The line waits at the back of the queue. */
const joinBackorders = (product: Product, backorder: Backorder): Changed<AllocationResult> => ({
  product: {
    sku: product.sku,
    version: product.version + 1,
    batches: product.batches,
    backorders: [...product.backorders, backorder],
  },
  events: backorderedEvents(backorder),
  value: { outcome: 'backordered', backorder, created: true },
});
