import type { Order, OrderEvent } from '@allocation/orders-domain';
import type { AssumedPrice } from './price-memory';
import {
  ConcurrencyConflict,
  isDivisionByZero,
  outboxInsert,
  type PreparedStatement,
  type SqlPool,
} from '@allocation/platform';

/**
 * One order written in one statement, with its events: its version claimed as loaded ($4), or
 * the order inserted when new ($4 null, $5, $6 and $12 its customer, currency and creation time);
 * its items upserted ($7-$10) and the others deleted; the events appended ($11). If the claim
 * fails (the order moved, or its id was taken meanwhile), or a price the change took from memory
 * ($13-$15) is no longer the catalogue's, the final select divides by zero, which undoes the
 * statement. The item rows deleted and those written are disjoint, so their
 * order within it does not matter.
 */
const WRITE_ORDER: PreparedStatement = {
  name: 'order-write',
  text: `
  WITH claimed AS (
    UPDATE orders SET status = $2, version = $3, updated_at = now()
     WHERE $4::int IS NOT NULL AND id = $1 AND version = $4
    RETURNING id
  ), created AS (
    INSERT INTO orders (id, customer_id, currency, status, version, created_at)
    SELECT $1, $5, $6, $2, $3, $12::timestamptz WHERE $4::int IS NULL
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  ), owned AS (
    SELECT id FROM claimed UNION ALL SELECT id FROM created
  ), gone AS (
    DELETE FROM order_items i USING owned o
     WHERE i.order_id = o.id AND NOT (i.sku = ANY($7::text[]))
  ), kept AS (
    INSERT INTO order_items (order_id, sku, quantity, unit_price_minor, position)
    SELECT o.id, x.sku, x.quantity, x.unit_price_minor, x.position
      FROM owned o,
           unnest($7::text[], $8::int[], $9::bigint[], $10::int[])
           AS x(sku, quantity, unit_price_minor, position)
    ON CONFLICT (order_id, sku) DO UPDATE
       SET quantity = EXCLUDED.quantity, unit_price_minor = EXCLUDED.unit_price_minor,
           position = EXCLUDED.position
  ), outboxed AS (${outboxInsert('$11')})
  SELECT CASE WHEN t.n = 1 AND t.stale = 0 THEN t.n ELSE t.n / (t.n - t.n) END AS claimed
    FROM (SELECT (SELECT count(*)::int FROM owned) AS n,
                 (SELECT count(*)::int
                    FROM unnest($13::text[], $14::bigint[], $15::text[]) AS a(sku, amount, currency)
                    LEFT JOIN prices p ON p.sku = a.sku
                   WHERE p.sku IS NULL OR p.amount_minor <> a.amount OR p.currency <> a.currency)
                 AS stale) t`,
};

/** An order as a unit of work changed it: new when `loadedVersion` is null. */
export interface OrderWrite {
  readonly order: Order;
  readonly loadedVersion: number | null;
}

/**
 * Writes one order and the events with it; `ConcurrencyConflict` (nothing written) if it moved,
 * or if a price in `assumed` is no longer the catalogue's.
 */
export const writeOrder = async (
  sql: SqlPool,
  { order, loadedVersion }: OrderWrite,
  events: ReadonlyArray<OrderEvent>,
  assumed: ReadonlyArray<AssumedPrice> = [],
): Promise<void> => {
  try {
    await sql.query(WRITE_ORDER, [
      order.id,
      order.status,
      order.version,
      loadedVersion,
      order.customerId,
      order.currency,
      order.items.map((item) => item.sku),
      order.items.map((item) => item.quantity),
      order.items.map((item) => item.unitPrice.amountMinor),
      order.items.map((_, position) => position),
      JSON.stringify(events),
      order.createdAt,
      assumed.map((a) => a.sku),
      assumed.map((a) => a.price.amountMinor),
      assumed.map((a) => a.price.currency),
    ]);
  } catch (error) {
    if (isDivisionByZero(error)) {
      throw new ConcurrencyConflict(`Order ${order.id} or a price of it changed since it was read`);
    }
    throw error;
  }
};
