import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { migrate, readMigrations } from './migrator';
import { migrationsDirectory } from './paths';

const databases: TestDatabase[] = [];

const freshDatabase = async () => {
  const database = await createTestDatabase({ migrate: false });
  databases.push(database);
  return database;
};

/** A copy of the real migrations that a test may change without touching the repository. */
const copyOfMigrations = () => {
  const directory = mkdtempSync(join(tmpdir(), 'migrations-'));
  cpSync(migrationsDirectory(), directory, { recursive: true });
  return directory;
};

const query = async <R>(url: string, sql: string): Promise<R[]> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as R[];
  } finally {
    await client.end();
  }
};

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

const names = readMigrations(migrationsDirectory()).map((m) => m.name);

describe('the migrator', () => {
  it('migrates a fresh database and records each migration as Prisma does', async () => {
    const { url } = await freshDatabase();
    expect(await migrate(url, migrationsDirectory())).toEqual({
      applied: names,
      alreadyApplied: [],
    });
    const rows = await query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
    }>(
      url,
      `SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations
        WHERE finished_at IS NOT NULL ORDER BY migration_name`,
    );
    expect(rows).toEqual(
      readMigrations(migrationsDirectory()).map((m) => ({
        migration_name: m.name,
        checksum: m.checksum,
        applied_steps_count: 1,
      })),
    );
  });

  it('does nothing the second time', async () => {
    const { url } = await freshDatabase();
    await migrate(url, migrationsDirectory());
    expect(await migrate(url, migrationsDirectory())).toEqual({
      applied: [],
      alreadyApplied: names,
    });
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    const { url } = await freshDatabase();
    const directory = copyOfMigrations();
    await migrate(url, directory);
    writeFileSync(join(directory, names[0] ?? '', 'migration.sql'), '-- edited\nSELECT 1;\n');
    await expect(migrate(url, directory)).rejects.toThrow(
      new RegExp(`Migration ${names[0]} was changed after it was applied`),
    );
  });

  it('applies each migration once when two processes migrate at the same time', async () => {
    const { url } = await freshDatabase();
    const [a, b] = await Promise.all([
      migrate(url, migrationsDirectory()),
      migrate(url, migrationsDirectory()),
    ]);
    expect([...a.applied, ...b.applied].sort()).toEqual(names);
    const rows = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM _prisma_migrations');
    expect(Number(rows[0]?.n)).toBe(names.length);
  });

  it('rolls a failing migration back whole and says which one failed', async () => {
    const { url } = await freshDatabase();
    const directory = copyOfMigrations();
    mkdirSync(join(directory, '29991231000000_broken'));
    writeFileSync(
      join(directory, '29991231000000_broken', 'migration.sql'),
      'CREATE TABLE half_done (id int);\nSELECT no_such_column FROM products;\n',
    );
    await expect(migrate(url, directory)).rejects.toThrow(
      /Migration 29991231000000_broken failed and was rolled back: .*no_such_column/,
    );
    const leftovers = await query<{ n: string }>(
      url,
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'half_done'`,
    );
    expect(Number(leftovers[0]?.n)).toBe(0);
    const recorded = await query<{ migration_name: string }>(
      url,
      'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(names);
  });
});
