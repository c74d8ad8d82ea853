import { Client, DatabaseError, Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { leavesConnectionSound, queryOnPool } from './pooled-statement';

const BACKEND = { name: 'backend-pid', text: 'SELECT pg_backend_pid() AS pid' };
const DIVIDE = { name: 'divide', text: 'SELECT 12 / $1::int AS quotient' };

const serverError = (code: string, severity: string): DatabaseError => {
  const error = new DatabaseError('refused', 0, 'error');
  error.code = code;
  error.severity = severity;
  return error;
};

describe('which failures leave a connection fit for the next statement', () => {
  it('keeps it after the server refused the statement alone', () => {
    expect(leavesConnectionSound(serverError('22012', 'ERROR'))).toBe(true); // a failed claim
    expect(leavesConnectionSound(serverError('23505', 'ERROR'))).toBe(true); // a duplicate
    expect(leavesConnectionSound(serverError('40001', 'ERROR'))).toBe(true);
  });

  it('drops it when the session ended, the server stopped taking writes, or the link failed', () => {
    expect(leavesConnectionSound(serverError('57P01', 'FATAL'))).toBe(false);
    expect(leavesConnectionSound(serverError('08006', 'ERROR'))).toBe(false);
    expect(leavesConnectionSound(serverError('25P03', 'FATAL'))).toBe(false);
    expect(leavesConnectionSound(serverError('XX000', 'ERROR'))).toBe(false);
    expect(leavesConnectionSound(serverError('22012', 'PANIC'))).toBe(false);
    // A primary demoted under its sessions: a new connection finds the one that takes writes.
    expect(leavesConnectionSound(serverError('25006', 'ERROR'))).toBe(false);
    expect(leavesConnectionSound(new Error('Connection terminated unexpectedly'))).toBe(false);
  });
});

describe('a statement on the pool', () => {
  let database: TestDatabase;
  let pool: Pool;
  let admin: Client;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    admin = new Client({ connectionString: database.url });
    await admin.connect();
    await admin.query('CREATE TABLE notes (note text)');
  });

  beforeEach(() => {
    // One connection, so each statement shows which one it ran on.
    pool = new Pool({ connectionString: database.url, max: 1 });
    const ignore = () => undefined;
    pool.on('error', ignore);
    pool.on('connect', (client) => client.on('error', ignore));
  });

  afterEach(() => pool.end());

  afterAll(async () => {
    await admin.end();
    await database.drop();
  });

  const backend = async (): Promise<number> =>
    (await queryOnPool<{ pid: number }>(pool, BACKEND, [])).rows[0]?.pid ?? -1;

  it('answers its rows', async () => {
    const { rows } = await queryOnPool<{ quotient: number }>(pool, DIVIDE, [4]);
    expect(rows).toEqual([{ quotient: 3 }]);
  });

  it('keeps its connection, and its named statements, when the server refuses it', async () => {
    const before = await backend();
    await expect(queryOnPool(pool, DIVIDE, [0])).rejects.toMatchObject({ code: '22012' });
    expect(await backend()).toBe(before);
    // The statement prepared before the failure still runs there, with no transaction left
    // aborted in between (it would refuse every statement with 25P02).
    const { rows } = await queryOnPool<{ quotient: number }>(pool, DIVIDE, [6]);
    expect(rows).toEqual([{ quotient: 2 }]);
    expect(pool.totalCount).toBe(1);
  });

  it('drops a connection that stopped taking writes, so the next one can find a server that does', async () => {
    const before = await backend();
    // The session turns read-only, as every session of a primary demoted under them does.
    await queryOnPool(pool, { text: 'SET default_transaction_read_only = on' }, []);
    const write = { name: 'note', text: 'INSERT INTO notes VALUES ($1)' };
    await expect(queryOnPool(pool, write, ['refused'])).rejects.toMatchObject({ code: '25006' });
    await queryOnPool(pool, write, ['taken']);
    expect(await backend()).not.toBe(before);
    const { rows } = await admin.query<{ note: string }>('SELECT note FROM notes');
    expect(rows).toEqual([{ note: 'taken' }]);
  });

  it('drops a connection the server ended under it, and the next statement gets a new one', async () => {
    const before = await backend();
    // Its outcome is taken at once: the refusal may come before the test awaits it.
    const sleeping = queryOnPool(pool, { text: 'SELECT pg_sleep(30)' }, []).then(
      () => 'finished',
      (error: unknown) => error,
    );
    // Ended from outside while its statement runs (as a failover or an operator would).
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'`,
        [before],
      );
      if (rows[0]?.n === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await admin.query('SELECT pg_terminate_backend($1)', [before]);
    expect(await sleeping).toMatchObject({ code: '57P01' });
    const after = await backend();
    expect(after).not.toBe(before);
    expect(pool.totalCount).toBe(1);
  });
});
