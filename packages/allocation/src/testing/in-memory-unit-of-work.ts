import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  duplicateBatchReference,
  type AllocatedLine,
  type BatchReference,
  type DomainEvent,
  type DuplicateBatchReference,
  type OrderId,
  type PickListId,
  type Product,
  type Sku,
} from '@allocation/allocation-domain';
import { ConcurrencyConflict, retriesExhausted, type RetriesExhausted } from '@allocation/platform';
import type { AllocationTransaction, AllocationUnitOfWork } from '../ports/allocation-transaction';
import type { AllocationViewRow } from '../ports/allocation.queries';
import {
  type LineChanges,
  type LoadedProduct,
  noLineChanges,
  type ProductChange,
  type ProductRequest,
  type ProductStore,
  type StandingLine,
} from '../ports/product-store';
import { groupIntoLines, type PortionRow } from '../infrastructure/rows';
import type { BatchRelease, ProductRepository } from '../ports/product.repository';

/** A portion row with the insertion order the table's id gives. */
interface LineRow extends PortionRow {
  readonly id: number;
}

/** Everything the allocation context stores. Rows and products are never mutated, only replaced. */
export interface AllocationState {
  products: Map<string, Product>;
  lines: LineRow[];
  /** `order id, sku` of every line that shipped. */
  shipped: ReadonlySet<string>;
  nextId: number;
}

const emptyState = (): AllocationState => ({
  products: new Map(),
  lines: [],
  shipped: new Set(),
  nextId: 1,
});

const copyOf = (state: AllocationState): AllocationState => ({
  products: new Map(state.products),
  lines: [...state.lines],
  shipped: new Set(state.shipped),
  nextId: state.nextId,
});

const shippedKey = (orderId: string, sku: string) => `${orderId}\u0000${sku}`;

/** The product repository over plain memory, with the same contract as the Prisma one. */
export class InMemoryProductRepository implements ProductRepository {
  private readonly seen = new Map<string, number>();

  constructor(private readonly state: AllocationState) {}

  async get(sku: Sku): Promise<O.Option<Product>> {
    return this.remember(O.fromNullable(this.state.products.get(sku)));
  }

  async load(requests: ReadonlyArray<ProductRequest>): Promise<ReadonlyMap<string, LoadedProduct>> {
    const found = new Map<string, LoadedProduct>();
    for (const sku of [...new Set(requests.map((r) => r.sku))].sort()) {
      const product = await this.get(sku);
      if (O.isNone(product)) continue;
      const lines = new Map<string, StandingLine>();
      const releasing = new Map<string, ReadonlyArray<AllocatedLine>>();
      for (const { orderId, release } of requests.filter((r) => r.sku === sku)) {
        if (orderId !== undefined) lines.set(orderId, this.standingLineOf(sku, orderId));
        const batch = product.value.batches.find((b) => b.reference === release?.reference);
        if (release !== undefined && batch !== undefined) {
          const covering = batch.allocatedQuantity - release.keeping;
          releasing.set(release.reference, this.newestLinesOf(release.reference, covering));
        }
      }
      found.set(sku, { product: product.value, lines, releasing });
    }
    return found;
  }

  /** Every change, or none: a failed one leaves the state as it was. */
  async commit(
    changes: ReadonlyArray<ProductChange>,
  ): Promise<E.Either<DuplicateBatchReference, void>> {
    const before = copyOf(this.state);
    for (const { product, lines } of changes) {
      const saved = await this.write(product, lines);
      if (E.isLeft(saved)) {
        Object.assign(this.state, before);
        return saved;
      }
    }
    return E.right(undefined);
  }

  /** The version this repository loaded the product at, if it did. */
  versionSeen(sku: string): number | undefined {
    return this.seen.get(sku);
  }

  async save(
    product: Product,
    lines: LineChanges = noLineChanges,
  ): Promise<E.Either<DuplicateBatchReference, void>> {
    return this.commit([{ product, lines }]);
  }

  async getByBatchReference(reference: BatchReference): Promise<O.Option<Product>> {
    const holder = [...this.state.products.values()].find((product) =>
      product.batches.some((batch) => batch.reference === reference),
    );
    return this.remember(O.fromNullable(holder));
  }

