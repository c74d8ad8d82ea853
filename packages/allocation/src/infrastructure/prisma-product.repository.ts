import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  duplicateBatchReference,
  type AllocatedLine,
  type Batch,
  type BatchReference,
  type DuplicateBatchReference,
  type OrderId,
  type PickListId,
  type Product,
  type Sku,
} from '@allocation/allocation-domain';
import { ConcurrencyConflict, isUniqueViolation, Prisma } from '@allocation/platform';
import {
  noLineChanges,
  type LineChanges,
  type ProductRepository,
  type StandingLine,
} from '../ports/product.repository';
import { groupIntoLines, selectProduct, type SqlClient } from './rows';

interface LineRow {
  id: bigint;
  order_id: string;
  sku: string;
  batch_reference: string;
  quantity: bigint | number;
  pick_list_id: string | null;
  accepted: bigint | number;
}

const lineColumns = Prisma.sql`id, order_id, sku, batch_reference, quantity, pick_list_id, accepted`;

// Lines are read in pages when a batch shrinks, newest first, until enough are found.
const LINE_PAGE_SIZE = 200;

/**
 * Maps the aggregate to SQL within one transaction. Values read back from the database were
 * validated on the way in, so they are cast to their branded types rather than validated again.
 */
export class PrismaProductRepository implements ProductRepository {
  /**
   * Version and batches of each product as loaded, for the optimistic check and the diff. It
   * lives as long as the repository, which lives as long as its transaction.
   */
  private readonly seen = new Map<string, Product>();

  /**
   * `lockOnRead` makes loads take the product's row lock (FOR UPDATE), so writers of one SKU
   * queue instead of racing and retrying; the version check on save stays the guarantee.
   */
  constructor(
    private readonly db: SqlClient,
    private readonly options: { readonly lockOnRead: boolean } = { lockOnRead: false },
  ) {}

  async get(sku: Sku): Promise<O.Option<Product>> {
    return this.load(Prisma.sql`${sku}`);
  }

  async getByBatchReference(reference: BatchReference): Promise<O.Option<Product>> {
    return this.load(Prisma.sql`(SELECT sku FROM batches WHERE reference = ${reference})`);
  }

  private async load(sku: Prisma.Sql): Promise<O.Option<Product>> {
    if (this.options.lockOnRead) {
      // A statement of its own: after waiting for the lock, a read in the same statement would
      // see the new product row beside the old batch rows. The next statement sees both new.
      await this.db.$queryRaw`SELECT sku FROM products WHERE sku = ${sku} FOR UPDATE`;
    }
    return this.remember(await selectProduct(this.db, sku));
  }

  async lineOf(sku: Sku, orderId: OrderId): Promise<O.Option<AllocatedLine>> {
    const rows = await this.db.$queryRaw<LineRow[]>`
      SELECT ${lineColumns} FROM allocations
       WHERE sku = ${sku} AND order_id = ${orderId} ORDER BY id`;
    return O.fromNullable(toLines(rows)[0]);
  }

  async standingLineOf(sku: Sku, orderId: OrderId): Promise<StandingLine> {
    // A shipped line has no allocation rows left; one statement asks for both.
    const rows = await this.db.$queryRaw<Array<LineRow & { shipped: boolean }>>`
      SELECT ${lineColumns}, false AS shipped FROM allocations
       WHERE sku = ${sku} AND order_id = ${orderId}
      UNION ALL
      SELECT 0, order_id, sku, batch_reference, quantity, pick_list_id, 0, true FROM shipped_lines
       WHERE sku = ${sku} AND order_id = ${orderId}
      ORDER BY shipped, id`;
    const live = rows.filter((row) => !row.shipped);
    if (live.length === 0 && rows.length > 0) return 'shipped';
    return O.fromNullable(toLines(live)[0]);
  }

  async skusToPick(orderIds: ReadonlyArray<OrderId> | null): Promise<ReadonlyArray<Sku>> {
    const rows = await this.db.$queryRaw<Array<{ sku: string }>>`
      SELECT DISTINCT sku FROM allocations
       WHERE pick_list_id IS NULL
         AND (${orderIds === null} OR order_id = ANY(${orderIds ?? []}::text[]))
       ORDER BY sku`;
    return rows.map((row) => row.sku as Sku);
  }

