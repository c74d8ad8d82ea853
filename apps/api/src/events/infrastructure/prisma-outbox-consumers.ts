import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import type { FeedItem } from '../ports/event-feed';
import type { ConsumerTurn, OutboxConsumers } from '../ports/outbox-consumers';
import { readFeed } from './prisma-event-feed';

/**
 * Each turn is one transaction holding `pg_try_advisory_xact_lock` on the reader's name: the lock
 * ends with the transaction or its connection, so a dead holder never blocks the others. The
 * cursor row is written last, so the transaction takes no transaction id before it reads the
 * feed and does not hold back its own horizon.
 */
export class PrismaOutboxConsumers implements OutboxConsumers {
  constructor(
    private readonly client: PrismaClient,
    /** How long a handler may take (publishing, mailing) before its turn is abandoned. */
    private readonly turnTimeoutMs = 30_000,
  ) {}

  turn(
    name: string,
    limit: number,
    handle: (items: ReadonlyArray<FeedItem>) => Promise<void>,
  ): Promise<ConsumerTurn> {
    return this.client.$transaction(
      async (tx): Promise<ConsumerTurn> => {
        const [lock] = await tx.$queryRaw<Array<{ held: boolean }>>`
          SELECT pg_try_advisory_xact_lock(hashtext('outbox-consumer'), hashtext(${name})) AS held`;
        if (lock?.held !== true) return { _tag: 'Busy' };
        const [cursor] = await tx.$queryRaw<Array<{ xid: string; id: string }>>`
          SELECT last_xid::text AS xid, last_id::text AS id FROM outbox_consumers
           WHERE name = ${name}`;
        const after = { xid: cursor?.xid ?? '0', id: Number(cursor?.id ?? 0) };
        const items = await readFeed(tx, { after, limit });
        const last = items.at(-1);
        if (last === undefined) return { _tag: 'Delivered', count: 0 };
        await handle(items);
        await tx.$executeRaw`
          INSERT INTO outbox_consumers (name, last_xid, last_id, updated_at)
          VALUES (${name}, ${last.position.xid}::xid8, ${last.position.id}, now())
          ON CONFLICT (name) DO UPDATE
             SET last_xid = excluded.last_xid, last_id = excluded.last_id, updated_at = now()`;
        return { _tag: 'Delivered', count: items.length };
      },
      {
        isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
        maxWait: 15_000,
        timeout: this.turnTimeoutMs,
      },
    );
  }
}