  async batchToRelease(
    reference: BatchReference,
    keeping: number,
  ): Promise<O.Option<BatchRelease>> {
    const holder = await this.getByBatchReference(reference);
    if (O.isNone(holder)) return O.none;
    const sku = holder.value.sku;
    const loaded = (await this.load([{ sku, release: { reference, keeping } }])).get(sku);
    return O.fromNullable(
      loaded && { product: loaded.product, lines: loaded.releasing?.get(reference) ?? [] },
    );
  }

  private lineOf(sku: Sku, orderId: OrderId): O.Option<AllocatedLine> {
    const rows = this.state.lines.filter((row) => row.sku === sku && row.orderId === orderId);
    return O.fromNullable(groupIntoLines(rows)[0]);
  }

  private standingLineOf(sku: Sku, orderId: OrderId): StandingLine {
    const line = this.lineOf(sku, orderId);
    return O.isNone(line) && this.state.shipped.has(shippedKey(orderId, sku)) ? 'shipped' : line;
  }

  async skusToPick(orderIds: ReadonlyArray<OrderId> | null): Promise<ReadonlyArray<Sku>> {
    const skus = this.toPick(orderIds).map((row) => row.sku);
    return [...new Set(skus)].sort() as Sku[];
  }

  async linesToPick(
    sku: Sku,
    orderIds: ReadonlyArray<OrderId> | null,
  ): Promise<ReadonlyArray<AllocatedLine>> {
    return groupIntoLines(this.toPick(orderIds).filter((row) => row.sku === sku));
  }

  async linesOn(sku: Sku, pickListId: PickListId): Promise<ReadonlyArray<AllocatedLine>> {
    return groupIntoLines(
      this.state.lines.filter((row) => row.sku === sku && row.pickListId === pickListId),
    );
  }

  private toPick(orderIds: ReadonlyArray<OrderId> | null): LineRow[] {
    return this.state.lines.filter(
      (row) =>
        (row.pickListId ?? null) === null &&
        (orderIds === null || orderIds.includes(row.orderId as OrderId)),
    );
  }

  async skusOfOrder(orderId: OrderId): Promise<ReadonlyArray<Sku>> {
    const skus = this.state.lines.filter((row) => row.orderId === orderId).map((row) => row.sku);
    const waiting = [...this.state.products.values()]
      .filter((product) => product.backorders.some((b) => b.orderId === orderId))
      .map((product) => product.sku);
    return [...new Set([...skus, ...waiting])].sort() as Sku[];
  }

  /** The batch's lines, newest first, until their quantity in the batch reaches `covering`. */
  private newestLinesOf(reference: BatchReference, covering: number): AllocatedLine[] {
    const newest: LineRow[] = [];
    let covered = 0;
    for (const row of [...this.state.lines].reverse()) {
      if (covered >= covering) break;
      if (row.batchReference !== reference || (row.pickListId ?? null) !== null) continue;
      newest.push(row);
      covered += row.quantity;
    }
    return newest.flatMap((row) => {
      const portions = this.state.lines.filter(
        (other) => other.orderId === row.orderId && other.sku === row.sku,
      );
      return groupIntoLines(portions);
    });
  }

  private async write(
    product: Product,
    lines: LineChanges,
  ): Promise<E.Either<DuplicateBatchReference, void>> {
    const stored = this.state.products.get(product.sku);
    if (stored?.version !== this.seen.get(product.sku)) {
      throw new ConcurrencyConflict(`Product ${product.sku} changed since it was read`);
    }
    const known = new Set(stored?.batches.map((batch) => batch.reference));
    for (const batch of product.batches.filter((b) => !known.has(b.reference))) {
      const elsewhere = O.isSome(await this.getByBatchReference(batch.reference));
      if (elsewhere) return E.left(duplicateBatchReference(batch.reference));
    }
    // As the database does: a held line keeps when it was accepted (as it waited, or as its
    // rows were); a line new to the product is accepted by this version.
    const acceptedBefore = new Map<string, number>([
      ...this.state.lines
        .filter((row) => row.sku === product.sku)
        .map((row) => [row.orderId, row.accepted] as const),
      ...(stored?.backorders ?? []).map((b) => [b.orderId, b.accepted] as const),
    ]);
    // A held portion replaces the row its line had in that batch, as the newest row.
    const gone = [...lines.released, ...lines.held];
    this.state.lines = this.state.lines.filter(
      (row) =>
        row.sku !== product.sku ||
        !gone.some(
          (key) => key.orderId === row.orderId && key.batchReference === row.batchReference,
        ),
    );
    const reservation = lines.reservation;
    if (reservation !== undefined) {
      this.state.lines = this.state.lines.map((row) =>
        row.sku === product.sku && reservation.orderIds.includes(row.orderId as OrderId)
          ? { ...row, pickListId: reservation.pickListId }
          : row,
      );
    }
    if (lines.shipped !== undefined && lines.shipped.length > 0) {
      this.state.shipped = new Set([
        ...this.state.shipped,
        ...lines.shipped.map((portion) => shippedKey(portion.orderId, product.sku)),
      ]);
    }
    for (const portion of lines.held) {
      this.state.lines.push({
        id: this.state.nextId++,
        orderId: portion.orderId,
        sku: product.sku,
        batchReference: portion.batchReference,
        quantity: portion.quantity,
        accepted: portion.accepted ?? acceptedBefore.get(portion.orderId) ?? product.version,
      });
    }
    this.state.products.set(product.sku, product);
    this.seen.set(product.sku, product.version);
    return E.right(undefined);
  }

