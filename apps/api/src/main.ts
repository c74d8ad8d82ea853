import 'reflect-metadata';
import cluster from 'node:cluster';
import { createApp } from './app';
import { runPrimary } from './cluster';
import { loadConfig, openDatabase } from '@allocation/platform';
import {
  DEFAULT_IN_FLIGHT_LIMIT_MS,
  DEFAULT_QUIET_MS,
  shutDownGracefully,
  TrafficMonitor,
} from './health/graceful-shutdown';

// Caught from the first moment: a stop asked for during start-up (opening or migrating the
// database) waits for start-up to finish and then stops cleanly, leaving no half-written data.
// A worker of several keeps listening: Ctrl+C signals it and its primary, which passes the
// signal on, and a second one must not end the worker in the middle of its drain.
const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    if (cluster.isWorker) process.on(signal, () => resolve(signal));
    else process.once(signal, () => resolve(signal));
  }
});

const main = async (): Promise<void> => {
  const config = loadConfig(process.env, process.cwd(), process.stdout.isTTY === true);
  if (config._tag === 'Left') {
    console.error(`Invalid configuration, not starting:\n  ${config.left.join('\n  ')}`);
    process.exit(2);
  }
  const settings = config.right;
  if (settings.processes > 1 && cluster.isPrimary) {
    console.log(`Starting ${settings.processes} processes on DATABASE_URL`);
    process.exit(await runPrimary(settings, stopRequested, (message) => console.log(message)));
  }
  const where =
    settings.database.kind === 'embedded'
      ? `the embedded PostgreSQL in ${settings.database.dataDir}`
      : 'DATABASE_URL';
  if (cluster.isPrimary) console.log(`Starting: opening and migrating ${where}`);
  const database = await openDatabase(settings.database);
  const app = await createApp(settings, database);
  const traffic = new TrafficMonitor(app.getHttpServer());
  await app.listen(settings.port, settings.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  const base = `http://localhost:${port}`;
  // Plain lines for the person who just typed `npm start` (once, by the primary, when several
  // processes serve); the structured logs follow.
  if (cluster.isPrimary) {
    console.log(`Allocation service on ${base} (database: ${where})`);
    console.log(
      `  web UI   ${base}/  (orders: ${base}/orders.html, prices: ${base}/prices.html, pick lists: ${base}/pick-lists.html)`,
    );
    console.log(`  API docs ${base}/docs`);
  }

  // On a stop signal: report unhealthy, keep serving for a grace period and until traffic stops,
  // then stop listening, finish the requests in flight and close the pool and the database.
  const signal = await stopRequested;
  console.log(`${signal} received: draining for ${settings.shutdownGraceMs} ms, then stopping`);
  await shutDownGracefully(
    app,
    traffic,
    {
      graceMs: settings.shutdownGraceMs,
      quietMs: DEFAULT_QUIET_MS,
      drainMs: settings.shutdownDrainMs,
      inFlightLimitMs: DEFAULT_IN_FLIGHT_LIMIT_MS,
    },
    (message) => console.error(message),
  );
  process.exit(0);
};

main().catch((error: unknown) => {
  console.error('Failed to start or stop:', error instanceof Error ? error.message : error);
  process.exit(1);
});
