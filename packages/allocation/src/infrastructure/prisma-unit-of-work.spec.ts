import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  allocate,
  OrderId,
  Sku,
  unknownSku,
  type AllocationError,
  type AllocationResult,
  type Product,
} from '@allocation/allocation-domain';
import { PrismaService, PrismaUnitOfWork, StatementUnitOfWork } from '@allocation/platform';
import {
  allocateCommand,
  changeQuantityCommand,
  createBatchCommand,
  must,
  placedLineCommand,
} from '../testing/commands';
import { createTestDatabase, type TestDatabase } from '@allocation/platform/testing';
import { createBatch } from '../application/product.handlers';
import { allocateCommand as allocateCommandWith } from '../application/product.commands';
import type { AllocationBus } from '../application/allocation-bus';
import { persist } from '../application/persist';
import type { AllocationTransaction } from '../ports/allocation-transaction';
import { allocationBus } from '../allocation.module';
import { prismaAllocationBus } from '../testing/prisma-allocation-bus';
import {
  prismaAllocationTransaction,
  statementAllocationTransaction,
} from './prisma-allocation-transaction';
import { PrismaProductRepository } from './prisma-product.repository';
import { ProductLocks } from '../application/product-locks';

let database: TestDatabase;
let prisma: PrismaService;
let unitOfWork: PrismaUnitOfWork<AllocationTransaction>;
let bus: AllocationBus;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({ url: database.url, poolSize: 10 });
  unitOfWork = new PrismaUnitOfWork(prisma, prismaAllocationTransaction());
  bus = allocationBus(unitOfWork);
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

const count = async (table: 'products' | 'batches' | 'allocations' | 'backorders', sku: string) => {
  const rows = await prisma.client.$queryRawUnsafe<Array<{ n: bigint }>>(
    `SELECT count(*) AS n FROM ${table} WHERE sku = $1`,
    sku,
  );
  return Number(rows[0]?.n ?? 0);
};

const allocatedIn = async (reference: string) => {
  const rows = await prisma.client.$queryRaw<Array<{ allocated_quantity: bigint }>>`
    SELECT allocated_quantity FROM batches WHERE reference = ${reference}`;
  return Number(rows[0]?.allocated_quantity);
};

const outboxOf = (sku: string) =>
  prisma.client.$queryRaw<Array<{ type: string; data: Record<string, unknown>; xid: string }>>`
    SELECT type, data, xid::text AS xid FROM outbox WHERE data->>'sku' = ${sku} ORDER BY id`;

/** A promise to await until `parties` callers have arrived. */
const barrier = (parties: number) => {
  let arrived = 0;
  let release: () => void = () => undefined;
  const allThere = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    arrived += 1;
    if (arrived === parties) release();
    await allThere;
  };
};

