import * as O from 'fp-ts/Option';
import {
  compareBatchPreference,
  type BatchReference,
  type CalendarDate,
  type DomainEvent,
  type OrderId,
  type PickListId,
  type Product,
  type Sku,
} from '@allocation/allocation-domain';
import {
  ConcurrencyConflict,
  isDivisionByZero,
  type PreparedStatement,
  type SqlPool,
} from '@allocation/platform';
import type {
  AllocationBatchStore,
  BatchedProductChange,
  ProductForBatch,
} from '../ports/allocation-batch';
import type { StandingLine } from '../ports/product.repository';
import { groupIntoLines, toBackorder, type BackorderCell } from './rows';

type BatchCell = [string, number, number, number, string | null, number];
type LineCell = [string, string, number, string | null, number];

// A type, not an interface: `pg` wants rows indexable by column name.
type Row = {
  sku: string;
  version: number;
  batches: BatchCell[];
  backorders: BackorderCell[];
  lines: LineCell[];
  shipped: string[];
};

const LOAD: PreparedStatement = {
  name: 'allocation-batch-load',
  text: `
  WITH wanted AS (
    SELECT DISTINCT sku, order_id FROM unnest($1::text[], $2::text[]) AS w(sku, order_id)
  )
  SELECT p.sku, p.version,
         (SELECT coalesce(json_agg(json_build_array(b.reference, b.purchased_quantity,
                   b.allocated_quantity, b.reserved_quantity, to_char(b.eta, 'YYYY-MM-DD'),
                   b.position)), '[]')
            FROM batches b WHERE b.sku = p.sku) AS batches,
         (SELECT coalesce(json_agg(json_build_array(k.order_id, k.quantity, k.allow_split,
                   k.accepted) ORDER BY k.accepted, k.position), '[]')
            FROM backorders k WHERE k.sku = p.sku) AS backorders,
         (SELECT coalesce(json_agg(json_build_array(a.order_id, a.batch_reference, a.quantity,
                   a.pick_list_id, a.accepted) ORDER BY a.id), '[]')
            FROM allocations a JOIN wanted w ON w.sku = a.sku AND w.order_id = a.order_id
           WHERE a.sku = p.sku) AS lines,
         (SELECT coalesce(json_agg(DISTINCT s.order_id), '[]')
            FROM shipped_lines s JOIN wanted w ON w.sku = s.sku AND w.order_id = s.order_id
           WHERE s.sku = p.sku) AS shipped
    FROM products p WHERE p.sku = ANY($3::text[])`,
};

/**
 * Claims every product's version ($1-$3), sets the batches' totals ($4-$5), inserts the lines
 * and their read-model rows ($6-$9), rewrites the waiting queues that moved ($10-$15) and appends
 * the events ($16); $18 and $19 are when the lines and the waiting lines were accepted. If any
 * claim fails ($17 is how many there must be) the final select divides
 * by zero, which undoes the whole statement.
 */
const COMMIT: PreparedStatement = {
  name: 'allocation-batch-commit',
  text: `
  WITH claimed AS (
    UPDATE products p SET version = x.new_version
      FROM unnest($1::text[], $2::int[], $3::int[]) AS x(sku, old_version, new_version)
     WHERE p.sku = x.sku AND p.version = x.old_version
    RETURNING p.sku
  ), totals AS (
    UPDATE batches b SET allocated_quantity = x.allocated
      FROM unnest($4::text[], $5::bigint[]) AS x(reference, allocated)
     WHERE b.reference = x.reference AND b.sku IN (SELECT sku FROM claimed)
  ), portions AS (
    SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::bigint[], $18::bigint[])
           AS n(order_id, sku, batch_reference, quantity, accepted)
     WHERE n.sku IN (SELECT sku FROM claimed)
  ), held AS (
    INSERT INTO allocations (order_id, sku, batch_reference, quantity, accepted)
    SELECT order_id, sku, batch_reference, quantity, accepted FROM portions
  ), viewed AS (
    INSERT INTO allocations_view (order_id, sku, batch_reference, quantity)
    SELECT order_id, sku, batch_reference, quantity FROM portions
  ), queue AS (
    SELECT * FROM unnest($10::text[], $11::text[], $12::bigint[], $13::boolean[], $14::int[],
                         $19::bigint[])
           AS q(sku, order_id, quantity, allow_split, position, accepted)
  ), served AS (
    DELETE FROM backorders k
     WHERE k.sku = ANY($15::text[])
       AND k.sku IN (SELECT sku FROM claimed)
       AND NOT EXISTS (SELECT 1 FROM queue q WHERE q.sku = k.sku AND q.order_id = k.order_id)
  ), waiting AS (
    INSERT INTO backorders (sku, order_id, quantity, allow_split, position, accepted)
    SELECT sku, order_id, quantity, allow_split, position, accepted FROM queue
     WHERE sku IN (SELECT sku FROM claimed)
    ON CONFLICT (sku, order_id) DO UPDATE
       SET quantity = EXCLUDED.quantity, allow_split = EXCLUDED.allow_split,
           position = EXCLUDED.position, accepted = EXCLUDED.accepted
  ), outboxed AS (
    INSERT INTO outbox (type, data)
    SELECT event->>'_tag', event - '_tag'
      FROM jsonb_array_elements($16::jsonb) WITH ORDINALITY AS e(event, n)
     ORDER BY n
  )
  SELECT CASE WHEN t.claimed = $17::int THEN t.claimed
              ELSE t.claimed / (t.claimed - t.claimed) END AS claimed
    FROM (SELECT count(*)::int AS claimed FROM claimed) t`,
};

