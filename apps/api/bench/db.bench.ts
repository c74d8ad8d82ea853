/**
 * Unit-of-work cost against the real PostgreSQL: one allocation on a SKU holding 10 lines versus
 * one holding 100,000; the same for the other commands on a product (deallocating an order,
 * shrinking a batch so that its newest line moves, growing it back, both again in the group
 * commit as PATCH makes them, removing a batch); then
 * allocations per second with 1, 8 and 32 concurrent workers against one SKU and against 100
 * SKUs. Run: npm run bench:db (needs the PostgreSQL at 127.0.0.1:5432).
 */
import * as E from 'fp-ts/Either';
import { performance } from 'node:perf_hooks';
import {
  BatchReference,
  OrderId,
  type ChangeBatchQuantity,
  type Command,
} from '@allocation/allocation-domain';
import {
  allocateCommand,
  changeQuantityCommand,
  createBatchCommand,
  must,
  prismaGroupCommit,
  seedAllocatedLines,
} from '@allocation/allocation/testing';
import { PrismaService, writeToOutbox } from '@allocation/platform';
import { createTestDatabase } from '@allocation/platform/testing';

const BIG_LINES = 100_000;
const SAMPLES = 400;
const WORKER_SECONDS = 4;

const OTHER_SAMPLES = 150;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

