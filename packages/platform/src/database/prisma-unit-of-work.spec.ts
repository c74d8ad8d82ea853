import * as E from 'fp-ts/Either';
import { Client } from 'pg';
import type { Prisma } from '../generated/prisma/client';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import type { TaggedEvent } from './outbox';
import { PrismaService } from './prisma.service';
import { PrismaUnitOfWork } from './prisma-unit-of-work';

let database: TestDatabase;
let prisma: PrismaService;

beforeAll(async () => {
  database = await createTestDatabase();
  // A server whose sessions default to another level must not change what a unit of work is.
  const admin = new Client({ connectionString: database.url });
  await admin.connect();
  try {
    await admin.query(
      `ALTER DATABASE "${database.name}" SET default_transaction_isolation = 'serializable'`,
    );
  } finally {
    await admin.end();
  }
  prisma = new PrismaService({ url: database.url, poolSize: 2 });
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

interface Context {
  readonly tx: Prisma.TransactionClient;
  readonly events: TaggedEvent[];
  record(events: ReadonlyArray<TaggedEvent>): void;
}

const unit = () =>
  new PrismaUnitOfWork<Context>(prisma, (tx) => {
    const events: TaggedEvent[] = [];
    return { tx, events, record: (more) => events.push(...more) };
  });

// The level is set once per connection (no SET TRANSACTION round trip per transaction).
describe('a unit of work on a PostgreSQL transaction', () => {
  it('runs READ COMMITTED whatever the server default is, as do the statements on the pool', async () => {
    const levels = await unit().run(async ({ tx }) => {
      const [row] = await tx.$queryRaw<Array<{ level: string }>>`
        SELECT current_setting('transaction_isolation') AS level`;
      return E.right(row?.level);
    });
    expect(levels).toEqual(E.right('read committed'));
    // The same holds for the group commit's statements on the pool.
    const pooled = await prisma.sql.query<{ level: string }>(
      { name: 'isolation-level', text: `SELECT current_setting('transaction_isolation') AS level` },
      [],
    );
    expect(pooled.rows).toEqual([{ level: 'read committed' }]);
  });

  it('compiles no statement to machine code: every one of this service is short', async () => {
    const { rows } = await prisma.sql.query<{ jit: string }>(
      { name: 'jit-setting', text: `SELECT current_setting('jit') AS jit` },
      [],
    );
    expect(rows).toEqual([{ jit: 'off' }]);
  });
});