describe('the unit of work', () => {
  it('commits when the work succeeds', async () => {
    const result = await unitOfWork.run((context) =>
      createBatch(createBatchCommand('commit-1', 'COMMIT', 10), context),
    );
    expect(E.isRight(result)).toBe(true);
    expect(await count('batches', 'COMMIT')).toBe(1);
  });

  it('rolls back when the work returns a domain error, leaving nothing behind', async () => {
    const result = await unitOfWork.run(async (context) => {
      const created = await createBatch(createBatchCommand('rollback-1', 'ROLLBACK', 10), context);
      expect(E.isRight(created)).toBe(true);
      return E.left(unknownSku('ROLLBACK'));
    });
    expect(result).toEqual(E.left(unknownSku('ROLLBACK')));
    expect(await count('products', 'ROLLBACK')).toBe(0);
    expect(await count('batches', 'ROLLBACK')).toBe(0);
  });

  it('rolls back when the work throws, and passes the error on', async () => {
    await expect(
      unitOfWork.run(async (context) => {
        await createBatch(createBatchCommand('throw-1', 'THROWS', 10), context);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await count('products', 'THROWS')).toBe(0);
  });

  it('hands the bus the events the aggregates recorded in the transaction', async () => {
    const result = must(
      await bus.handle(createBatchCommand('events-1', 'EVENTS', 10, '2027-01-01')),
    );
    expect(result.events).toEqual([
      {
        _tag: 'BatchCreated',
        reference: 'events-1',
        sku: 'EVENTS',
        quantity: 10,
        eta: '2027-01-01',
      },
    ]);
  });

  it('writes the events of a committed unit to the outbox, in order, with its transaction id', async () => {
    must(await bus.handle(createBatchCommand('outbox-1', 'OUTBOX', 2)));
    must(await bus.handle(allocateCommand('outbox-o1', 'OUTBOX', 2)));
    must(await bus.handle(changeQuantityCommand('outbox-1', 1)));
    const rows = await outboxOf('OUTBOX');
    expect(rows.map((row) => row.type)).toEqual([
      'BatchCreated',
      'Allocated',
      'BatchQuantityChanged',
      'Deallocated',
      'OutOfStock',
      'Backordered',
    ]);
    expect(rows[1]?.data).toEqual({
      orderId: 'outbox-o1',
      sku: 'OUTBOX',
      quantity: 2,
      batchReference: 'outbox-1',
    });
    // The last three came from one transaction, the first two from one each.
    expect(new Set(rows.map((row) => row.xid)).size).toBe(3);
    expect(rows[2]?.xid).toBe(rows[4]?.xid);
  });

  it('leaves no outbox row behind when the unit rolls back', async () => {
    const before = await outboxOf('OUTBOX-ROLLBACK');
    await unitOfWork.run(async (context) => {
      must(await createBatch(createBatchCommand('ob-rb', 'OUTBOX-ROLLBACK', 1), context));
      return E.left(unknownSku('OUTBOX-ROLLBACK'));
    });
    await expect(
      unitOfWork.run(async (context) => {
        must(await createBatch(createBatchCommand('ob-th', 'OUTBOX-ROLLBACK', 1), context));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await outboxOf('OUTBOX-ROLLBACK')).toEqual(before);
    expect(before).toEqual([]);
  });

  it('commits OutOfStock when a direct allocation is refused for lack of stock', async () => {
    must(await bus.handle(createBatchCommand('oos-1', 'OOS', 1)));
    const refused = await bus.handle(allocateCommand('oos-o1', 'OOS', 5));
    expect(refused).toEqual(E.left(expect.objectContaining({ _tag: 'OutOfStock' })));
    expect((await outboxOf('OOS')).map((row) => [row.type, row.data])).toEqual([
      ['BatchCreated', expect.anything()],
      ['OutOfStock', { orderId: 'oos-o1', sku: 'OOS', quantity: 5 }],
    ]);
    expect(await allocatedIn('oos-1')).toBe(0);
  });

  it('retries the loser when two units of work both read version N and both allocate', async () => {
    // Without the row lock on load, so that both really can read the same version.
    const optimistic = new PrismaUnitOfWork(
      prisma,
      prismaAllocationTransaction({ lockOnRead: false }),
    );
    must(await bus.handle(createBatchCommand('race-1', 'RACE', 10)));
    const bothLoaded = barrier(2);
    const attempts = { first: 0, second: 0 };
    const seenVersions: number[] = [];

    const allocateAfterBothRead = (who: 'first' | 'second', orderId: string) =>
      optimistic.run(async (context): Promise<E.Either<AllocationError, AllocationResult>> => {
        attempts[who] += 1;
        const product = O.toNullable(await context.products.get(must(Sku('RACE')))) as Product;
        seenVersions.push(product.version);
        // Only the first attempts are forced to interleave; a retry runs freely.
        if (attempts[who] === 1) await bothLoaded();
        const line = allocateCommand(orderId, 'RACE', 3);
        const decided = allocate(product, line, O.none);
        if (E.isLeft(decided)) return decided;
        return persist(context, decided.right);
      });

    const [first, second] = await Promise.all([
      allocateAfterBothRead('first', 'race-order-1'),
      allocateAfterBothRead('second', 'race-order-2'),
    ]);

    expect(E.isRight(first) && E.isRight(second)).toBe(true);
    // Both read the same version; exactly one of them had to run again, and then saw the other's
    // allocation in a newer version.
    expect(seenVersions.slice(0, 2)).toEqual([1, 1]);
    expect(attempts.first + attempts.second).toBe(3);
    expect(seenVersions[2]).toBe(2);
    expect(await allocatedIn('race-1')).toBe(6);
    const product = O.toNullable(
      await new PrismaProductRepository(prisma.client).get(must(Sku('RACE'))),
    );
    expect(product?.version).toBe(3);
  });

  it('gives up with a clear "try again" error after the last retry', async () => {
    must(await bus.handle(createBatchCommand('give-up-1', 'GIVE-UP', 10)));
    const impatient = new PrismaUnitOfWork(
      prisma,
      prismaAllocationTransaction({ lockOnRead: false }),
      { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    );
    const bothLoaded = barrier(2);
    const run = (orderId: string) =>
      impatient.run(async (context): Promise<E.Either<AllocationError, AllocationResult>> => {
        const product = O.toNullable(await context.products.get(must(Sku('GIVE-UP')))) as Product;
        await bothLoaded();
        const decided = allocate(product, allocateCommand(orderId, 'GIVE-UP', 1), O.none);
        if (E.isLeft(decided)) return decided;
        return persist(context, decided.right);
      });
    const results = await Promise.all([run('give-up-a'), run('give-up-b')]);
    const failures = results.filter(E.isLeft).map((r) => r.left);
    expect(failures).toEqual([
      expect.objectContaining({
        _tag: 'RetriesExhausted',
        message: expect.stringMatching(/Try again/),
      }),
    ]);
    expect(await allocatedIn('give-up-1')).toBe(1);
  });

  it('queues writers of one product on its row lock, so none has to retry', async () => {
    must(await bus.handle(createBatchCommand('queue-1', 'QUEUE', 10)));
    const attempts: string[] = [];
    const run = (orderId: string) =>
      unitOfWork.run(async (context): Promise<E.Either<AllocationError, AllocationResult>> => {
        attempts.push(orderId);
        const product = O.toNullable(await context.products.get(must(Sku('QUEUE')))) as Product;
        const decided = allocate(product, allocateCommand(orderId, 'QUEUE', 1), O.none);
        if (E.isLeft(decided)) return decided;
        return persist(context, decided.right);
      });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => run(`queue-${i}`)));
    expect(results.every(E.isRight)).toBe(true);
    expect(attempts).toHaveLength(8);
    expect(await allocatedIn('queue-1')).toBe(8);
  });

  it('lets exactly 20 of 50 concurrent one-unit allocations into a batch of 20', async () => {
    must(await bus.handle(createBatchCommand('crowd-1', 'CROWD', 20)));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        bus.handle(allocateCommand(`crowd-order-${i}`, 'CROWD', 1)),
      ),
    );
    const outcomes = results.map((r) => (E.isRight(r) ? 'allocated' : r.left._tag));
    expect(outcomes.filter((o) => o === 'allocated')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'OutOfStock')).toHaveLength(30);
    expect(await allocatedIn('crowd-1')).toBe(20);
    expect(await count('allocations', 'CROWD')).toBe(20);
  });
});

