import { PrismaService } from '../database/prisma.service';
import { waitForFeedHorizon } from '../testing/horizon';
import { recordingPrisma } from '../testing/recording-prisma';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import type { FeedItem } from './event-feed';
import { PrismaOutboxConsumers, READS } from './prisma-outbox-consumers';

let database: TestDatabase;
let prisma: PrismaService;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({ url: database.url, poolSize: 4 });
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

beforeEach(async () => {
  await prisma.client.$executeRaw`TRUNCATE outbox, outbox_consumers`;
});

/** Commits one event per type, in order, each in a transaction of its own. */
const commit = async (...types: string[]): Promise<void> => {
  for (const type of types) {
    await prisma.client.$executeRaw`INSERT INTO outbox (type, data) VALUES (${type}, '{"n":1}')`;
  }
  await waitForFeedHorizon(database.url);
};

/** Whether readers hold their lock while handling (set by each `describe.each` below). */
let holding = true;

/** One turn of a reader; what it was handed, by type and id order. */
const turnOf = async (
  consumers: PrismaOutboxConsumers,
  limit: number,
  types?: ReadonlyArray<string>,
) => {
  const handed: FeedItem[] = [];
  const turn = await consumers.turn('reader', limit, async (items) => void handed.push(...items), {
    holdWhileHandling: holding,
    ...(types === undefined ? {} : { types }),
  });
  return { turn, types: handed.map((item) => item.type), ids: handed.map((item) => item.id) };
};

describe.each([
  ['holding its lock while it handles', true],
  ['reading in one statement (not holding its lock while it handles)', false],
])('a reader of some event types, %s', (_, hold) => {
  beforeAll(() => {
    holding = hold;
  });

  it('is handed only its types, in feed order, and its cursor passes the others', async () => {
    const consumers = new PrismaOutboxConsumers(prisma.client, { pool: prisma.sql });
    await commit(
      'Allocated',
      'OrderPlaced',
      'Allocated',
      'Allocated',
      'OrderCancelled',
      'Allocated',
    );
    const first = await turnOf(consumers, 50, ['OrderPlaced', 'OrderCancelled']);
    expect(first.types).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(first.ids[0]).toBeLessThan(first.ids[1] ?? 0);
    expect(first.turn).toEqual({ _tag: 'Delivered', count: 2, more: false });
    // The cursor is past the last Allocated too, so nothing comes again.
    const [cursor] = await prisma.client.$queryRaw<Array<{ at: boolean }>>`
      SELECT last_id = (SELECT max(id) FROM outbox) AS at FROM outbox_consumers`;
    expect(cursor?.at).toBe(true);
    expect((await turnOf(consumers, 50, ['OrderPlaced', 'OrderCancelled'])).types).toEqual([]);
    await commit('Allocated', 'OrderPlaced');
    expect((await turnOf(consumers, 50, ['OrderPlaced', 'OrderCancelled'])).types).toEqual([
      'OrderPlaced',
    ]);
  });

  it('stops at its limit and says there is more, then goes on from there', async () => {
    const consumers = new PrismaOutboxConsumers(prisma.client, { pool: prisma.sql });
    await commit('OrderPlaced', 'Allocated', 'OrderPlaced', 'OrderPlaced');
    const first = await turnOf(consumers, 2, ['OrderPlaced']);
    expect(first.turn).toEqual({ _tag: 'Delivered', count: 2, more: true });
    const second = await turnOf(consumers, 2, ['OrderPlaced']);
    expect(second.turn).toEqual({ _tag: 'Delivered', count: 1, more: false });
    expect([...first.ids, ...second.ids]).toEqual(
      [...first.ids, ...second.ids].sort((a, b) => a - b),
    );
  });

  it('passes over any number of events of other types in one turn', async () => {
    const consumers = new PrismaOutboxConsumers(prisma.client, { pool: prisma.sql });
    await commit('Allocated', 'Allocated', 'OutOfStock', 'Allocated', 'Allocated', 'Allocated');
    const first = await turnOf(consumers, 1, ['OutOfStock']);
    expect(first.types).toEqual(['OutOfStock']);
    // Handed as many as its limit, it cannot know there is no more: it says so, then finds none.
    expect(first.turn).toEqual({ _tag: 'Delivered', count: 1, more: true });
    expect((await turnOf(consumers, 1, ['OutOfStock'])).turn).toEqual({
      _tag: 'Delivered',
      count: 0,
      more: false,
    });
    const [cursor] = await prisma.client.$queryRaw<Array<{ at: boolean }>>`
      SELECT last_id = (SELECT max(id) FROM outbox) AS at FROM outbox_consumers`;
    expect(cursor?.at).toBe(true);
  });

  it('with nothing new, leaves its cursor where it is', async () => {
    const consumers = new PrismaOutboxConsumers(prisma.client, { pool: prisma.sql });
    await commit('Allocated', 'OutOfStock');
    await turnOf(consumers, 10, ['OutOfStock']);
    const before = await prisma.client.$queryRaw<Array<{ at: Date }>>`
      SELECT updated_at AS at FROM outbox_consumers`;
    const again = await turnOf(consumers, 10, ['OutOfStock']);
    expect(again.turn).toEqual({ _tag: 'Delivered', count: 0, more: false });
    const after = await prisma.client.$queryRaw<Array<{ at: Date }>>`
      SELECT updated_at AS at FROM outbox_consumers`;
    expect(after).toEqual(before);
  });

  it('without types, is handed everything, as the Redis relay is', async () => {
    const consumers = new PrismaOutboxConsumers(prisma.client, { pool: prisma.sql });
    await commit('Allocated', 'OrderPlaced', 'BatchCreated');
    expect((await turnOf(consumers, 50)).types).toEqual([
      'Allocated',
      'OrderPlaced',
      'BatchCreated',
    ]);
  });
});

