import * as O from 'fp-ts/Option';
import {
  type AllocatedLine,
  type Backorder,
  type Batch,
  type BatchReference,
  type CalendarDate,
  type OrderId,
  type PickListId,
  type Portion,
  type Quantity,
  type Sku,
} from '@allocation/allocation-domain';
import type { Prisma } from '@allocation/platform';

/** The part of a Prisma client these adapters need: the root client or a transaction. */
export type SqlClient = Prisma.TransactionClient;

/**
 * A batch as it is read: by Prisma's model API (`eta` a `Date` at UTC midnight) or in the
 * product load's JSON (`eta` already `YYYY-MM-DD`).
 */
export interface BatchRecord {
  readonly reference: string;
  readonly sku: string;
  readonly purchasedQuantity: bigint | number;
  readonly allocatedQuantity: bigint | number;
  readonly reservedQuantity: bigint | number;
  readonly eta: Date | string | null;
  readonly position: number;
}

/** A `@db.Date` as the calendar date it is (no time zone involved). */
export const calendarDate = (eta: Date | string | null): CalendarDate | null =>
  eta === null
    ? null
    : ((typeof eta === 'string' ? eta : eta.toISOString().slice(0, 10)) as CalendarDate);

/** A calendar date as Prisma writes a `@db.Date`: that day's UTC midnight. */
export const dateOf = (day: CalendarDate | string): Date => new Date(`${day}T00:00:00.000Z`);

/**
 * The one mapping from a stored batch to a `Batch`. Values read back were validated on the way
 * in, so they are cast to their branded types rather than validated again; BIGINT quantities fit
 * a safe integer, which the domain guarantees.
 */
export const toBatch = (row: BatchRecord): Batch => ({
  reference: row.reference as BatchReference,
  sku: row.sku as Sku,
  eta: O.fromNullable(calendarDate(row.eta)),
  purchasedQuantity: Number(row.purchasedQuantity),
  allocatedQuantity: Number(row.allocatedQuantity),
  reservedQuantity: Number(row.reservedQuantity),
  position: Number(row.position),
});

/** A waiting line as the product load aggregates it: [order id, quantity, allow split, accepted]. */
export type BackorderCell = [string, bigint | number | string, boolean, bigint | number | string];

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
