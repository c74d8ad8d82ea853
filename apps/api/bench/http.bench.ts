/**
 * Load test of the built service over HTTP, on each platform (Express, then Fastify), side by side
 * with the database's own limit. For each, starts `dist/apps/api/main.js` with `HTTP_PLATFORM` on
 * a fresh database, creates 100 SKUs with 5 batches each, drives
 * POST /api/allocations with autocannon (32 connections, 20 s, unique order ids), then checks in
 * SQL that nothing is over-allocated and that the orders stored are exactly those answered 201,
 * plus any still in flight at the end. It reports the batch sizes the group commit formed (from
 * the outbox: one transaction's events share its id). Then, with the service stopped, `pgbench`
 * runs the same allocation as one SQL statement on the same database, with as many clients for
 * as long. A table at the end puts the platforms and their SQL figures side by side.
 * Run: npm run bench:http (BENCH_PLATFORMS=express,fastify, BENCH_SECONDS, BENCH_CONNECTIONS,
 * BENCH_CLIENT=autocannon,
 * ALLOCATION_BATCH_MAX / ALLOCATION_BATCH_WAIT_MS for the service, BENCH_NODE_ARGS such as
 * "--cpu-prof" to profile it).
 */
import autocannon from 'autocannon';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { createTestDatabase } from '@allocation/platform/testing';

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

/** wrk's script: unique order ids per thread, statuses counted, percentiles printed. */
const WRK_SCRIPT = `
local threads = {}
local next_id = 1
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  counter = 0
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  local sku = (counter * 7 + tid) % ${SKUS}
  local body = '{"orderId":"load-' .. tid .. '-' .. counter .. '","sku":"BENCH-' .. sku ..
    '","quantity":' .. (1 + counter % 3) .. '}'
  return wrk.format(nil, "/api/allocations", nil, body)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      io.write(string.format("STATUS %d %d\\n", status, count))
    end
  end
  io.write(string.format("RPS %f\\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("P50 %f\\nP99 %f\\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  local e = summary.errors
  io.write(string.format("ERRORS %d\\n", e.connect + e.read + e.write + e.timeout))
end
`;

interface LoadResult {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
  /** Order ids answered 201 and those never answered, when the client can tell them apart. */
  readonly tracked?: {
    readonly created: ReadonlySet<string>;
    readonly refused: ReadonlySet<string>;
    readonly unanswered: ReadonlySet<string>;
  };
}

const hasWrk = async (): Promise<boolean> => {
  try {
    await promisify(execFile)('wrk', ['--version']);
    return true;
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary is ENOENT.
    return (error as { code?: string }).code !== 'ENOENT';
  }
};

/** wrk, as the issue measured it (-t2 -c32): light on CPU, so the service gets the cores. */
const loadWithWrk = async (base: string): Promise<LoadResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-'));
  try {
    const script = join(dir, 'allocate.lua');
    writeFileSync(script, WRK_SCRIPT);
    const { stdout } = await promisify(execFile)('wrk', [
      '-t2',
      `-c${CONNECTIONS}`,
      `-d${SECONDS}s`,
      '-s',
      script,
      `${base}/api/allocations`,
    ]);
    const value = (name: string) =>
      Number(new RegExp(`^${name} ([\\d.]+)$`, 'm').exec(stdout)?.[1]);
    const statuses: Record<string, number> = {};
    for (const [, status = '', count = '0'] of stdout.matchAll(/^STATUS (\d+) (\d+)$/gm)) {
      statuses[status] = (statuses[status] ?? 0) + Number(count);
    }
    return {
      perSecond: value('RPS'),
      p50: value('P50'),
      p99: value('P99'),
      statuses,
      errors: value('ERRORS'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** autocannon, in this process: it tells which order ids were answered 201. */
const loadWithAutocannon = async (base: string): Promise<LoadResult> => {
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
  return {
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
    errors: result.errors + result.timeouts,
    tracked: { created, refused, unanswered },
  };
};

/** A process's parent and CPU seconds (user + system) so far, from /proc (Linux). */
const statOf = (pid: string): { parent: number; cpu: number } | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100 };
  } catch {
    return undefined;
  }
};

