import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/Either';
import {
  orderNotAllocated,
  type Allocate,
  type AllocationResult,
  type Batch,
  type ChangeBatchQuantity,
  type Deallocate,
  type DomainEvent,
  type Sku,
} from '@allocation/allocation-domain';
import { ConcurrencyConflict, type Handled } from '@allocation/platform';
import type { ProductStore } from '../ports/product-store';
import type { AllocationBus, AllocationFailure } from './allocation-bus';
import {
  decideTogether,
  type GroupCommand,
  type GroupDecision,
  type HeldChange,
} from './decide-together';
import { ProductLocks } from './product-locks';

export type AllocationOutcome = E.Either<AllocationFailure, Handled<AllocationResult, DomainEvent>>;

/** What a quantity change answers: the batch as changed and every event, or why not. */
export type ChangeOutcome = E.Either<AllocationFailure, Handled<Batch, DomainEvent>>;

/** What a whole order's deallocation answers: its events, or why not. */
export type DeallocationOutcome = E.Either<AllocationFailure, Handled<void, DomainEvent>>;

export interface BatcherOptions {
  /** The most commands one transaction takes. */
  readonly maxBatch: number;
  /** How long an idle batcher waits for company before it starts a batch of one. */
  readonly maxWaitMs: number;
}

export const defaultBatcherOptions: BatcherOptions = { maxBatch: 64, maxWaitMs: 0 };

/** Times a batch that lost a version claim is decided again before it falls back. */
const CONFLICT_RETRIES = 3;

/** What the batcher has done so far: how big its batches were, and how often it fell back. */
export interface BatcherStats {
  batches: number;
  commands: number;
  fallbacks: number;
  /** Batches decided again because another writer changed one of their products meanwhile. */
  retries: number;
  /** Quantity changes decided in a batch. */
  changes: number;
  /** Whole orders deallocated in a batch. */
  deallocations: number;
  /** Batch size → how many batches had it. */
  readonly sizes: Map<number, number>;
}

/** Told of each command's outcome and each batch that fell back (for the metrics). */
export interface BatcherObserver {
  readonly decided?: (outcome: AllocationOutcome) => void;
  readonly fellBack?: () => void;
  /** A batch lost a product's claim to another writer (another process) and is decided again. */
  readonly retried?: () => void;
  /**
   * A batch committed: how long it took from its start (load, decisions, the write's round trip,
   * and any wait for the event loop to take the answer), and how many commands it held. The
   * next batch waits for it, so this is the group commit's cycle.
   */
  readonly committed?: (seconds: number, commands: number) => void;
}

/** An outcome as one word: allocated, backordered, repeat, or the refusal's tag. */
export const outcomeLabel = (outcome: AllocationOutcome): string => {
  if (E.isLeft(outcome)) return outcome.left._tag;
  return outcome.right.value.created ? outcome.right.value.outcome : 'repeat';
};

type Waiting =
  | {
      readonly kind: 'allocate';
      readonly command: Allocate;
      readonly resolve: (outcome: AllocationOutcome) => void;
      readonly reject: (error: unknown) => void;
    }
  | {
      readonly kind: 'change';
      readonly command: HeldChange;
      readonly resolve: (outcome: ChangeOutcome) => void;
      readonly reject: (error: unknown) => void;
    }
  | {
      readonly kind: 'deallocate';
      readonly command: Deallocate;
      /** The products it has lines of; until its lookup answers, nothing after it may pass. */
      skus: ReadonlyArray<Sku> | undefined;
      readonly resolve: (outcome: DeallocationOutcome) => void;
      readonly reject: (error: unknown) => void;
    };

/** The products a waiting command touches (none known yet for a deallocation being looked up). */
const skusOf = (waiting: Waiting): ReadonlyArray<string> =>
  waiting.kind === 'deallocate' ? (waiting.skus ?? []) : [waiting.command.sku];

/** The command as decided: a deallocation with the products it was found to have lines of. */
const groupCommandOf = (waiting: Waiting): GroupCommand =>
  waiting.kind === 'deallocate'
    ? { ...waiting.command, skus: waiting.skus ?? [] }
    : waiting.command;

/** Which product this process last found holding a batch (`BatchDirectory`), if it knows. */
export type BatchHolders = (reference: string) => string | undefined;

/**
 * Group commit for allocations, quantity changes and whole orders' deallocations. Commands that
 * arrive while a batch is in flight queue up; the next batch takes them in arrival order (at
 * most `maxBatch`) and decides them together (`decideTogether`, each command's own rule), then
 * commits everything through the product store in one statement with its events, then answers
 * each caller with its own result.
 * A domain failure answers its caller alone. If the batch cannot commit (a product changed
 * meanwhile, an unexpected error), its commands are run again one at a time through the bus, in
 * order, so the results are always those of running them one by one.
 *
 * A quantity change joins a batch as its product's one change there, among its allocations (a
 * shrink lets the batch's own lines go first, then the newest stored). A change of a batch this
 * process has not yet found (`holders`) goes to the bus, which finds it. A deallocation is alone
 * on its products, which it learns from a lookup sent as it arrives (see `deallocate`).
 *
 * A batch holds its products in `locks`, which this process's units of work share: a product
 * one of them holds is left out of the batch, with every later command for it (so each
 * product's commands keep their order), and joins a batch once it is free again.
 */
