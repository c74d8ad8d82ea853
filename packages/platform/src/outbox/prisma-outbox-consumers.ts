import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { comparePositions, type FeedItem, type FeedPosition } from './event-feed';
import type { ConsumerTurn, OutboxConsumers, TurnOptions } from './outbox-consumers';
import { type OutboxRow, readFeed, toItem } from './prisma-event-feed';

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
    /** The most events a reader of some types looks at in one turn. */
    private readonly scanLimit = 2_000,
  ) {}

  async turn(
    name: string,
    limit: number,
    handle: (items: ReadonlyArray<FeedItem>) => Promise<void>,
    options: TurnOptions = {},
  ): Promise<ConsumerTurn> {
    const { types } = options;
    if (options.holdWhileHandling === false) {
      const read = await this.readOnce(name, limit, types);
      if (read === 'busy') return { _tag: 'Busy' };
      if (read.items.length > 0) await handle(read.items);
      if (read.end !== undefined) await this.moveCursor(this.client, name, read.end);
      return { _tag: 'Delivered', count: read.items.length, more: read.more };
    }
    const turn = await this.locked(name, async (tx) => {
      const read = await this.readAfterCursor(tx, name, limit, types);
      if (read.items.length > 0) await handle(read.items);
      if (read.end !== undefined) await this.moveCursor(tx, name, read.end);
      return read;
    });
    return turn === 'busy'
      ? { _tag: 'Busy' }
      : { _tag: 'Delivered', count: turn.items.length, more: turn.more };
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
        maxWait: 15_000,
        timeout: this.turnTimeoutMs,
      },
    );
  }

  /**
   * Up to `limit` events of the reader's types after its cursor, looking at most `scanLimit`
   * events in all: those of other types are passed over in the database (their data never read
   * out), and the turn ends after the last one looked at, so the cursor moves past them too.
   */
  private async readAfterCursor(
    tx: Prisma.TransactionClient,
    name: string,
    limit: number,
    types: ReadonlyArray<string> | undefined,
  ): Promise<TurnRead> {
    // Raw: the cursor's `last_xid` is an xid8, which Prisma's models cannot read.
    const [cursor] = await tx.$queryRaw<Array<{ xid: string; id: string }>>`
      SELECT last_xid::text AS xid, last_id::text AS id FROM outbox_consumers WHERE name = ${name}`;
    const after = { xid: cursor?.xid ?? '0', id: Number(cursor?.id ?? 0) };
    if (types === undefined) {
      const items = await readFeed(tx, { after, limit });
      return { items, end: items.at(-1)?.position, more: items.length === limit };
    }
    const scan = Math.max(limit, this.scanLimit);
    // Raw: feed order and the horizon are over xid8 (see readFeed).
    const rows = await tx.$queryRaw<ScannedRow[]>`
      WITH cursor AS (SELECT ${after.xid}::xid8 AS xid, ${after.id}::bigint AS id),
      ${scanAfterCursor(Prisma.sql`TRUE`, scan, limit, types.join(','))}`;
    return turnReadOf(rows, scan, limit);
  }

  /**
   * For a reader that does not hold its lock while handling: the lock, the cursor and the read in
   * one statement, which is its own transaction (the lock lasts as long as the read, as it would
   * in a transaction of its own, and costs no BEGIN and COMMIT). Up to `limit` events of its
   * types after the cursor, looking at most `scanLimit` in all (every event without types).
   */
  private async readOnce(
    name: string,
    limit: number,
    types: ReadonlyArray<string> | undefined,
  ): Promise<TurnRead | 'busy'> {
    const scan = types === undefined ? limit : Math.max(limit, this.scanLimit);
    const typeList = types === undefined ? null : types.join(',');
    // Raw: an advisory lock, and the cursor and feed order over xid8 (see readFeed).
    const rows = await this.client.$queryRaw<ScannedRow[]>`
      WITH lock AS (
        SELECT pg_try_advisory_xact_lock(hashtext('outbox-consumer'), hashtext(${name})) AS held
      ), cursor AS (
        SELECT coalesce((SELECT last_xid FROM outbox_consumers WHERE name = ${name}), '0'::xid8)
                 AS xid,
               coalesce((SELECT last_id FROM outbox_consumers WHERE name = ${name}), 0) AS id
      ),
      ${scanAfterCursor(Prisma.sql`(SELECT held FROM lock)`, scan, limit, typeList)}
      UNION ALL
      SELECT 'lock', NULL, NULL, NULL, NULL, NULL, CASE WHEN held THEN 1 ELSE 0 END FROM lock`;
    if (rows.find((row) => row.kind === 'lock')?.scanned !== 1) return 'busy';
    return turnReadOf(rows, scan, limit);
  }

  /** Forward only: a slower instance that handled the same events never moves it back. */
  private async moveCursor(
    client: Prisma.TransactionClient | PrismaClient,
    name: string,
    end: FeedPosition,
  ): Promise<void> {
    // Raw: an xid8 cursor, moved only forward by a row comparison.
    await client.$executeRaw`
      INSERT INTO outbox_consumers (name, last_xid, last_id, updated_at)
      VALUES (${name}, ${end.xid}::xid8, ${end.id}, now())
      ON CONFLICT (name) DO UPDATE
         SET last_xid = excluded.last_xid, last_id = excluded.last_id, updated_at = now()
       WHERE (outbox_consumers.last_xid, outbox_consumers.last_id)
             < (excluded.last_xid, excluded.last_id)`;
  }
}

