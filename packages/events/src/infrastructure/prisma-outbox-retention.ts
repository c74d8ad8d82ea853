import type { PrismaClient } from '@allocation/platform';

const CHUNK = 10_000;

/**
 * Deletes events older than the retention that are published: visible in the feed (below the
 * horizon) and passed by every durable reader's cursor. An event a reader has not delivered yet
 * is kept however old it is. Deletes in chunks so that no statement holds many locks for long.
 */
export const pruneOutbox = async (client: PrismaClient, retentionDays: number): Promise<number> => {
  let pruned = 0;
  for (;;) {
    // Raw: published means below the xid8 horizon and every reader's xid8 cursor.
    const deleted = await client.$executeRaw`
      DELETE FROM outbox WHERE id IN (
        SELECT o.id FROM outbox o
         WHERE o.occurred_at < now() - make_interval(days => ${retentionDays}::int)
           AND o.xid < pg_snapshot_xmin(pg_current_snapshot())
           AND NOT EXISTS (
                 SELECT 1 FROM outbox_consumers c WHERE (c.last_xid, c.last_id) < (o.xid, o.id))
         LIMIT ${CHUNK})`;
    pruned += deleted;
    if (deleted < CHUNK) return pruned;
  }
};
