/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
import { loadConfig, openDatabase } from '@allocation/platform';

const main = async (): Promise<number> => {
  const config = loadConfig(process.env);
  if (config._tag === 'Left') {
    console.error(`Invalid configuration:\n  ${config.left.join('\n  ')}`);
    return 2;
  }
  const database = await openDatabase(config.right.database);
  try {
    const { applied, alreadyApplied } = database.migrations;
    const where = database.embedded ? 'the embedded database' : 'DATABASE_URL';
    console.log(
      applied.length === 0
        ? `${where} is up to date (${alreadyApplied.length} migrations applied before).`
        : `Applied to ${where}: ${applied.join(', ')}`,
    );
    return 0;
  } finally {
    await database.close();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
