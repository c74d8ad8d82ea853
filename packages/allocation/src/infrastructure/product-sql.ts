import * as O from 'fp-ts/Option';
import {
  compareBatchPreference,
  type AllocatedLine,
  type Batch,
  type DomainEvent,
  type OrderId,
  type PickListId,
  type Product,
  type Sku,
} from '@allocation/allocation-domain';
import {
  ConcurrencyConflict,
  isDivisionByZero,
  outboxInsert,
  type PreparedStatement,
  type SqlPool,
} from '@allocation/platform';
import type {
  LineChanges,
  LoadedProduct,
  ProductChange,
  ProductRequest,
  StandingLine,
} from '../ports/product-store';
import { groupIntoLines, toBackorder, toBatch, type BackorderCell, type BatchRecord } from './rows';

type LineCell = [string, string, number | string, string | null, number | string];
/** A portion a batch lets go, after the batch's reference. */
type ReleasingCell = [string, ...LineCell];

// A type, not an interface: `pg` wants rows indexable by column name.
type ProductRow = {
  sku: string;
  version: number;
  batches: BatchRecord[];
  backorders: BackorderCell[];
  lines: LineCell[];
  shipped: string[];
  /** Only from `LOAD_RELEASING`. */
  releasing?: ReleasingCell[];
};

/**
 * Every product named ($3), with its batches, its waiting queue in serving order, the lines of
 * the (sku, order) pairs asked for ($1, $2): their portions, or that they shipped; and, in the
 * `releasing` variant, for each batch asked to keep at most so many units ($4, $5), the lines
 * that it lets go: newest first, not on a pick list, until they cover what it holds past that,
 * each with all its portions (a split line is in other batches too). Every line holds at least
 * one unit, so a batch looks at no more rows than the units it lets go, however many it has held;
 * lateral lookups fenced with OFFSET 0 keep each to index probes whatever the planner thinks of
 * a SKU's row count. The plain load is a statement of its own: its plan stays the cheap generic
 * one, where the part for releasing batches made PostgreSQL plan every execution afresh.
 */
const loadText = (releasing: boolean) => `
  WITH wanted AS (
    SELECT DISTINCT sku, order_id FROM unnest($1::text[], $2::text[]) AS w(sku, order_id)
  )${
    releasing
      ? `, releasing AS (
    SELECT b.sku, b.reference, b.allocated_quantity - r.keeping AS covering
      FROM unnest($4::text[], $5::int[]) AS r(reference, keeping)
      CROSS JOIN LATERAL (SELECT * FROM batches y WHERE y.reference = r.reference OFFSET 0) b
     WHERE b.allocated_quantity > r.keeping
  ), newest AS (
    SELECT r.sku, r.reference, c.id, c.order_id
      FROM releasing r
      CROSS JOIN LATERAL (
        SELECT t.id, t.order_id
          FROM (SELECT n.id, n.order_id, n.quantity,
                       sum(n.quantity) OVER (ORDER BY n.id DESC) AS running
                  FROM (SELECT x.id, x.order_id, x.quantity FROM allocations x
                         WHERE x.batch_reference = r.reference AND x.pick_list_id IS NULL
                         ORDER BY x.id DESC LIMIT greatest(r.covering, 0)) n) t
         WHERE t.running - t.quantity < r.covering) c
  )`
      : ''
  }
  SELECT p.sku, p.version,
         (SELECT coalesce(json_agg(json_build_object('reference', b.reference, 'sku', b.sku,
                   'purchasedQuantity', b.purchased_quantity,
                   'allocatedQuantity', b.allocated_quantity,
                   'reservedQuantity', b.reserved_quantity,
                   'eta', to_char(b.eta, 'YYYY-MM-DD'), 'position', b.position)), '[]')
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
           WHERE s.sku = p.sku) AS shipped${
             releasing
               ? `,
         (SELECT coalesce(json_agg(json_build_array(n.reference, a.order_id, a.batch_reference,
                   a.quantity, a.pick_list_id, a.accepted) ORDER BY n.reference, n.id DESC, a.id),
                   '[]')
            FROM newest n
            CROSS JOIN LATERAL (SELECT * FROM allocations y
                                 WHERE y.sku = n.sku AND y.order_id = n.order_id OFFSET 0) a
           WHERE n.sku = p.sku) AS releasing`
               : ''
           }
    FROM products p WHERE p.sku = ANY($3::text[])`;

