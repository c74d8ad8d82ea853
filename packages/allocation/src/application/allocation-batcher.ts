import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  allocate as allocateLine,
  lineShipped,
  unknownSku,
  type Allocate,
  type AllocationResult,
  type DomainEvent,
  type Product,
} from '@allocation/allocation-domain';
import type { Handled } from '@allocation/platform';
import type { AllocationBatchStore, BatchedProductChange } from '../ports/allocation-batch';
import type { StandingLine } from '../ports/product.repository';
import type { AllocationBus, AllocationFailure } from './allocation-bus';

export type AllocationOutcome = E.Either<AllocationFailure, Handled<AllocationResult, DomainEvent>>;

export interface BatcherOptions {
  /** The most commands one transaction takes. */
  readonly maxBatch: number;
  /** How long an idle batcher waits for company before it starts a batch of one. */
  readonly maxWaitMs: number;
}

export const defaultBatcherOptions: BatcherOptions = { maxBatch: 64, maxWaitMs: 0 };

/** What the batcher has done so far: how big its batches were, and how often it fell back. */
export interface BatcherStats {
  batches: number;
  commands: number;
  fallbacks: number;
  /** Batch size → how many batches had it. */
  readonly sizes: Map<number, number>;
}

/** Told of each command's outcome and each batch that fell back (for the metrics). */
export interface BatcherObserver {
  readonly decided?: (outcome: AllocationOutcome) => void;
  readonly fellBack?: () => void;
}

/** An outcome as one word: allocated, backordered, repeat, or the refusal's tag. */
export const outcomeLabel = (outcome: AllocationOutcome): string => {
  if (E.isLeft(outcome)) return outcome.left._tag;
  return outcome.right.value.created ? outcome.right.value.outcome : 'repeat';
};

/** A placed order's line for a SKU allocation has never seen: the batch runs one at a time. */
class NewProductInBatch extends Error {
  constructor(sku: string) {
    super(`Product ${sku} does not exist yet`);
  }
}

interface Waiting {
  readonly command: Allocate;
  readonly resolve: (outcome: AllocationOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for allocations. Commands that arrive while a batch is in flight queue up; the
 * next batch takes them in arrival order (at most `maxBatch`) and commits them together:
 * every product they touch loaded once, the pure domain applied command by command, everything
 * written in one statement, one commit, then each caller answered with its own result. A domain
 * failure answers its caller alone. If the batch cannot commit (a product changed meanwhile, an
 * unexpected error), its commands are run again one at a time through the bus, in order, so the
 * results are always those of running them one by one.
 *
 * The batch writes the read model itself (the rows `Allocated` adds), so it stands in for the
 * bus's `Allocated` handlers, and its events go to the outbox in the same statement.
 */
export class AllocationBatcher {
  readonly stats: BatcherStats = { batches: 0, commands: 0, fallbacks: 0, sizes: new Map() };
  private readonly queue: Waiting[] = [];
  private draining = false;

  constructor(
    private readonly store: AllocationBatchStore,
    private readonly bus: AllocationBus,
    private readonly options: BatcherOptions = defaultBatcherOptions,
    /** Told after each batch that committed events, as units of work tell the outbox readers. */
    private readonly onEventsCommitted: () => void = () => undefined,
    private readonly observer: BatcherObserver = {},
  ) {}

  submit(command: Allocate): Promise<AllocationOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Let the commands of this turn of the event loop (or the next few ms) join the first.
        const start = () => void this.drain();
        if (this.options.maxWaitMs > 0) setTimeout(start, this.options.maxWaitMs);
        else setImmediate(start);
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await this.runBatch(this.queue.splice(0, this.options.maxBatch));
      }
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(batch: ReadonlyArray<Waiting>): Promise<void> {
    this.stats.batches += 1;
    this.stats.commands += batch.length;
    this.stats.sizes.set(batch.length, (this.stats.sizes.get(batch.length) ?? 0) + 1);
    let outcomes: ReadonlyArray<AllocationOutcome> | undefined;
    try {
      const decided = await allocateTogether(
        this.store,
        batch.map((w) => w.command),
      );
      await this.store.commit(decided.changes, decided.events);
      if (decided.events.length > 0) this.onEventsCommitted();
      outcomes = decided.outcomes;
    } catch {
      // Whatever failed (the commit writes all or nothing), running the commands one at a time
      // tells each caller what it should.
    }
    if (outcomes !== undefined) {
      batch.forEach((waiting, i) => {
        const outcome = outcomes[i] as AllocationOutcome;
        this.observer.decided?.(outcome);
        waiting.resolve(outcome);
      });
      return;
    }
    this.stats.fallbacks += 1;
    this.observer.fellBack?.();
    for (const waiting of batch) {
      try {
        const outcome = await this.bus.handle(waiting.command);
        this.observer.decided?.(outcome);
        waiting.resolve(outcome);
      } catch (error) {
        waiting.reject(error);
      }
    }
  }
}

/**
 * The commands applied in arrival order to products loaded once: the same decisions, events and
 * results as the allocate handler's one at a time. Refusals keep their `OutOfStock` event, in
 * arrival order, as the bus would have committed it after the refusal.
 */
export const allocateTogether = async (
  store: AllocationBatchStore,
  commands: ReadonlyArray<Allocate>,
): Promise<{
  outcomes: ReadonlyArray<AllocationOutcome>;
  changes: ReadonlyArray<BatchedProductChange>;
  events: ReadonlyArray<DomainEvent>;
}> => {
  const recorded: DomainEvent[] = [];
  const loaded = await store.load(commands);
  const products = new Map<string, Product>();
  const lines = new Map<string, Map<string, StandingLine>>();
  for (const [sku, entry] of loaded) {
    products.set(sku, entry.product);
    lines.set(sku, new Map(entry.lines));
  }
  const allocated = new Map<string, BatchedProductChange['allocated'][number][]>();
  const outcomes = commands.map((command): AllocationOutcome => {
    const product = products.get(command.sku);
    const ofProduct = lines.get(command.sku);
    if (product === undefined || ofProduct === undefined) {
      // A product that does not exist yet is created on the one-at-a-time path (the batch's
      // statement only updates products); that happens once per SKU.
      if (command.backorder) throw new NewProductInBatch(command.sku);
      return E.left(unknownSku(command.sku));
    }
    const standing = ofProduct.get(command.orderId) ?? O.none;
    if (standing === 'shipped') return E.left(lineShipped(command.orderId, command.sku));
    const decided = allocateLine(product, command, standing, {
      allowSplit: command.allowSplit,
      backorder: command.backorder,
    });
    if (E.isLeft(decided)) {
      if (decided.left._tag === 'OutOfStock') recorded.push(...decided.left.events);
      return decided;
    }
    const { value, events } = decided.right;
    if (!value.created) return E.right({ value, events: [] });
    products.set(command.sku, decided.right.product);
    if (value.outcome === 'allocated') {
      ofProduct.set(command.orderId, O.some(value.line));
      const portions = allocated.get(command.sku) ?? [];
      for (const portion of value.line.portions)
        portions.push({ orderId: command.orderId, ...portion, accepted: value.line.accepted });
      allocated.set(command.sku, portions);
    }
    recorded.push(...events);
    return E.right({ value, events });
  });
  const changes: BatchedProductChange[] = [];
  for (const [sku, product] of products) {
    const before = loaded.get(sku)?.product;
    if (before === undefined || before === product) continue;
    changes.push({ product, loadedVersion: before.version, allocated: allocated.get(sku) ?? [] });
  }
  return { outcomes, changes, events: recorded };
};
