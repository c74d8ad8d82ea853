/**
 * Allocations under a realistic mix, beside allocation alone (issue 22, goal 2). Each load runs
 * the built service on a fresh database with 100 SKUs (5 batches each; the 3 hot SKUs have a
 * small batch of 50 they prefer, and bigger ones behind it), and BENCH_CONNECTIONS clients that
 * each send one request at a time for BENCH_SECONDS, in BENCH_SLICES slices that alternate with
 * the other load's (both services run side by side; each load first warms up unmeasured):
 * - `allocation`: POST /api/allocations only; a third of them on the 3 hot SKUs;
 * - `mix`: the same, with 5% changes of a hot small batch's quantity between 50 and 20 (a
 *   shrink pushes its newest lines out, to be reallocated), 5% placed orders of 1-5 lines
 *   (one request with the whole order, or with BENCH_ORDER_STEPS=1 create, add items, place;
 *   allocation picks them up from the outbox) and 2% deallocations of orders allocated earlier.
 * Afterwards it checks in SQL: no batch over-allocated or out of step with its lines, every
 * acknowledged allocation, deallocation, placed order and quantity change stored, nothing refused
 * stored, and no line waiting while stock it fits is free. Each load also says where both cores
 * went (the service, PostgreSQL, this process as the load generator, idle). pgbench's
 * one-statement allocation on the allocation-only database gives the SQL figure of the same run.
 * Run: npm run bench:mix (BENCH_PLATFORMS=express, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_MIX,
 * BENCH_ORDER_STEPS, BENCH_ROUNDS, BENCH_SLICES, BENCH_WARMUP).
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import {
  batchesOutOfStep,
  checkpoint,
  CONNECTIONS,
  keptAliveClient,
  measured,
  pgbench,
  printTable,
  scrapeMetrics,
  SECONDS,
  seedMixCatalogue,
  startService,
  type BenchService,
  MIX_SKUS,
  HOT_SKUS,
  HOT_BATCH_QUANTITY,
  hotBatch,
} from './service';

const SKUS = MIX_SKUS;
const HOT = HOT_SKUS;
const SMALL = HOT_BATCH_QUANTITY;
const SHRUNK = 20;

/** The mix's shares of operations; allocations take the rest. */
interface Shares {
  readonly changeQuantity: number;
  readonly placeOrder: number;
  readonly deallocate: number;
}
const ALLOCATION_ONLY: Shares = { changeQuantity: 0, placeOrder: 0, deallocate: 0 };
/** BENCH_MIX (such as `changeQuantity=0.05,placeOrder=0`) changes the mix's shares. */
const MIX: Shares = {
  changeQuantity: 0.05,
  placeOrder: 0.05,
  deallocate: 0.02,
  ...Object.fromEntries(
    (process.env['BENCH_MIX'] ?? '')
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => {
        const [name = '', share = ''] = pair.split('=');
        return [name.trim(), Number(share)];
      }),
  ),
};

/** Placed orders go step by step (create, each item, place) instead of in one request. */
const ORDER_STEPS = process.env['BENCH_ORDER_STEPS'] === '1';

type Operation = 'allocate' | 'changeQuantity' | 'placeOrder' | 'deallocate';
const OPERATIONS: ReadonlyArray<Operation> = [
  'allocate',
  'changeQuantity',
  'placeOrder',
  'deallocate',
];

/** A small deterministic generator (mulberry32), so runs draw the same sequence. */
const generator = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** What one kind of operation did: its statuses and latencies. */
class Tally {
  readonly statuses: Record<string, number> = {};
  readonly latencies: number[] = [];
  record(status: number, ms: number) {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    this.latencies.push(ms);
  }
  get count() {
    return this.latencies.length;
  }
  merge(other: Tally) {
    for (const [status, n] of Object.entries(other.statuses)) {
      this.statuses[status] = (this.statuses[status] ?? 0) + n;
    }
    this.latencies.push(...other.latencies);
  }
  percentile(p: number) {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
  }
  count5xx() {
    return Object.entries(this.statuses)
      .filter(([status]) => status.startsWith('5'))
      .reduce((sum, [, n]) => sum + n, 0);
  }
}

