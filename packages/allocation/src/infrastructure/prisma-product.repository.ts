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
import { isUniqueViolation, Prisma, sqlThrough, type SqlPool } from '@allocation/platform';
import {
  type LineChanges,
  type LoadedProduct,
  noLineChanges,
  type ProductChange,
  type ProductHolds,
  type ProductRequest,
} from '../ports/product-store';
import type { BatchRelease, ProductRepository } from '../ports/product.repository';
import { loadProducts, skusOfOrder, writeProducts, writesOf } from './product-sql';
import type { BatchDirectory } from './batch-directory';
import { groupIntoLines } from './rows';

/** A portion row as Prisma's model API reads it. */
interface LineRow {
  id: bigint;
  orderId: string;
  sku: string;
  batchReference: string;
  quantity: bigint | number;
  pickListId: string | null;
  accepted: bigint | number;
}

/** Only these orders' lines, or every order's when null. */
const ofOrders = (orderIds: ReadonlyArray<OrderId> | null) =>
  orderIds === null ? {} : { orderId: { in: [...orderIds] } };

// How long a unit of work waits for this process's hold on a product before it starts again:
// long past a batch's few milliseconds, short enough to break a cycle between two units.
const HOLD_WAIT_MS = 2_000;

export interface ProductRepositoryOptions {
  /**
   * Loads take the products' row locks (FOR UPDATE), so writers of one SKU queue instead of
   * racing and retrying; the version claim on commit stays the guarantee.
   */
  readonly lockOnRead: boolean;
  /** This process's holds, taken as products load (before any row lock), let go by `releaseHolds`. */
  readonly holds?: ProductHolds;
  /**
   * For a statement unit of work (no transaction): loads and the write go through this pool,
   * and commits are kept until `flush` writes them, with the events, in one statement.
   */
  readonly pool?: SqlPool;
  /** This process's hints of which product holds a batch, shared by its units of work. */
  readonly batches?: BatchDirectory;
}

/**
 * The product store inside one transaction: loads and writes go through the same statements as
 * the group commit's (`product-sql.ts`), with a row lock taken first when asked. Values read back
 * were validated on the way in, so they are cast to their branded types rather than validated
 * again.
 */
export class PrismaProductRepository implements ProductRepository {
  /** Each product as loaded, for the version claim and the diff; lives as long as its transaction. */
  private readonly seen = new Map<string, Product>();
  /** The products this transaction holds in `options.holds`. */
  private readonly held = new Set<string>();
  /** Commits kept for `flush` (with `options.pool`). */
  private readonly pending: ProductChange[] = [];
  private readonly sql: SqlPool;

  constructor(
    private readonly db: Prisma.TransactionClient,
    private readonly options: ProductRepositoryOptions = { lockOnRead: false },
  ) {
    this.sql = options.pool ?? sqlThrough(db);
  }

  /** Lets go of this process's holds; the unit of work calls it when its transaction has ended. */
  releaseHolds(): void {
    this.options.holds?.release(this.held);
    this.held.clear();
  }

  async load(requests: ReadonlyArray<ProductRequest>): Promise<ReadonlyMap<string, LoadedProduct>> {
    const skus = [...new Set(requests.map((r) => r.sku as string))].sort();
    const holds = this.options.holds;
    const wanted = skus.filter((sku) => !this.held.has(sku));
    if (holds !== undefined && wanted.length > 0) {
      await holds.acquire(wanted, HOLD_WAIT_MS);
      for (const sku of wanted) this.held.add(sku);
    }
    if (this.options.lockOnRead) {
      // A statement of its own: after waiting for the lock, a read in the same statement would
      // see the new product row beside the old batch rows. The next statement sees both new.
      await this.db.$queryRaw`
        SELECT sku FROM products WHERE sku = ANY(${skus}::text[]) ORDER BY sku FOR UPDATE`;
    }
    const loaded = await loadProducts(this.sql, requests);
    for (const { product } of loaded.values()) this.seen.set(product.sku, product);
    return loaded;
  }

  async get(sku: Sku): Promise<O.Option<Product>> {
    return O.fromNullable((await this.load([{ sku }])).get(sku)?.product);
  }

  async getByBatchReference(reference: BatchReference): Promise<O.Option<Product>> {
    return O.map((held: LoadedProduct) => held.product)(await this.holderOf({ reference }));
  }

  async batchToRelease(
    reference: BatchReference,
    keeping: number,
  ): Promise<O.Option<BatchRelease>> {
    const held = await this.holderOf({ reference, keeping });
    return O.map(({ product, releasing }: LoadedProduct) => ({
      product,
      lines: releasing?.get(reference) ?? [],
    }))(held);
  }

  /**
   * The product holding a batch (with the lines it lets go, asked with `keeping`), in one load
   * when this process knows the product, else after a lookup of the reference.
   */
  private async holderOf(release: {
    reference: BatchReference;
    keeping?: number;
  }): Promise<O.Option<LoadedProduct>> {
    const { reference } = release;
    const loadHolder = async (sku: Sku) => {
      const request: ProductRequest =
        release.keeping === undefined
          ? { sku }
          : { sku, release: { reference, keeping: release.keeping } };
      const held = (await this.load([request])).get(sku);
      return held?.product.batches.some((b) => b.reference === reference) ? held : undefined;
    };
    const known = this.options.batches?.skuOf(reference);
    const hinted = known === undefined ? undefined : await loadHolder(known as Sku);
    if (hinted !== undefined) return O.some(hinted);
    // Not known here, or no longer in that product: the table says where it is now.
    const holder = await this.db.batch.findUnique({ where: { reference }, select: { sku: true } });
    if (holder === null) {
      this.options.batches?.forget(reference);
      return O.none;
    }
    this.options.batches?.remember(reference, holder.sku);
    return O.fromNullable(await loadHolder(holder.sku as Sku));
  }

