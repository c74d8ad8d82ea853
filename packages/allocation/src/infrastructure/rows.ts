import * as O from 'fp-ts/Option';
import {
  compareBatchPreference,
  type AllocatedLine,
  type Backorder,
  type Batch,
  type BatchReference,
  type CalendarDate,
  type OrderId,
  type PickListId,
  type Portion,
  type Product,
  type Quantity,
  type Sku,
} from '@allocation/allocation-domain';
import { Prisma } from '@allocation/platform';

/** The part of a Prisma client these adapters need: the root client or a transaction. */
export type SqlClient = Pick<Prisma.TransactionClient, '$queryRaw' | '$executeRaw'>;

/** A batch as every query here selects it (see `batchColumns`). */
export interface BatchRow {
  reference: string;
  sku: string;
  purchased_quantity: bigint | number;
  allocated_quantity: bigint | number;
  reserved_quantity: bigint | number;
  eta: string | null;
  position: number;
}

/** The batch columns, with the ETA as the calendar date it is (no time zone involved). */
export const batchColumns = Prisma.sql`b.reference, b.sku, b.purchased_quantity,
  b.allocated_quantity, b.reserved_quantity, to_char(b.eta, 'YYYY-MM-DD') AS eta, b.position`;

/**
 * The one mapping from a row to a `Batch`. Values read back were validated on the way in, so
 * they are cast to their branded types rather than validated again; BIGINT quantities fit a
 * safe integer, which the domain guarantees.
 */
export const toBatch = (row: BatchRow): Batch => ({
  reference: row.reference as BatchReference,
  sku: row.sku as Sku,
  eta: O.fromNullable(row.eta as CalendarDate | null),
  purchasedQuantity: Number(row.purchased_quantity),
  allocatedQuantity: Number(row.allocated_quantity),
  reservedQuantity: Number(row.reserved_quantity),
  position: Number(row.position),
});

/** A backorder as the product queries aggregate it: [order id, quantity, allow split, accepted]. */
export type BackorderCell = [string, number | string, boolean, number | string];

/** The queue as the product queries select it, in the order it is served. */
export const backorderCells = Prisma.sql`coalesce(json_agg(json_build_array(k.order_id,
  k.quantity, k.allow_split, k.accepted) ORDER BY k.accepted, k.position), '[]')`;

/** The one mapping from a queue cell to a `Backorder`. */
export const toBackorder =
  (sku: Sku) =>
  ([orderId, quantity, allowSplit, accepted]: BackorderCell): Backorder => ({
    orderId: orderId as OrderId,
    sku,
    quantity: Number(quantity) as Quantity,
    allowSplit,
    accepted: Number(accepted),
  });

type ProductRow = { product_sku: string; version: number; backorders: BackorderCell[] } & (
  BatchRow | { [K in keyof BatchRow]: null }
);

/**
 * Loads a product with its batches and its backorders in queue order, in one statement; `sku` is
 * a value or a sub-select yielding one.
 */
export const selectProduct = async (db: SqlClient, sku: Prisma.Sql): Promise<O.Option<Product>> => {
  const rows = await db.$queryRaw<ProductRow[]>`
    SELECT p.sku AS product_sku, p.version, ${batchColumns},
           (SELECT ${backorderCells} FROM backorders k WHERE k.sku = p.sku) AS backorders
      FROM products p LEFT JOIN batches b ON b.sku = p.sku
     WHERE p.sku = ${sku}`;
  const first = rows[0];
  if (first === undefined) return O.none;
  const batches = rows.flatMap((row) => (row.reference === null ? [] : [toBatch(row)]));
  return O.some({
    sku: first.product_sku as Sku,
    version: Number(first.version),
    batches: batches.sort(compareBatchPreference),
    backorders: first.backorders.map(toBackorder(first.product_sku as Sku)),
  });
};

/** One portion of a line in one batch, as the `allocations` table holds it. */
export interface PortionRow {
  readonly orderId: string;
  readonly sku: string;
  readonly batchReference: string;
  readonly quantity: number;
  /** The open pick list the line is reserved on, if any. */
  readonly pickListId?: string | null;
  /** When the product accepted the line (the same on each of its rows). */
  readonly accepted: number;
}

/** Groups portion rows into lines, keeping the order in which each line first appears. */
export const groupIntoLines = (rows: ReadonlyArray<PortionRow>): AllocatedLine[] => {
  const lines = new Map<
    string,
    {
      orderId: string;
      sku: string;
      pickListId: string | null;
      accepted: number;
      portions: Portion[];
    }
  >();
  for (const row of rows) {
    const key = `${row.orderId}\u0000${row.sku}`;
    const line = lines.get(key) ?? {
      orderId: row.orderId,
      sku: row.sku,
      pickListId: row.pickListId ?? null,
      accepted: row.accepted,
      portions: [],
    };
    line.portions.push({
      batchReference: row.batchReference as BatchReference,
      quantity: row.quantity as Quantity,
    });
    lines.set(key, line);
  }
  return [...lines.values()].flatMap(({ orderId, sku, pickListId, accepted, portions }) => {
    const [head, ...tail] = portions;
    if (head === undefined) return [];
    const line: AllocatedLine = {
      orderId: orderId as OrderId,
      sku: sku as Sku,
      quantity: portions.reduce((sum, p) => sum + p.quantity, 0) as Quantity,
      portions: [head, ...tail],
      accepted,
    };
    return [pickListId === null ? line : { ...line, reservedFor: pickListId as PickListId }];
  });
};