describe('a reader that does not hold its lock while it handles', () => {
  it.each([
    ['named statements on the pool', true],
    ['statements through Prisma', false],
  ])(
    'reads in one statement and moves its cursor in another (%s): no transaction',
    async (_, pooled) => {
      const counted = recordingPrisma(database.url);
      try {
        await commit('OrderPlaced', 'Allocated');
        const handed: string[] = [];
        const consumers = new PrismaOutboxConsumers(
          counted.prisma.client,
          pooled ? { pool: counted.prisma.sql } : {},
        );
        const { result: turn, statements } = await counted.recorded(() =>
          consumers.turn(
            'reader',
            50,
            async (items) => void handed.push(...items.map((item) => item.type)),
            { holdWhileHandling: false, types: ['OrderPlaced'] },
          ),
        );
        expect(turn).toEqual({ _tag: 'Delivered', count: 1, more: false });
        expect(handed).toEqual(['OrderPlaced']);
        expect(statements).toHaveLength(2);
        expect(statements.some((sql) => /^\s*(BEGIN|COMMIT)/i.test(sql))).toBe(false);
      } finally {
        await counted.prisma.close();
      }
    },
  );

  it('is busy while another instance holds its lock, and is handed nothing', async () => {
    await commit('OrderPlaced');
    const consumers = new PrismaOutboxConsumers(prisma.client, { pool: prisma.sql });
    const handed: FeedItem[] = [];
    const turn = await prisma.client.$transaction(async (tx) => {
      await tx.$queryRaw`
        SELECT pg_advisory_xact_lock(hashtext('outbox-consumer'), hashtext('reader'))::text`;
      return consumers.turn('reader', 50, async (items) => void handed.push(...items), {
        holdWhileHandling: false,
      });
    });
    expect(turn).toEqual({ _tag: 'Busy' });
    expect(handed).toEqual([]);
    // Let go, the next turn is handed the event.
    const next = await consumers.turn('reader', 50, async (items) => void handed.push(...items), {
      holdWhileHandling: false,
    });
    expect(next).toEqual({ _tag: 'Delivered', count: 1, more: false });
  });
});

/** Rows a plan's nodes produced or passed over, summed over the whole plan. */
const rowsLookedAt = (node: PlanNode): number =>
  (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) +
  (node['Rows Removed by Filter'] ?? 0) +
  (node['Rows Removed by Join Filter'] ?? 0) +
  (node.Plans ?? []).reduce((sum, child) => sum + rowsLookedAt(child), 0);

interface PlanNode {
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Rows Removed by Join Filter'?: number;
  readonly Plans?: ReadonlyArray<PlanNode>;
}

describe('what a turn of a reader of some types costs the database', () => {
  /** Runs the read as the reader would, explained: the rows its plan looked at. */
  const lookedAt = async (types: string, limit: number): Promise<number> => {
    const { rows } = await prisma.sql.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      {
        name: 'explained-read',
        text: `EXPLAIN (ANALYZE, FORMAT JSON) ${READS.locking.typed.text}`,
      },
      ['reader', limit, types],
    );
    const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
    if (plan === undefined) throw new Error('no plan');
    return rowsLookedAt(plan);
  };

  it('looks at what it is handed, not at the events of other types between', async () => {
    // Thousands of other events, then one of its own: the read finds it along its type's range.
    await prisma.client.$executeRaw`
      INSERT INTO outbox (type, data) SELECT 'Allocated', '{"n":1}' FROM generate_series(1, 3000)`;
    await commit('OutOfStock');
    await prisma.client.$executeRaw`ANALYZE outbox`;
    expect(await lookedAt('OutOfStock', 10)).toBeLessThan(100);
  });

  it('caught up, looks at next to nothing, however long the feed', async () => {
    await prisma.client.$executeRaw`
      INSERT INTO outbox (type, data) SELECT 'Allocated', '{"n":1}' FROM generate_series(1, 3000)`;
    await waitForFeedHorizon(database.url);
    const consumers = new PrismaOutboxConsumers(prisma.client, { pool: prisma.sql });
    await consumers.turn('reader', 10, async () => undefined, {
      holdWhileHandling: false,
      types: ['OutOfStock'],
    });
    // Its cursor is at the feed's end: nothing after it, and the empty range costs nothing to find.
    expect(await lookedAt('OutOfStock', 10)).toBeLessThan(100);
  });
});
