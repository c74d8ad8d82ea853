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
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { PrivateCluster } from '@allocation/platform/testing';

const CLIENTS = Number(process.env['CHAOS_CLIENTS'] ?? 16);
const SKUS = 20;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

interface Api {
  child: ChildProcess;
  readonly port: number;
  readonly base: string;
}

const startApi = async (databaseUrl: string, port: number): Promise<Api> => {
  const child = spawn(process.execPath, ['dist/apps/api/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'error',
      SHUTDOWN_GRACE_MS: '500',
      SHUTDOWN_DRAIN_MS: '1000',
      RATE_LIMIT_MAX: '0',
      DATABASE_POOL_SIZE: '10',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { child, port, base };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`API on ${port} did not become healthy`);
};

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve()
      : child.once('exit', () => resolve()),
  );

type Outcome = '2xx' | '503' | 'other 5xx' | '4xx' | 'refused' | 'reset' | 'other error';

interface Sent {
  /** The phase the request ended in (so one cut off by a kill counts under that kill). */
  phase: string;
  readonly target: number;
  readonly orderId: string;
  outcome?: Outcome;
}

const outcomeOf = (status: number): Outcome => {
  if (status >= 200 && status < 300) return '2xx';
  if (status === 503) return '503';
  if (status >= 500) return 'other 5xx';
  return '4xx';
};

const errorOutcome = (error: unknown): Outcome => {
  const text = `${String(error)} ${String((error as { cause?: unknown }).cause)}`;
  if (/ECONNREFUSED/.test(text)) return 'refused';
  if (/ECONNRESET|socket hang up|other side closed|UND_ERR_SOCKET/.test(text)) return 'reset';
  return 'other error';
};

const main = async () => {
  console.log('Starting a private PostgreSQL cluster...');
  const cluster = await PrivateCluster.create();
  const admin = new Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE chaos');
  await admin.end();
  const ports = [await freePort(), await freePort()];
  const apis: Api[] = [];
  try {
    apis.push(await startApi(cluster.url('chaos'), ports[0] as number));
    apis.push(await startApi(cluster.url('chaos'), ports[1] as number));
    for (let s = 0; s < SKUS; s++) {
      const response = await fetch(`${apis[0]?.base}/api/batches`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reference: `chaos-${s}`, sku: `CHAOS-${s}`, quantity: 10_000_000 }),
      });
      if (response.status !== 201) throw new Error(`seeding answered ${response.status}`);
    }

    const sent: Sent[] = [];
    let phase = 'steady';
    let running = true;
    let next = 0;
    const client = async (c: number) => {
      while (running) {
        const target = (c + next) % 2;
        const api = apis[target] as Api;
        const entry: Sent = { phase, target, orderId: `chaos-${c}-${next++}` };
        sent.push(entry);
        try {
          const response = await fetch(`${api.base}/api/allocations`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              orderId: entry.orderId,
              sku: `CHAOS-${next % SKUS}`,
              quantity: 1,
            }),
            signal: AbortSignal.timeout(30_000),
          });
          await response.arrayBuffer();
          entry.outcome = outcomeOf(response.status);
          entry.phase = phase;
        } catch (error) {
          entry.outcome = errorOutcome(error);
          entry.phase = phase;
          if (process.env['CHAOS_DEBUG'] && entry.outcome !== 'refused')
            console.log(entry.phase, entry.target, String((error as { cause?: unknown }).cause));
          await sleep(20);
        }
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    const during = async (name: string, action: () => Promise<void> | void, settleMs = 2_000) => {
      phase = name;
      console.log(`  ${name}`);
      await action();
      await sleep(settleMs);
      phase = 'steady';
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
    running = false;
    await load;

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

    const phases = [...new Set(sent.map((s) => s.phase))];
    const columns: Outcome[] = [
      '2xx',
      '503',
      'other 5xx',
      '4xx',
      'refused',
      'reset',
      'other error',
    ];
    const rows = [...phases, 'all'].map((name) => {
      const of = sent.filter((s) => name === 'all' || s.phase === name);
      const lost = of.filter((s) => s.outcome === '2xx' && !stored.has(s.orderId)).length;
      return [
        name,
        of.length,
        ...columns.map((column) => of.filter((s) => s.outcome === column).length),
        lost,
      ];
    });
    const header = [
      'phase (requests ending during it)',
      'requests',
      ...columns,
      'lost acknowledged writes',
    ];
    console.log('');
    console.log(`| ${header.join(' | ')} |`);
    console.log(`| ${header.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
    for (const row of rows) {
      console.log(
        `| ${row.map((v) => (typeof v === 'number' ? v.toLocaleString('en') : v)).join(' | ')} |`,
      );
    }
    console.log('');
    console.log(`batches over-allocated: ${overAllocated}`);
    const all = rows.at(-1) as Array<string | number>;
    const other5xx = all[4] as number;
    const lost = all.at(-1) as number;
    const sigtermResets = sent.filter(
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
