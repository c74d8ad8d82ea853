import type { FeedItem } from '@allocation/platform';
import { createBatchCommand, must } from '../testing/commands';
import { allocationBus } from '../allocation.module';
import { InMemoryUnitOfWork } from '../testing/in-memory-unit-of-work';
import { placedOrdersConsumer } from './placed-orders.consumer';

let id = 0;
const item = (type: string, data: Record<string, unknown>): FeedItem => {
  id += 1;
  return { id, type, data, occurredAt: '', position: { xid: '1', id } };
};

const placed = (orderId: string, lines: Array<[string, number]>) =>
  item('OrderPlaced', {
    orderId,
    customerId: 'c1',
    lines: lines.map(([sku, quantity]) => ({ sku, quantity })),
    total: { amountMinor: 0, currency: 'EUR' },
  });

const setUp = async () => {
  const unitOfWork = new InMemoryUnitOfWork();
  const bus = allocationBus(unitOfWork);
  must(await bus.handle(createBatchCommand('b1', 'LAMP', 10)));
  must(await bus.handle(createBatchCommand('b2', 'SOFA', 1)));
  const warnings: string[] = [];
  const consumer = placedOrdersConsumer(bus, { warn: (m) => warnings.push(m) });
  return { unitOfWork, consumer, warnings };
};

describe('allocating placed orders', () => {
  it('allocates each line of a placed order under its id', async () => {
    const { unitOfWork, consumer } = await setUp();
    await consumer.handle([placed('o1', [['LAMP', 3]])]);
    expect(unitOfWork.viewOf('o1')).toEqual([
      { orderId: 'o1', sku: 'LAMP', batchReference: 'b1', quantity: 3 },
    ]);
  });

  it('changes nothing when the same event comes again (at-least-once delivery)', async () => {
    const { unitOfWork, consumer } = await setUp();
    const event = placed('o1', [['LAMP', 3]]);
    await consumer.handle([event]);
    await consumer.handle([event]);
    expect(unitOfWork.product('LAMP')?.batches[0]?.allocatedQuantity).toBe(3);
  });

  it('records OutOfStock for a line no batch can take, and goes on with the others', async () => {
    const { unitOfWork, consumer, warnings } = await setUp();
    await consumer.handle([
      placed('o1', [
        ['SOFA', 5],
        ['LAMP', 1],
      ]),
    ]);
    expect(unitOfWork.outbox.filter((e) => e._tag === 'OutOfStock')).toEqual([
      { _tag: 'OutOfStock', orderId: 'o1', sku: 'SOFA', quantity: 5 },
    ]);
    expect(unitOfWork.viewOf('o1').map((row) => row.sku)).toEqual(['LAMP']);
    expect(warnings).toEqual([]);
  });

  it('backorders a line for a SKU allocation has never seen: the product begins with it', async () => {
    const { unitOfWork, consumer, warnings } = await setUp();
    await consumer.handle([
      placed('o1', [
        ['GHOST', 1],
        ['LAMP', 1],
      ]),
    ]);
    expect(warnings).toEqual([]);
    expect(unitOfWork.viewOf('o1').map((row) => row.sku)).toEqual(['LAMP']);
    expect(unitOfWork.product('GHOST')).toMatchObject({
      version: 1,
      batches: [],
      backorders: [{ orderId: 'o1', sku: 'GHOST', quantity: 1, allowSplit: false }],
    });
    expect(unitOfWork.outbox.filter((e) => 'orderId' in e && e.sku === 'GHOST')).toEqual([
      { _tag: 'OutOfStock', orderId: 'o1', sku: 'GHOST', quantity: 1 },
      { _tag: 'Backordered', orderId: 'o1', sku: 'GHOST', quantity: 1 },
    ]);
  });

  it('deallocates a placed order that is cancelled, also twice, but not a draft one', async () => {
    const { unitOfWork, consumer } = await setUp();
    await consumer.handle([placed('o1', [['LAMP', 3]])]);
    const cancelled = item('OrderCancelled', { orderId: 'o1', wasPlaced: true });
    await consumer.handle([cancelled, cancelled]);
    expect(unitOfWork.viewOf('o1')).toEqual([]);
    expect(unitOfWork.product('LAMP')?.batches[0]?.allocatedQuantity).toBe(0);
    await consumer.handle([
      placed('o2', [['LAMP', 1]]),
      item('OrderCancelled', { orderId: 'o2', wasPlaced: false }),
    ]);
    expect(unitOfWork.viewOf('o2')).toHaveLength(1);
  });

  it('takes the orders of one turn together, each meeting the stock the ones before it left', async () => {
    const { unitOfWork, consumer } = await setUp();
    await consumer.handle([
      placed('o1', [['SOFA', 1]]),
      placed('o2', [
        ['SOFA', 1],
        ['LAMP', 2],
      ]),
      item('OrderCancelled', { orderId: 'o1', wasPlaced: true }),
      placed('o3', [['SOFA', 1]]),
    ]);
    // o1 took the one sofa; o2's waited and got it when o1 was cancelled; o3's waits.
    expect(unitOfWork.viewOf('o1')).toEqual([]);
    expect(unitOfWork.viewOf('o2').map((row) => [row.sku, row.quantity])).toEqual([
      ['LAMP', 2],
      ['SOFA', 1],
    ]);
    expect(unitOfWork.product('SOFA')?.backorders.map((line) => line.orderId)).toEqual(['o3']);
  });

  it('ignores every other event', async () => {
    const { unitOfWork, consumer } = await setUp();
    const commits = unitOfWork.commits;
    await consumer.handle([
      item('ItemAdded', { orderId: 'o1' }),
      item('Allocated', { orderId: 'x' }),
    ]);
    expect(unitOfWork.commits).toBe(commits);
  });
});
