/**
 * What each kind of operation costs the service, driven alone: for each kind in BENCH_OPS (in
 * order), BENCH_OPS_COUNT operations from BENCH_CONNECTIONS clients (one request at a time each)
 * against the built service on a fresh database (100 SKUs of 5 batches, 3 hot SKUs with a small
 * batch, prices set), then a pause for what they set off (placed orders' lines are allocated by
 * an outbox reader). It reports the CPU per operation of the service, of PostgreSQL and of the
 * whole machine (load generator included), less what each spends idle, so the mix's figures
 * (`bench:mix`) can be read as the sum of their parts: on two cores the machine is the limit. Every kind answers as
 * expected or the bench fails. A kind named twice is measured twice: the first run of a kind
 * also warms it up.
 * Kinds: allocate, draft (an order of one item, not placed), place1 / place3 (a whole order of 1
 * or 3 lines, placed), deallocate (orders allocated earlier by `allocate`), change (a hot small
 * batch between 50 and 20).
 * Run: npm run bench:ops (BENCH_OPS, BENCH_OPS_COUNT, BENCH_CONNECTIONS).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CONNECTIONS,
  keptAliveClient,
  machineCpu,
  postgresSeconds,
  printTable,
  seedMixCatalogue,
  startService,
  MIX_SKUS,
  HOT_SKUS,
  hotBatch,
} from './service';

const SKUS = MIX_SKUS;
const HOT = HOT_SKUS;
const COUNT = Number(process.env['BENCH_OPS_COUNT'] ?? 4_000);
const KINDS = (
  process.env['BENCH_OPS'] ??
  'allocate,draft,place1,place3,deallocate,change,allocate,draft,place1,place3,deallocate,change'
).split(',');
/** What operations set off after their answers (placed orders' allocations) finishes by then. */
const SETTLE_MS = 1_500;

const main = async () => {
  const service = await startService('express', '1');
  const { call, close } = keptAliveClient(service.base);
  try {
    await seedMixCatalogue(service.base, () => 1_000_000);
    let sequence = 0;
    const allocated: string[] = [];
    const order = (lines: number, place: boolean) => {
      const id = ++sequence;
      const items = [...Array(lines).keys()].map((i) => ({
        sku: `BENCH-${(id + i * 7) % SKUS}`,
        quantity: 1,
      }));
      const body = { orderId: `ops-order-${id}`, customerId: 'bench', items, place };
      return () => call('POST', '/api/orders', body);
    };
    /** Each kind: the next operation (undefined when none is left) and the status it expects. */
    const kinds: Record<string, { next: () => (() => Promise<number>) | undefined; ok: number }> = {
      allocate: {
        ok: 201,
        next: () => {
          const orderId = `ops-${++sequence}`;
          allocated.push(orderId);
          const body = { orderId, sku: `BENCH-${sequence % SKUS}`, quantity: 1 };
          return () => call('POST', '/api/allocations', body);
        },
      },
      draft: { ok: 201, next: () => order(1, false) },
      place1: { ok: 201, next: () => order(1, true) },
      place3: { ok: 201, next: () => order(3, true) },
      deallocate: {
        ok: 204,
        next: () => {
          const orderId = allocated.shift();
          return orderId === undefined
            ? undefined
            : () => call('DELETE', `/api/allocations/${orderId}`);
        },
      },
      change: {
        ok: 200,
        next: () => {
          const id = ++sequence;
          const quantity = Math.floor(id / HOT) % 2 === 0 ? 20 : 50;
          return () => call('PATCH', `/api/batches/${hotBatch(id % HOT)}`, { quantity });
        },
      },
    };
    /** CPU seconds so far: the service's, PostgreSQL's and the whole machine's. */
    const cpu = () => {
      const machine = machineCpu();
      return { service: service.cpuSeconds() ?? NaN, machine };
    };
    const used = (from: ReturnType<typeof cpu>, to: ReturnType<typeof cpu>) => ({
      service: to.service - from.service,
      postgres: postgresSeconds(from.machine, to.machine),
      machine: to.machine.busy - from.machine.busy,
    });
    const idleFrom = cpu();
    const idleStart = performance.now();
    await sleep(3_000);
    const idle = used(idleFrom, cpu());
    const idleSeconds = (performance.now() - idleStart) / 1000;
    /** What each spends a second at rest, taken off what the operations used. */
    const idlePerSecond = {
      service: idle.service / idleSeconds,
      postgres: idle.postgres / idleSeconds,
      machine: idle.machine / idleSeconds,
    };

    const rows: string[][] = [];
    for (const name of KINDS) {
      const kind = kinds[name];
      if (kind === undefined) throw new Error(`No operation kind ${name}`);
      let left = COUNT;
      let done = 0;
      const unexpected: number[] = [];
      const cpuBefore = cpu();
      const started = performance.now();
      await Promise.all(
        [...Array(CONNECTIONS)].map(async () => {
          while (left > 0) {
            const run = kind.next();
            if (run === undefined) break;
            left -= 1;
            const status = await run();
            done += 1;
            if (status !== kind.ok) unexpected.push(status);
          }
        }),
      );
      const driven = (performance.now() - started) / 1000;
      await sleep(SETTLE_MS);
      const seconds = (performance.now() - started) / 1000;
      const spent = used(cpuBefore, cpu());
      if (unexpected.length > 0) {
        throw new Error(`${name}: ${unexpected.length} answers not ${kind.ok}: ${unexpected[0]}`);
      }
      const each = (part: keyof typeof spent) =>
        `${Math.round(((spent[part] - idlePerSecond[part] * seconds) / done) * 1e6)} µs`;
      rows.push([
        name,
        done.toLocaleString('en'),
        `${Math.round(done / driven).toLocaleString('en')}/s`,
        each('service'),
        each('postgres'),
        each('machine'),
      ]);
    }
    const today = new Date().toISOString().slice(0, 10);
    const percent = (part: keyof typeof idlePerSecond) =>
      `${(idlePerSecond[part] * 100).toFixed(1)}%`;
    console.log(
      `\nCPU per operation, each kind alone (${today}, ${CONNECTIONS} clients; at rest the ` +
        `service used ${percent('service')} of a core, PostgreSQL ${percent('postgres')}, the ` +
        `machine ${percent('machine')}, taken off):`,
    );
    printTable(['kind', 'operations', 'rate', 'service', 'PostgreSQL', 'machine'], rows);
  } finally {
    close();
    await service.dispose();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
