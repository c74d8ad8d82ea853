/**
 * What the HTTP benchmarks share: the built service in a process of its own on a fresh database,
 * its CPU time, the SKUs' batches, pgbench's one-statement allocation, and the batch totals check.
 */
import { execFile, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client as PgClient, type Client } from 'pg';
import { createTestDatabase } from '@allocation/platform/testing';

export const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
export const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);

/** The allocation as one statement on `BENCH-<0..skus-1>`: the preferred batch with room, its total, the line. */
const oneStatementAllocation = (skus: number) => `\\set s random(0, ${skus - 1})
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

/**
 * Writes out what earlier phases left dirty, so a measured phase does not share the disk with
 * the checkpoint they would otherwise cause (which made the first of two runs the slower).
 */
export const checkpoint = async (url: string): Promise<void> => {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
};

/** pgbench's transactions per second for the one-statement allocation over `skus` SKUs. */
export const pgbench = async (
  url: string,
  skus: number,
): Promise<{ tps: number; latencyMs: number }> => {
  await checkpoint(url);
  const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
  try {
    const script = join(dir, 'allocate.sql');
    writeFileSync(script, oneStatementAllocation(skus));
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

/** CPU seconds used so far on the whole machine (busy, idle, stolen), by PostgreSQL, and here. */
export interface MachineCpu {
  readonly busy: number;
  readonly idle: number;
  readonly steal: number;
  /** Each PostgreSQL process's CPU seconds, by pid. */
  readonly postgres: ReadonlyMap<string, number>;
  /** This benchmark's process and the children it has waited for (wrk, pgbench). */
  readonly generator: number;
}

/** Fields after the command name in /proc/<pid>/stat, and the name. */
const procStat = (pid: string): { name: string; fields: string[] } | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      fields: stat.slice(stat.lastIndexOf(')') + 2).split(' '),
    };
  } catch {
    return undefined; // ended meanwhile
  }
};

/** Jiffies in /proc are hundredths of a second on Linux here. */
export const machineCpu = (): MachineCpu => {
  const [, user, nice, system, idle, iowait, irq, softirq, steal] = (
    readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  )
    .trim()
    .split(/\s+/)
    .map(Number);
  const seconds = (...jiffies: Array<number | undefined>) =>
    jiffies.reduce<number>((total, value) => total + (value ?? 0), 0) / 100;
  const postgres = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    const stat = procStat(pid);
    // Each process's own CPU, not its children's: the postmaster's would add a backend's whole
    // life when it ends, such as an idle connection the other service of `bench:mix` closes
    // (it read 100-250 % of a core in such slices). What a process that ends between two
    // readings did since the first (a short-lived autovacuum worker, say) shows as "other".
    if (stat?.name === 'postgres') {
      postgres.set(pid, seconds(...[11, 12].map((field) => Number(stat.fields[field]))));
    }
  }
  const own = procStat('self')?.fields ?? [];
  return {
    busy: seconds(user, nice, system, irq, softirq),
    idle: seconds(idle, iowait),
    steal: seconds(steal),
    postgres,
    generator: seconds(...[11, 12, 13, 14].map((field) => Number(own[field]))),
  };
};

/**
 * Where both cores went between two readings, in % of one core: the service, PostgreSQL, the
 * load generator (this process, or wrk), the rest, idle and stolen. What is idle is what one more
 * process could still use.
 */
/** PostgreSQL's CPU seconds between two readings (each process's own). */
export const postgresSeconds = (before: MachineCpu, after: MachineCpu): number => {
  let postgres = 0;
  for (const [pid, cpu] of after.postgres) postgres += cpu - (before.postgres.get(pid) ?? 0);
  return postgres;
};

const cpuSplit = (
  before: MachineCpu,
  after: MachineCpu,
  serviceSeconds: number,
  seconds: number,
): string => {
  const share = (value: number) => `${Math.round((value / seconds) * 100)}%`;
  const postgres = postgresSeconds(before, after);
  const generator = after.generator - before.generator;
  const rest = after.busy - before.busy - serviceSeconds - postgres - generator;
  return [
    `service ${share(serviceSeconds)}`,
    `PostgreSQL ${share(postgres)}`,
    `load generator ${share(generator)}`,
    `other ${share(Math.max(0, rest))}`,
    `idle ${share(after.idle - before.idle)}`,
    `stolen ${share(after.steal - before.steal)}`,
  ].join(', ');
};

/** CPU seconds of a process and its children (the workers, with API_PROCESSES above 1). */
export const cpuSecondsOf = (pid: number | undefined): number | undefined => {
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

/** The built service on its own fresh database. */
export interface BenchService {
  readonly base: string;
  readonly databaseUrl: string;
  /** CPU seconds of the service's processes so far. */
  cpuSeconds(): number | undefined;
  /** SIGTERM, and wait: requests still in flight finish first. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops the service and drops its database. */
  dispose(): Promise<void>;
}

/**
 * Starts `dist/apps/api/main.js` (`platform` is `express` or `fastify`, `processes` its
 * API_PROCESSES) on a fresh database and waits until it is healthy. BENCH_NODE_ARGS (such as
 * "--cpu-prof") go to node; ALLOCATION_BATCH_MAX / ALLOCATION_BATCH_WAIT_MS to the service.
 */
export const startService = async (platform: string, processes: string): Promise<BenchService> => {
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
  } catch (error) {
    await stop();
    await database.drop();
    throw error;
  }
  return {
    base,
    databaseUrl: database.url,
    cpuSeconds: () => cpuSecondsOf(service.pid),
    stop,
    dispose: async () => {
      await stop();
      await database.drop();
    },
  };
};

/** Sends one JSON request; throws unless it answers `expected`. */
export const send = async (
  base: string,
  method: string,
  path: string,
  body: unknown,
  expected: number,
): Promise<void> => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== expected) {
    throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  }
};

/**
 * Creates `BENCH-<s>` for s below `skus`, each with `batches` batches (the first without an ETA)
 * of `quantity(s)` units, through the API as a client would.
 */
export const seedBatches = async (
  base: string,
  skus: number,
  batches: number,
  quantity: (sku: number) => number,
): Promise<void> => {
  for (let s = 0; s < skus; s++) {
    for (let b = 0; b < batches; b++) {
      const batch = {
        reference: `bench-${s}-${b}`,
        sku: `BENCH-${s}`,
        quantity: quantity(s),
        eta: b === 0 ? null : `2027-0${b}-01`,
      };
      await send(base, 'POST', '/api/batches', batch, 201);
    }
  }
};

/** The catalogue `bench:mix` and `bench:ops` run on: SKUs BENCH-0 to BENCH-99, 5 batches each. */
export const MIX_SKUS = 100;
/** The hot SKUs, BENCH-0 to BENCH-2, each with a small batch ahead of the rest, preferred. */
export const HOT_SKUS = 3;
export const HOT_BATCH_QUANTITY = 50;
export const hotBatch = (k: number) => `hot-${k}`;

/** Seeds that catalogue, each SKU's batches holding `stock(sku)`, and prices every SKU. */
export const seedMixCatalogue = async (
  base: string,
  stock: (sku: number) => number,
): Promise<void> => {
  // The hot SKUs' small batch comes first, so it is preferred and holds the newest lines.
  for (let k = 0; k < HOT_SKUS; k++) {
    const batch = {
      reference: hotBatch(k),
      sku: `BENCH-${k}`,
      quantity: HOT_BATCH_QUANTITY,
      eta: null,
    };
    await send(base, 'POST', '/api/batches', batch, 201);
  }
  await seedBatches(base, MIX_SKUS, 5, stock);
  for (let s = 0; s < MIX_SKUS; s++) {
    await send(
      base,
      'PUT',
      `/api/prices/BENCH-${s}`,
      { amountMinor: 100 + s, currency: 'EUR' },
      200,
    );
  }
};

/** Batches holding more than they bought, or whose total is not the sum of their lines. */
export const batchesOutOfStep = async (client: Client): Promise<number> => {
  const over = await client.query(
    `SELECT b.reference FROM batches b
      LEFT JOIN (SELECT batch_reference, sum(quantity) AS held FROM allocations GROUP BY 1) a
        ON a.batch_reference = b.reference
      WHERE b.allocated_quantity > b.purchased_quantity
         OR b.allocated_quantity <> coalesce(a.held, 0)`,
  );
  return over.rowCount ?? 0;
};

/** Prints a markdown table, its columns padded to their widest cell. */
export const printTable = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): void => {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: ReadonlyArray<string>) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
};

/** The service's counters from GET /metrics, summed over their labels unless the name gives them. */
export const scrapeMetrics = async (base: string, names: ReadonlyArray<string>) => {
  const text = await (await fetch(`${base}/metrics`)).text();
  const patternOf = (name: string) =>
    name.includes('{') ? name.replace(/[{}]/g, '\\$&') : `${name}(?:\\{[^}]*\\})?`;
  return Object.fromEntries(
    names.map((name) => [
      name,
      [...text.matchAll(new RegExp(`^${patternOf(name)} ([\\d.e+]+)$`, 'gm'))].reduce(
        (sum, match) => sum + Number(match[1]),
        0,
      ),
    ]),
  );
};

/** What a load is read by, before and after: the event loop's busy time, the batches' times. */
interface LoopReading {
  readonly busySeconds: number;
  readonly batchSeconds: number;
  readonly batches: number;
}

/** The service's readings so far (with several processes: of the one that answers). */
const loopReading = async (base: string): Promise<LoopReading> => {
  const names = [
    'nodejs_eventloop_busy_seconds_total',
    'allocation_batch_seconds_sum',
    'allocation_batch_seconds_count',
  ];
  const values = await scrapeMetrics(base, names);
  return {
    busySeconds: values['nodejs_eventloop_busy_seconds_total'] ?? 0,
    batchSeconds: values['allocation_batch_seconds_sum'] ?? 0,
    batches: values['allocation_batch_seconds_count'] ?? 0,
  };
};

/**
 * How busy the event loop was over `seconds`, and the group commit's mean batch time: busy near
 * 100% with CPU below it means the loop waits in system calls; a long batch time with the loop
 * not busy means waiting on PostgreSQL.
 */
const loopSummary = (before: LoopReading, after: LoopReading, seconds: number): string => {
  const busy = Math.round(((after.busySeconds - before.busySeconds) / seconds) * 100);
  const batches = after.batches - before.batches;
  const mean = batches > 0 ? ((after.batchSeconds - before.batchSeconds) / batches) * 1000 : NaN;
  return `event loop busy ${busy}% of the time; ${batches} batches of ${mean.toFixed(2)} ms on average`;
};

/** A load's result, and what it cost: the service's CPU seconds, the cores' split, its loop. */
export interface Measured<T> {
  readonly result: T;
  readonly serviceSeconds: number | undefined;
  readonly machine: string;
  readonly loop: string;
}

/** Runs `load` and reads the service and the machine before and after it. */
export const measured = async <T>(
  service: BenchService,
  load: () => Promise<T>,
  secondsOf: (result: T) => number,
): Promise<Measured<T>> => {
  const loopBefore = await loopReading(service.base);
  const cpuBefore = service.cpuSeconds();
  const machineBefore = machineCpu();
  const result = await load();
  const cpuAfter = service.cpuSeconds();
  const machineAfter = machineCpu();
  const seconds = secondsOf(result);
  const serviceSeconds =
    cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return {
    result,
    serviceSeconds,
    machine: cpuSplit(machineBefore, machineAfter, serviceSeconds ?? 0, seconds),
    loop: loopSummary(loopBefore, await loopReading(service.base), seconds),
  };
};

/**
 * An HTTP/1.1 client with kept-alive connections, one request per connection at a time: `call`
 * sends a JSON body (if any) and resolves with the status.
 */
export const keptAliveClient = (base: string) => {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<number>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers:
            payload === undefined
              ? {}
              : {
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(payload),
                },
        },
        (response) => {
          response.resume();
          response.once('end', () => resolve(response.statusCode ?? 0));
          response.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(payload);
    });
  return { call, close: () => agent.destroy() };
};
