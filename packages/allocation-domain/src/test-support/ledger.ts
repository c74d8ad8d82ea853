import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  allocate,
  changeBatchQuantity,
  deallocate,
  lineQuantityIn,
  type AllocatedLine,
  type OrderLine,
  type Product,
} from '../index';
import type { BatchReference, OrderId, StockQuantity } from '../lib/value-objects';
import type { DomainEvent } from '../lib/events';

/**
 * An in-memory stand-in for the repository: it keeps the allocated lines (in allocation order)
 * beside the product and hands each operation the lines it needs, as the database would.
 */
export class Ledger {
  readonly events: DomainEvent[] = [];
  private lines = new Map<string, AllocatedLine>();

  constructor(public product: Product) {}

  lineOf(orderId: string): O.Option<AllocatedLine> {
    return O.fromNullable(this.lines.get(orderId));
  }

  allLines(): AllocatedLine[] {
    return [...this.lines.values()];
  }

  newestLinesOf(reference: string): AllocatedLine[] {
    return this.allLines()
      .filter((line) => lineQuantityIn(line, reference) > 0)
      .reverse();
  }

  allocate(line: OrderLine, allowSplit = false) {
    const result = allocate(this.product, line, this.lineOf(line.orderId), { allowSplit });
    if (E.isRight(result)) {
      this.product = result.right.product;
      this.events.push(...result.right.events);
      this.lines.set(line.orderId, result.right.value.line);
    } else if (result.left._tag === 'OutOfStock') {
      this.events.push(...result.left.events);
    }
    return result;
  }

  deallocate(orderId: OrderId, fromBatch: O.Option<BatchReference> = O.none) {
    const result = deallocate(this.product, orderId, this.lineOf(orderId), fromBatch);
    if (E.isRight(result)) {
      this.product = result.right.product;
      this.events.push(...result.right.events);
      this.lines.delete(orderId);
      if (O.isSome(result.right.value.remaining)) {
        this.lines.set(orderId, result.right.value.remaining.value);
      }
    }
    return result;
  }

  changeBatchQuantity(reference: BatchReference, quantity: StockQuantity) {
    const result = changeBatchQuantity(
      this.product,
      reference,
      quantity,
      this.newestLinesOf(reference),
    );
    if (E.isRight(result)) {
      this.product = result.right.product;
      this.events.push(...result.right.events);
      result.right.value.deallocated.forEach((line) => this.lines.delete(line.orderId));
    }
    return result;
  }
}