const LOAD: PreparedStatement = { name: 'products-load', text: loadText(false) };
const LOAD_RELEASING: PreparedStatement = {
  name: 'products-load-releasing',
  text: loadText(true),
};

/** Portion cells as lines, in the order they come (`groupIntoLines` keeps it). */
const linesOf = (sku: Sku, cells: ReadonlyArray<LineCell>): AllocatedLine[] =>
  groupIntoLines(
    cells.map(([orderId, batchReference, quantity, pickListId, accepted]) => ({
      orderId,
      sku,
      batchReference,
      quantity: Number(quantity),
      pickListId: pickListId as PickListId | null,
      accepted: Number(accepted),
    })),
  );

/** The one mapping from stored rows to a product and the lines asked for. */
const toLoaded = (row: ProductRow): LoadedProduct => {
  const sku = row.sku as Sku;
  const product: Product = {
    sku,
    version: Number(row.version),
    batches: row.batches.map(toBatch).sort(compareBatchPreference),
    backorders: row.backorders.map(toBackorder(sku)),
  };
  const lines = new Map<string, StandingLine>(
    linesOf(sku, row.lines).map((line) => [line.orderId as string, O.some(line)]),
  );
  for (const orderId of row.shipped) if (!lines.has(orderId)) lines.set(orderId, 'shipped');
  if (row.releasing === undefined || row.releasing.length === 0) return { product, lines };
  const cellsOf = new Map<string, LineCell[]>();
  for (const [reference, ...cell] of row.releasing) {
    cellsOf.set(reference, [...(cellsOf.get(reference) ?? []), cell]);
  }
  const releasing = new Map(
    [...cellsOf].map(([reference, cells]) => [reference, linesOf(sku, cells)]),
  );
  return { product, lines, releasing };
};

/** Loads the products of the requests (one round trip), by SKU; unknown SKUs are absent. */
export const loadProducts = async (
  sql: SqlPool,
  requests: ReadonlyArray<ProductRequest>,
): Promise<Map<string, LoadedProduct>> => {
  const pairs = requests.filter(
    (r): r is ProductRequest & { orderId: OrderId } => r.orderId !== undefined,
  );
  const releases = requests.filter(
    (r): r is ProductRequest & Required<Pick<ProductRequest, 'release'>> => r.release !== undefined,
  );
  const asked = [
    pairs.map((r) => r.sku),
    pairs.map((r) => r.orderId),
    [...new Set(requests.map((r) => r.sku as string))].sort(),
  ];
  const { rows } =
    releases.length === 0
      ? await sql.query<ProductRow>(LOAD, asked)
      : await sql.query<ProductRow>(LOAD_RELEASING, [
          ...asked,
          releases.map((r) => r.release.reference),
          releases.map((r) => r.release.keeping),
        ]);
  return new Map(rows.map((row) => [row.sku, toLoaded(row)]));
};

/** Every SKU an order has a line of, allocated or waiting (one round trip). */
const SKUS_OF_ORDER: PreparedStatement = {
  name: 'order-skus',
  text: `
  SELECT sku FROM allocations WHERE order_id = $1
   UNION
  SELECT sku FROM backorders WHERE order_id = $1`,
};

/** In code-unit order, as everywhere SKUs are taken in turn (the database's collation differs). */
export const skusOfOrder = async (sql: SqlPool, orderId: string): Promise<Sku[]> =>
  (await sql.query<{ sku: string }>(SKUS_OF_ORDER, [orderId])).rows
    .map((row) => row.sku as Sku)
    .sort();

