import { PrismaService } from '@allocation/platform';
import {
  createTestDatabase,
  type TestDatabase,
  waitForFeedHorizon,
} from '@allocation/platform/testing';
import { pruneOutbox } from './prisma-outbox-retention';

let database: TestDatabase;
let prisma: PrismaService;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({ url: database.url, poolSize: 2 });
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

beforeEach(async () => {
  await prisma.client.$executeRaw`TRUNCATE outbox, outbox_consumers`;
});

/** One event per transaction, `daysAgo` old; returns its id. */
const event = async (daysAgo: number): Promise<number> => {
  const [row] = await prisma.client.$queryRaw<Array<{ id: string }>>`
    INSERT INTO outbox (type, data, occurred_at)
    VALUES ('Allocated', '{}', now() - make_interval(days => ${daysAgo}::int)) RETURNING id`;
  return Number(row?.id);
};

/** Prunes once every event written so far is below the server-wide horizon. */
const prune = async (days: number) => {
  await waitForFeedHorizon(database.url);
  return pruneOutbox(prisma.client, days);
};

const remaining = async () =>
  (await prisma.client.$queryRaw<Array<{ id: string }>>`SELECT id FROM outbox ORDER BY id`).map(
    (row) => Number(row.id),
  );

/** A durable reader whose cursor stands at the event `id`. */
const readerAt = (name: string, id: number) => prisma.client.$executeRaw`
  INSERT INTO outbox_consumers (name, last_xid, last_id)
  SELECT ${name}, xid, id FROM outbox WHERE id = ${id}`;

describe('outbox retention', () => {
  it('prunes events older than the retention, and keeps the recent ones', async () => {
    const old = [await event(40), await event(31)];
    const recent = [await event(29), await event(0)];
    expect(await prune(30)).toBe(old.length);
    expect(await remaining()).toEqual(recent);
  });

  it('never prunes an event a durable reader has not delivered yet, however old', async () => {
    const ids = [await event(50), await event(45), await event(40), await event(1)];
    await readerAt('redis-relay', ids[2] ?? 0);
    await readerAt('out-of-stock-notifier', ids[0] ?? 0);
    // The notifier is behind: only what both have passed may go.
    expect(await prune(30)).toBe(1);
    expect(await remaining()).toEqual(ids.slice(1));
    await prisma.client.$executeRaw`
      UPDATE outbox_consumers SET (last_xid, last_id) = (SELECT xid, id FROM outbox WHERE id = ${ids[2]})`;
    expect(await prune(30)).toBe(2);
    expect(await remaining()).toEqual(ids.slice(3));
  });
});
