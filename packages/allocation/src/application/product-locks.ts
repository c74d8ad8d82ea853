import type { Product } from '@allocation/allocation-domain';
import { ConcurrencyConflict } from '@allocation/platform';

/**
 * In-process exclusion per product, taken before a write of it. It keeps the group commit from
 * waiting in PostgreSQL behind a row lock that a unit of work of its own process holds across
 * several round trips (a batch holds many products, so one busy product would stall them all):
 * the batcher leaves a held product's commands for a later batch and commits the others.
 *
 * A unit of work waits its turn, first come, first served, and is handed the product directly
 * when it is let go, so the batcher, which takes a busy product again and again, cannot starve
 * it. Other processes are kept apart by PostgreSQL as before (row locks and version claims).
 */
export class ProductLocks {
  private readonly held = new Set<string>();
  /** Only ever for held products: a release hands over to the first, or frees. */
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly listeners = new Set<() => void>();
  private readonly acquiredListeners = new Set<(skus: ReadonlyArray<string>) => void>();
  private readonly writtenListeners = new Set<(products: ReadonlyArray<Product>) => void>();

  /** Neither held nor waited for. */
  isFree(sku: string): boolean {
    return !this.held.has(sku) && !this.waiting.has(sku);
  }

  /** Takes products that are free now (the batcher asks `isFree` first). */
  take(skus: Iterable<string>): void {
    for (const sku of skus) {
      if (!this.isFree(sku)) throw new Error(`product ${sku} is not free`);
      this.held.add(sku);
    }
  }

  /**
   * Waits for each product in SKU order (so two waiters cannot hold one each of a pair). After
   * `timeoutMs` on one it lets go of those this call took and throws `ConcurrencyConflict`, which
   * makes a unit of work start again.
   */
  async acquire(skus: ReadonlyArray<string>, timeoutMs: number): Promise<void> {
    const taken: string[] = [];
    try {
      for (const sku of [...new Set(skus)].sort()) {
        await this.acquireOne(sku, timeoutMs);
        taken.push(sku);
      }
    } catch (error) {
      this.release(taken);
      throw error;
    }
    for (const listener of this.acquiredListeners) listener(taken);
  }

  /** Lets go: each product passes to its first waiter, or becomes free. */
  release(skus: Iterable<string>): void {
    let freed = false;
    for (const sku of skus) {
      const queue = this.waiting.get(sku);
      const next = queue?.shift();
      if (queue?.length === 0) this.waiting.delete(sku);
      if (next !== undefined) next();
      else freed = this.held.delete(sku) || freed;
    }
    if (freed) for (const listener of this.listeners) listener();
  }

  /** Told whenever a product becomes free (the batcher then looks at what it left waiting). */
  onFree(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** A unit of work holding these products has just stored them (without a transaction). */
  wrote(products: ReadonlyArray<Product>): void {
    for (const listener of this.writtenListeners) listener(products);
  }

  /** Told of products a unit of work holding them has just stored, as stored. */
  onWritten(listener: (products: ReadonlyArray<Product>) => void): void {
    this.writtenListeners.add(listener);
  }

  /** Told of the products a unit of work has just acquired: it is about to change them. */
  onAcquired(listener: (skus: ReadonlyArray<string>) => void): void {
    this.acquiredListeners.add(listener);
  }

  private acquireOne(sku: string, timeoutMs: number): Promise<void> {
    if (this.isFree(sku)) {
      this.held.add(sku);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(sku) ?? [];
      this.waiting.set(sku, queue);
      const granted = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const at = queue.indexOf(granted);
        if (at < 0) return;
        queue.splice(at, 1);
        if (queue.length === 0) this.waiting.delete(sku);
        // The product stays held by whoever held it; only the queue shrank.
        reject(new ConcurrencyConflict(`product ${sku} stayed busy for ${timeoutMs} ms`));
      }, timeoutMs);
      queue.push(granted);
    });
  }
}
