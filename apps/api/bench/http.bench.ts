/**
 * Load test of the built service over HTTP, on each platform (Express, then Fastify), side by side
 * with the database's own limit. For each, starts `dist/apps/api/main.js` with `HTTP_PLATFORM` on
 * a fresh database, creates 100 SKUs with 5 batches each, drives
 * POST /api/allocations with autocannon (32 connections, 20 s, unique order ids), then checks in
 * SQL that nothing is over-allocated and that the orders stored are exactly those answered 201,
 * plus any still in flight at the end. It reports the batch sizes the group commit formed (from
 * the outbox: one transaction's events share its id) and where both cores went meanwhile (the
 * service, PostgreSQL, the load generator, idle). Then, with the service stopped, `pgbench`
 * runs the same allocation as one SQL statement on the same database, with as many clients for
 * as long. A table at the end puts the platforms and their SQL figures side by side.
 * Run: npm run bench:http (BENCH_PLATFORMS=express,fastify, BENCH_SECONDS, BENCH_CONNECTIONS,
 * BENCH_CLIENT=autocannon,
 * ALLOCATION_BATCH_MAX / ALLOCATION_BATCH_WAIT_MS for the service, BENCH_NODE_ARGS such as
 * "--cpu-prof" to profile it).
 */
import autocannon from 'autocannon';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  batchesOutOfStep,
  checkpoint,
  CONNECTIONS,
  measured,
  pgbench,
  printTable,
  SECONDS,
  seedBatches,
  startService,
} from './service';

const SKUS = 100;
const BATCHES = 5;

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

/** Checks in SQL what the load left; throws when anything is out of step. */
const checkConsistency = async (client: Client, result: LoadResult): Promise<void> => {
  const outOfStep = await batchesOutOfStep(client);
  const stored = new Set(
    (
      await client.query<{ order_id: string }>(
        `SELECT DISTINCT order_id FROM allocations WHERE order_id LIKE 'load-%'`,
      )
    ).rows.map((row) => row.order_id),
  );
  console.log(`  batches over-allocated or out of step with their lines: ${outOfStep}`);
  const answered201 = result.statuses['201'] ?? 0;
  let consistent = outOfStep === 0;
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
  const service = await startService(platform, processes);
  try {
    await seedBatches(service.base, SKUS, BATCHES, () => 2_000);
    await checkpoint(service.databaseUrl);
    const useWrk = process.env['BENCH_CLIENT'] !== 'autocannon' && (await hasWrk());
    const { result, serviceSeconds, machine, loop } = await measured(
      service,
      () => (useWrk ? loadWithWrk(service.base) : loadWithAutocannon(service.base)),
      () => SECONDS,
    );
    console.log(
      `${platform}: POST /api/allocations, ${CONNECTIONS} connections, ${SECONDS} s, ${SKUS} SKUs x ${BATCHES} batches (${useWrk ? 'wrk' : 'autocannon'})`,
    );
    console.log(`  requests/s   ${Math.round(result.perSecond).toLocaleString('en')}`);
    // Steadier than req/s on a noisy machine: what each request costs the API process.
    const cpuPerRequestUs =
      serviceSeconds === undefined
        ? undefined
        : (serviceSeconds / (result.perSecond * SECONDS)) * 1e6;
    if (cpuPerRequestUs !== undefined && serviceSeconds !== undefined) {
      console.log(
        `  API CPU      ${Math.round(cpuPerRequestUs)} µs per request (${Math.round((serviceSeconds / SECONDS) * 100)}% of a core)`,
      );
    }
    console.log(`  machine      ${machine} (of ${availableParallelism()} cores)`);
    // With several processes, two scrapes may reach different ones: not shown.
    if (processes === '1') console.log(`  service      ${loop}`);
    console.log(`  latency p50  ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
    const non2xx = Object.entries(result.statuses)
      .filter(([status]) => !status.startsWith('2'))
      .reduce((sum, [, count]) => sum + count, 0);
    console.log(
      `  statuses     ${JSON.stringify(result.statuses)}  (non-2xx: ${non2xx}, errors: ${result.errors})`,
    );
    // Stopping the service lets the requests abandoned at the deadline finish first.
    await service.stop();
    const client = new Client({ connectionString: service.databaseUrl });
    await client.connect();
    try {
      await checkConsistency(client, result);
    } finally {
      await client.end();
    }
    const sql = await pgbench(service.databaseUrl, SKUS);
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
    await service.dispose();
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
  console.log(
    `\nSide by side (${new Date().toISOString().slice(0, 10)}); ratio = HTTP / one SQL statement, goal ≥ 1.0 on Express (issue 22; the design asks 0.75):`,
  );
  printTable(header, rows);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