/** What the clients were told, to be checked against what the database holds. */
interface Acknowledged {
  /** Allocated (201) and not deallocated since, by order id: the SKU. */
  readonly allocated: Map<string, string>;
  readonly deallocated: Set<string>;
  /** Allocations refused (4xx): nothing of them may be stored. */
  readonly refused: Set<string>;
  /** Placed orders (200 on place): their lines. */
  readonly placed: Map<string, ReadonlyArray<{ sku: string; quantity: number }>>;
  /** Each hot small batch's quantity as last acknowledged. */
  readonly quantities: Map<string, number>;
}

/** A SKU as the traffic picks them: a third of the time one of the hot ones. */
const pickSku = (random: () => number) =>
  random() < 1 / 3 ? Math.floor(random() * HOT) : HOT + Math.floor(random() * (SKUS - HOT));

/** Tallies by operation, all empty. */
const noTallies = () =>
  Object.fromEntries(OPERATIONS.map((op) => [op, new Tally()])) as Record<Operation, Tally>;

/**
 * One load's clients against one service, driven a slice at a time: what they know (the orders
 * they may deallocate, the ids they used, each client's random sequence) carries from one slice
 * to the next, so the slices are one run with pauses.
 */
class Load {
  /** Every answer of every slice, the unmeasured warm-up's included (its statuses count too). */
  readonly tallies = noTallies();
  private readonly deallocatable: string[] = [];
  private readonly changing = new Set<number>();
  private readonly randoms = [...Array(CONNECTIONS).keys()].map((index) => generator(index + 1));
  private sequence = 0;

  constructor(
    private readonly base: string,
    private readonly shares: Shares,
    readonly acknowledged: Acknowledged,
  ) {}

  /** Drives the load for `seconds`; returns this slice's tallies, wall time and placed lines. */
  async drive(
    seconds: number,
  ): Promise<{ tallies: Record<Operation, Tally>; seconds: number; orderLines: number }> {
    const { call, close } = keptAliveClient(this.base);
    const tallies = noTallies();
    let orderLines = 0;
    const { acknowledged, deallocatable, changing, shares } = this;
    const started = performance.now();
    const deadline = started + seconds * 1000;

    const timed = async (op: Operation, run: () => Promise<number>) => {
      const start = performance.now();
      const status = await run();
      const ms = performance.now() - start;
      tallies[op].record(status, ms);
      this.tallies[op].record(status, ms);
      return status;
    };

    const allocate = async (random: () => number) => {
      const orderId = `mix-${++this.sequence}`;
      const sku = `BENCH-${pickSku(random)}`;
      const quantity = 1 + Math.floor(random() * 3);
      const status = await timed('allocate', () =>
        call('POST', '/api/allocations', { orderId, sku, quantity }),
      );
      if (status === 201) {
        acknowledged.allocated.set(orderId, sku);
        deallocatable.push(orderId);
      } else acknowledged.refused.add(orderId);
    };

    const changeQuantity = async (k: number) => {
      changing.add(k);
      const reference = hotBatch(k);
      const quantity = acknowledged.quantities.get(reference) === SMALL ? SHRUNK : SMALL;
      const status = await timed('changeQuantity', () =>
        call('PATCH', `/api/batches/${reference}`, { quantity }),
      );
      if (status === 200) acknowledged.quantities.set(reference, quantity);
      changing.delete(k);
    };

    const placeOrder = async (random: () => number) => {
      const orderId = `mix-order-${++this.sequence}`;
      const skus = new Set<number>();
      const wanted = 1 + Math.floor(random() * 5);
      while (skus.size < wanted) skus.add(pickSku(random));
      const lines = [...skus].map((s) => ({
        sku: `BENCH-${s}`,
        quantity: 1 + Math.floor(random() * 3),
      }));
      // A shop's checkout sends the whole order; BENCH_ORDER_STEPS=1 sends it step by step (one
      // operation of several requests, its latency the whole order's).
      const status = await timed('placeOrder', async () => {
        if (!ORDER_STEPS) {
          return call('POST', '/api/orders', {
            orderId,
            customerId: 'bench',
            items: lines,
            place: true,
          });
        }
        const created = await call('POST', '/api/orders', { orderId, customerId: 'bench' });
        if (created !== 201) return created;
        for (const line of lines) {
          const added = await call('POST', `/api/orders/${orderId}/items`, line);
          if (added !== 201) return added;
        }
        return call('POST', `/api/orders/${orderId}/place`);
      });
      // 201 for the whole order at once, 200 for the last step's place.
      if (status === 200 || status === 201) {
        acknowledged.placed.set(orderId, lines);
        orderLines += lines.length;
      }
    };

    const deallocate = async (orderId: string) => {
      const status = await timed('deallocate', () =>
        call('DELETE', `/api/allocations/${encodeURIComponent(orderId)}`),
      );
      if (status === 204) {
        acknowledged.allocated.delete(orderId);
        acknowledged.deallocated.add(orderId);
      }
    };

    /** The next operation, by the shares; one that cannot run now is an allocation instead. */
    const next = (random: () => number): (() => Promise<void>) => {
      let r = random();
      if ((r -= shares.changeQuantity) < 0) {
        const idle = [...Array(HOT).keys()].filter((k) => !changing.has(k));
        const k = idle[Math.floor(random() * idle.length)];
        if (k !== undefined) return () => changeQuantity(k);
      } else if ((r -= shares.placeOrder) < 0) {
        return () => placeOrder(random);
      } else if (r - shares.deallocate < 0 && deallocatable.length > 0) {
        // Taken out at random, so no two clients deallocate the same order.
        const [orderId = ''] = deallocatable.splice(Math.floor(random() * deallocatable.length), 1);
        return () => deallocate(orderId);
      }
      return () => allocate(random);
    };

    const worker = async (random: () => number) => {
      while (performance.now() < deadline) await next(random)();
    };
    try {
      await Promise.all(this.randoms.map(worker));
    } finally {
      close();
    }
    return { tallies, seconds: (performance.now() - started) / 1000, orderLines };
  }
}