const main = async () => {
  const database = await createTestDatabase();
  const prisma = new PrismaService({ url: database.url, poolSize: 40 });
  // As the module composes it: allocate, deallocate and quantity changes without a transaction,
  // and the group commit (which takes PATCH's quantity changes) beside them.
  const { bus, batcher } = prismaGroupCommit(prisma);
  try {
    // Two SKUs that differ only in how many lines their batch already holds.
    must(await bus.handle(createBatchCommand('small-batch', 'SMALL', 1_000_000)));
    must(await bus.handle(createBatchCommand('big-batch', 'BIG', 1_000_000)));
    for (let i = 0; i < 10; i++)
      must(await bus.handle(allocateCommand(`small-seed-${i}`, 'SMALL', 1)));
    // 100,000 existing lines written straight in SQL: the bench measures allocating, not seeding.
    await seedAllocatedLines(prisma, { reference: 'big-batch', sku: 'BIG' }, BIG_LINES);

    const timings: Record<'SMALL' | 'BIG', number[]> = { SMALL: [], BIG: [] };
    for (let i = 0; i < SAMPLES; i++) {
      // Alternate so that both see the same warm-up, cache and background noise.
      for (const sku of ['SMALL', 'BIG'] as const) {
        const start = performance.now();
        must(await bus.handle(allocateCommand(`timed-${sku}-${i}`, sku, 1)));
        timings[sku].push(performance.now() - start);
      }
    }
    const small = median(timings.SMALL);
    const big = median(timings.BIG);
    console.log(`one allocation unit of work (median of ${SAMPLES}):`);
    console.log(`  SKU with 10 lines        ${small.toFixed(2)} ms`);
    console.log(`  SKU with ${BIG_LINES.toLocaleString('en')} lines   ${big.toFixed(2)} ms`);
    console.log(`  ratio                    ${(big / small).toFixed(2)}x (goal: at most 1.5x)`);

    // The other commands on a product, each timed alone; what they need is set up untimed.
    const allocatedIn = async (reference: string) => {
      const rows = await prisma.client.batch.findUnique({
        where: { reference },
        select: { allocatedQuantity: true },
      });
      return Number(rows?.allocatedQuantity ?? 0);
    };
    const timed = async (command: Command) => {
      const start = performance.now();
      must(await bus.handle(command));
      return performance.now() - start;
    };
    /** A quantity change as PATCH makes it: in the group commit, alone in its batch. */
    const timedChange = async (command: ChangeBatchQuantity) => {
      const start = performance.now();
      must(await batcher.change(command));
      return performance.now() - start;
    };
    /** A whole order's deallocation as DELETE makes it: in the group commit, after its lookup. */
    const timedDeallocation = async (orderId: OrderId) => {
      const start = performance.now();
      must(await batcher.deallocate({ _tag: 'Deallocate', orderId }));
      return performance.now() - start;
    };
    const others: Record<string, Record<'SMALL' | 'BIG', number[]>> = {
      'deallocate an order': { SMALL: [], BIG: [] },
      'deallocate in the group commit, its line': { SMALL: [], BIG: [] },
      'the same, a line it did not allocate': { SMALL: [], BIG: [] },
      'shrink a batch (its newest line moves)': { SMALL: [], BIG: [] },
      'grow a batch back': { SMALL: [], BIG: [] },
      'the same shrink in the group commit': { SMALL: [], BIG: [] },
      'the same growth in the group commit': { SMALL: [], BIG: [] },
      'remove a batch': { SMALL: [], BIG: [] },
    };
    const record = (name: string, sku: 'SMALL' | 'BIG', ms: number) => others[name]?.[sku].push(ms);
    const reference = { SMALL: 'small-batch', BIG: 'big-batch' } as const;
    for (const sku of ['SMALL', 'BIG'] as const) {
      // Where a line pushed out of the shrinking batch goes: a later batch with room.
      must(await bus.handle(createBatchCommand(`${sku}-spare`, sku, 1_000, '2030-01-01')));
    }
    for (let i = 0; i < OTHER_SAMPLES; i++) {
      for (const sku of ['SMALL', 'BIG'] as const) {
        must(await bus.handle(allocateCommand(`other-${sku}-${i}`, sku, 1)));
        const orderId = must(OrderId(`other-${sku}-${i}`));
        record('deallocate an order', sku, await timed({ _tag: 'Deallocate', orderId }));
        // A line the group commit allocated is released from memory; one a unit of work
        // allocated is loaded first (the order's line of that product, not the product's lines).
        const batched = must(OrderId(`batched-${sku}-${i}`));
        must(await batcher.submit(allocateCommand(batched, sku, 1)));
        record('deallocate in the group commit, its line', sku, await timedDeallocation(batched));
        must(await bus.handle(allocateCommand(batched, sku, 1)));
        record('the same, a line it did not allocate', sku, await timedDeallocation(batched));

        const held = await allocatedIn(reference[sku]);
        const shrink = changeQuantityCommand(reference[sku], held - 1);
        record('shrink a batch (its newest line moves)', sku, await timed(shrink));
        const grow = changeQuantityCommand(reference[sku], 1_000_000);
        record('grow a batch back', sku, await timed(grow));
        // Its newest line was written by a unit of work: the group commit loads the lines it
        // lets go, as it must whenever it did not allocate them itself.
        const shrinkAgain = changeQuantityCommand(
          reference[sku],
          (await allocatedIn(reference[sku])) - 1,
        );
        record('the same shrink in the group commit', sku, await timedChange(shrinkAgain));
        record('the same growth in the group commit', sku, await timedChange(grow));

        const removable = `${sku}-removable-${i}`;
        must(await bus.handle(createBatchCommand(removable, sku, 10, '2031-01-01')));
        const remove = { _tag: 'RemoveBatch' as const, reference: must(BatchReference(removable)) };
        record('remove a batch', sku, await timed(remove));
      }
    }
    console.log(`the other commands' units of work (median of ${OTHER_SAMPLES}):`);
    for (const [name, samples] of Object.entries(others)) {
      const ratio = median(samples.BIG) / median(samples.SMALL);
      console.log(
        `  ${name.padEnd(40)} 10 lines ${median(samples.SMALL).toFixed(2)} ms, ` +
          `${BIG_LINES.toLocaleString('en')} lines ${median(samples.BIG).toFixed(2)} ms, ` +
          `ratio ${ratio.toFixed(2)}x (goal: at most 1.5x)`,
      );
    }

    // What the outbox adds to each allocation: its one INSERT of the unit's events, measured as
    // a transaction with and without it (alternating, so both see the same noise).
    const events = [
      { _tag: 'Allocated', orderId: 'o', sku: 'SMALL', quantity: 1, batchReference: 'small-batch' },
    ];
    const withOutbox: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      for (const write of [true, false]) {
        const start = performance.now();
        await prisma.client.$transaction(async (tx) => {
          await tx.$executeRaw`UPDATE products SET version = version WHERE sku = 'SMALL'`;
          if (write) await writeToOutbox(tx, events);
        });
        (write ? withOutbox : without).push(performance.now() - start);
      }
    }
    console.log(`the outbox's cost per unit of work (median of ${SAMPLES}):`);
    console.log(`  transaction without outbox write   ${median(without).toFixed(2)} ms`);
    console.log(`  the same with its outbox INSERT    ${median(withOutbox).toFixed(2)} ms`);

    console.log(`allocations per second (${WORKER_SECONDS} s each):`);
    for (const skus of [1, 100]) {
      for (let s = 0; s < skus; s++) {
        must(
          await bus.handle(
            createBatchCommand(`load-${skus}-${s}`, `LOAD-${skus}-${s}`, 10_000_000),
          ),
        );
      }
      for (const workers of [1, 8, 32]) {
        let done = 0;
        let retriesExhausted = 0;
        const deadline = performance.now() + WORKER_SECONDS * 1000;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: workers }, async (_, w) => {
            for (let i = 0; performance.now() < deadline; i++) {
              const sku = `LOAD-${skus}-${(w + i * workers) % skus}`;
              const result = await bus.handle(
                allocateCommand(`w${workers}-${w}-${i}-${skus}`, sku, 1),
              );
              if (E.isRight(result)) done++;
              else if (result.left._tag === 'RetriesExhausted') retriesExhausted++;
              else throw new Error(result.left.message);
            }
          }),
        );
        const rate = done / ((performance.now() - started) / 1000);
        console.log(
          `  ${String(workers).padStart(2)} workers, ${String(skus).padStart(3)} SKU${skus > 1 ? 's' : ' '}  ${Math.round(
            rate,
          )
            .toLocaleString('en')
            .padStart(
              6,
            )} allocations/s${retriesExhausted > 0 ? `  (${retriesExhausted} gave up after retries)` : ''}`,
        );
      }
    }
  } finally {
    await prisma.close();
    await database.drop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
