import * as E from 'fp-ts/Either';
import { BatchReference, OrderId } from '@allocation/allocation-domain';
import {
  allocateCommand,
  changeQuantityCommand,
  createBatchCommand,
  must,
  placedLineCommand,
} from '../testing/commands';
import { allocationBus } from '../allocation.module';
import { InMemoryUnitOfWork } from '../testing/in-memory-unit-of-work';
import { AllocationBatcher } from './allocation-batcher';
import type { AllocationBus } from './allocation-bus';

// The application rules on the in-memory unit of work: handlers, event handlers and the bus,
// without a database. What only PostgreSQL can show is in the infrastructure specs.
let unitOfWork: InMemoryUnitOfWork;
let bus: AllocationBus;

beforeEach(() => {
  unitOfWork = new InMemoryUnitOfWork();
  bus = allocationBus(unitOfWork);
});

const batchesOf = (sku: string) =>
  unitOfWork.product(sku)?.batches.map((b) => ({
    reference: b.reference,
    allocated: b.allocatedQuantity,
  }));

const tagsOf = (events: ReadonlyArray<{ _tag: string }>) => events.map((e) => e._tag);

describe('adding batches', () => {
  it('starts a product with its first batch', async () => {
    must(await bus.handle(createBatchCommand('b1', 'LAMP', 10)));
    expect(unitOfWork.product('LAMP')?.version).toBe(1);
    expect(batchesOf('LAMP')).toEqual([{ reference: 'b1', allocated: 0 }]);
  });

  it('refuses a batch reference used by another product, and writes nothing', async () => {
    must(await bus.handle(createBatchCommand('shared-ref', 'SKU-A', 5)));
    const result = await bus.handle(createBatchCommand('shared-ref', 'SKU-B', 5));
    expect(result).toEqual(E.left(expect.objectContaining({ _tag: 'DuplicateBatchReference' })));
    expect(unitOfWork.product('SKU-B')).toBeUndefined();
    expect(unitOfWork.commits).toBe(1);
  });
});

describe('allocating', () => {
  it('allocates and keeps the read model in step', async () => {
    must(await bus.handle(createBatchCommand('view-1', 'VIEWED', 10)));
    must(await bus.handle(allocateCommand('view-order', 'VIEWED', 4)));
    expect(unitOfWork.viewOf('view-order')).toEqual([
      { orderId: 'view-order', sku: 'VIEWED', batchReference: 'view-1', quantity: 4 },
    ]);
  });

  it('prefers warehouse stock to shipments', async () => {
    must(await bus.handle(createBatchCommand('shipment', 'CLOCK', 10, '2027-01-01')));
    must(await bus.handle(createBatchCommand('warehouse', 'CLOCK', 10)));
    must(await bus.handle(allocateCommand('o1', 'CLOCK', 3)));
    expect(unitOfWork.viewOf('o1').map((r) => r.batchReference)).toEqual(['warehouse']);
  });

  it('refuses an unknown sku with the reference service message', async () => {
    expect(await bus.handle(allocateCommand('o1', 'NOWHERE', 1))).toEqual(
      E.left(expect.objectContaining({ _tag: 'UnknownSku', message: 'Invalid sku NOWHERE' })),
    );
  });

  it('answers an identical repeat with the existing allocation and changes nothing', async () => {
    must(await bus.handle(createBatchCommand('repeat-1', 'REPEAT', 10)));
    const first = must(await bus.handle(allocateCommand('repeat-order', 'REPEAT', 4)));
    const again = must(await bus.handle(allocateCommand('repeat-order', 'REPEAT', 4)));
    expect(again.value).toEqual({ ...first.value, created: false });
    expect(again.events).toEqual([]);
    expect(batchesOf('REPEAT')).toEqual([{ reference: 'repeat-1', allocated: 4 }]);
  });

  it('refuses the same line with another quantity', async () => {
    must(await bus.handle(createBatchCommand('b1', 'DESK', 10)));
    must(await bus.handle(allocateCommand('o1', 'DESK', 4)));
    expect(await bus.handle(allocateCommand('o1', 'DESK', 5))).toEqual(
      E.left(expect.objectContaining({ _tag: 'LineAlreadyAllocated' })),
    );
    expect(batchesOf('DESK')).toEqual([{ reference: 'b1', allocated: 4 }]);
  });

  it('refuses a line that nothing can take, changes no stock, but records OutOfStock', async () => {
    must(await bus.handle(createBatchCommand('small', 'SOFA', 2)));
    const before = unitOfWork.product('SOFA');
    expect(await bus.handle(allocateCommand('o1', 'SOFA', 3))).toEqual(
      E.left(expect.objectContaining({ _tag: 'OutOfStock', message: 'Out of stock for sku SOFA' })),
    );
    expect(unitOfWork.product('SOFA')).toEqual(before);
    expect(unitOfWork.viewOf('o1')).toEqual([]);
    expect(unitOfWork.outbox.at(-1)).toEqual({
      _tag: 'OutOfStock',
      orderId: 'o1',
      sku: 'SOFA',
      quantity: 3,
    });
  });

  it('records nothing for other refusals', async () => {
    must(await bus.handle(createBatchCommand('b1', 'LAMP', 5)));
    const recorded = unitOfWork.outbox.length;
    expect(E.isLeft(await bus.handle(allocateCommand('o1', 'NOPE', 1)))).toBe(true);
    must(await bus.handle(allocateCommand('o2', 'LAMP', 1)));
    expect(E.isLeft(await bus.handle(allocateCommand('o2', 'LAMP', 2)))).toBe(true);
    expect(tagsOf(unitOfWork.outbox.slice(recorded))).toEqual(['Allocated']);
  });

  it('splits a line over batches only when allowed', async () => {
    must(await bus.handle(createBatchCommand('s1', 'SPLIT', 3)));
    must(await bus.handle(createBatchCommand('s2', 'SPLIT', 3, '2027-01-01')));
    expect(E.isLeft(await bus.handle(allocateCommand('o1', 'SPLIT', 5)))).toBe(true);
    must(await bus.handle(allocateCommand('o1', 'SPLIT', 5, true)));
    expect(unitOfWork.viewOf('o1').map((r) => [r.batchReference, r.quantity])).toEqual([
      ['s1', 3],
      ['s2', 2],
    ]);
  });
});

