import 'reflect-metadata';
import { createApp } from './app';
import { loadConfig } from './config/app-config';
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_QUIET_MS,
  shutDownGracefully,
  TrafficMonitor,
} from './health/graceful-shutdown';
import { openDatabase } from './infrastructure/database/database';

const main = async (): Promise<void> => {
  const config = loadConfig(process.env);
  if (config._tag === 'Left') {
    console.error(`Invalid configuration, not starting:\n  ${config.left.join('\n  ')}`);
    process.exit(2);
  }
  const database = await openDatabase(config.right.database);
  const app = await createApp(config.right, database);
  const traffic = new TrafficMonitor(app.getHttpServer());
  // On a stop signal: report unhealthy, keep serving for a grace period and until traffic stops,
  // then stop listening, finish the requests in flight and close the pool and the database.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      console.log(
        `${signal} received: draining for ${config.right.shutdownGraceMs} ms, then stopping`,
      );
      shutDownGracefully(app, traffic, {
        graceMs: config.right.shutdownGraceMs,
        quietMs: DEFAULT_QUIET_MS,
        deadlineMs: DEFAULT_DEADLINE_MS,
      }).then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('Shutdown failed:', error);
          process.exit(1);
        },
      );
    });
  }
  await app.listen(config.right.port, '0.0.0.0');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.right.port;
  const base = `http://localhost:${port}`;
  const where = database.embedded
    ? `the embedded PostgreSQL in ${config.right.database.kind === 'embedded' ? config.right.database.dataDir : ''}`
    : 'DATABASE_URL';
  // Plain lines for the person who just typed `npm start`; the structured logs follow.
  console.log(`Allocation service on ${base} (database: ${where})`);
  console.log(`  web UI   ${base}/`);
  console.log(`  API docs ${base}/docs`);
};

main().catch((error: unknown) => {
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
