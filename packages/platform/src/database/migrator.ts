import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { connectTo } from './server-locator';

/**
 * Applies `prisma/migrations/<name>/migration.sql` in name order and records each in
 * `_prisma_migrations` exactly as Prisma does, so `prisma migrate deploy` can take over wherever
 * its schema engine is available. Prisma's CLI cannot run migrations on machines without that
 * engine, which is why this exists.
 */
export interface MigrationResult {
  readonly applied: ReadonlyArray<string>;
  readonly alreadyApplied: ReadonlyArray<string>;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

// Any fixed number: it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 72_707_369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationFile {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

interface AppliedRow {
  readonly migration_name: string;
  readonly checksum: string;
  readonly finished_at: Date | null;
  readonly rolled_back_at: Date | null;
}

export const readMigrations = (directory: string): MigrationFile[] => {
  if (!existsSync(directory)) {
    throw new MigrationError(`No migrations directory at ${directory}`);
  }
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = join(directory, name, 'migration.sql');
      if (!existsSync(file)) {
        throw new MigrationError(`Migration ${name} has no migration.sql`);
      }
      const sql = readFileSync(file, 'utf8');
      // Prisma's checksum: SHA-256 of the file's bytes, hex.
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
};

export const migrate = async (
  connection: string | ClientConfig,
  migrationsDirectory: string,
): Promise<MigrationResult> => {
  const migrations = readMigrations(migrationsDirectory);
  // A URL may name several servers: migrations go to the one that takes writes.
  const client =
    typeof connection === 'string' ? await connectTo(connection) : new Client(connection);
  if (typeof connection !== 'string') await client.connect();
  try {
    // Two processes starting together must not both apply the same migration.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      return await applyPending(client, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
};

const applyPending = async (
  client: Client,
  migrations: ReadonlyArray<MigrationFile>,
): Promise<MigrationResult> => {
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  const recorded = new Map(rows.map((row) => [row.migration_name, row]));
  const applied: string[] = [];
  const alreadyApplied: string[] = [];

  for (const migration of migrations) {
    const row = recorded.get(migration.name);
    if (row !== undefined) {
      if (row.finished_at === null) {
        throw new MigrationError(
          `Migration ${migration.name} was started but never finished; resolve it before migrating again`,
        );
      }
      if (row.checksum !== migration.checksum) {
        throw new MigrationError(
          `Migration ${migration.name} was changed after it was applied (checksum ${row.checksum} in the database, ${migration.checksum} on disk); add a new migration instead`,
        );
      }
      alreadyApplied.push(migration.name);
      continue;
    }
    await applyOne(client, migration);
    applied.push(migration.name);
  }
  return { applied, alreadyApplied };
};

const applyOne = async (client: Client, migration: MigrationFile): Promise<void> => {
  // The migration and its record commit together, or neither does.
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${reason}`);
  }
};
