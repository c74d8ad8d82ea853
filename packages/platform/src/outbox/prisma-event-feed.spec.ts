import { Client } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrismaService } from '../database/prisma.service';
import { waitForFeedHorizon } from '../testing/horizon';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { FEED_START, type FeedItem } from './event-feed';
import { PrismaEventFeed } from './prisma-event-feed';

let database: TestDatabase;
let prisma: PrismaService;
let feed: PrismaEventFeed;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({ url: database.url, poolSize: 4 });
  feed = new PrismaEventFeed(prisma.client);
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

beforeEach(async () => {
  await prisma.client.$executeRaw`TRUNCATE outbox`;
});

/** A transaction on a connection of its own, to hold open, interleave and commit at will. */
const openTransaction = async () => {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  await client.query('BEGIN');
  return {
    /** Takes a transaction id now, as a first write of the unit of work would. */
    takeXid: () => client.query('SELECT pg_current_xact_id()'),
    write: async (type: string) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO outbox (type, data) VALUES ($1, '{}') RETURNING id`,
        [type],
      );
      return Number(rows[0]?.id);
    },
    commit: async () => {
      await client.query('COMMIT');
      await client.end();
    },
    rollback: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
};

/** Reads the whole visible feed the way an HTTP client does: by id, following `next`. */
const walk = async (afterId: number, limit = 100): Promise<{ ids: number[]; next: number }> => {
  const ids: number[] = [];
  let next = afterId;
  for (;;) {
    const page = await feed.read({ after: await feed.positionOf(next), limit });
    ids.push(...page.map((item: FeedItem) => item.id));
    const last = page.at(-1);
    if (last === undefined) return { ids, next };
    next = last.id;
  }
};

describe('the event feed', () => {
  it('shows committed events in order, with their data and time', async () => {
    const t = await openTransaction();
    await t.write('BatchCreated');
    await t.write('Allocated');
    await t.commit();
    await waitForFeedHorizon(database.url);
    const items = await feed.read({ after: FEED_START, limit: 10 });
    expect(items.map((item) => item.type)).toEqual(['BatchCreated', 'Allocated']);
    expect(items[0]?.id).toBeLessThan(items[1]?.id ?? 0);
    expect(items[0]?.data).toEqual({});
    expect(Date.parse(items[0]?.occurredAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('hides every event of a transaction that is still running, and those after it', async () => {
    const early = await openTransaction();
    await early.write('Allocated');
    const late = await openTransaction();
    await late.write('Allocated');
    await late.commit();
    // `late` committed, but `early` is older and still running: nothing after it shows yet.
    expect(await feed.read({ after: FEED_START, limit: 10 })).toEqual([]);
    await early.commit();
    await waitForFeedHorizon(database.url);
    expect(await feed.read({ after: FEED_START, limit: 10 })).toHaveLength(2);
  });

  it('never skips an event whose transaction took a higher id but committed after a reader moved on', async () => {
    // `older` takes its transaction id first but writes its event last, so its event has the
    // higher id; `younger` writes the lower id and stays open past older's commit.
    const older = await openTransaction();
    await older.takeXid();
    const younger = await openTransaction();
    await younger.takeXid();
    const lowId = await younger.write('Allocated');
    const highId = await older.write('Allocated');
    expect(lowId).toBeLessThan(highId);
    await older.commit();

    const first = await walk(0);
    await younger.commit();
    await waitForFeedHorizon(database.url);
    const rest = await walk(first.next);
    expect([...first.ids, ...rest.ids].sort()).toEqual([lowId, highId].sort());
  });

  it('filters by type and resumes after any id it gave out', async () => {
    const t = await openTransaction();
    const ids = [];
    for (const type of ['BatchCreated', 'Allocated', 'OutOfStock', 'Allocated']) {
      ids.push(await t.write(type));
    }
    await t.commit();
    await waitForFeedHorizon(database.url);
    const allocated = await feed.read({ after: FEED_START, limit: 10, types: ['Allocated'] });
    expect(allocated.map((item) => item.id)).toEqual([ids[1], ids[3]]);
    const afterSecond = await feed.read({
      after: await feed.positionOf(ids[1] ?? 0),
      limit: 10,
    });
    expect(afterSecond.map((item) => item.id)).toEqual([ids[2], ids[3]]);
  });

  it('gives a reader that walks it during concurrent writes exactly the final feed', async () => {
    const WRITERS = 6;
    const TRANSACTIONS = 25;
    let writing = true;
    const writer = async (w: number) => {
      for (let n = 0; n < TRANSACTIONS; n++) {
        const t = await openTransaction();
        // Some take their transaction id early and hold it while others commit.
        if ((w + n) % 3 === 0) await t.takeXid();
        await sleep(Math.random() * 8);
        for (let e = 0; e <= n % 3; e++) await t.write('Allocated');
        await sleep(Math.random() * (n % 5 === 0 ? 40 : 4));
        // Every seventh rolls back: its ids are never used.
        if (n % 7 === 6) await t.rollback();
        else await t.commit();
      }
    };
    const seen: number[] = [];
    const reader = async () => {
      let next = 0;
      while (writing) {
        const step = await walk(next, 7);
        seen.push(...step.ids);
        next = step.next;
        await sleep(2);
      }
      // Everything committed, the last walk must find the rest once older transactions (of
      // other databases on this server too) are over.
      await waitForFeedHorizon(database.url);
      seen.push(...(await walk(next, 7)).ids);
    };
    const reading = reader();
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    await reading;

    const final = await prisma.client.$queryRaw<Array<{ id: string }>>`SELECT id FROM outbox`;
    const finalIds = final.map((row) => Number(row.id)).sort((a, b) => a - b);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(finalIds);
    expect(finalIds.length).toBeGreaterThan(WRITERS * TRANSACTIONS);
  });
});
