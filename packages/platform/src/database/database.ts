import type { DatabaseConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { migrate, type MigrationResult } from './migrator';
import { migrationsDirectory } from './paths';

export interface OpenDatabase {
  readonly url: string;
  readonly poolSize: number;
  readonly embedded: boolean;
  readonly migrations: MigrationResult;
  /** Stops the embedded server, if there is one; the pool is closed by its owner. */
  close(): Promise<void>;
}

/** Connects to the configured database (starting the embedded one if need be) and migrates it. */
export const openDatabase = async (config: DatabaseConfig): Promise<OpenDatabase> => {
  if (config.kind === 'external') {
    const migrations = await migrate(config.url, migrationsDirectory());
    return {
      url: config.url,
      poolSize: config.poolSize,
      embedded: false,
      migrations,
      close: async () => undefined,
    };
  }
  const embedded = await startEmbeddedPostgres(config.dataDir);
  try {
    const migrations = await migrate(embedded.url, migrationsDirectory());
    return { url: embedded.url, poolSize: 1, embedded: true, migrations, close: embedded.stop };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
};