/**
 * The batch path's two round trips, on the pool (no interactive transaction: on this stack one
 * costs several times the statements it holds) and in plain `pg` (see `PrismaService.sql`).
 * Products are read without a lock: committing claims each one's version as loaded, so a
 * product another transaction changed meanwhile fails the whole batch (`ConcurrencyConflict`),
 * and the batcher then runs its commands one at a time.
 */
export class PrismaAllocationBatchStore implements AllocationBatchStore {
  private readonly loaded = new Map<string, Product>();

  constructor(private readonly db: SqlPool) {}

  async load(
    requests: ReadonlyArray<{ readonly sku: Sku; readonly orderId: OrderId }>,
  ): Promise<ReadonlyMap<string, ProductForBatch>> {
    const skus = [...new Set(requests.map((r) => r.sku as string))].sort();
    const { rows } = await this.db.query<Row>(LOAD, [
      requests.map((r) => r.sku),
      requests.map((r) => r.orderId),
      skus,
    ]);
    const found = new Map<string, ProductForBatch>();
    for (const row of rows) {
      const sku = row.sku as Sku;
      const product: Product = {
        sku,
        version: Number(row.version),
        batches: row.batches
          .map(([reference, purchased, allocated, reserved, eta, position]) => ({
            reference: reference as BatchReference,
            sku,
            eta: O.fromNullable(eta as CalendarDate | null),
            purchasedQuantity: Number(purchased),
            allocatedQuantity: Number(allocated),
            reservedQuantity: Number(reserved),
            position: Number(position),
          }))
          .sort(compareBatchPreference),
        backorders: row.backorders.map(toBackorder(sku)),
      };
      const lines = new Map<string, StandingLine>(
        groupIntoLines(
          row.lines.map(([orderId, batchReference, quantity, pickListId, accepted]) => ({
            orderId,
            sku,
            batchReference,
            quantity: Number(quantity),
            pickListId: pickListId as PickListId | null,
            accepted: Number(accepted),
          })),
        ).map((line) => [line.orderId as string, O.some(line)]),
      );
      for (const orderId of row.shipped) if (!lines.has(orderId)) lines.set(orderId, 'shipped');
      this.loaded.set(sku, product);
      found.set(sku, { product, lines });
    }
    return found;
  }

  /** One statement (`COMMIT`), so all or nothing without a transaction round trip. */
  async commit(
    changes: ReadonlyArray<BatchedProductChange>,
    events: ReadonlyArray<DomainEvent>,
  ): Promise<void> {
    const batches = changes.flatMap(({ product }) => {
      const before = new Map(
        (this.loaded.get(product.sku)?.batches ?? []).map((b) => [b.reference as string, b]),
      );
      return product.batches.filter(
        (b) => before.get(b.reference)?.allocatedQuantity !== b.allocatedQuantity,
      );
    });
    const portions = changes.flatMap(({ product, allocated }) =>
      allocated.map((portion) => ({ sku: product.sku, ...portion })),
    );
    const requeued = changes
      .map((c) => c.product)
      .filter((product) => product.backorders !== this.loaded.get(product.sku)?.backorders);
    const queue = requeued.flatMap((product) =>
      product.backorders.map((b, i) => ({ ...b, position: i + 1 })),
    );
    try {
      await this.db.query(COMMIT, [
        changes.map((c) => c.product.sku),
        changes.map((c) => c.loadedVersion),
        changes.map((c) => c.product.version),
        batches.map((b) => b.reference),
        batches.map((b) => b.allocatedQuantity),
        portions.map((p) => p.orderId),
        portions.map((p) => p.sku),
        portions.map((p) => p.batchReference),
        portions.map((p) => p.quantity),
        queue.map((b) => b.sku),
        queue.map((b) => b.orderId),
        queue.map((b) => b.quantity),
        queue.map((b) => b.allowSplit),
        queue.map((b) => b.position),
        requeued.map((p) => p.sku),
        JSON.stringify(events),
        changes.length,
        portions.map((p) => p.accepted),
        queue.map((b) => b.accepted),
      ]);
    } catch (error) {
      if (isDivisionByZero(error)) {
        throw new ConcurrencyConflict('A product of the batch changed since it was loaded');
      }
      throw error;
    }
    for (const { product } of changes) this.loaded.set(product.sku, product);
  }
}