  private remember(product: O.Option<Product>): O.Option<Product> {
    if (O.isSome(product)) this.seen.set(product.value.sku, product.value.version);
    return product;
  }
}

class InMemoryAllocationTransaction implements AllocationTransaction {
  readonly products: InMemoryProductRepository;
  private readonly recorded: DomainEvent[] = [];

  constructor(state: AllocationState) {
    this.products = new InMemoryProductRepository(state);
  }

  get events(): ReadonlyArray<DomainEvent> {
    return this.recorded;
  }

  record(events: ReadonlyArray<DomainEvent>): void {
    this.recorded.push(...events);
  }
}

/**
 * A unit of work over memory, for tests of the application rules: each run works on a copy of
 * the state, which replaces the state only when the work returns Right.
 */
export class InMemoryUnitOfWork implements AllocationUnitOfWork {
  private state: AllocationState = emptyState();
  commits = 0;
  /** Every event committed, in order: what the Prisma unit of work writes to its outbox. */
  readonly outbox: DomainEvent[] = [];

  constructor(private readonly maxAttempts = 3) {}

  /** Runs one at a time: two drafts of the whole state committed together would lose one. */
  private tail: Promise<unknown> = Promise.resolve();

  run<L, A>(
    work: (context: AllocationTransaction) => Promise<E.Either<L, A>>,
  ): Promise<E.Either<L | RetriesExhausted, A>> {
    const next = this.tail.then(() => this.attempt(work));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async attempt<L, A>(
    work: (context: AllocationTransaction) => Promise<E.Either<L, A>>,
  ): Promise<E.Either<L | RetriesExhausted, A>> {
    for (let attempt = 1; ; attempt++) {
      const draft = copyOf(this.state);
      try {
        const context = new InMemoryAllocationTransaction(draft);
        const result = await work(context);
        if (E.isRight(result)) {
          this.state = draft;
          this.commits += 1;
          this.outbox.push(...context.events);
        }
        return result;
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict)) throw error;
        if (attempt >= this.maxAttempts) return E.left(retriesExhausted(attempt));
      }
    }
  }

  /** The committed product, for assertions. */
  product(sku: string): Product | undefined {
    return this.state.products.get(sku);
  }

  /** The committed read model rows of an order, in allocation order: a view of its lines. */
  viewOf(orderId: string): AllocationViewRow[] {
    return this.state.lines
      .filter((row) => row.orderId === orderId)
      .map(({ sku, batchReference, quantity }) => ({ orderId, sku, batchReference, quantity }));
  }

  /** The group commit's store over the same memory: a load, then a commit that checks versions. */
  batchStore(): ProductStore {
    let reader = new InMemoryProductRepository(this.state);
    return {
      load: (requests) => {
        reader = new InMemoryProductRepository(this.state);
        return reader.load(requests);
      },
      commit: async (changes, events) => {
        const committed = await this.run(async (context) => {
          for (const { product } of changes) {
            const now = await context.products.get(product.sku);
            const stored = O.isSome(now) ? now.value.version : undefined;
            if (stored !== reader.versionSeen(product.sku)) {
              throw new ConcurrencyConflict(`Product ${product.sku} changed since it was loaded`);
            }
          }
          const written = await context.products.commit(changes);
          if (E.isRight(written)) context.record(events);
          return written;
        });
        if (E.isRight(committed)) return committed;
        if (committed.left._tag === 'RetriesExhausted') {
          throw new ConcurrencyConflict(committed.left.message);
        }
        return E.left(committed.left);
      },
    };
  }
}
