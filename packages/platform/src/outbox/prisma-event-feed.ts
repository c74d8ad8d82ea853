import type { PrismaClient, Prisma } from '../generated/prisma/client';
import {
  FEED_START,
  type EventFeed,
  type FeedItem,
  type FeedPosition,
  type FeedRead,
} from './event-feed';

export interface OutboxRow {
  readonly id: string;
  readonly type: string;
  readonly occurred_at: Date;
  readonly data: Record<string, unknown>;
  readonly xid: string;
}

export const toItem = (row: OutboxRow): FeedItem => ({
  id: Number(row.id),
  type: row.type,
  occurredAt: row.occurred_at.toISOString(),
  data: row.data,
  position: { xid: row.xid, id: Number(row.id) },
});

/**
 * Reads the outbox in feed order, below the oldest running transaction. The statements here are
 * raw SQL: feed order and the horizon are over xid8 (`pg_snapshot_xmin`), which Prisma's models
 * cannot read or compare.
 */
export const readFeed = async (
  client: PrismaClient | Prisma.TransactionClient,
  { after, limit, types }: FeedRead,
): Promise<ReadonlyArray<FeedItem>> => {
  const rows =
    types === undefined || types.length === 0
      ? await client.$queryRaw<OutboxRow[]>`
    SELECT id::text AS id, type, occurred_at, data, xid::text AS xid
      FROM outbox
     WHERE xid < pg_snapshot_xmin(pg_current_snapshot())
       AND (xid, id) > (${after.xid}::xid8, ${after.id}::bigint)
     ORDER BY outbox.xid, outbox.id
     LIMIT ${limit}`
      : // Each type along its own index range, as the durable readers read: a rare type is found
        // without walking the events of every other type after the position.
        await client.$queryRaw<OutboxRow[]>`
    SELECT o.id::text AS id, o.type, o.occurred_at, o.data, o.xid::text AS xid
      FROM (SELECT w.id
              FROM unnest(string_to_array(${types.join(',')}::text, ',')) AS t(type)
              CROSS JOIN LATERAL (
                SELECT x.xid, x.id FROM outbox x
                 WHERE x.type = t.type
                   AND x.xid < pg_snapshot_xmin(pg_current_snapshot())
                   AND (x.type, x.xid, x.id) > (t.type, ${after.xid}::xid8, ${after.id}::bigint)
                 ORDER BY x.xid, x.id
                 LIMIT ${limit}) w
             ORDER BY w.xid, w.id
             LIMIT ${limit}) wanted
      JOIN outbox o ON o.id = wanted.id
     ORDER BY o.xid, o.id`;
  return rows.map(toItem);
};

export class PrismaEventFeed implements EventFeed {
  constructor(private readonly client: PrismaClient) {}

  read(request: FeedRead): Promise<ReadonlyArray<FeedItem>> {
    return readFeed(this.client, request);
  }

  async positionOf(id: number): Promise<FeedPosition> {
    if (id === 0) return FEED_START;
    const rows = await this.client.$queryRaw<Array<{ xid: string }>>`
      SELECT coalesce(
               (SELECT xid FROM outbox WHERE id = ${id}::bigint),
               (SELECT max(xid) FROM outbox WHERE id <= ${id}::bigint),
               '0'::xid8)::text AS xid`;
    return { xid: rows[0]?.xid ?? '0', id };
  }

  async end(): Promise<FeedPosition> {
    const rows = await this.client.$queryRaw<Array<{ xid: string; id: string }>>`
      SELECT xid::text AS xid, id::text AS id FROM outbox
       WHERE xid < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY outbox.xid DESC, outbox.id DESC LIMIT 1`;
    const last = rows[0];
    return last === undefined ? FEED_START : { xid: last.xid, id: Number(last.id) };
  }
}
