import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  addBatch,
  allocate,
  BatchReference,
  emptyProduct,
  Eta,
  OrderId,
  Quantity,
  Sku,
  type Product,
} from '@allocation/allocation-domain';
import { PrismaService } from '@allocation/platform';
import { allocateCommand, createBatchCommand, removeBatchCommand } from '../testing/commands';
import { seedAllocatedLines } from '../testing/seed';
import { createTestDatabase, type TestDatabase } from '@allocation/platform/testing';
import { prismaAllocationBus } from '../testing/prisma-allocation-bus';
import { BatchDirectory } from './batch-directory';
import { PrismaProductRepository } from './prisma-product.repository';
import { lineChangesOf } from '../application/persist';

const must = <A>(either: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(either)) throw new Error(either.left.message);
  return either.right;
};

let database: TestDatabase;
let prisma: PrismaService;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({ url: database.url, poolSize: 4 });
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

const sku = (value: string) => must(Sku(value));

/** The lines a batch lets go to hold no more than `keeping` units. */
const linesReleased = async (reference: string, keeping: number) => {
  const found = await new PrismaProductRepository(prisma.client).batchToRelease(
    must(BatchReference(reference)),
    keeping,
  );
  if (O.isNone(found)) throw new Error(`no batch ${reference}`);
  return found.value.lines;
};

const productWithBatches = (skuValue: string, refs: Array<[string, number, string | null]>) =>
  refs.reduce<Product>(
    (product, [reference, quantity, eta]) =>
      must(
        addBatch(product, {
          reference: must(BatchReference(reference)),
          sku: sku(skuValue),
          quantity: must(Quantity(quantity)),
          eta: must(Eta(eta)),
        }),
      ).product,
    emptyProduct(sku(skuValue)),
  );

