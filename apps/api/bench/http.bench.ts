/**
 * Load test of the built service over HTTP, side by side with the database's own limit. Starts
 * `dist/apps/api/main.js` on a fresh database, creates 100 SKUs with 5 batches each, drives
 * POST /api/allocations with autocannon (32 connections, 20 s, unique order ids), then checks in
 * SQL that nothing is over-allocated and that the orders stored are exactly those answered 201,
 * plus any still in flight at the end. It reports the batch sizes the group commit formed (from
 * the outbox: one transaction's events share its id). Then, with the service stopped, `pgbench`
 * runs the same allocation as one SQL statement on the same database, with as many clients for
 * as long, and the ratio of the two is printed.
 * Run: npm run bench:http
 */
import autocannon from 'autocannon';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { createTestDatabase } from '../src/testing/test-database';

const SKUS = 100;
const BATCHES = 5;
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);

/** The allocation as one statement: the preferred batch with room, its total, the line. */
const ONE_STATEMENT_ALLOCATION = `\\set s random(0, ${SKUS - 1})
\\set n random(1, 2000000000)
WITH chosen AS (
  SELECT reference FROM batches
   WHERE sku = 'BENCH-' || :s AND purchased_quantity - allocated_quantity >= 1
   ORDER BY eta NULLS FIRST, position LIMIT 1 FOR UPDATE
), bumped AS (
  UPDATE batches b SET allocated_quantity = b.allocated_quantity + 1
    FROM chosen c WHERE b.reference = c.reference RETURNING b.reference
)
INSERT INTO allocations (order_id, sku, batch_reference, quantity)
SELECT 'pgbench-' || :client_id || '-' || :n, 'BENCH-' || :s, reference, 1 FROM bumped;
`;