/**
 * Claims every product ($1-$3: its version as loaded, or inserts it when new), adds new batches
 * ($4-$9), sets changed batches' totals ($10-$13), deletes the portions let go ($14-$16), keeps
 * shipped portions ($17-$21), puts lines on or off pick lists ($22-$24), writes held portions
 * ($25-$30; the read model, `allocations_view`, is a view of them), rewrites the queues that
 * moved ($31-$37) and appends the events ($38). If any claim fails ($39 is how many there must
 * be), or, in the `checked` variant, what a decision took without loading does not hold (a line
 * of an (sku, order) pair it took to be absent, $40 and $41, is allocated or shipped; a product
 * it decided on, $42 and $43, is at another version), the final select divides by zero, which
 * undoes the whole statement: all or nothing without a transaction of its own.
 * The row sets each part touches are disjoint (line changes are netted), so their order within
 * the statement does not matter; foreign keys are checked when it ends.
 */
const writeText = (checked: boolean) => `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) AS x(sku, old_version, new_version)
  ), claimed AS (
    UPDATE products p SET version = x.new_version FROM input x
     WHERE x.old_version IS NOT NULL AND p.sku = x.sku AND p.version = x.old_version
    RETURNING p.sku
  ), created AS (
    INSERT INTO products (sku, version)
    SELECT sku, new_version FROM input WHERE old_version IS NULL
    ON CONFLICT (sku) DO NOTHING
    RETURNING sku
  ), owned AS (
    -- Read by every part below, so the claims (and their row locks) come first.
    SELECT sku FROM claimed UNION ALL SELECT sku FROM created
  ), added AS (
    INSERT INTO batches (reference, sku, purchased_quantity, allocated_quantity, eta, position)
    SELECT * FROM unnest($4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::date[],
                         $9::int[]) AS n(reference, sku, purchased, allocated, eta, position)
     WHERE n.sku IN (SELECT sku FROM owned)
  ), totals AS (
    UPDATE batches b
       SET purchased_quantity = x.purchased, allocated_quantity = x.allocated,
           reserved_quantity = x.reserved
      FROM unnest($10::text[], $11::bigint[], $12::bigint[], $13::bigint[])
           AS x(reference, purchased, allocated, reserved)
     WHERE b.reference = x.reference AND b.sku IN (SELECT sku FROM owned)
  ), released AS (
    SELECT * FROM unnest($14::text[], $15::text[], $16::text[]) AS r(order_id, sku, batch_reference)
     WHERE r.sku IN (SELECT sku FROM owned)
  ), let_go AS (
    DELETE FROM allocations a USING released r
     WHERE a.sku = r.sku AND a.order_id = r.order_id AND a.batch_reference = r.batch_reference
  ), shipped AS (
    INSERT INTO shipped_lines (order_id, sku, batch_reference, pick_list_id, quantity)
    SELECT * FROM unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::bigint[])
           AS s(order_id, sku, batch_reference, pick_list_id, quantity)
     WHERE s.sku IN (SELECT sku FROM owned)
  ), reserved AS (
    UPDATE allocations a SET pick_list_id = r.pick_list_id
      FROM unnest($22::text[], $23::text[], $24::text[]) AS r(sku, order_id, pick_list_id)
     WHERE a.sku = r.sku AND a.order_id = r.order_id AND r.sku IN (SELECT sku FROM owned)
  ), held AS (
    SELECT * FROM unnest($25::text[], $26::text[], $27::text[], $28::bigint[], $29::bigint[],
                         $30::bigint[])
           AS n(order_id, sku, batch_reference, quantity, accepted, fallback)
     WHERE n.sku IN (SELECT sku FROM owned)
  ), kept AS (
    -- A line served again in a batch it had just left gets a new id: it is now the newest.
    -- It keeps when it was accepted: as given, or as its rows were before this statement; a
    -- line new to the product is accepted by the product's new version.
    INSERT INTO allocations (order_id, sku, batch_reference, quantity, accepted)
    SELECT n.order_id, n.sku, n.batch_reference, n.quantity,
           coalesce(n.accepted,
                    (SELECT min(a.accepted) FROM allocations a
                      WHERE a.sku = n.sku AND a.order_id = n.order_id),
                    n.fallback)
      FROM held n
    ON CONFLICT (order_id, sku, batch_reference)
    DO UPDATE SET quantity = EXCLUDED.quantity, id = EXCLUDED.id, accepted = EXCLUDED.accepted
  ), queue AS (
    SELECT * FROM unnest($32::text[], $33::text[], $34::bigint[], $35::boolean[], $36::int[],
                         $37::bigint[])
           AS q(sku, order_id, quantity, allow_split, position, accepted)
     WHERE q.sku IN (SELECT sku FROM owned)
  ), served AS (
    DELETE FROM backorders k
     WHERE k.sku = ANY($31::text[]) AND k.sku IN (SELECT sku FROM owned)
       AND NOT EXISTS (SELECT 1 FROM queue q WHERE q.sku = k.sku AND q.order_id = k.order_id)
  ), waiting AS (
    INSERT INTO backorders (sku, order_id, quantity, allow_split, position, accepted)
    SELECT sku, order_id, quantity, allow_split, position, accepted FROM queue
    ON CONFLICT (sku, order_id) DO UPDATE
       SET quantity = EXCLUDED.quantity, allow_split = EXCLUDED.allow_split,
           position = EXCLUDED.position, accepted = EXCLUDED.accepted
  ), outboxed AS (${outboxInsert('$38')})
  SELECT CASE WHEN t.claimed = $39::int${checked ? ' AND t.stale = 0' : ''} THEN t.claimed
              ELSE t.claimed / (t.claimed - t.claimed) END AS claimed
    FROM (SELECT (SELECT count(*)::int FROM claimed) + (SELECT count(*)::int FROM created)
                 AS claimed${
                   checked
                     ? `,
                 -- Lateral lookups with LIMIT, one index probe per pair or product: a plan
                 -- made while the tables were small must not hash the whole table each time.
                 (SELECT count(*)::int FROM unnest($40::text[], $41::text[]) AS x(sku, order_id)
                    CROSS JOIN LATERAL (
                      SELECT 1 FROM allocations a WHERE a.sku = x.sku AND a.order_id = x.order_id
                      UNION ALL
                      SELECT 1 FROM shipped_lines s WHERE s.sku = x.sku AND s.order_id = x.order_id
                      LIMIT 1) lined)
               + (SELECT count(*)::int FROM unnest($42::text[], $43::int[]) AS v(sku, version)
                    LEFT JOIN LATERAL (
                      SELECT p.version FROM products p WHERE p.sku = v.sku LIMIT 1) now ON true
                   WHERE now.version IS DISTINCT FROM v.version)
                 AS stale`
                     : ''
                 }) t`;

