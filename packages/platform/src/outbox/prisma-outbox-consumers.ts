import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { FeedItem } from './event-feed';
import type { ConsumerTurn, OutboxConsumers, TurnOptions } from './outbox-consumers';
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

  async turn(
    name: string,
    limit: number,
    handle: (items: ReadonlyArray<FeedItem>) => Promise<void>,
    options: TurnOptions = {},
  ): Promise<ConsumerTurn> {
    if (options.holdWhileHandling === false) {
      const read = await this.locked(name, (tx) => this.readAfterCursor(tx, name, limit));
      if (read === 'busy') return { _tag: 'Busy' };
      if (read.length === 0) return { _tag: 'Delivered', count: 0 };
      await handle(read);
      await this.moveCursor(this.client, name, read);
      return { _tag: 'Delivered', count: read.length };
    }
    const turn = await this.locked(name, async (tx) => {
      const items = await this.readAfterCursor(tx, name, limit);
      if (items.length > 0) {
        await handle(items);
        await this.moveCursor(tx, name, items);
      }
      return items.length;
    });
    return turn === 'busy' ? { _tag: 'Busy' } : { _tag: 'Delivered', count: turn };
  }

  private locked<A>(
    name: string,
    work: (tx: Prisma.TransactionClient) => Promise<A>,
  ): Promise<A | 'busy'> {
    return this.client.$transaction(
      async (tx) => {
        // Raw: advisory locks have no model API.
        const [lock] = await tx.$queryRaw<Array<{ held: boolean }>>`
          SELECT pg_try_advisory_xact_lock(hashtext('outbox-consumer'), hashtext(${name})) AS held`;
        return lock?.held === true ? work(tx) : ('busy' as const);
      },
      {
        isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
        maxWait: 15_000,
        timeout: this.turnTimeoutMs,
      },
    );
  }

  private async readAfterCursor(
    tx: Prisma.TransactionClient,
    name: string,
    limit: number,
  ): Promise<ReadonlyArray<FeedItem>> {
    // Raw: the cursor's `last_xid` is an xid8, which Prisma's models cannot read.
    const [cursor] = await tx.$queryRaw<Array<{ xid: string; id: string }>>`
      SELECT last_xid::text AS xid, last_id::text AS id FROM outbox_consumers WHERE name = ${name}`;
    const after = { xid: cursor?.xid ?? '0', id: Number(cursor?.id ?? 0) };
    return readFeed(tx, { after, limit });
  }

  /** Forward only: a slower instance that handled the same events never moves it back. */
  private async moveCursor(
    client: Prisma.TransactionClient | PrismaClient,
    name: string,
    items: ReadonlyArray<FeedItem>,
  ): Promise<void> {
    const last = items.at(-1);
    if (last === undefined) return;
    // Raw: an xid8 cursor, moved only forward by a row comparison.
    await client.$executeRaw`
      INSERT INTO outbox_consumers (name, last_xid, last_id, updated_at)
      VALUES (${name}, ${last.position.xid}::xid8, ${last.position.id}, now())
      ON CONFLICT (name) DO UPDATE
         SET last_xid = excluded.last_xid, last_id = excluded.last_id, updated_at = now()
       WHERE (outbox_consumers.last_xid, outbox_consumers.last_id)
             < (excluded.last_xid, excluded.last_id)`;
  }
}