/** Waits until allocation has taken in every placed order's lines (from the outbox). */
const placedOrdersTakenIn = async (db: Client, placed: Acknowledged['placed']) => {
  const orderIds = [...placed.keys()];
  for (let i = 0; i < 600; i++) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(DISTINCT order_id)::int AS n FROM (
         SELECT order_id FROM allocations WHERE order_id = ANY($1)
         UNION ALL SELECT order_id FROM backorders WHERE order_id = ANY($1)) t`,
      [orderIds],
    );
    if ((rows[0]?.n ?? 0) === orderIds.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('placed orders were not taken in by allocation within 60 s');
};

/**
 * The outbox's events by type: what the load made the service write (a reallocated line is a
 * `Deallocated` and an `Allocated`, a whole order an event for it and one for each item).
 */
const eventsByType = async (db: Client): Promise<string> => {
  const { rows } = await db.query<{ type: string; n: number }>(
    'SELECT type, count(*)::int AS n FROM outbox GROUP BY type ORDER BY n DESC',
  );
  return rows.map(({ type, n }) => `${type} ${n}`).join(', ');
};

/** Checks what the database holds against what the clients were told; returns the failures. */
const check = async (db: Client, acknowledged: Acknowledged): Promise<string[]> => {
  const failures: string[] = [];
  const outOfStep = await batchesOutOfStep(db);
  if (outOfStep > 0) failures.push(`${outOfStep} batches over-allocated or out of step`);
  const held = new Map<string, Map<string, number>>();
  const { rows } = await db.query<{ order_id: string; sku: string; quantity: string }>(
    `SELECT order_id, sku, sum(quantity)::text AS quantity FROM (
       SELECT order_id, sku, quantity FROM allocations
       UNION ALL SELECT order_id, sku, quantity FROM backorders) t GROUP BY 1, 2`,
  );
  for (const row of rows) {
    const of = held.get(row.order_id) ?? new Map<string, number>();
    of.set(row.sku, Number(row.quantity));
    held.set(row.order_id, of);
  }
  const lost = [...acknowledged.allocated].filter(([orderId, sku]) => !held.get(orderId)?.has(sku));
  if (lost.length > 0) failures.push(`${lost.length} allocations answered 201 are not stored`);
  const kept = [...acknowledged.deallocated].filter((orderId) => held.has(orderId));
  if (kept.length > 0) failures.push(`${kept.length} deallocated orders still hold lines`);
  const refused = [...acknowledged.refused].filter((orderId) => held.has(orderId));
  if (refused.length > 0) failures.push(`${refused.length} refused allocations are stored`);
  const wrong = [...acknowledged.placed].filter(([orderId, lines]) =>
    lines.some((line) => held.get(orderId)?.get(line.sku) !== line.quantity),
  );
  if (wrong.length > 0) failures.push(`${wrong.length} placed orders are not held as placed`);
  const quantities = await db.query<{ reference: string; purchased: string }>(
    `SELECT reference, purchased_quantity::text AS purchased FROM batches WHERE reference = ANY($1)`,
    [[...acknowledged.quantities.keys()]],
  );
  for (const { reference, purchased } of quantities.rows) {
    if (Number(purchased) !== acknowledged.quantities.get(reference)) {
      failures.push(`${reference} holds ${purchased}, not the quantity last acknowledged`);
    }
  }
  // Every change that frees stock offers it to the queue: nothing waits that free stock fits.
  const starved = await db.query(
    `SELECT k.order_id FROM backorders k
      WHERE EXISTS (SELECT 1 FROM batches b WHERE b.sku = k.sku
                     AND b.purchased_quantity - b.allocated_quantity >= k.quantity)
         OR (k.allow_split AND (SELECT sum(b.purchased_quantity - b.allocated_quantity)
                                  FROM batches b WHERE b.sku = k.sku) >= k.quantity)`,
  );
  if ((starved.rowCount ?? 0) > 0)
    failures.push(`${starved.rowCount} lines wait beside free stock`);
  return failures;
};

interface LoadFigures {
  readonly load: string;
  readonly allocationsPerSecond: number;
  readonly cpuPerOperationUs: number | undefined;
  readonly tallies: Record<Operation, Tally>;
  /** Allocations per second in each measured slice, in the order they ran. */
  readonly slices: ReadonlyArray<number>;
  /** Lines of orders placed per second: allocation allocates them too, from the outbox. */
  readonly orderLinesPerSecond: number;
  /** 5xx answers, the unmeasured warm-up's included. */
  readonly answers5xx: number;
  readonly sqlPerSecond: number | undefined;
}

/**
 * BENCH_SLICES: each load's BENCH_SECONDS are cut into this many slices, run alternately with the
 * other load's (allocation only, mix, mix, allocation only, ...): the machine's speed drifts
 * within minutes, and a load run whole after the other met a different machine.
 */
const SLICES = Math.max(1, Math.floor(Number(process.env['BENCH_SLICES'] ?? '4')) || 1);
/**
 * BENCH_WARMUP: each load runs this long first, unmeasured, so the figures are those of a service
 * that has been running: V8 compiles the hot code of every kind of request (a mix has more kinds
 * than allocation alone), and the product store fills its memory.
 */
const WARM_UP_SECONDS = Math.max(0, Number(process.env['BENCH_WARMUP'] ?? '15') || 0);

/** A load on its own service, and what its measured slices added up to. */
interface Side {
  readonly label: string;
  readonly service: BenchService;
  readonly load: Load;
  readonly measuredTallies: Record<Operation, Tally>;
  readonly slices: number[];
  readonly notes: string[];
  seconds: number;
  orderLines: number;
  serviceSeconds: number | undefined;
}

/** A fresh service and database with the mix's catalogue, and the load's clients for it. */
const prepare = async (platform: string, label: string, shares: Shares): Promise<Side> => {
  const service = await startService(platform, '1');
  try {
    await seedMixCatalogue(service.base, (s) => (s < HOT ? 50_000 : 5_000));
    await checkpoint(service.databaseUrl);
  } catch (error) {
    await service.dispose();
    throw error;
  }
  const acknowledged: Acknowledged = {
    allocated: new Map(),
    deallocated: new Set(),
    refused: new Set(),
    placed: new Map(),
    quantities: new Map([...Array(HOT).keys()].map((k) => [hotBatch(k), SMALL])),
  };
  return {
    label,
    service,
    load: new Load(service.base, shares, acknowledged),
    measuredTallies: noTallies(),
    slices: [],
    notes: [],
    seconds: 0,
    orderLines: 0,
    serviceSeconds: 0,
  };
};

/** One measured slice of a side's load: its figures added to the side's. */
const slice = async (side: Side, seconds: number): Promise<void> => {
  const {
    result: { tallies, seconds: took, orderLines },
    serviceSeconds,
    machine,
    loop,
  } = await measured(
    side.service,
    () => side.load.drive(seconds),
    (driven) => driven.seconds,
  );
  for (const op of OPERATIONS) side.measuredTallies[op].merge(tallies[op]);
  side.seconds += took;
  side.orderLines += orderLines;
  side.serviceSeconds =
    side.serviceSeconds === undefined || serviceSeconds === undefined
      ? undefined
      : side.serviceSeconds + serviceSeconds;
  side.slices.push(tallies.allocate.count / took);
  side.notes.push(`slice ${side.slices.length}: ${machine}; ${loop}`);
};

/** Waits for what the side set off, stops its service and checks its database; prints it. */
const finish = async (platform: string, side: Side): Promise<void> => {
  const counters = await scrapeMetrics(side.service.base, [
    'allocation_batch_fallbacks_total',
    'allocation_batch_retries_total',
    'allocation_batch_loads_total{source="database"}',
    'allocation_batch_loads_total{source="memory"}',
    'unit_of_work_retries_total',
  ]);
  const db = new Client({ connectionString: side.service.databaseUrl });
  await db.connect();
  try {
    await placedOrdersTakenIn(db, side.load.acknowledged.placed);
    await side.service.stop();
    const failures = await check(db, side.load.acknowledged);
    const tallies = side.measuredTallies;
    const operations = OPERATIONS.reduce((sum, op) => sum + tallies[op].count, 0);
    console.log(
      `${platform}, ${side.label}: ${operations} operations measured in ${side.seconds.toFixed(1)} s ` +
        `(${SLICES} slices, after ${WARM_UP_SECONDS} s unmeasured)`,
    );
    for (const op of OPERATIONS) {
      const tally = tallies[op];
      if (tally.count === 0) continue;
      console.log(
        `  ${op.padEnd(15)} ${String(tally.count).padStart(6)}  p50 ${tally.percentile(50).toFixed(1)} ms, p99 ${tally.percentile(99).toFixed(1)} ms  ${JSON.stringify(side.load.tallies[op].statuses)}`,
      );
    }
    console.log(`  ${JSON.stringify(counters)}`);
    console.log(`  events written, warm-up included: ${await eventsByType(db)}`);
    for (const note of side.notes) console.log(`  ${note}`);
    console.log(
      `  checks: ${failures.length === 0 ? 'every acknowledged write stored, nothing over-allocated, no line waits beside free stock' : failures.join('; ')}`,
    );
    if (failures.length > 0) throw new Error('consistency check failed');
  } finally {
    await db.end();
  }
};

const figuresOf = (side: Side, sqlPerSecond: number | undefined): LoadFigures => {
  const tallies = side.measuredTallies;
  const operations = OPERATIONS.reduce((sum, op) => sum + tallies[op].count, 0);
  return {
    load: side.label,
    allocationsPerSecond: tallies.allocate.count / side.seconds,
    cpuPerOperationUs:
      side.serviceSeconds === undefined ? undefined : (side.serviceSeconds / operations) * 1e6,
    tallies,
    slices: side.slices,
    orderLinesPerSecond: side.orderLines / side.seconds,
    answers5xx: OPERATIONS.reduce((sum, op) => sum + side.load.tallies[op].count5xx(), 0),
    sqlPerSecond,
  };
};

/**
 * Allocation only and the mix, each on its own service, side by side: both warm up, then their
 * slices alternate (A B B A A B ...), so neither always runs first. Then each is checked, and
 * pgbench runs on the allocation-only database for the SQL figure.
 */
const measurePair = async (
  platform: string,
  label: string,
): Promise<{ alone: LoadFigures; mixed: LoadFigures }> => {
  const alone = await prepare(platform, `allocation only${label}`, ALLOCATION_ONLY);
  let mixed: Side | undefined;
  try {
    mixed = await prepare(platform, `mix${label}`, MIX);
    const sides = [alone, mixed];
    for (const side of sides) await side.load.drive(WARM_UP_SECONDS);
    for (let i = 0; i < SLICES; i++) {
      for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
        await slice(side, SECONDS / SLICES);
      }
    }
    await finish(platform, alone);
    await finish(platform, mixed);
    const sql = (await pgbench(alone.service.databaseUrl, SKUS)).tps;
    return { alone: figuresOf(alone, sql), mixed: figuresOf(mixed, undefined) };
  } finally {
    await alone.service.dispose();
    await mixed?.service.dispose();
  }
};

/**
 * BENCH_ROUNDS pairs of loads, each on fresh services: the ratio of each pair, and their
 * median, say more than one pair.
 */
const ROUNDS = Math.max(1, Math.floor(Number(process.env['BENCH_ROUNDS'] ?? '1')) || 1);

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

const main = async () => {
  const platform = process.env['BENCH_PLATFORMS'] ?? 'express';
  const pairs: Array<{ alone: LoadFigures; mixed: LoadFigures }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const label = ROUNDS === 1 ? '' : ` (${round})`;
    pairs.push(await measurePair(platform, label));
  }
  const ms = (tally: Tally) =>
    tally.count === 0
      ? '-'
      : `${tally.percentile(50).toFixed(1)} / ${tally.percentile(99).toFixed(1)} ms`;
  const rows = pairs
    .flatMap(({ alone, mixed }) => [alone, mixed])
    .map((f) => [
      f.load,
      Math.round(f.allocationsPerSecond).toLocaleString('en'),
      f.orderLinesPerSecond === 0 ? '-' : Math.round(f.orderLinesPerSecond).toLocaleString('en'),
      ms(f.tallies.allocate),
      ms(f.tallies.changeQuantity),
      ms(f.tallies.placeOrder),
      ms(f.tallies.deallocate),
      f.cpuPerOperationUs === undefined ? '?' : `${Math.round(f.cpuPerOperationUs)} µs`,
      String(f.answers5xx),
    ]);
  console.log(
    `\nSide by side (${new Date().toISOString().slice(0, 10)}, ${platform}, ${CONNECTIONS} clients, ` +
      `${SECONDS} s each in ${SLICES} alternating slices):`,
  );
  printTable(
    [
      'load',
      'allocations/s',
      'order lines/s',
      'allocate p50/p99',
      'change qty',
      'place order',
      'deallocate',
      'API CPU/op',
      '5xx',
    ],
    rows,
  );
  const ratios = pairs.map(
    ({ alone, mixed }) => mixed.allocationsPerSecond / alone.allocationsPerSecond,
  );
  const sql = pairs.map(({ alone }) => Math.round(alone.sqlPerSecond ?? NaN).toLocaleString('en'));
  for (const { alone, mixed } of pairs) {
    const each = mixed.slices.map((rate, i) => (rate / (alone.slices[i] ?? NaN)).toFixed(2));
    console.log(`${mixed.load} / ${alone.load}, slice by slice: ${each.join(', ')}`);
  }
  // The goal counts the allocation requests; the placed orders' lines are allocated too (from
  // the outbox), which says how much allocating the machine did under the mix.
  const withLines = pairs.map(({ alone, mixed }) =>
    ((mixed.allocationsPerSecond + mixed.orderLinesPerSecond) / alone.allocationsPerSecond).toFixed(
      2,
    ),
  );
  console.log(`mix's allocations and placed lines / allocation only: ${withLines.join(', ')}`);
  console.log(
    ROUNDS === 1
      ? `mix / allocation only: ${(ratios[0] ?? NaN).toFixed(2)} (goal ≥ 0.8); ` +
          `one-statement SQL allocation (pgbench): ${sql[0] ?? '?'}/s`
      : `mix / allocation only, each round: ${ratios.map((r) => r.toFixed(2)).join(', ')}; ` +
          `median ${median(ratios).toFixed(2)} (goal ≥ 0.8); ` +
          `one-statement SQL allocation (pgbench), each round: ${sql.join(', ')}/s`,
  );
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