  async linesToPick(
    sku: Sku,
    orderIds: ReadonlyArray<OrderId> | null,
  ): Promise<ReadonlyArray<AllocatedLine>> {
    const rows = await this.db.$queryRaw<LineRow[]>`
      SELECT ${lineColumns} FROM allocations
       WHERE sku = ${sku} AND pick_list_id IS NULL
         AND (${orderIds === null} OR order_id = ANY(${orderIds ?? []}::text[]))
       ORDER BY id`;
    return toLines(rows);
  }

  async linesOn(sku: Sku, pickListId: PickListId): Promise<ReadonlyArray<AllocatedLine>> {
    const rows = await this.db.$queryRaw<LineRow[]>`
      SELECT ${lineColumns} FROM allocations
       WHERE sku = ${sku} AND pick_list_id = ${pickListId} ORDER BY id`;
    return toLines(rows);
  }

  async skusOfOrder(orderId: OrderId): Promise<ReadonlyArray<Sku>> {
    const rows = await this.db.$queryRaw<Array<{ sku: string }>>`
      SELECT sku FROM allocations WHERE order_id = ${orderId}
       UNION
      SELECT sku FROM backorders WHERE order_id = ${orderId}
       ORDER BY sku`;
    return rows.map((row) => row.sku as Sku);
  }

  async newestLinesOf(
    reference: BatchReference,
    covering: number,
  ): Promise<ReadonlyArray<AllocatedLine>> {
    const newest: LineRow[] = [];
    let covered = 0;
    let before: bigint | null = null;
    while (covered < covering) {
      // Lines on a pick list stay where they are: only the others can be let go.
      const page: LineRow[] = await this.db.$queryRaw<LineRow[]>`
        SELECT ${lineColumns} FROM allocations
         WHERE batch_reference = ${reference} AND pick_list_id IS NULL
           AND (${before}::bigint IS NULL OR id < ${before}::bigint)
         ORDER BY id DESC LIMIT ${LINE_PAGE_SIZE}`;
      for (const row of page) {
        if (covered >= covering) break;
        newest.push(row);
        covered += Number(row.quantity);
      }
      const last = page[page.length - 1];
      if (page.length < LINE_PAGE_SIZE || last === undefined) break;
      before = last.id;
    }
    if (newest.length === 0) return [];
    // A line may be split over other batches too: fetch all its portions.
    const sku = newest[0]?.sku ?? '';
    const orderIds = newest.map((row) => row.order_id);
    const portions = await this.db.$queryRaw<LineRow[]>`
      SELECT ${lineColumns} FROM allocations
       WHERE sku = ${sku} AND order_id = ANY(${orderIds}::text[]) ORDER BY id`;
    const byOrder = new Map(toLines(portions).map((line) => [line.orderId as string, line]));
    return orderIds.flatMap((orderId) => {
      const line = byOrder.get(orderId);
      return line === undefined ? [] : [line];
    });
  }

  async save(
    product: Product,
    lines: LineChanges = noLineChanges,
  ): Promise<E.Either<DuplicateBatchReference, void>> {
    const loaded = this.seen.get(product.sku);
    const before = new Map(
      (loaded?.batches ?? []).map((batch) => [batch.reference as string, batch]),
    );
    const current = new Set(product.batches.map((batch) => batch.reference as string));

    const changed = product.batches.filter((batch) => {
      const was = before.get(batch.reference);
      return (
        was !== undefined &&
        (was.allocatedQuantity !== batch.allocatedQuantity ||
          was.purchasedQuantity !== batch.purchasedQuantity ||
          was.reservedQuantity !== batch.reservedQuantity)
      );
    });
    const backordersChanged =
      loaded === undefined
        ? product.backorders.length > 0
        : product.backorders !== loaded.backorders;
    // Portions in batches this change adds can only be written once the batches exist.
    const added = product.batches.filter((b) => !before.has(b.reference));
    const addedReferences = new Set<string>(added.map((b) => b.reference));
    const heldInAdded = lines.held.filter((p) => addedReferences.has(p.batchReference));
    const heldElsewhere = lines.held.filter((p) => !addedReferences.has(p.batchReference));
    // An existing product is claimed first; that takes its row lock before anything else.
    if (loaded === undefined) await this.insertProduct(product);
    else {
      const first = { ...lines, held: heldElsewhere };
      await this.writeChanges(product, loaded.version, first, changed, backordersChanged);
    }
    // Removed batches go after their lines (the foreign key), new batches before any line.
    const gone = [...before.keys()].filter((reference) => !current.has(reference));
    if (gone.length > 0) {
      await this.db.$executeRaw`DELETE FROM batches WHERE reference = ANY(${gone}::text[])`;
    }
    for (const batch of added) {
      const inserted = await this.insertBatch(batch);
      if (E.isLeft(inserted)) return inserted;
    }
    if (
      loaded === undefined &&
      (lines.held.length > 0 || lines.released.length > 0 || backordersChanged)
    ) {
      await this.writeChanges(product, product.version, lines, [], backordersChanged);
    } else if (loaded !== undefined && heldInAdded.length > 0) {
      // The version is ours already: this claim only repeats it.
      const later = { held: heldInAdded, released: [] };
      await this.writeChanges(product, product.version, later, [], false);
    }
    this.seen.set(product.sku, product);
    return E.right(undefined);
  }

