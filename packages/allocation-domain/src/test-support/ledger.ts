import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  addBatch,
  allocate,
  changeBatchQuantity,
  deallocate,
  lineQuantityIn,
  releaseLines,
  removeBatch,
  reserveLines,
  shipLines,
  type AllocatedLine,
  type NewBatch,
  type OrderLine,
  type Portion,
  type Product,
} from '../index';
import type {
  BatchReference,
  OrderId,
  PickListId,
  Quantity,
  StockQuantity,
} from '../lib/value-objects';
import type { DomainEvent } from '../lib/events';

/**
 * An in-memory stand-in for the repository: it keeps the allocated lines (in allocation order)
 * beside the product and hands each operation the lines it needs, as the database would. Like
 * the database, it learns what happened to lines from the events alone.
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

  addBatch(batch: NewBatch) {
    return this.apply(addBatch(this.product, batch));
  }

  allocate(line: OrderLine, allowSplit = false, backorder = false) {
    const result = allocate(this.product, line, this.lineOf(line.orderId), {
      allowSplit,
      backorder,
    });
    if (E.isLeft(result) && result.left._tag === 'OutOfStock') {
      this.events.push(...result.left.events);
    }
    return this.apply(result);
  }

  deallocate(orderId: OrderId, fromBatch: O.Option<BatchReference> = O.none) {
    return this.apply(deallocate(this.product, orderId, this.lineOf(orderId), fromBatch));
  }

  changeBatchQuantity(reference: BatchReference, quantity: StockQuantity) {
    return this.apply(
      changeBatchQuantity(this.product, reference, quantity, this.newestLinesOf(reference)),
    );
  }

  removeBatch(reference: BatchReference) {
    return this.apply(removeBatch(this.product, reference, this.newestLinesOf(reference)));
  }

  /** Reserves these orders' allocated lines (those not reserved already) for a pick list. */
  reserve(orderIds: ReadonlyArray<string>, pickListId: PickListId) {
    const lines = orderIds.flatMap((orderId) => {
      const line = this.lines.get(orderId);
      return line === undefined || line.reservedFor !== undefined ? [] : [line];
    });
    return this.replaceLines(this.apply(reserveLines(this.product, lines, pickListId)));
  }

  release(pickListId: PickListId) {
    return this.replaceLines(
      this.apply(releaseLines(this.product, this.linesOn(pickListId), pickListId)),
    );
  }

  ship(pickListId: PickListId) {
    const lines = this.linesOn(pickListId);
    const result = this.apply(shipLines(this.product, lines, pickListId));
    if (E.isRight(result)) lines.forEach((line) => this.lines.delete(line.orderId));
    return result;
  }

  linesOn(pickListId: string): AllocatedLine[] {
    return this.allLines().filter((line) => line.reservedFor === pickListId);
  }

  private replaceLines<L, A extends { value: ReadonlyArray<AllocatedLine> }>(
    result: E.Either<L, A>,
  ) {
    if (E.isRight(result)) {
      for (const line of result.right.value) this.lines.set(line.orderId, line);
    }
    return result;
  }

  private apply<L, A>(
    result: E.Either<L, { product: Product; events: ReadonlyArray<DomainEvent>; value: A }>,
  ) {
    if (E.isRight(result)) {
      // As the database does: a line keeps the stamp it was accepted with, as allocated or as
      // waiting; a line new to the product is accepted by the version this change makes.
      const before = new Map<string, number>(
        [...this.product.backorders, ...this.lines.values()].map((l) => [l.orderId, l.accepted]),
      );
      this.product = result.right.product;
      this.events.push(...result.right.events);
      result.right.events.forEach((event) =>
        this.follow(event, before.get(event._tag === 'Allocated' ? event.orderId : '')),
      );
    }
    return result;
  }

  private follow(event: DomainEvent, accepted: number | undefined): void {
    if (event._tag === 'Allocated') {
      const portion = {
        batchReference: event.batchReference as BatchReference,
        quantity: event.quantity as Quantity,
      };
      const line = this.lines.get(event.orderId);
      // A line served again goes to the end: it is now the newest.
      this.lines.delete(event.orderId);
      this.lines.set(
        event.orderId,
        line === undefined
          ? {
              orderId: event.orderId as OrderId,
              sku: this.product.sku,
              quantity: portion.quantity,
              portions: [portion],
              accepted: accepted ?? this.product.version,
            }
          : {
              ...line,
              quantity: (line.quantity + portion.quantity) as Quantity,
              portions: [line.portions[0], ...line.portions.slice(1), portion],
            },
      );
    }
    if (event._tag === 'Deallocated') {
      const line = this.lines.get(event.orderId);
      if (line === undefined) return;
      const gone = new Set(event.portions.map((p) => p.batchReference));
      const kept = line.portions.filter((p: Portion) => !gone.has(p.batchReference));
      const [head, ...tail] = kept;
      if (head === undefined) this.lines.delete(event.orderId);
      else
        this.lines.set(event.orderId, {
          ...line,
          quantity: kept.reduce((sum, p) => sum + p.quantity, 0) as Quantity,
          portions: [head, ...tail],
        });
    }
  }
}