/** pgbench's transactions per second for the one-statement allocation. */
const pgbench = async (url: string): Promise<{ tps: number; latencyMs: number }> => {
  const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
  try {
    const script = join(dir, 'allocate.sql');
    writeFileSync(script, ONE_STATEMENT_ALLOCATION);
    const { stdout } = await promisify(execFile)('pgbench', [
      '-n',
      '-c',
      String(CONNECTIONS),
      '-j',
      '2',
      '-T',
      String(SECONDS),
      '-f',
      script,
      url,
    ]);
    const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
    const latency = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
    if (tps === undefined) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return { tps: Number(tps), latencyMs: Number(latency ?? NaN) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const waitForHealth = async (base: string) => {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the service did not become healthy');
};

const main = async () => {
  const database = await createTestDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const service = spawn(
    process.execPath,
    [...(process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean), 'dist/apps/api/main.js'],
    {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        DATABASE_POOL_SIZE: '20',
        SHUTDOWN_GRACE_MS: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => service.once('exit', resolve));
  const stop = async () => {
    service.kill('SIGTERM');
    await exited;
  };
  try {
    await waitForHealth(base);
    for (let s = 0; s < SKUS; s++) {
      for (let b = 0; b < BATCHES; b++) {
        const response = await fetch(`${base}/api/batches`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            reference: `bench-${s}-${b}`,
            sku: `BENCH-${s}`,
            quantity: 2_000,
            eta: b === 0 ? null : `2027-0${b}-01`,
          }),
        });
        if (response.status !== 201)
          throw new Error(`creating a batch answered ${response.status}`);
      }
    }

    // Each connection has one request in flight at a time; its context remembers which order.
    interface Connection {
      orderId?: string;
    }
    let sequence = 0;
    const statuses: Record<string, number> = {};
    const created = new Set<string>();
    const refused = new Set<string>();
    const unanswered = new Set<string>();
    const result = await autocannon({
      url: `${base}/api/allocations`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request, context: Connection) => {
            sequence += 1;
            context.orderId = `load-${sequence}`;
            unanswered.add(context.orderId);
            return {
              ...request,
              body: JSON.stringify({
                orderId: context.orderId,
                sku: `BENCH-${sequence % SKUS}`,
                quantity: 1 + (sequence % 3),
              }),
            };
          },
          onResponse: (status, _body, context: Connection) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            const orderId = context.orderId ?? '';
            unanswered.delete(orderId);
            (status === 201 ? created : refused).add(orderId);
          },
        },
      ],
    });

    console.log(
      `POST /api/allocations, ${CONNECTIONS} connections, ${SECONDS} s, ${SKUS} SKUs x ${BATCHES} batches`,
    );
    console.log(`  requests/s   ${Math.round(result.requests.average).toLocaleString('en')}`);
    console.log(`  latency p50  ${result.latency.p50} ms`);
    console.log(`  latency p99  ${result.latency.p99} ms`);
    console.log(
      `  statuses     ${JSON.stringify(statuses)}  (errors: ${result.errors}, timeouts: ${result.timeouts})`,
    );

    // Stopping the service lets the requests autocannon abandoned at the deadline finish first.
    await stop();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const over = await client.query(
        `SELECT b.reference FROM batches b
          LEFT JOIN (SELECT batch_reference, sum(quantity) AS held FROM allocations GROUP BY 1) a
            ON a.batch_reference = b.reference
          WHERE b.allocated_quantity > b.purchased_quantity
             OR b.allocated_quantity <> coalesce(a.held, 0)`,
      );
      const stored = new Set(
        (
          await client.query<{ order_id: string }>(
            `SELECT DISTINCT order_id FROM allocations WHERE order_id LIKE 'load-%'`,
          )
        ).rows.map((row) => row.order_id),
      );
      // autocannon stops at the deadline without waiting for the requests then in flight (one
      // per connection at most): those may have committed without their 201 being seen.
      const missing = [...created].filter((id) => !stored.has(id));
      const storedThoughRefused = [...refused].filter((id) => stored.has(id));
      const unexplained = [...stored].filter((id) => !created.has(id) && !unanswered.has(id));
      const inFlight = [...unanswered].filter((id) => stored.has(id)).length;
      console.log(`  batches over-allocated or out of step with their lines: ${over.rowCount}`);
      console.log(
        `  allocations stored: ${stored.size} = ${created.size} answered 201` +
          ` + ${inFlight} of the ${unanswered.size} in flight at the deadline`,
      );
      console.log(
        `  201s not stored: ${missing.length}; refused but stored: ${storedThoughRefused.length}; ` +
          `stored without a request: ${unexplained.length}`,
      );
      if (
        over.rowCount !== 0 ||
        missing.length + storedThoughRefused.length + unexplained.length > 0 ||
        unanswered.size > CONNECTIONS
      ) {
        throw new Error('consistency check failed');
      }
      console.log('  consistency: OK');

      // Every allocation of this load records one Allocated event; a batch commits them together.
      const sizes = (
        await client.query<{ size: number; batches: number }>(
          `SELECT size, count(*)::int AS batches FROM (
             SELECT count(*)::int AS size FROM outbox
              WHERE type = 'Allocated' AND data->>'orderId' LIKE 'load-%' GROUP BY xid) t
            GROUP BY size ORDER BY size`,
        )
      ).rows;
      const batches = sizes.reduce((sum, row) => sum + row.batches, 0);
      const commands = sizes.reduce((sum, row) => sum + row.size * row.batches, 0);
      const biggest = sizes[sizes.length - 1]?.size ?? 0;
      console.log(
        `  batches formed: ${batches} for ${commands} allocations, ` +
          `mean ${(commands / Math.max(1, batches)).toFixed(1)}, largest ${biggest}`,
      );
      console.log(
        `  sizes (size×batches): ${sizes.map((row) => `${row.size}×${row.batches}`).join(' ')}`,
      );

      const sql = await pgbench(database.url);
      const perSecond = result.requests.average;
      console.log(
        `the same allocation as one SQL statement (pgbench, ${CONNECTIONS} clients, ${SECONDS} s)`,
      );
      console.log(`  transactions/s  ${Math.round(sql.tps).toLocaleString('en')}`);
      console.log(`  latency average ${sql.latencyMs.toFixed(1)} ms`);
      console.log(`ratio HTTP / one statement: ${(perSecond / sql.tps).toFixed(2)} (goal ≥ 0.75)`);
    } finally {
      await client.end();
    }
  } finally {
    await stop();
    await database.drop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