  private async insertProduct(product: Product): Promise<void> {
    const inserted = await this.db.$executeRaw`
      INSERT INTO products (sku, version) VALUES (${product.sku}, ${product.version})
      ON CONFLICT (sku) DO NOTHING`;
    if (inserted !== 1) {
      throw new ConcurrencyConflict(`Product ${product.sku} was created concurrently`);
    }
  }

  /**
   * One statement for the hot path: claim the version (which takes the row lock), write the
   * portion rows and the changed batches' totals, and the backorder queue when it moved. Nothing
   * happens unless the claim does. The row sets each CTE touches are disjoint (`lines` is
   * netted), so their order within the statement does not matter.
   */
  private async writeChanges(
    product: Product,
    loadedVersion: number,
    lines: LineChanges,
    changedBatches: ReadonlyArray<Batch>,
    backordersChanged: boolean,
  ): Promise<void> {
    const queue = backordersChanged ? product.backorders : [];
    // A line served from the queue keeps the stamp it waited with.
    const waitedSince = new Map<string, number>(
      (this.seen.get(product.sku)?.backorders ?? []).map((b) => [b.orderId, b.accepted]),
    );
    const shipped = lines.shipped ?? [];
    const reservation = lines.reservation ?? { orderIds: [], pickListId: null };
    const rows = await this.db.$queryRaw<Array<{ claimed: number }>>`
      WITH claimed AS (
        UPDATE products SET version = ${product.version}
         WHERE sku = ${product.sku} AND version = ${loadedVersion}
        RETURNING sku
      ), released AS (
        DELETE FROM allocations a
         USING unnest(${lines.released.map((r) => r.orderId)}::text[],
                      ${lines.released.map((r) => r.batchReference)}::text[])
               AS r(order_id, batch_reference)
         WHERE EXISTS (SELECT 1 FROM claimed) AND a.sku = ${product.sku}
           AND a.order_id = r.order_id AND a.batch_reference = r.batch_reference
      ), totals AS (
        UPDATE batches b
           SET purchased_quantity = x.purchased, allocated_quantity = x.allocated,
               reserved_quantity = x.reserved
          FROM unnest(${changedBatches.map((b) => b.reference)}::text[],
                      ${changedBatches.map((b) => b.purchasedQuantity)}::bigint[],
                      ${changedBatches.map((b) => b.allocatedQuantity)}::bigint[],
                      ${changedBatches.map((b) => b.reservedQuantity)}::bigint[])
               AS x(reference, purchased, allocated, reserved)
         WHERE EXISTS (SELECT 1 FROM claimed) AND b.reference = x.reference
      ), shipped AS (
        INSERT INTO shipped_lines (order_id, sku, batch_reference, pick_list_id, quantity)
        SELECT s.order_id, ${product.sku}, s.batch_reference, s.pick_list_id, s.quantity
          FROM unnest(${shipped.map((p) => p.orderId)}::text[],
                      ${shipped.map((p) => p.batchReference)}::text[],
                      ${shipped.map((p) => p.pickListId)}::text[],
                      ${shipped.map((p) => p.quantity)}::bigint[])
               AS s(order_id, batch_reference, pick_list_id, quantity)
         WHERE EXISTS (SELECT 1 FROM claimed)
      ), reserved AS (
        UPDATE allocations a SET pick_list_id = ${reservation.pickListId}
         WHERE EXISTS (SELECT 1 FROM claimed) AND a.sku = ${product.sku}
           AND a.order_id = ANY(${reservation.orderIds}::text[])
      ), held AS (
        -- A line served again in a batch it had just left gets a new id: it is now the newest.
        -- It keeps when it was accepted: as it waited in the queue, or as its rows were before
        -- this statement; a line new to the product is accepted by this version.
        INSERT INTO allocations (order_id, sku, batch_reference, quantity, accepted)
        SELECT n.order_id, ${product.sku}, n.batch_reference, n.quantity,
               coalesce(n.accepted,
                        (SELECT min(a.accepted) FROM allocations a
                          WHERE a.sku = ${product.sku} AND a.order_id = n.order_id),
                        ${product.version})
          FROM unnest(${lines.held.map((p) => p.orderId)}::text[],
                      ${lines.held.map((p) => p.batchReference)}::text[],
                      ${lines.held.map((p) => p.quantity)}::bigint[],
                      ${lines.held.map((p) => waitedSince.get(p.orderId) ?? null)}::bigint[])
               AS n(order_id, batch_reference, quantity, accepted)
         WHERE EXISTS (SELECT 1 FROM claimed)
        ON CONFLICT (order_id, sku, batch_reference)
        DO UPDATE SET quantity = EXCLUDED.quantity, id = EXCLUDED.id, accepted = EXCLUDED.accepted
      ), served AS (
        DELETE FROM backorders k
         WHERE ${backordersChanged} AND EXISTS (SELECT 1 FROM claimed)
           AND k.sku = ${product.sku}
           AND k.order_id <> ALL(${queue.map((b) => b.orderId)}::text[])
      ), waiting AS (
        INSERT INTO backorders (sku, order_id, quantity, allow_split, accepted, position)
        SELECT ${product.sku}, q.order_id, q.quantity, q.allow_split, q.accepted, q.position
          FROM unnest(${queue.map((b) => b.orderId)}::text[],
                      ${queue.map((b) => b.quantity)}::bigint[],
                      ${queue.map((b) => b.allowSplit)}::boolean[],
                      ${queue.map((b) => b.accepted)}::bigint[])
               WITH ORDINALITY AS q(order_id, quantity, allow_split, accepted, position)
         WHERE EXISTS (SELECT 1 FROM claimed)
        ON CONFLICT (sku, order_id)
        DO UPDATE SET quantity = EXCLUDED.quantity, allow_split = EXCLUDED.allow_split,
                      accepted = EXCLUDED.accepted, position = EXCLUDED.position
      )
      SELECT count(*)::int AS claimed FROM claimed`;
    if (Number(rows[0]?.claimed) !== 1) {
      throw new ConcurrencyConflict(
        `Product ${product.sku} changed since version ${loadedVersion} was read`,
      );
    }
  }

