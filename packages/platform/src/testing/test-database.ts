import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../database/migrator';
import { migrationsDirectory } from '../database/paths';

/** The server tests create their databases on; CI and developer machines run one here. */
export const TEST_SERVER_URL =
  process.env['TEST_DATABASE_SERVER_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

const withServer = async <A>(work: (client: Client) => Promise<A>): Promise<A> => {
  const client = new Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/** A fresh database of its own for one test file, so runs and files cannot disturb each other. */
export const createTestDatabase = async (
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> => {
  const name = `allocation_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withServer((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  const database: TestDatabase = {
    url: url.toString(),
    name,
    drop: () =>
      withServer(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
  if (options.migrate !== false) {
    await migrate(database.url, migrationsDirectory());
  }
  return database;
};
