import { createBatchCommand, allocateCommand, must } from '../testing/commands';
import { allocationBus } from '../allocation.module';
import { InMemoryUnitOfWork } from '../testing/in-memory-unit-of-work';
import { changeBatchQuantityHandler } from './change-batch-quantity.subscriber';

const setUp = async () => {
  const unitOfWork = new InMemoryUnitOfWork();
  const bus = allocationBus(unitOfWork);
  must(await bus.handle(createBatchCommand('b1', 'CHAIR', 10)));
  must(await bus.handle(createBatchCommand('b2', 'CHAIR', 10, '2027-01-01')));
  must(await bus.handle(allocateCommand('o1', 'CHAIR', 8)));
  const logs: Array<[level: string, message: string]> = [];
  const log = {
    log: (message: string) => logs.push(['info', message]),
    warn: (message: string) => logs.push(['warn', message]),
    error: (message: string) => logs.push(['error', message]),
  };
  return { unitOfWork, handle: changeBatchQuantityHandler(bus, log), logs };
};

describe('change_batch_quantity messages from Redis', () => {
  it('change the batch through the bus, reallocating what no longer fits', async () => {
    const { unitOfWork, handle, logs } = await setUp();
    await handle('{"batchref": "b1", "qty": 5}');
    const batches = unitOfWork.product('CHAIR')?.batches;
    expect(batches?.map((b) => [b.reference, b.purchasedQuantity, b.allocatedQuantity])).toEqual([
      ['b1', 5, 0],
      ['b2', 10, 8],
    ]);
    expect(logs).toEqual([['info', expect.stringContaining('Batch b1 set to 5')]]);
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1, 2]', 'expected a JSON object {"batchref", "qty"}'],
    ['null', 'expected a JSON object {"batchref", "qty"}'],
    ['{"batchref": 5, "qty": 1}', 'batchref must be a string'],
    ['{"batchref": "b1", "qty": "5"}', 'qty must be a whole number'],
    ['{"batchref": "b1"}', 'qty must be a whole number'],
    ['{"batchref": "b1", "qty": -1}', 'quantity'],
    ['{"batchref": "b1", "qty": 1.5}', 'quantity'],
    ['{"batchref": "b 1", "qty": 1}', 'reference'],
    ['{"batchref": "b1", "qty": 1, "sku": "CHAIR"}', 'unexpected field(s): sku'],
    ['{"batchref": "nope", "qty": 3}', 'Batch nope not found'],
  ])('skip %s with a warning that quotes it and says why, changing nothing', async (raw, why) => {
    const { unitOfWork, handle, logs } = await setUp();
    const before = unitOfWork.product('CHAIR');
    await handle(raw);
    expect(unitOfWork.product('CHAIR')).toEqual(before);
    expect(logs).toEqual([['warn', expect.stringContaining(why)]]);
    expect(logs[0]?.[1]).toContain(JSON.stringify(raw));
  });

  it('keeps going after bad messages, one at a time in arrival order', async () => {
    const { unitOfWork, handle } = await setUp();
    void handle('garbage');
    void handle('{"batchref": "b1", "qty": 9}');
    await handle('{"batchref": "b1", "qty": 12}');
    expect(unitOfWork.product('CHAIR')?.batches[0]?.purchasedQuantity).toBe(12);
  });

  it('logs an unexpected failure as an error and survives it', async () => {
    const logs: string[] = [];
    const failing = {
      handle: async () => {
        throw new Error('database unavailable');
      },
    } as unknown as Parameters<typeof changeBatchQuantityHandler>[0];
    const handle = changeBatchQuantityHandler(failing, {
      log: () => undefined,
      warn: () => undefined,
      error: (message) => logs.push(message),
    });
    await handle('{"batchref": "b1", "qty": 1}');
    expect(logs).toEqual([expect.stringContaining('database unavailable')]);
  });
});