/** CPU seconds of a process and its children (the workers, with API_PROCESSES above 1). */
const cpuSecondsOf = (pid: number | undefined): number | undefined => {
  const own = statOf(String(pid));
  if (own === undefined) return undefined;
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(statOf)
    .filter((stat) => stat?.parent === pid);
  return children.reduce((sum, child) => sum + (child?.cpu ?? 0), own.cpu);
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

/** What one platform did under the load, beside the SQL figure measured right after it. */
interface PlatformFigures {
  readonly platform: string;
  readonly perSecond: number;
  readonly cpuPerRequestUs: number | undefined;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly sqlPerSecond: number;
}

/** Creates the SKUs' batches through the API, as a client would. */
const seedBatches = async (base: string): Promise<void> => {
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
      if (response.status !== 201) throw new Error(`creating a batch answered ${response.status}`);
    }
  }
};

/** Checks in SQL what the load left; throws when anything is out of step. */
const checkConsistency = async (client: Client, result: LoadResult): Promise<void> => {
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
  console.log(`  batches over-allocated or out of step with their lines: ${over.rowCount}`);
  const answered201 = result.statuses['201'] ?? 0;
  let consistent = over.rowCount === 0;
  if (result.tracked !== undefined) {
    // autocannon stops at the deadline without waiting for the requests then in flight (one
    // per connection at most): those may have committed without their 201 being seen.
    const { created, refused, unanswered } = result.tracked;
    const missing = [...created].filter((id) => !stored.has(id));
    const storedThoughRefused = [...refused].filter((id) => stored.has(id));
    const unexplained = [...stored].filter((id) => !created.has(id) && !unanswered.has(id));
    const inFlight = [...unanswered].filter((id) => stored.has(id)).length;
    console.log(
      `  allocations stored: ${stored.size} = ${created.size} answered 201` +
        ` + ${inFlight} of the ${unanswered.size} in flight at the deadline`,
    );
    console.log(
      `  201s not stored: ${missing.length}; refused but stored: ${storedThoughRefused.length}; ` +
        `stored without a request: ${unexplained.length}`,
    );
    consistent &&=
      missing.length + storedThoughRefused.length + unexplained.length === 0 &&
      unanswered.size <= CONNECTIONS;
  } else {
    // wrk says how many 201s, not which: every one is stored, and at most one request per
    // connection was still in flight at the deadline.
    console.log(
      `  allocations stored: ${stored.size}; answered 201: ${answered201}` +
        ` (at most ${CONNECTIONS} more in flight at the deadline)`,
    );
    consistent &&= stored.size >= answered201 && stored.size - answered201 <= CONNECTIONS;
  }
  if (!consistent) throw new Error('consistency check failed');
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
};

/**
 * The service on one platform (`express`, `fastify`, with `:N` for N processes) under the load,
 * then pgbench on the same database.
 */