describe('changing and removing batches', () => {
  it('reallocates if necessary when a batch shrinks', async () => {
    must(await bus.handle(createBatchCommand('shrink-now', 'SHRINK', 10)));
    must(await bus.handle(createBatchCommand('shrink-later', 'SHRINK', 10, '2027-02-01')));
    must(await bus.handle(allocateCommand('shrink-o1', 'SHRINK', 3)));
    must(await bus.handle(allocateCommand('shrink-o2', 'SHRINK', 3)));
    must(await bus.handle(allocateCommand('shrink-o3', 'SHRINK', 3)));

    const changed = must(await bus.handle(changeQuantityCommand('shrink-now', 5)));

    expect(tagsOf(changed.events)).toEqual([
      'BatchQuantityChanged',
      'Deallocated',
      'Deallocated',
      'Allocated',
      'Allocated',
    ]);
    expect(batchesOf('SHRINK')).toEqual([
      { reference: 'shrink-now', allocated: 3 },
      { reference: 'shrink-later', allocated: 6 },
    ]);
    expect(unitOfWork.viewOf('shrink-o3')).toEqual([
      { orderId: 'shrink-o3', sku: 'SHRINK', batchReference: 'shrink-later', quantity: 3 },
    ]);
  });

  it('backorders a line that no batch can take back', async () => {
    must(await bus.handle(createBatchCommand('only-1', 'ONLY', 5)));
    must(await bus.handle(allocateCommand('only-o1', 'ONLY', 5)));
    const changed = must(await bus.handle(changeQuantityCommand('only-1', 2)));
    expect(tagsOf(changed.events)).toEqual([
      'BatchQuantityChanged',
      'Deallocated',
      'OutOfStock',
      'Backordered',
    ]);
    expect(unitOfWork.viewOf('only-o1')).toEqual([]);
    expect(unitOfWork.product('ONLY')?.backorders.map((b) => b.orderId)).toEqual(['only-o1']);
  });

  it('moves the lines of a removed batch to the remaining ones', async () => {
    must(await bus.handle(createBatchCommand('gone-1', 'GONE', 10)));
    must(await bus.handle(createBatchCommand('stays-1', 'GONE', 10, '2027-03-01')));
    must(await bus.handle(allocateCommand('gone-o1', 'GONE', 4)));
    must(await bus.handle({ _tag: 'RemoveBatch', reference: must(BatchReference('gone-1')) }));
    expect(batchesOf('GONE')).toEqual([{ reference: 'stays-1', allocated: 4 }]);
    expect(unitOfWork.viewOf('gone-o1')).toEqual([
      { orderId: 'gone-o1', sku: 'GONE', batchReference: 'stays-1', quantity: 4 },
    ]);
  });

  it('answers BatchNotFound for a batch that does not exist', async () => {
    expect(await bus.handle(changeQuantityCommand('missing', 3))).toEqual(
      E.left(expect.objectContaining({ _tag: 'BatchNotFound' })),
    );
  });
});

describe('deallocating', () => {
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
    expect(unitOfWork.viewOf('multi-order').map((r) => r.batchReference)).toEqual([
      'multi-a',
      'multi-b1',
    ]);
    must(await bus.handle({ _tag: 'Deallocate', orderId }));
    expect(unitOfWork.viewOf('multi-order')).toEqual([]);
    expect(batchesOf('MULTI-B')).toEqual([
      { reference: 'multi-b1', allocated: 0 },
      { reference: 'multi-b2', allocated: 0 },
    ]);
    expect(await bus.handle({ _tag: 'Deallocate', orderId })).toEqual(
      E.left(expect.objectContaining({ _tag: 'OrderNotAllocated' })),
    );
  });

  it('does not reallocate a line deallocated on request', async () => {
    must(await bus.handle(createBatchCommand('req-1', 'REQ', 10)));
    must(await bus.handle(allocateCommand('req-o1', 'REQ', 2)));
    const done = must(await bus.handle({ _tag: 'Deallocate', orderId: must(OrderId('req-o1')) }));
    expect(tagsOf(done.events)).toEqual(['Deallocated']);
    expect(batchesOf('REQ')).toEqual([{ reference: 'req-1', allocated: 0 }]);
  });
});

