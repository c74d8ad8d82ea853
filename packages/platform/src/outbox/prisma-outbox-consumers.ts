import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { sqlThrough, type PreparedStatement, type SqlPool } from '../database/prisma.service';
import { comparePositions, type FeedItem, type FeedPosition } from './event-feed';
import type { ConsumerTurn, OutboxConsumers, TurnOptions } from './outbox-consumers';
import { type OutboxRow, toItem } from './prisma-event-feed';

/**
 * Each turn is one transaction holding `pg_try_advisory_xact_lock` on the reader's name: the lock
 * ends with the transaction or its connection, so a dead holder never blocks the others. The
 * cursor row is written last, so the transaction takes no transaction id before it reads the
 * feed and does not hold back its own horizon.
 *
 * A reader that does not hold its lock while handling takes no transaction: its read and its
 * cursor's move are a statement each, named statements on `pool` when one is given (prepared
 * once per connection, as the group commit's are), else through Prisma.
 */
export class PrismaOutboxConsumers implements OutboxConsumers {
  private readonly sql: SqlPool;
  private readonly turnTimeoutMs: number;

  constructor(
    private readonly client: PrismaClient,
    options: {
      /** How long a handler may take (publishing, mailing) before its turn is abandoned. */
      readonly turnTimeoutMs?: number;
      /** The pool's plain statements (`PrismaService.sql`), for readers that take no transaction. */
      readonly pool?: SqlPool;
    } = {},
  ) {
    this.turnTimeoutMs = options.turnTimeoutMs ?? 30_000;
    this.sql = options.pool ?? sqlThrough(client);
  }