// Two statements, so a write that assumed nothing keeps the plain one's cheap generic plan.
const WRITE: PreparedStatement = { name: 'products-write', text: writeText(false) };
const WRITE_CHECKED: PreparedStatement = { name: 'products-write-checked', text: writeText(true) };

/** One product's change as the write takes it: the product before (if stored) and after. */
export interface ProductWrite {
  readonly before: Product | undefined;
  readonly after: Product;
  readonly lines: LineChanges;
}

/** The changes of products this store loaded, as the write takes them. */
export const writesOf = (
  changes: ReadonlyArray<ProductChange>,
  loaded: ReadonlyMap<string, Product>,
): ProductWrite[] =>
  changes.map(({ product, lines }) => ({ before: loaded.get(product.sku), after: product, lines }));

const sameTotals = (a: Batch, b: Batch) =>
  a.allocatedQuantity === b.allocatedQuantity &&
  a.purchasedQuantity === b.purchasedQuantity &&
  a.reservedQuantity === b.reservedQuantity;

/**
 * What a decision took as it stood without loading it: these lines absent (neither allocated
 * nor shipped), these products at these versions.
 */
export interface Assumed {
  readonly absent: ReadonlyArray<{ readonly sku: string; readonly orderId: string }>;
  readonly versions: ReadonlyArray<{ readonly sku: string; readonly version: number }>;
}

/**
 * Writes the changes of any number of products, with their events, in one statement (`WRITE`).
 * A product changed since it was loaded, or anything `assumed` that does not hold, throws
 * `ConcurrencyConflict`, writing nothing. Batches a change removes are not deleted here (their
 * lines must go first; see the repository).
 */
