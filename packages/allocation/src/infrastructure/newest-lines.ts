import type { AllocatedLine, Product } from '@allocation/allocation-domain';
import type { LineChanges } from '../ports/product-store';
import type { ProductWrite } from './product-sql';
import { groupIntoLines, type PortionRow } from './rows';

/**
 * What a store knows of the newest lines of the products it remembers: for each product, by
 * batch reference, the lines it wrote into the batch since the batch's record started, oldest
 * first. That is every line the batch gained since, in the order the write statements inserted
 * their rows, so the newest of them are the batch's newest lines as stored, as long as no one
 * else wrote the product (the store's version claims vouch for that). A shrink they cover needs
 * no load. The same lines by order id (every line a record holds, and some that have left a
 * record but are still as written): a deallocation of one of them needs no load either.
 *
 * A product's record starts when the store finds it at a version (a load, or a unit of work's
 * word), and a batch's record starts afresh when the batch gains a line whose stamp the store
 * does not know. At most `linesPerBatch` lines are kept per batch: past that the oldest half goes.
 */
export class NewestLines {
  private readonly byBatch = new Map<string, Map<string, AllocatedLine[]>>();
  private readonly byOrder = new Map<string, Map<string, AllocatedLine>>();

  constructor(private readonly linesPerBatch: number) {}

  /** Starts the product's record: from now on, every line written into it is known. */
  start(sku: string): void {
    this.byBatch.set(sku, new Map());
    this.byOrder.set(sku, new Map());
  }

  forget(sku: string): void {
    this.byBatch.delete(sku);
    this.byOrder.delete(sku);
  }

  /** The lines the batch gained since its record started, oldest first. */
  gained(sku: string, reference: string): ReadonlyArray<AllocatedLine> {
    return this.byBatch.get(sku)?.get(reference) ?? [];
  }

  /** The order's line of the product as this store wrote it, if it knows it. */
  lineOf(sku: string, orderId: string): AllocatedLine | undefined {
    return this.byOrder.get(sku)?.get(orderId);
  }

  /**
   * Brings the record up to the committed write. Each line it wrote rows of (allocated anew,
   * moved by a shrink, served from the queue) has new rows, so it is now the newest of its
   * batches, in the order of `held` (the order the statement inserts them); each line it let go
   * leaves the record. A line written again takes the stamp the statement gives it: the one it
   * waited with in the queue, or the one it had. If neither is known here (a line this store did
   * not allocate), the batches it went to start their records afresh after this write. Lines
   * shipped or put on a pick list start the product's record afresh.
   */
  record({ before, after, lines }: ProductWrite): void {
    const byBatch = this.byBatch.get(after.sku);
    const byOrder = this.byOrder.get(after.sku);
    if (
      byBatch === undefined ||
      byOrder === undefined ||
      (lines.shipped ?? []).length > 0 ||
      lines.reservation !== undefined
    ) {
      this.start(after.sku);
      return;
    }
    const stamps = this.takeOut(byBatch, byOrder, before, lines);
    this.putIn(byBatch, byOrder, after.sku, lines.held, stamps);
  }

  /**
   * Takes out of the records each line the write let go or wrote again (a portion without a
   * stamp: a line new to the product has one); answers the stamps those written again take (the
   * one each waited with in the queue, else its own), where known.
   */
  private takeOut(
    byBatch: Map<string, AllocatedLine[]>,
    byOrder: Map<string, AllocatedLine>,
    before: Product | undefined,
    lines: LineChanges,
  ): ReadonlyMap<string, number> {
    const rewritten = lines.held.filter((portion) => portion.accepted === undefined);
    if (lines.released.length === 0 && rewritten.length === 0) return new Map();
    const stamps = new Map(
      (before?.backorders ?? []).map((w) => [w.orderId as string, w.accepted]),
    );
    const leaving = new Set<string>([...lines.released, ...rewritten].map((p) => p.orderId));
    for (const orderId of leaving) {
      // Every line a record holds is known by its order id: one that is not is in none.
      const line = byOrder.get(orderId);
      if (line === undefined) continue;
      if (!stamps.has(orderId)) stamps.set(orderId, line.accepted);
      byOrder.delete(orderId);
      for (const { batchReference } of line.portions) {
        const held = byBatch.get(batchReference) ?? [];
        const at = held.lastIndexOf(line);
        if (at >= 0) held.splice(at, 1);
      }
    }
    return stamps;
  }

  /** Adds the lines the write gave rows, as the newest of their batches, in the rows' order. */
  private putIn(
    byBatch: Map<string, AllocatedLine[]>,
    byOrder: Map<string, AllocatedLine>,
    sku: string,
    held: LineChanges['held'],
    stamps: ReadonlyMap<string, number>,
  ): void {
    const restarted = new Set<string>();
    const rows: PortionRow[] = [];
    for (const { orderId, batchReference, quantity, accepted } of held) {
      const stamp = accepted ?? stamps.get(orderId);
      if (stamp === undefined) {
        restarted.add(batchReference);
      } else {
        rows.push({ orderId, sku, batchReference, quantity, pickListId: null, accepted: stamp });
      }
    }
    const added = groupIntoLines(rows);
    // Commonly one row per line, in the same order; else found by order id.
    const byId =
      added.length === rows.length
        ? undefined
        : new Map(added.map((line) => [line.orderId as string, line]));
    rows.forEach(({ orderId, batchReference }, i) => {
      const line = (byId === undefined ? added[i] : byId.get(orderId)) as AllocatedLine;
      byOrder.set(orderId, line);
      const lines = byBatch.get(batchReference) ?? [];
      lines.push(line);
      // Bounded: the oldest go first, and what stays is still every line since the oldest kept.
      if (lines.length > this.linesPerBatch) {
        for (const old of lines.splice(0, lines.length >> 1)) {
          byOrder.delete(old.orderId);
          // No longer known by order id, it may not stay in another batch's record.
          for (const other of old.portions) {
            if (other.batchReference !== batchReference) byBatch.set(other.batchReference, []);
          }
        }
      }
      byBatch.set(batchReference, lines);
    });
    // A batch that gained a line of unknown stamp knows only the lines it gains from now on.
    for (const reference of restarted) byBatch.set(reference, []);
  }
}