export class AllocationBatcher {
  readonly stats: BatcherStats = {
    batches: 0,
    commands: 0,
    fallbacks: 0,
    retries: 0,
    changes: 0,
    deallocations: 0,
    sizes: new Map(),
  };
  private readonly queue: Waiting[] = [];
  /** The batch being decided and committed, and the commands it sends to the bus after. */
  private inFlight: ReadonlyArray<Waiting> = [];
  private draining = false;

  constructor(
    private readonly store: ProductStore,
    private readonly bus: AllocationBus,
    private readonly options: BatcherOptions = defaultBatcherOptions,
    /** Told after each batch that committed events, as units of work tell the outbox readers. */
    private readonly onEventsCommitted: (types: ReadonlyArray<string>) => void = () => undefined,
    private readonly observer: BatcherObserver = {},
    private readonly locks: ProductLocks = new ProductLocks(),
    private readonly holders: BatchHolders = () => undefined,
  ) {
    // Commands left for a busy product go as soon as it is free.
    locks.onFree(() => this.wake(0));
    // A unit of work is about to change these: the store must not decide on what it remembers,
    // unless the unit then tells what it stored.
    locks.onAcquired((skus) => store.forget?.(skus));
    locks.onWritten((products) => store.remember?.(products));
  }

  submit(command: Allocate): Promise<AllocationOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'allocate', command, resolve, reject });
      this.wake(this.options.maxWaitMs);
    });
  }

  /** Changes a batch's quantity in the group commit, or through the bus when its product is unknown. */
  change(command: ChangeBatchQuantity): Promise<ChangeOutcome> {
    const sku = this.holders(command.reference);
    if (sku === undefined) return this.bus.handle(command);
    return new Promise((resolve, reject) => {
      this.queue.push({
        kind: 'change',
        command: { ...command, sku: sku as Sku },
        resolve,
        reject,
      });
      this.wake(this.options.maxWaitMs);
    });
  }

  /**
   * Deallocates a whole order in the group commit, or through the bus when it names a batch or
   * the store cannot look orders up. The products it has lines of are looked up at once, while
   * the batch in flight commits; those of the commands before it for the same order are added
   * (they may not have committed yet). Until the lookup answers, nothing after it joins a batch.
   */
  deallocate(command: Deallocate): Promise<DeallocationOutcome> {
    const lookup = this.store.skusOfOrder?.bind(this.store);
    if (command.batchReference !== undefined || lookup === undefined) {
      return this.bus.handle(command);
    }
    const before = new Set<Sku>();
    for (const waiting of [...this.inFlight, ...this.queue]) {
      if (waiting.kind === 'allocate' && waiting.command.orderId === command.orderId) {
        before.add(waiting.command.sku);
      }
    }
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { kind: 'deallocate', command, skus: undefined, resolve, reject };
      this.queue.push(waiting);
      lookup(command.orderId).then(
        (found) => {
          const skus = [...new Set([...found, ...before])].sort();
          if (skus.length > 0) waiting.skus = skus;
          else {
            // Nothing to deallocate, before or after the commands ahead of it.
            this.leave(waiting);
            resolve(E.left(orderNotAllocated(command.orderId)));
          }
          this.wake(0);
        },
        (error: unknown) => {
          this.leave(waiting);
          reject(error);
          this.wake(0);
        },
      );
    });
  }

  /** Takes a command out of the queue without running it. */
  private leave(waiting: Waiting): void {
    const at = this.queue.indexOf(waiting);
    if (at >= 0) this.queue.splice(at, 1);
  }

  /** Starts draining unless a drain is on; the commands of this turn (or `waitMs`) join it. */
  private wake(waitMs: number): void {
    if (this.draining || this.queue.length === 0) return;
    this.draining = true;
    const start = () => void this.drain();
    if (waitMs > 0) setTimeout(start, waitMs);
    else setImmediate(start);
  }

  private async drain(): Promise<void> {
    try {
      for (let batch = this.nextBatch(); batch.length > 0; batch = this.nextBatch()) {
        await this.runBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * The next commands in arrival order, at most `maxBatch`, leaving out every command of a
   * product that is not free (and taking nothing past a left-out command of the same product).
   * A deallocation is its products' only command in a batch: it waits for a batch of its own
   * when one of their commands is already in, and closes them to the commands after it. A
   * change is its product's only change there, with allocations before and after it
   * (`decideTogether`). A deallocation still being looked up takes nothing past it.
   */
  private nextBatch(): Waiting[] {
    const chosen: Waiting[] = [];
    const left: Waiting[] = [];
    const taken = new Set<string>();
    /** Products with a change in the batch: no second change or deallocation joins them. */
    const changed = new Set<string>();
    const closed = new Set<string>();
    let barrier = false;
    const fits = (waiting: Waiting, sku: string): boolean => {
      if (closed.has(sku) || !this.locks.isFree(sku)) return false;
      if (waiting.kind === 'change') return !changed.has(sku);
      if (waiting.kind === 'deallocate') return !taken.has(sku);
      return true;
    };
    for (const waiting of this.queue) {
      if (waiting.kind === 'deallocate' && waiting.skus === undefined) barrier = true;
      const skus = skusOf(waiting);
      const joins =
        !barrier &&
        chosen.length < this.options.maxBatch &&
        skus.every((sku) => fits(waiting, sku));
      for (const sku of skus) {
        if (joins) taken.add(sku);
        if (joins && waiting.kind === 'change') changed.add(sku);
        if (!joins || waiting.kind === 'deallocate') closed.add(sku);
      }
      (joins ? chosen : left).push(waiting);
    }
    this.queue.splice(0, this.queue.length, ...left);
    return chosen;
  }

  /**
   * The batch decided and committed, its decisions; undefined when it could not commit. A
   * product that another writer (another process or instance) changed between the load and the
   * commit fails the version claim and nothing is written: the batch is then loaded and decided
   * again from what is committed now, a few times, before its commands run one by one. Deciding
   * again is what running them a moment later would do, so the results stay those of one at a
   * time.
   */
  private async decideAndCommit(
    commands: ReadonlyArray<GroupCommand>,
  ): Promise<ReadonlyArray<GroupDecision> | undefined> {
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      if (attempt > 0) {
        this.stats.retries += 1;
        this.observer.retried?.();
      }
      try {
        const decided = await decideTogether(this.store, commands);
        const committed = await this.store.commit(decided.changes, decided.events);
        if (E.isLeft(committed)) return undefined;
        if (decided.events.length > 0) this.onEventsCommitted(decided.events.map((e) => e._tag));
        return decided.decisions;
      } catch (error) {
        // A lost version claim is decided again; whatever else failed (the commit writes all or
        // nothing), running the commands one at a time tells each caller what it should.
        if (!(error instanceof ConcurrencyConflict)) return undefined;
      }
    }
    return undefined;
  }

  private async runBatch(batch: ReadonlyArray<Waiting>): Promise<void> {
    this.stats.batches += 1;
    this.stats.commands += batch.length;
    this.stats.sizes.set(batch.length, (this.stats.sizes.get(batch.length) ?? 0) + 1);
    const skus = new Set(batch.flatMap(skusOf));
    this.locks.take(skus);
    this.inFlight = batch;
    let decisions: ReadonlyArray<GroupDecision> | undefined;
    const started = performance.now();
    try {
      decisions = await this.decideAndCommit(batch.map(groupCommandOf));
    } finally {
      // Before any fallback: the bus's units of work take these products themselves.
      this.locks.release(skus);
    }
    if (decisions !== undefined) {
      this.observer.committed?.((performance.now() - started) / 1000, batch.length);
      const elsewhere: Waiting[] = [];
      batch.forEach((waiting, i) => {
        const decision = decisions[i];
        if (waiting.kind === 'allocate' && decision?.kind === 'allocate') {
          this.observer.decided?.(decision.decision);
          waiting.resolve(decision.decision);
        } else if (waiting.kind === 'change' && decision?.kind === 'change') {
          this.stats.changes += 1;
          waiting.resolve(decision.decision);
        } else if (waiting.kind === 'deallocate' && decision?.kind === 'deallocate') {
          this.stats.deallocations += 1;
          waiting.resolve(decision.decision);
        } else elsewhere.push(waiting);
      });
      // Before the next batch, so the product that holds the batch now keeps its order.
      await this.oneByOne(elsewhere);
      this.inFlight = [];
      return;
    }
    this.stats.fallbacks += 1;
    this.observer.fellBack?.();
    await this.oneByOne(batch);
    this.inFlight = [];
  }

  /** Runs commands through the bus, one after another, each answering its caller. */
  private async oneByOne(commands: ReadonlyArray<Waiting>): Promise<void> {
    for (const waiting of commands) {
      try {
        if (waiting.kind === 'allocate') {
          const outcome = await this.bus.handle(waiting.command);
          this.observer.decided?.(outcome);
          waiting.resolve(outcome);
        } else if (waiting.kind === 'change') {
          // The same call twice: narrowed apart, each outcome's type is its own caller's.
          waiting.resolve(await this.bus.handle(waiting.command));
        } else {
          waiting.resolve(await this.bus.handle(waiting.command));
        }
      } catch (error) {
        waiting.reject(error);
      }
    }
  }
}
