import cluster, { type Worker } from 'node:cluster';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AppConfig, openDatabase } from '@allocation/platform';

/** A worker that dies on its own is replaced after this long (not at once: no crash loop). */
const REPLACE_AFTER_MS = 1_000;

/**
 * The primary of `API_PROCESSES` service processes sharing one port (Node's cluster hands each
 * new connection to a worker in turn). It migrates the database once, starts the workers,
 * replaces one that dies, and on a stop signal passes it on to every worker and waits for all of
 * them to drain and exit. The workers are the ordinary service: each batches its own allocations
 * and competes for the outbox readers' locks, as separate instances always have.
 */
export const runPrimary = async (
  config: AppConfig,
  stopRequested: Promise<NodeJS.Signals>,
  log: (message: string) => void,
): Promise<number> => {
  // Migrated here once, so the workers start on a current schema (they find nothing to apply).
  await (await openDatabase(config.database)).close();
  // Set once a stop signal arrives: from then on a worker that ends is not replaced.
  const stop: { signal?: NodeJS.Signals } = {};
  const exited = new Map<Worker, Promise<number>>();
  const fork = (): Worker => {
    const worker = cluster.fork();
    exited.set(
      worker,
      new Promise((resolve) => {
        worker.once('exit', (code, signal) => {
          exited.delete(worker);
          if (stop.signal === undefined) {
            log(`Process ${worker.process.pid} ended (${signal ?? `code ${code}`}); replacing it`);
            void sleep(REPLACE_AFTER_MS).then(() => {
              if (stop.signal === undefined) fork();
            });
          }
          // Ended by the signal passed on to it: it was still starting (no handler yet), so it
          // held no request; a stop, not a failure.
          resolve(code ?? (signal !== null && signal === stop.signal ? 0 : 1));
        });
      }),
    );
    return worker;
  };
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    listening += 1;
    if (listening === config.processes) {
      const base = `http://localhost:${address.port}`;
      log(`Allocation service on ${base} in ${config.processes} processes`);
    }
  });
  for (let i = 0; i < config.processes; i++) fork();

  const signal = await stopRequested;
  stop.signal = signal;
  log(`${signal} received: stopping ${exited.size} processes`);
  const codes = [...exited.keys()].map((worker) => {
    const done = exited.get(worker) ?? Promise.resolve(0);
    worker.process.kill(signal);
    return done;
  });
  return (await Promise.all(codes)).every((code) => code === 0) ? 0 : 1;
};
