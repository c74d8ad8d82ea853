/**
 * `npm run chaos`: allocation load on two API processes while things go wrong, then a count of
 * what clients saw and a check that no acknowledged write was lost.
 *
 * It starts a private PostgreSQL cluster (initdb on a free port, as the `postgres` user when run
 * as root, since initdb refuses root), so restarting it disturbs nobody else. Timeline:
 * steady load, two fast restarts of the cluster, a kill -9 of one API process (restarted), a
 * SIGTERM of the other (restarted), steady load again. Settings: CHAOS_CLIENTS (16); CHAOS_DEBUG=1
 * prints each failed request's error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { freePort, PrivateCluster } from '@allocation/platform/testing';
import {
  allocationLoad,
  type Api,
  exited,
  printOutcomes,
  seedChaosBatches,
  startApi,
} from './chaos-support';

const CLIENTS = Number(process.env['CHAOS_CLIENTS'] ?? 16);
const SKUS = 20;

const main = async () => {
  console.log('Starting a private PostgreSQL cluster...');
  const cluster = await PrivateCluster.create();
  await cluster.createDatabase('chaos');
  const ports = [await freePort(), await freePort()];
  const apis: Api[] = [];
  try {
    apis.push(await startApi(cluster.url('chaos'), ports[0] as number));
    apis.push(await startApi(cluster.url('chaos'), ports[1] as number));
    await seedChaosBatches(apis[0] as Api, SKUS, 'CHAOS');
    const load = allocationLoad(apis, CLIENTS, SKUS, 'CHAOS');

    const during = async (name: string, action: () => Promise<void> | void, settleMs = 2_000) => {
      load.phase = name;
      console.log(`  ${name}`);
      await action();
      await sleep(settleMs);
      load.phase = 'steady';
      await sleep(1_500);
    };
    await sleep(2_000);
    await during('PostgreSQL restart (fast)', () => cluster.restart());
    await during('PostgreSQL restart again', () => cluster.restart());
    await during('kill -9 of API 1, restarted', async () => {
      const api = apis[0] as Api;
      api.child.kill('SIGKILL');
      await exited(api.child);
      const restarting = Date.now();
      apis[0] = await startApi(cluster.url('chaos'), api.port);
      console.log(`    restarted in ${Date.now() - restarting} ms`);
    });
    await during('SIGTERM of API 2, restarted', async () => {
      const api = apis[1] as Api;
      const stopping = Date.now();
      api.child.kill('SIGTERM');
      await exited(api.child);
      console.log(`    drained and exited in ${Date.now() - stopping} ms`);
      apis[1] = await startApi(cluster.url('chaos'), api.port);
    });
    await load.stop();

    // Every acknowledged allocation must be stored.
    const db = new Client({ connectionString: cluster.url('chaos') });
    await db.connect();
    const stored = new Set(
      (await db.query<{ order_id: string }>('SELECT DISTINCT order_id FROM allocations')).rows.map(
        (r) => r.order_id,
      ),
    );
    const overAllocated = (
      await db.query('SELECT reference FROM batches WHERE allocated_quantity > purchased_quantity')
    ).rowCount;
    await db.end();

    const { other5xx, lost } = printOutcomes(load.sent, stored);
    console.log(`batches over-allocated: ${overAllocated}`);
    const sigtermResets = load.sent.filter(
      (s) => s.phase.startsWith('SIGTERM') && s.target === 1 && s.outcome === 'reset',
    ).length;
    console.log(`resets of requests to the process stopped with SIGTERM: ${sigtermResets}`);
    if (other5xx > 0 || lost > 0 || overAllocated !== 0 || sigtermResets > 0) process.exitCode = 1;
  } finally {
    for (const api of apis) api.child.kill('SIGKILL');
    await Promise.all(apis.map((api) => exited(api.child)));
    cluster.destroy();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