describe('PrismaProductRepository', () => {
  it('saves and loads a product with batches and allocations unchanged', async () => {
    const created = productWithBatches('ROUND-TRIP', [
      ['rt-1', 10, null],
      ['rt-2', 20, '2026-12-24'],
    ]);
    const allocated = must(
      allocate(
        created,
        { orderId: must(OrderId('order-1')), sku: sku('ROUND-TRIP'), quantity: must(Quantity(15)) },
        O.none,
        { allowSplit: true },
      ),
    );
    const writer = new PrismaProductRepository(prisma.client);
    must(await writer.save(allocated.product, lineChangesOf(allocated.events)));

    const reader = new PrismaProductRepository(prisma.client);
    expect(await reader.get(sku('ROUND-TRIP'))).toEqual(O.some(allocated.product));
    expect(allocated.value.outcome).toBe('allocated');
    const loaded = await reader.load([
      { sku: sku('ROUND-TRIP'), orderId: must(OrderId('order-1')) },
    ]);
    expect(loaded.get('ROUND-TRIP')?.lines.get('order-1')).toEqual(
      O.some(allocated.value.outcome === 'allocated' && allocated.value.line),
    );
  });

  it('saves and loads the backorders in the order they are served', async () => {
    const stocked = productWithBatches('QUEUED', [['q-1', 1, null]]);
    const writer = new PrismaProductRepository(prisma.client);
    must(await writer.save(stocked));
    const waiting = ['q-o2', 'q-o1', 'q-o3'].reduce<Product>((product, orderId, i) => {
      const line = {
        orderId: must(OrderId(orderId)),
        sku: sku('QUEUED'),
        quantity: must(Quantity(2 + i)),
      };
      const changed = must(
        allocate(product, line, O.none, { allowSplit: i === 1, backorder: true }),
      );
      return changed.product;
    }, stocked);
    must(await writer.save(waiting, lineChangesOf([])));
    const reader = new PrismaProductRepository(prisma.client);
    expect(await reader.get(sku('QUEUED'))).toEqual(O.some(waiting));
    expect(await reader.skusOfOrder(must(OrderId('q-o3')))).toEqual(['QUEUED']);
  });

  it('gets a product by one of its batch references', async () => {
    const product = productWithBatches('BY-REF', [['by-ref-1', 5, null]]);
    must(await new PrismaProductRepository(prisma.client).save(product));
    const found = await new PrismaProductRepository(prisma.client).getByBatchReference(
      must(BatchReference('by-ref-1')),
    );
    expect(found).toEqual(O.some(product));
  });

  it("finds the product holding a batch from the process's hint, and again when the batch has moved to another product", async () => {
    const batches = new BatchDirectory();
    const repository = () =>
      new PrismaProductRepository(prisma.client, { lockOnRead: false, batches });
    const bus = prismaAllocationBus(prisma);
    must(await bus.handle(createBatchCommand('moving', 'MOVE-A', 5)));
    const first = await repository().getByBatchReference(must(BatchReference('moving')));
    expect(O.map((p: Product) => p.sku)(first)).toEqual(O.some('MOVE-A'));
    expect(batches.skuOf('moving')).toBe('MOVE-A');

    must(await bus.handle(removeBatchCommand('moving')));
    expect(await repository().getByBatchReference(must(BatchReference('moving')))).toEqual(O.none);
    must(await bus.handle(createBatchCommand('moving', 'MOVE-B', 7)));
    batches.remember('moving', 'MOVE-A');
    const moved = await repository().batchToRelease(must(BatchReference('moving')), 0);
    expect(O.map((found: { product: Product }) => found.product.sku)(moved)).toEqual(
      O.some('MOVE-B'),
    );
    expect(batches.skuOf('moving')).toBe('MOVE-B');
  });

  it('refuses, as a value, a batch reference another product already uses', async () => {
    must(
      await new PrismaProductRepository(prisma.client).save(
        productWithBatches('FIRST-OWNER', [['contested', 5, null]]),
      ),
    );
    const second = await prisma.client.$transaction((tx) =>
      new PrismaProductRepository(tx).save(
        productWithBatches('SECOND-OWNER', [['contested', 5, null]]),
      ),
    );
    expect(second).toEqual(
      E.left(expect.objectContaining({ _tag: 'DuplicateBatchReference', reference: 'contested' })),
    );
  });

  it('finds nothing for an unknown sku or batch', async () => {
    const repository = new PrismaProductRepository(prisma.client);
    expect(await repository.get(sku('NOPE'))).toEqual(O.none);
    expect(await repository.getByBatchReference(must(BatchReference('nope')))).toEqual(O.none);
  });

  it('lets go of whole lines, newest first, each with its portions in other batches', async () => {
    const bus = prismaAllocationBus(prisma);
    must(await bus.handle(createBatchCommand('nl-1', 'NL', 4)));
    must(await bus.handle(createBatchCommand('nl-2', 'NL', 4, '2027-01-01')));
    must(await bus.handle(allocateCommand('nl-a', 'NL', 1)));
    // Five units fit no batch whole: the line is split over nl-1 (3) and nl-2 (2).
    must(await bus.handle(allocateCommand('nl-b', 'NL', 5, true)));
    // nl-1 holds 4 units; to keep 2 it lets go of the newest line.
    const newest = await linesReleased('nl-1', 2);
    expect(newest.map((line) => [line.orderId, line.portions])).toEqual([
      [
        'nl-b',
        [
          { batchReference: 'nl-1', quantity: 3 },
          { batchReference: 'nl-2', quantity: 2 },
        ],
      ],
    ]);
    const both = await linesReleased('nl-1', 0);
    expect(both.map((line) => line.orderId)).toEqual(['nl-b', 'nl-a']);
  });

  it('finds the newest lines of a big batch that cover the units asked for, newest first', async () => {
    must(await prismaAllocationBus(prisma).handle(createBatchCommand('big-1', 'BIG', 1000)));
    // 450 one-unit lines, oldest first.
    await seedAllocatedLines(prisma, { reference: 'big-1', sku: 'BIG' }, 450);
    // 450 units held; keeping 149 lets go of 301.
    const newest = await linesReleased('big-1', 149);
    expect(newest).toHaveLength(301);
    expect(newest[0]?.orderId).toBe('BIG-seed-450');
    expect(newest[300]?.orderId).toBe('BIG-seed-150');
    expect(await linesReleased('big-1', 450)).toEqual([]);
    expect(await linesReleased('big-1', 1_000)).toEqual([]);
    expect(await linesReleased('big-1', 0)).toHaveLength(450);
  });
});
