import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { BatchReference, OrderId, Sku } from '@allocation/allocation-domain';
import { PrismaService } from '../../infrastructure/database/prisma.service';
import {
  allocateCommand,
  changeQuantityCommand,
  createBatchCommand,
  must,
} from '../../testing/commands';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { PrismaAllocationsView } from '../infrastructure/prisma-allocations.view';
import { PrismaProductRepository } from '../infrastructure/prisma-product.repository';
import { PrismaUnitOfWork } from '../infrastructure/prisma-unit-of-work';
import { MessageBus } from './message-bus';

let database: TestDatabase;
let prisma: PrismaService;
let bus: MessageBus;
let view: PrismaAllocationsView;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({ url: database.url, poolSize: 4 });
  bus = new MessageBus(new PrismaUnitOfWork(prisma));
  view = new PrismaAllocationsView(prisma.client);
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

const repository = () => new PrismaProductRepository(prisma.client);
const batchesOf = async (sku: string) =>
  O.toNullable(await repository().get(must(Sku(sku))))?.batches.map((b) => ({
    reference: b.reference,
    allocated: b.allocatedQuantity,
  }));

describe('the message bus', () => {
  it('refuses a batch reference used by another product', async () => {
    must(await bus.handle(createBatchCommand('shared-ref', 'SKU-A', 5)));
    const result = await bus.handle(createBatchCommand('shared-ref', 'SKU-B', 5));
    expect(result).toEqual(E.left(expect.objectContaining({ _tag: 'DuplicateBatchReference' })));
    expect(await repository().get(must(Sku('SKU-B')))).toEqual(O.none);
  });

  it('allocates and keeps the read model in step', async () => {
    must(await bus.handle(createBatchCommand('view-1', 'VIEWED', 10)));
    must(await bus.handle(allocateCommand('view-order', 'VIEWED', 4)));
    expect(await view.forOrder('view-order')).toEqual([
      { orderId: 'view-order', sku: 'VIEWED', batchReference: 'view-1', quantity: 4 },
    ]);
  });

  it('answers an identical repeat with the existing allocation and changes nothing', async () => {
    must(await bus.handle(createBatchCommand('repeat-1', 'REPEAT', 10)));
    const first = must(await bus.handle(allocateCommand('repeat-order', 'REPEAT', 4)));
    const again = must(await bus.handle(allocateCommand('repeat-order', 'REPEAT', 4)));
    expect(again.value).toEqual({ line: first.value.line, created: false });
    expect(again.events).toEqual([]);
    expect(await batchesOf('REPEAT')).toEqual([{ reference: 'repeat-1', allocated: 4 }]);
  });

  it('reallocates if necessary when a batch shrinks', async () => {
    must(await bus.handle(createBatchCommand('shrink-now', 'SHRINK', 10)));
    must(await bus.handle(createBatchCommand('shrink-later', 'SHRINK', 10, '2027-02-01')));
    must(await bus.handle(allocateCommand('shrink-o1', 'SHRINK', 3)));
    must(await bus.handle(allocateCommand('shrink-o2', 'SHRINK', 3)));
    must(await bus.handle(allocateCommand('shrink-o3', 'SHRINK', 3)));

    const changed = must(await bus.handle(changeQuantityCommand('shrink-now', 5)));

    expect(changed.events.map((e) => e._tag)).toEqual([
      'BatchQuantityChanged',
      'Deallocated',
      'Deallocated',
      'Allocated',
      'Allocated',
    ]);
    expect(await batchesOf('SHRINK')).toEqual([
      { reference: 'shrink-now', allocated: 3 },
      { reference: 'shrink-later', allocated: 6 },
    ]);
    expect(await view.forOrder('shrink-o3')).toEqual([
      { orderId: 'shrink-o3', sku: 'SHRINK', batchReference: 'shrink-later', quantity: 3 },
    ]);
  });

  it('records OutOfStock for a line that no batch can take back', async () => {
    must(await bus.handle(createBatchCommand('only-1', 'ONLY', 5)));
    must(await bus.handle(allocateCommand('only-o1', 'ONLY', 5)));
    const changed = must(await bus.handle(changeQuantityCommand('only-1', 2)));
    expect(changed.events.map((e) => e._tag)).toEqual([
      'BatchQuantityChanged',
      'Deallocated',
      'OutOfStock',
    ]);
    expect(await view.forOrder('only-o1')).toEqual([]);
  });

  it('moves the lines of a removed batch to the remaining ones', async () => {
    must(await bus.handle(createBatchCommand('gone-1', 'GONE', 10)));
    must(await bus.handle(createBatchCommand('stays-1', 'GONE', 10, '2027-03-01')));
    must(await bus.handle(allocateCommand('gone-o1', 'GONE', 4)));
    must(await bus.handle({ _tag: 'RemoveBatch', reference: must(BatchReference('gone-1')) }));
    expect(await batchesOf('GONE')).toEqual([{ reference: 'stays-1', allocated: 4 }]);
    expect(await view.forOrder('gone-o1')).toEqual([
      { orderId: 'gone-o1', sku: 'GONE', batchReference: 'stays-1', quantity: 4 },
    ]);
  });

  it('deallocates a whole order across products, or from one batch', async () => {
    must(await bus.handle(createBatchCommand('multi-a', 'MULTI-A', 10)));
    must(await bus.handle(createBatchCommand('multi-b1', 'MULTI-B', 2)));
    must(await bus.handle(createBatchCommand('multi-b2', 'MULTI-B', 5)));
    must(await bus.handle(allocateCommand('multi-order', 'MULTI-A', 1)));
    must(await bus.handle(allocateCommand('multi-order', 'MULTI-B', 6, true)));

    const orderId = must(OrderId('multi-order'));
    must(
      await bus.handle({
        _tag: 'Deallocate',
        orderId,
        batchReference: must(BatchReference('multi-b2')),
      }),
    );
    expect((await view.forOrder('multi-order')).map((r) => r.batchReference)).toEqual([
      'multi-a',
      'multi-b1',
    ]);
    must(await bus.handle({ _tag: 'Deallocate', orderId }));
    expect(await view.forOrder('multi-order')).toEqual([]);
    expect(await bus.handle({ _tag: 'Deallocate', orderId })).toEqual(
      E.left(expect.objectContaining({ _tag: 'OrderNotAllocated' })),
    );
  });

  it('finds the newest lines of a big batch page by page', async () => {
    must(await bus.handle(createBatchCommand('big-1', 'BIG', 1000)));
    for (let i = 0; i < 450; i++) {
      must(await bus.handle(allocateCommand(`big-o${i}`, 'BIG', 2)));
    }
    const newest = await repository().newestLinesOf(must(BatchReference('big-1')), 601);
    expect(newest).toHaveLength(301);
    expect(newest[0]?.orderId).toBe('big-o449');
    expect(newest[300]?.orderId).toBe('big-o149');
  });
});