describe('commands that run without a transaction (a statement unit of work)', () => {
  const statementBus = (onFlush: () => Promise<void> = async () => undefined) => {
    const contextFor = statementAllocationTransaction(prisma, { holds: new ProductLocks() });
    let retries = 0;
    const unit = new StatementUnitOfWork(
      () => {
        const context = contextFor();
        const flush = context.flush.bind(context);
        return Object.assign(context, {
          flush: async () => {
            await onFlush();
            await flush();
          },
        });
      },
      { onRetry: () => (retries += 1) },
    );
    return { bus: allocationBus(unitOfWork, unit), retries: () => retries };
  };

  it('allocate, deallocate and change a quantity, each written with its events in one statement', async () => {
    must(await bus.handle(createBatchCommand('plain-b', 'PLAIN', 10)));
    const { bus: plain } = statementBus();
    must(await plain.handle(allocateCommand('plain-o1', 'PLAIN', 4)));
    must(await plain.handle(allocateCommand('plain-o2', 'PLAIN', 3)));
    // Shrinking to 5 pushes out the newest line (3): no other batch, so it waits.
    must(await plain.handle(changeQuantityCommand('plain-b', 5)));
    expect(await count('backorders', 'PLAIN')).toBe(1);
    // Deallocating the other frees 4: the waiting line is served in the same write.
    must(await plain.handle({ _tag: 'Deallocate', orderId: must(OrderId('plain-o1')) }));
    expect(await allocatedIn('plain-b')).toBe(3);
    expect(await count('allocations', 'PLAIN')).toBe(1);
    expect(await count('backorders', 'PLAIN')).toBe(0);
    expect((await outboxOf('PLAIN')).map((row) => row.type)).toEqual([
      'BatchCreated',
      'Allocated',
      'Allocated',
      'BatchQuantityChanged',
      'Deallocated',
      'OutOfStock',
      'Backordered',
      'Deallocated',
      'Allocated',
    ]);
  });

  it('deallocates an order from each of its products at once, serving what waits on them', async () => {
    must(await bus.handle(createBatchCommand('two-a', 'TWO-A', 5)));
    must(await bus.handle(createBatchCommand('two-b', 'TWO-B', 5)));
    const { bus: plain } = statementBus();
    must(await plain.handle(allocateCommand('two-o1', 'TWO-A', 2)));
    must(await plain.handle(allocateCommand('two-o1', 'TWO-B', 5)));
    // No stock left on TWO-B: this placed line waits.
    must(await plain.handle(placedLineCommand('two-o2', 'TWO-B', 3)));
    must(await plain.handle({ _tag: 'Deallocate', orderId: must(OrderId('two-o1')) }));
    expect(await allocatedIn('two-a')).toBe(0);
    expect(await allocatedIn('two-b')).toBe(3);
    expect(await count('backorders', 'TWO-B')).toBe(0);
    expect((await outboxOf('TWO-B')).map((row) => row.type).slice(-2)).toEqual([
      'Deallocated',
      'Allocated',
    ]);
  });

  it('decides again on fresh reads when another writer changed the product before its write', async () => {
    must(await bus.handle(createBatchCommand('plain-race-b', 'PLAIN-RACE', 5)));
    let interfered = false;
    const { bus: plain, retries } = statementBus(async () => {
      if (interfered) return;
      interfered = true;
      must(await bus.handle(allocateCommand('plain-race-other', 'PLAIN-RACE', 4)));
    });
    const result = await plain.handle(allocateCommand('plain-race-o', 'PLAIN-RACE', 2));
    // Decided again after the other's 4: only 1 unit is left, so it is refused.
    expect(E.isLeft(result) && result.left._tag).toBe('OutOfStock');
    expect(retries()).toBe(1);
    expect(await allocatedIn('plain-race-b')).toBe(4);
  });

  it('run in a transaction after a lost claim: two processes racing on one SKU lose no line', async () => {
    must(await bus.handle(createBatchCommand('plain-two-b', 'PLAIN-TWO', 15)));
    // Two processes: each its own holds, so only PostgreSQL keeps them apart.
    const processes = [
      prismaAllocationBus(prisma, { statements: true }),
      prismaAllocationBus(prisma, { statements: true }),
    ];
    const outcomes = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        processes[i % 2]?.handle(allocateCommand(`plain-two-${i}`, 'PLAIN-TWO', 1)),
      ),
    );
    const tags = outcomes.map((o) => (o === undefined || E.isRight(o) ? 'ok' : o.left._tag));
    expect(tags.filter((tag) => tag === 'ok')).toHaveLength(15);
    expect(tags.filter((tag) => tag !== 'ok')).toEqual(Array(9).fill('OutOfStock'));
    expect(await allocatedIn('plain-two-b')).toBe(15);
    expect(await count('allocations', 'PLAIN-TWO')).toBe(15);
  });

  it('keep nothing of a preview', async () => {
    must(await bus.handle(createBatchCommand('plain-preview-b', 'PLAIN-PREVIEW', 10)));
    must(await bus.handle(allocateCommand('plain-preview-o', 'PLAIN-PREVIEW', 8)));
    const { bus: plain } = statementBus();
    const preview = await plain.preview(changeQuantityCommand('plain-preview-b', 5));
    expect(E.isRight(preview)).toBe(true);
    expect(await allocatedIn('plain-preview-b')).toBe(8);
    expect((await outboxOf('PLAIN-PREVIEW')).map((row) => row.type)).toEqual([
      'BatchCreated',
      'Allocated',
    ]);
  });
});