  async turn(
    name: string,
    limit: number,
    handle: (items: ReadonlyArray<FeedItem>) => Promise<void>,
    options: TurnOptions = {},
  ): Promise<ConsumerTurn> {
    const { types } = options;
    if (options.holdWhileHandling === false) {
      const rows = await readTurn(this.sql, 'locking', name, limit, types);
      // The read takes the lock for as long as it runs, as a transaction of its own would.
      if (!rows.some((row) => row.kind === 'lock')) return { _tag: 'Busy' };
      const turn = turnReadOf(rows, limit);
      if (turn.items.length > 0) await handle(turn.items);
      if (turn.end !== undefined) await moveCursor(this.sql, name, turn.end);
      return { _tag: 'Delivered', count: turn.items.length, more: turn.more };
    }
    const turn = await this.locked(name, async (tx) => {
      const sql = sqlThrough(tx);
      const read = turnReadOf(await readTurn(sql, 'held', name, limit, types), limit);
      if (read.items.length > 0) await handle(read.items);
      if (read.end !== undefined) await moveCursor(sql, name, read.end);
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
}

interface TurnRead {
  readonly items: ReadonlyArray<FeedItem>;
  /** Where the cursor goes; undefined when no event came after it. */
  readonly end: FeedPosition | undefined;
  readonly more: boolean;
}

/**
 * A read's rows: its events, the feed's last event after the cursor (for a reader of some types),
 * and for a read that takes the lock, a row when it had it.
 */
type ReadRow = OutboxRow & { readonly kind: 'item' | 'last' | 'lock' };

/** How a read stands to the reader's lock: it takes it itself, or its transaction holds it. */
type Locking = 'locking' | 'held';

/**
 * The read of a turn ($1 the reader's name, $2 its limit, $3 its types comma-separated): while it
 * holds the lock, the first `limit` events after the cursor and below the feed's horizon, in feed
 * order. A reader of some types reads each type along its own index range, so a turn costs what
 * it is handed, however many events of other types came between; with them comes the feed's
 * last event below the horizon, where its cursor goes when it was handed fewer than `limit` (no
 * event of its types lies before that unread: every event below the horizon is committed, and
 * all of its types were looked at). Raw: an advisory lock, and the cursor, the feed order and
 * the horizon over xid8 (see `readFeed`), which Prisma's models cannot say.
 */
const readText = (locking: Locking, typed: boolean): string => {
  const held = locking === 'locking' ? '(SELECT held FROM lock)' : 'TRUE';
  const lock =
    locking === 'locking'
      ? `lock AS (
      SELECT pg_try_advisory_xact_lock(hashtext('outbox-consumer'), hashtext($1)) AS held
    ), `
      : '';
  const wanted = typed
    ? `wanted AS (
      SELECT w.xid, w.id
        FROM cursor c, unnest(string_to_array($3::text, ',')) AS t(type)
        CROSS JOIN LATERAL (
          -- The whole row compared, so that only the (type, xid, id) index can take the range.
          SELECT o.xid, o.id FROM outbox o
           WHERE ${held} AND o.type = t.type AND o.xid < c.horizon
             AND (o.type, o.xid, o.id) > (t.type, c.xid, c.id)
           ORDER BY o.xid, o.id
           LIMIT $2) w
       ORDER BY w.xid, w.id
       LIMIT $2
    ), last AS (
      SELECT l.xid, l.id FROM cursor c CROSS JOIN LATERAL (${after(held, 'DESC', '1')}) l
    )`
    : `wanted AS (
      SELECT w.xid, w.id FROM cursor c CROSS JOIN LATERAL (${after(held, 'ASC', '$2')}) w
    )`;
  return `
    WITH ${lock}cursor AS (
      SELECT coalesce((SELECT last_xid FROM outbox_consumers WHERE name = $1), '0'::xid8) AS xid,
             coalesce((SELECT last_id FROM outbox_consumers WHERE name = $1), 0) AS id,
             pg_snapshot_xmin(pg_current_snapshot()) AS horizon
    ), ${wanted}
    SELECT 'item' AS kind, o.id::text AS id, o.type, o.occurred_at, o.data, o.xid::text AS xid
      FROM wanted w JOIN outbox o ON o.id = w.id${
        typed
          ? `
    UNION ALL
    SELECT 'last', id::text, NULL, NULL, NULL, xid::text FROM last`
          : ''
      }${
        locking === 'locking'
          ? `
    UNION ALL
    SELECT 'lock', NULL, NULL, NULL, NULL, NULL FROM lock WHERE held`
          : ''
      }`;
};

/**
 * The feed after the cursor and below the horizon, first or last first. Lateral to the cursor, so
 * that both bounds are the index range: joined to it instead, an empty range was found by
 * walking the whole index.
 */
const after = (held: string, direction: 'ASC' | 'DESC', limit: string): string => `
        SELECT o.xid, o.id FROM outbox o
         WHERE ${held} AND o.xid < c.horizon AND (o.xid, o.id) > (c.xid, c.id)
         ORDER BY o.xid ${direction}, o.id ${direction}
         LIMIT ${limit}`;

/** Each read, by how it stands to the lock and whether its reader has types (exported for tests). */
export const READS: Record<Locking, Record<'all' | 'typed', PreparedStatement>> = {
  locking: {
    all: { name: 'outbox-read-locking', text: readText('locking', false) },
    typed: { name: 'outbox-read-locking-typed', text: readText('locking', true) },
  },
  held: {
    all: { name: 'outbox-read-held', text: readText('held', false) },
    typed: { name: 'outbox-read-held-typed', text: readText('held', true) },
  },
};

const readTurn = async (
  sql: SqlPool,
  locking: Locking,
  name: string,
  limit: number,
  types: ReadonlyArray<string> | undefined,
): Promise<ReadonlyArray<ReadRow>> => {
  const statements = READS[locking];
  const { rows } =
    types === undefined
      ? await sql.query<ReadRow>(statements.all, [name, limit])
      : await sql.query<ReadRow>(statements.typed, [name, limit, types.join(',')]);
  return rows;
};

/** Forward only: a slower instance that handled the same events never moves it back. */
const MOVE_CURSOR: PreparedStatement = {
  name: 'outbox-cursor-move',
  // Raw: an xid8 cursor, moved only forward by a row comparison.
  text: `
    INSERT INTO outbox_consumers (name, last_xid, last_id, updated_at)
    VALUES ($1, $2::xid8, $3, now())
    ON CONFLICT (name) DO UPDATE
       SET last_xid = excluded.last_xid, last_id = excluded.last_id, updated_at = now()
     WHERE (outbox_consumers.last_xid, outbox_consumers.last_id)
           < (excluded.last_xid, excluded.last_id)`,
};

const moveCursor = async (sql: SqlPool, name: string, end: FeedPosition): Promise<void> => {
  await sql.query(MOVE_CURSOR, [name, end.xid, end.id]);
};

/**
 * What a turn read: its events in feed order, and where its cursor goes: past the last of them
 * when it stopped at `limit` (more may follow), else past the last event looked at.
 */
const turnReadOf = (rows: ReadonlyArray<ReadRow>, limit: number): TurnRead => {
  const items = rows
    .filter((row) => row.kind === 'item')
    .map(toItem)
    .sort((a, b) => comparePositions(a.position, b.position));
  const last = rows.find((row) => row.kind === 'last');
  if (items.length === limit || last === undefined) {
    return { items, end: items.at(-1)?.position, more: items.length === limit };
  }
  return { items, end: { xid: last.xid, id: Number(last.id) }, more: false };
};