  private async insertBatch(batch: Batch): Promise<E.Either<DuplicateBatchReference, void>> {
    try {
      await this.db.$executeRaw`
        INSERT INTO batches (reference, sku, purchased_quantity, allocated_quantity, eta, position)
        VALUES (${batch.reference}, ${batch.sku}, ${batch.purchasedQuantity},
                ${batch.allocatedQuantity}, ${O.toNullable(batch.eta)}::date, ${batch.position})`;
      return E.right(undefined);
    } catch (error) {
      // Batch references are unique across products, which one product cannot see.
      if (isUniqueViolation(error, 'batches_pkey')) {
        return E.left(duplicateBatchReference(batch.reference));
      }
      throw error;
    }
  }

  private remember(product: O.Option<Product>): O.Option<Product> {
    if (O.isSome(product)) this.seen.set(product.value.sku, product.value);
    return product;
  }
}

/** The table's portion rows as the line grouping reads them. */
const toLines = (rows: ReadonlyArray<LineRow>): AllocatedLine[] =>
  groupIntoLines(
    rows.map((row) => ({
      orderId: row.order_id,
      sku: row.sku,
      batchReference: row.batch_reference,
      quantity: Number(row.quantity),
      pickListId: row.pick_list_id,
      accepted: Number(row.accepted),
    })),
  );