describe("a unit of work and this process's holds on products", () => {
  it('holds each product it loads until its transaction ends, committed or rolled back', async () => {
    must(await bus.handle(createBatchCommand('holds-b', 'HOLDS', 10)));
    const locks = new ProductLocks();
    const holding = new PrismaUnitOfWork(prisma, prismaAllocationTransaction({ holds: locks }));
    const seenInside: boolean[] = [];
    for (const outcome of [E.right('commit'), E.left('roll back')]) {
      await holding.run(async (context) => {
        await context.products.load([{ sku: must(Sku('HOLDS')) }]);
        seenInside.push(locks.isFree('HOLDS'));
        return outcome;
      });
      expect(locks.isFree('HOLDS')).toBe(true);
    }
    expect(seenInside).toEqual([false, false]);
  });

  it('waits for a product the group commit holds, then goes on', async () => {
    const locks = new ProductLocks();
    const holding = allocationBus(
      new PrismaUnitOfWork(prisma, prismaAllocationTransaction({ holds: locks })),
    );
    locks.take(['HOLDS']);
    const acquire = locks.acquire.bind(locks);
    const asked = new Promise<void>((resolve) => {
      locks.acquire = (...args) => {
        resolve();
        return acquire(...args);
      };
    });
    let answered = false;
    const change = holding.handle(changeQuantityCommand('holds-b', 8)).then((result) => {
      answered = true;
      return result;
    });
    // The unit of work asked for the product and waits in this process, not in PostgreSQL.
    await asked;
    expect(answered).toBe(false);
    locks.release(['HOLDS']);
    expect(E.isRight(await change)).toBe(true);
    expect(locks.isFree('HOLDS')).toBe(true);
  });
});

