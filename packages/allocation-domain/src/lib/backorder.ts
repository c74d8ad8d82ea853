import type { Batch } from './batch';
import type { Backordered, DomainEvent } from './events';
import type { AllocatedLine, Backorder, OrderLine } from './order-line';
import type { Product } from './product';
import { allocatedEvents, applyPortions, portionsFor } from './stock';

export const backorderOf = (line: OrderLine, allowSplit: boolean, accepted: number): Backorder => ({
  orderId: line.orderId,
  sku: line.sku,
  quantity: line.quantity,
  allowSplit,
  accepted,
});

export const backorderedEvents = (line: Backorder): [DomainEvent, Backordered] => [
  { _tag: 'OutOfStock', orderId: line.orderId, sku: line.sku, quantity: line.quantity },
  { _tag: 'Backordered', orderId: line.orderId, sku: line.sku, quantity: line.quantity },
];

export const findBackorder = (product: Product, orderId: string): Backorder | undefined =>
  product.backorders.find((waiting) => waiting.orderId === orderId);

/**
 * `pushedOut` merged into the queue (both in acceptance order): each line with whether it is new
 * to the queue. Equal stamps (rows older than the stamp) keep the queue's line first.
 */
const inAcceptanceOrder = (
  queue: ReadonlyArray<Backorder>,
  pushedOut: ReadonlyArray<Backorder>,
): Array<readonly [Backorder, boolean]> => {
  const incoming = [...pushedOut].sort((a, b) => a.accepted - b.accepted);
  const merged: Array<readonly [Backorder, boolean]> = [];
  let i = 0;
  for (const waiting of queue) {
    while (i < incoming.length && (incoming[i] as Backorder).accepted < waiting.accepted) {
      merged.push([incoming[i++] as Backorder, true]);
    }
    merged.push([waiting, false]);
  }
  while (i < incoming.length) merged.push([incoming[i++] as Backorder, true]);
  return merged;
};

/**
 * The end of every change that frees or adds stock: the free stock of `batches` is offered to
 * the lines waiting for it, first come, first served: in the order the product accepted them,
 * `pushedOut` (lines a batch change just deallocated) among the backorders by when they were
 * accepted, not by when they lost their batch. Each takes what fits, whole or, when it allows,
 * split; one that does not fit keeps its place and the lines behind it still get their turn. A
 * pushed-out line that finds nothing takes its place in the queue and says so (`OutOfStock`,
 * `Backordered`). Returns the next version of the product.
 */
export const settle = (
  product: Product,
  batches: ReadonlyArray<Batch>,
  pushedOut: ReadonlyArray<Backorder> = [],
): { product: Product; events: DomainEvent[]; filled: AllocatedLine[] } => {
  const events: DomainEvent[] = [];
  const filled: AllocatedLine[] = [];
  const waiting: Backorder[] = [];
  let current = batches;
  const offer = (line: Backorder, isNew: boolean): void => {
    const portions = portionsFor(current, line.quantity, line.allowSplit);
    if (portions === undefined) {
      waiting.push(line);
      if (isNew) events.push(...backorderedEvents(line));
      return;
    }
    const served: AllocatedLine = {
      orderId: line.orderId,
      sku: line.sku,
      quantity: line.quantity,
      portions,
      accepted: line.accepted,
    };
    current = applyPortions(current, portions, 1);
    filled.push(served);
    events.push(...allocatedEvents(served));
  };
  for (const [line, isNew] of inAcceptanceOrder(product.backorders, pushedOut)) offer(line, isNew);
  return {
    product: {
      sku: product.sku,
      version: product.version + 1,
      batches: current,
      // The queue object is kept when nothing in it moved, so savers can tell.
      backorders:
        waiting.length === product.backorders.length && pushedOut.length === 0
          ? product.backorders
          : waiting,
    },
    events,
    filled,
  };
};