interface TurnRead {
  readonly items: ReadonlyArray<FeedItem>;
  /** Where the cursor goes: past the last event looked at; undefined when none was. */
  readonly end: FeedPosition | undefined;
  readonly more: boolean;
}

/**
 * A scan's rows: its events, the last event looked at (with how many were), and for `readOnce`
 * whether it had the lock (`scanned` 1).
 */
type ScannedRow = OutboxRow & {
  readonly kind: 'item' | 'last' | 'lock';
  readonly scanned: number | null;
};

/**
 * The rest of a statement whose `cursor` (one row: xid, id) comes before it: at most `scan`
 * events after the cursor while `held`, the first `limit` of those of the types in `typeList`
 * (comma-separated; null for every type), and the last event looked at, as `ScannedRow`s.
 */
const scanAfterCursor = (
  held: Prisma.Sql,
  scan: number,
  limit: number,
  typeList: string | null,
): Prisma.Sql => Prisma.sql`
  scanned AS (
    SELECT o.xid, o.id, o.type FROM outbox o, cursor c
     WHERE ${held}
       AND o.xid < pg_snapshot_xmin(pg_current_snapshot())
       AND (o.xid, o.id) > (c.xid, c.id)
     ORDER BY o.xid, o.id
     LIMIT ${scan}
  ), wanted AS (
    SELECT xid, id FROM scanned
     WHERE ${typeList}::text IS NULL
        OR type = ANY (string_to_array(${typeList}::text, ','))
     ORDER BY xid, id
     LIMIT ${limit}
  ), last AS (
    SELECT xid, id, (SELECT count(*) FROM scanned)::int AS scanned
      FROM scanned ORDER BY xid DESC, id DESC LIMIT 1
  )
  SELECT 'item' AS kind, o.id::text AS id, o.type, o.occurred_at, o.data, o.xid::text AS xid,
         NULL::int AS scanned
    FROM wanted w JOIN outbox o ON o.id = w.id
  UNION ALL
  SELECT 'last', id::text, NULL, NULL, NULL, xid::text, scanned FROM last`;

/**
 * What a turn read: its events in feed order, and where its cursor goes (past the last event
 * looked at, unless it stopped at `limit` events). More may follow when either limit was met.
 */
const turnReadOf = (rows: ReadonlyArray<ScannedRow>, scan: number, limit: number): TurnRead => {
  const items = rows
    .filter((row) => row.kind === 'item')
    .map(toItem)
    .sort((a, b) => comparePositions(a.position, b.position));
  const last = rows.find((row) => row.kind === 'last');
  if (items.length === limit) return { items, end: items.at(-1)?.position, more: true };
  return {
    items,
    end: last === undefined ? undefined : { xid: last.xid, id: Number(last.id) },
    more: last?.scanned === scan,
  };
};