export const writeProducts = async (
  sql: SqlPool,
  writes: ReadonlyArray<ProductWrite>,
  events: ReadonlyArray<DomainEvent>,
  assumed?: Assumed,
): Promise<void> => {
  const added: Batch[] = [];
  const changed: Batch[] = [];
  for (const { before, after } of writes) {
    const was = new Map((before?.batches ?? []).map((b) => [b.reference as string, b]));
    for (const batch of after.batches) {
      const old = was.get(batch.reference);
      if (old === undefined) added.push(batch);
      else if (!sameTotals(old, batch)) changed.push(batch);
    }
  }
  const of = <T>(pick: (w: ProductWrite) => ReadonlyArray<T> | undefined) =>
    writes.flatMap((w) => (pick(w) ?? []).map((item) => ({ sku: w.after.sku, ...item })));
  const released = of((w) => w.lines.released);
  const shipped = of((w) => w.lines.shipped);
  const reserved = writes.flatMap(({ after, lines }) =>
    (lines.reservation?.orderIds ?? []).map((orderId: OrderId) => ({
      sku: after.sku,
      orderId,
      pickListId: lines.reservation?.pickListId ?? null,
    })),
  );
  // A line served from the queue keeps the stamp it waited with.
  const held = writes.flatMap(({ before, after, lines }) => {
    const waited = new Map((before?.backorders ?? []).map((b) => [b.orderId as string, b]));
    return lines.held.map((portion) => ({
      sku: after.sku,
      ...portion,
      accepted: portion.accepted ?? waited.get(portion.orderId)?.accepted ?? null,
      fallback: after.version,
    }));
  });
  const requeued = writes
    .filter(({ before, after }) =>
      before === undefined ? after.backorders.length > 0 : before.backorders !== after.backorders,
    )
    .map((w) => w.after);
  const queue = requeued.flatMap((product) =>
    product.backorders.map((b, i) => ({ ...b, position: i + 1 })),
  );
  try {
    const values = [
      writes.map((w) => w.after.sku),
      writes.map((w) => w.before?.version ?? null),
      writes.map((w) => w.after.version),
      added.map((b) => b.reference),
      added.map((b) => b.sku),
      added.map((b) => b.purchasedQuantity),
      added.map((b) => b.allocatedQuantity),
      added.map((b) => O.toNullable(b.eta)),
      added.map((b) => b.position),
      changed.map((b) => b.reference),
      changed.map((b) => b.purchasedQuantity),
      changed.map((b) => b.allocatedQuantity),
      changed.map((b) => b.reservedQuantity),
      released.map((r) => r.orderId),
      released.map((r) => r.sku),
      released.map((r) => r.batchReference),
      shipped.map((s) => s.orderId),
      shipped.map((s) => s.sku),
      shipped.map((s) => s.batchReference),
      shipped.map((s) => s.pickListId),
      shipped.map((s) => s.quantity),
      reserved.map((r) => r.sku),
      reserved.map((r) => r.orderId),
      reserved.map((r) => r.pickListId),
      held.map((h) => h.orderId),
      held.map((h) => h.sku),
      held.map((h) => h.batchReference),
      held.map((h) => h.quantity),
      held.map((h) => h.accepted),
      held.map((h) => h.fallback),
      requeued.map((p) => p.sku),
      queue.map((b) => b.sku),
      queue.map((b) => b.orderId),
      queue.map((b) => b.quantity),
      queue.map((b) => b.allowSplit),
      queue.map((b) => b.position),
      queue.map((b) => b.accepted),
      JSON.stringify(events),
      writes.length,
    ];
    if (assumed === undefined) await sql.query(WRITE, values);
    else {
      await sql.query(WRITE_CHECKED, [
        ...values,
        assumed.absent.map((line) => line.sku),
        assumed.absent.map((line) => line.orderId),
        assumed.versions.map((product) => product.sku),
        assumed.versions.map((product) => product.version),
      ]);
    }
  } catch (error) {
    if (isDivisionByZero(error)) {
      throw new ConcurrencyConflict('A product or a line changed since it was loaded');
    }
    throw error;
  }
};