const measure = async (setup: string): Promise<PlatformFigures> => {
  const [platform = 'express', processes = '1'] = setup.split(':');
  const database = await createTestDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const service = spawn(
    process.execPath,
    [...(process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean), 'dist/apps/api/main.js'],
    {
      env: {
        ...process.env,
        HTTP_PLATFORM: platform,
        API_PROCESSES: processes,
        DATABASE_URL: database.url,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        // One client sends thousands a second: the per-address limit would answer 429.
        RATE_LIMIT_MAX: '0',
        DATABASE_POOL_SIZE: '20',
        SHUTDOWN_GRACE_MS: '0',
        // The group commit's bounds, to measure each setting (1 turns batching off).
        ALLOCATION_BATCH_MAX: process.env['ALLOCATION_BATCH_MAX'] ?? '64',
        ALLOCATION_BATCH_WAIT_MS: process.env['ALLOCATION_BATCH_WAIT_MS'] ?? '0',
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
    await seedBatches(base);
    const useWrk = process.env['BENCH_CLIENT'] !== 'autocannon' && (await hasWrk());
    const cpuBefore = cpuSecondsOf(service.pid);
    const result = useWrk ? await loadWithWrk(base) : await loadWithAutocannon(base);
    const cpuAfter = cpuSecondsOf(service.pid);
    console.log(
      `${platform}: POST /api/allocations, ${CONNECTIONS} connections, ${SECONDS} s, ${SKUS} SKUs x ${BATCHES} batches (${useWrk ? 'wrk' : 'autocannon'})`,
    );
    console.log(`  requests/s   ${Math.round(result.perSecond).toLocaleString('en')}`);
    // Steadier than req/s on a noisy machine: what each request costs the API process.
    const cpuPerRequestUs =
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : ((cpuAfter - cpuBefore) / (result.perSecond * SECONDS)) * 1e6;
    if (cpuPerRequestUs !== undefined && cpuBefore !== undefined && cpuAfter !== undefined) {
      console.log(
        `  API CPU      ${Math.round(cpuPerRequestUs)} µs per request (${Math.round(((cpuAfter - cpuBefore) / SECONDS) * 100)}% of a core)`,
      );
    }
    console.log(`  latency p50  ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
    const non2xx = Object.entries(result.statuses)
      .filter(([status]) => !status.startsWith('2'))
      .reduce((sum, [, count]) => sum + count, 0);
    console.log(
      `  statuses     ${JSON.stringify(result.statuses)}  (non-2xx: ${non2xx}, errors: ${result.errors})`,
    );
    // Stopping the service lets the requests abandoned at the deadline finish first.
    await stop();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await checkConsistency(client, result);
    } finally {
      await client.end();
    }
    const sql = await pgbench(database.url);
    console.log(
      `  the same allocation as one SQL statement (pgbench, ${CONNECTIONS} clients, ${SECONDS} s): ${Math.round(sql.tps).toLocaleString('en')}/s`,
    );
    return {
      platform: processes === '1' ? platform : `${platform} ×${processes}`,
      perSecond: result.perSecond,
      cpuPerRequestUs,
      p50: result.p50,
      p99: result.p99,
      non2xx: non2xx + result.errors,
      sqlPerSecond: sql.tps,
    };
  } finally {
    await stop();
    await database.drop();
  }
};

/**
 * BENCH_PLATFORMS: which platforms, in order (both by default: Express, the default, first);
 * `express:2` runs two processes (API_PROCESSES=2).
 */
const platforms = (process.env['BENCH_PLATFORMS'] ?? 'express,fastify')
  .split(',')
  .map((platform) => platform.trim())
  .filter((platform) => platform !== '');

const main = async () => {
  const figures: PlatformFigures[] = [];
  for (const platform of platforms) figures.push(await measure(platform));
  const rows = figures.map((f) => [
    f.platform,
    Math.round(f.perSecond).toLocaleString('en'),
    f.cpuPerRequestUs === undefined ? '?' : `${Math.round(f.cpuPerRequestUs)} µs`,
    `${f.p50.toFixed(1)} / ${f.p99.toFixed(1)} ms`,
    String(f.non2xx),
    Math.round(f.sqlPerSecond).toLocaleString('en'),
    (f.perSecond / f.sqlPerSecond).toFixed(2),
  ]);
  const header = [
    'platform',
    'allocations/s',
    'API CPU/request',
    'p50 / p99',
    'non-2xx',
    'SQL/s',
    'ratio',
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: ReadonlyArray<string>) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(
    `\nSide by side (${new Date().toISOString().slice(0, 10)}); ratio = HTTP / one SQL statement, goal ≥ 0.75 on Express:`,
  );
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