describe('backorders', () => {
  it("keeps a placed order's line that finds no stock, and a repeat changes nothing", async () => {
    must(await bus.handle(createBatchCommand('bo-1', 'WAITS', 2)));
    const first = must(await bus.handle(placedLineCommand('bo-o1', 'WAITS', 5)));
    expect(first.value).toMatchObject({ outcome: 'backordered', created: true });
    expect(tagsOf(first.events)).toEqual(['OutOfStock', 'Backordered']);
    const again = must(await bus.handle(placedLineCommand('bo-o1', 'WAITS', 5)));
    expect(again.value).toMatchObject({ outcome: 'backordered', created: false });
    expect(again.events).toEqual([]);
    expect(unitOfWork.product('WAITS')?.backorders).toHaveLength(1);
  });

  it('serves them when stock arrives, and the read model follows', async () => {
    must(await bus.handle(createBatchCommand('bo-2', 'ARRIVES', 1)));
    must(await bus.handle(placedLineCommand('bo-o2', 'ARRIVES', 3)));
    must(await bus.handle(placedLineCommand('bo-o3', 'ARRIVES', 2)));
    const arrived = must(await bus.handle(createBatchCommand('bo-3', 'ARRIVES', 4)));
    expect(tagsOf(arrived.events)).toEqual(['BatchCreated', 'Allocated']);
    expect(unitOfWork.viewOf('bo-o2')).toEqual([
      { orderId: 'bo-o2', sku: 'ARRIVES', batchReference: 'bo-3', quantity: 3 },
    ]);
    expect(unitOfWork.product('ARRIVES')?.backorders.map((b) => b.orderId)).toEqual(['bo-o3']);
    // Freed stock serves the next one.
    must(await bus.handle({ _tag: 'Deallocate', orderId: must(OrderId('bo-o2')) }));
    expect(unitOfWork.viewOf('bo-o3')).toEqual([
      { orderId: 'bo-o3', sku: 'ARRIVES', batchReference: 'bo-3', quantity: 2 },
    ]);
  });

  it('deallocating an order drops its backorders as well as its allocations', async () => {
    must(await bus.handle(createBatchCommand('bo-4', 'MIXED-A', 5)));
    must(await bus.handle(createBatchCommand('bo-5', 'MIXED-B', 1)));
    must(await bus.handle(placedLineCommand('bo-o4', 'MIXED-A', 2)));
    must(await bus.handle(placedLineCommand('bo-o4', 'MIXED-B', 3)));
    const dropped = must(await bus.handle({ _tag: 'Deallocate', orderId: must(OrderId('bo-o4')) }));
    expect(tagsOf(dropped.events)).toEqual(['Deallocated', 'BackorderCancelled']);
    expect(unitOfWork.product('MIXED-B')?.backorders).toEqual([]);
    expect(await bus.handle({ _tag: 'Deallocate', orderId: must(OrderId('bo-o4')) })).toEqual(
      E.left(expect.objectContaining({ _tag: 'OrderNotAllocated' })),
    );
  });
});

describe('allocations batched together', () => {
  it('answer each caller as the bus would, and commit what the bus would', async () => {
    must(await bus.handle(createBatchCommand('gc-1', 'GROUP', 5)));
    const batcher = new AllocationBatcher(unitOfWork.batchStore(), bus);
    const outcomes = await Promise.all(
      [
        allocateCommand('gc-o1', 'GROUP', 3),
        allocateCommand('gc-o1', 'GROUP', 3),
        allocateCommand('gc-o2', 'GROUP', 3),
        allocateCommand('gc-o3', 'GROUP', 2),
        allocateCommand('gc-o4', 'NOWHERE', 1),
      ].map((command) => batcher.submit(command)),
    );
    expect(outcomes.map((o) => (E.isRight(o) ? o.right.value.created : o.left._tag))).toEqual([
      true,
      false,
      'OutOfStock',
      true,
      'UnknownSku',
    ]);
    expect(batcher.stats).toMatchObject({ batches: 1, commands: 5, fallbacks: 0 });
    expect(batchesOf('GROUP')).toEqual([{ reference: 'gc-1', allocated: 5 }]);
    expect(unitOfWork.product('GROUP')?.version).toBe(3);
    expect(unitOfWork.viewOf('gc-o3')).toHaveLength(1);
    expect(tagsOf(unitOfWork.outbox.slice(-3))).toEqual(['Allocated', 'OutOfStock', 'Allocated']);
  });
});
