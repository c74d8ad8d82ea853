import type { ReadonlyNonEmptyArray } from 'fp-ts/ReadonlyNonEmptyArray';
import type { BatchReference, OrderId, PickListId, Quantity, Sku } from './value-objects';

export interface OrderLine {
  readonly orderId: OrderId;
  readonly sku: Sku;
  readonly quantity: Quantity;
}

/**
 * When the product accepted a line: the version of the product that took it in, first
 * allocated or first backordered. It stays with the line when the line moves (pushed out of a
 * batch, reallocated, served from the queue), so lines waiting for stock are served in the order
 * they were accepted.
 */
export interface Accepted {
  readonly accepted: number;
}

/** The part of a line served from one batch. */
export interface Portion {
  readonly batchReference: BatchReference;
  readonly quantity: Quantity;
}

/** A line as it stands allocated: one portion, or several when it was split. */
export interface AllocatedLine extends OrderLine, Accepted {
  readonly portions: ReadonlyNonEmptyArray<Portion>;
  /** The open pick list holding it, if any: a reserved line stays where it is until picked. */
  readonly reservedFor?: PickListId;
}

export const lineQuantityIn = (line: AllocatedLine, reference: string): number =>
  line.portions.reduce(
    (sum, portion) => (portion.batchReference === reference ? sum + portion.quantity : sum),
    0,
  );

export const isNonEmpty = <A>(items: ReadonlyArray<A>): items is ReadonlyNonEmptyArray<A> =>
  items.length > 0;

/**
 * A line the product accepted but cannot serve yet: an order's line placed when the stock was
 * short, or a line pushed out of a shrinking or removed batch with nowhere else to go. It waits
 * in the product's queue until stock for its SKU arrives.
 */
export interface Backorder extends OrderLine, Accepted {
  /** Whether it may be served from several batches once stock arrives. */
  readonly allowSplit: boolean;
}