  async skusToPick(orderIds: ReadonlyArray<OrderId> | null): Promise<ReadonlyArray<Sku>> {
    const rows = await this.db.allocation.findMany({
      where: { pickListId: null, ...ofOrders(orderIds) },
      distinct: ['sku'],
      select: { sku: true },
      orderBy: { sku: 'asc' },
    });
    return rows.map((row) => row.sku as Sku);
  }

  async linesToPick(
    sku: Sku,
    orderIds: ReadonlyArray<OrderId> | null,
  ): Promise<ReadonlyArray<AllocatedLine>> {
    const rows = await this.db.allocation.findMany({
      where: { sku, pickListId: null, ...ofOrders(orderIds) },
      orderBy: { id: 'asc' },
    });
    return toLines(rows);
  }

  async linesOn(sku: Sku, pickListId: PickListId): Promise<ReadonlyArray<AllocatedLine>> {
    const rows = await this.db.allocation.findMany({
      where: { sku, pickListId },
      orderBy: { id: 'asc' },
    });
    return toLines(rows);
  }

  skusOfOrder(orderId: OrderId): Promise<ReadonlyArray<Sku>> {
    return skusOfOrder(this.sql, orderId);
  }

  async save(
    product: Product,
    lines: LineChanges = noLineChanges,
  ): Promise<E.Either<DuplicateBatchReference, void>> {
    return this.commit([{ product, lines }]);
  }

  async commit(
    changes: ReadonlyArray<ProductChange>,
  ): Promise<E.Either<DuplicateBatchReference, void>> {
    if (this.options.pool !== undefined) {
      this.keep(changes);
      return E.right(undefined);
    }
    const writes = writesOf(changes, this.seen);
    try {
      // The unit of work writes the events when it commits.
      await writeProducts(this.sql, writes, []);
    } catch (error) {
      // Batch references are unique across products, which one product cannot see.
      if (isUniqueViolation(error, 'batches_pkey')) {
        const known = new Set(
          writes.flatMap((w) => w.before?.batches ?? []).map((b) => b.reference),
        );
        const added = writes.flatMap((w) => w.after.batches).find((b) => !known.has(b.reference));
        return E.left(duplicateBatchReference(added?.reference ?? ('?' as BatchReference)));
      }
      throw error;
    }
    // Removed batches go after their lines (the foreign key checks each delete at once).
    const gone = writes.flatMap(({ before, after }) => {
      const current = new Set(after.batches.map((b) => b.reference as string));
      return (before?.batches ?? [])
        .filter((b) => !current.has(b.reference))
        .map((b) => b.reference);
    });
    if (gone.length > 0) {
      await this.db.batch.deleteMany({ where: { reference: { in: gone } } });
    }
    for (const { after } of writes) this.seen.set(after.sku, after);
    this.hintBatches(writes);
    return E.right(undefined);
  }

  /** Where the batches just written are, for the next change of one (a hint: checked on use). */
  private hintBatches(writes: ReadonlyArray<{ readonly after: Product }>): void {
    const directory = this.options.batches;
    if (directory === undefined) return;
    for (const { after } of writes) {
      for (const batch of after.batches) directory.remember(batch.reference, after.sku);
    }
  }

  /**
   * Writes the kept commits with the unit's events in one statement, claiming each product's
   * version as loaded: `ConcurrencyConflict` (nothing written) if any moved since.
   */
  async flush(events: ReadonlyArray<DomainEvent>): Promise<void> {
    // A repeated command changes nothing and tells nothing: no statement at all.
    if (this.pending.length === 0 && events.length === 0) return;
    const writes = writesOf(this.pending, this.seen);
    await writeProducts(this.sql, writes, events);
    this.pending.length = 0;
    this.hintBatches(writes);
    // Stored by this one statement: the group commit can go on from them without a load.
    this.options.holds?.wrote?.(writes.map((w) => w.after));
  }

  /** Keeps commits for `flush`: each product once, and no batch removed (that needs a delete after). */
  private keep(changes: ReadonlyArray<ProductChange>): void {
    for (const change of changes) {
      const sku = change.product.sku;
      const before = this.seen.get(sku);
      if (this.pending.some((kept) => kept.product.sku === sku)) {
        throw new Error(`product ${sku} committed twice in one statement unit of work`);
      }
      const kept = new Set(change.product.batches.map((b) => b.reference as string));
      if ((before?.batches ?? []).some((b) => !kept.has(b.reference))) {
        throw new Error(`a batch of ${sku} removed in a statement unit of work`);
      }
      this.pending.push(change);
    }
  }
}

/** The table's portion rows as the line grouping reads them. */
const toLines = (rows: ReadonlyArray<LineRow>): AllocatedLine[] =>
  groupIntoLines(
    rows.map((row) => ({
      orderId: row.orderId,
      sku: row.sku,
      batchReference: row.batchReference,
      quantity: Number(row.quantity),
      pickListId: row.pickListId,
      accepted: Number(row.accepted),
    })),
  );