describe('backorders under concurrent transactions', () => {
  const rowsOf = async <T>(query: string, sku: string) =>
    prisma.client.$queryRawUnsafe<T[]>(query, sku);

  it('loses no line and leaves nothing waiting that the free stock would fit', async () => {
    const SKU = 'RACE-BO';
    must(await bus.handle(createBatchCommand('race-bo-1', SKU, 10)));
    // 60 placed lines race 4 arriving batches, 3 resizes and 5 cancellations.
    const lines = Array.from({ length: 60 }, (_, i) => ({
      orderId: `rb-${i}`,
      quantity: 1 + (i % 3),
    }));
    const work: Array<() => Promise<unknown>> = lines.map(
      (line) => () => bus.handle(placedLineCommand(line.orderId, SKU, line.quantity)),
    );
    for (let i = 0; i < 4; i++) {
      work.splice(10 + i * 12, 0, () => bus.handle(createBatchCommand(`race-bo-n${i}`, SKU, 7)));
    }
    for (const [at, quantity] of [
      [5, 4],
      [25, 12],
      [45, 2],
    ] as const) {
      work.splice(at, 0, () => bus.handle(changeQuantityCommand('race-bo-1', quantity)));
    }
    const cancelled = ['rb-3', 'rb-17', 'rb-30', 'rb-41', 'rb-58'];
    for (const [i, orderId] of cancelled.entries()) {
      work.splice(20 + i * 9, 0, () =>
        bus.handle({ _tag: 'Deallocate', orderId: must(OrderId(orderId)) }),
      );
    }
    const results = await Promise.all(work.map((run) => run()));
    // Every change committed (some cancellations may find nothing yet: that is a 404, not a loss).
    expect(
      results
        .filter((r) => E.isLeft(r as E.Either<{ _tag: string }, unknown>))
        .map((r) => (r as E.Left<{ _tag: string }>).left._tag)
        .filter((tag) => tag !== 'OrderNotAllocated'),
    ).toEqual([]);

    const batches = await rowsOf<{
      reference: string;
      purchased: number;
      allocated: number;
      held: number;
    }>(
      `SELECT b.reference, b.purchased_quantity::int AS purchased, b.allocated_quantity::int AS allocated,
              coalesce((SELECT sum(a.quantity) FROM allocations a WHERE a.batch_reference = b.reference), 0)::int AS held
         FROM batches b WHERE b.sku = $1`,
      SKU,
    );
    for (const batch of batches) {
      expect(batch.allocated).toBe(batch.held);
      expect(batch.allocated).toBeLessThanOrEqual(batch.purchased);
    }
    const allocated = new Map(
      (
        await rowsOf<{ order_id: string; quantity: number }>(
          'SELECT order_id, sum(quantity)::int AS quantity FROM allocations WHERE sku = $1 GROUP BY order_id',
          SKU,
        )
      ).map((r) => [r.order_id, r.quantity]),
    );
    const waiting = await rowsOf<{ order_id: string; quantity: number; position: number }>(
      'SELECT order_id, quantity::int AS quantity, position FROM backorders WHERE sku = $1 ORDER BY position',
      SKU,
    );
    for (const line of lines) {
      const where = [
        allocated.get(line.orderId),
        waiting.find((w) => w.order_id === line.orderId)?.quantity,
      ];
      const cancelledLine = cancelled.includes(line.orderId);
      // A cancellation that ran before its line arrived found nothing; the line then stands.
      if (cancelledLine && where.every((q) => q === undefined)) continue;
      expect(where.filter((q) => q !== undefined)).toEqual([line.quantity]);
    }
    const largestFree = Math.max(0, ...batches.map((b) => b.purchased - b.allocated));
    for (const w of waiting) expect(w.quantity).toBeGreaterThan(largestFree);
    expect(waiting.map((w) => w.position)).toEqual(waiting.map((_, i) => i + 1));
  });

  it('serves a split backorder from an old batch and the one just added, in one commit', async () => {
    const SKU = 'SPLIT-BO';
    must(await bus.handle(createBatchCommand('split-bo-1', SKU, 3)));
    must(
      await bus.handle(
        must(
          allocateCommandWith({
            orderId: 'sb-1',
            sku: SKU,
            quantity: 5,
            allowSplit: true,
            backorder: true,
          }),
        ),
      ),
    );
    const arrived = must(await bus.handle(createBatchCommand('split-bo-2', SKU, 4)));
    expect(arrived.events.map((e) => e._tag)).toEqual(['BatchCreated', 'Allocated', 'Allocated']);
    expect(await allocatedIn('split-bo-1')).toBe(3);
    expect(await allocatedIn('split-bo-2')).toBe(2);
    expect(await count('backorders', SKU)).toBe(0);
    expect(await count('allocations', SKU)).toBe(2);
  });
});
