import { BatchReference, OrderId } from '@allocation/allocation-domain';
import { PrismaService } from '@allocation/platform';
import {
  allocateCommand,
  changeQuantityCommand,
  createBatchCommand,
  must,
} from '../testing/commands';
import { seedAllocatedLines } from '../testing/seed';
import { createTestDatabase, type TestDatabase } from '@allocation/platform/testing';
import { prismaAllocationBus } from '../testing/prisma-allocation-bus';
import type { AllocationBus } from './allocation-bus';

// The statements a command sends must not depend on how many lines its product already holds:
// no query per line, no loading of every line. (What they cost in time is for `npm run bench:db`.)
let database: TestDatabase;
let prisma: PrismaService;
let bus: AllocationBus;
let recording: string[] | null = null;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({
    url: database.url,
    poolSize: 2,
    onQuery: (sql) => recording?.push(sql),
  });
  bus = prismaAllocationBus(prisma);
  must(await bus.handle(createBatchCommand('small-batch', 'SMALL', 1_000_000)));
  must(await bus.handle(createBatchCommand('big-batch', 'BIG', 1_000_000)));
  await seedAllocatedLines(prisma, { reference: 'small-batch', sku: 'SMALL' }, 10);
  await seedAllocatedLines(prisma, { reference: 'big-batch', sku: 'BIG' }, 20_000);
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

const statementsOf = async (work: () => Promise<unknown>): Promise<string[]> => {
  recording = [];
  await work();
  const sent = recording;
  recording = null;
  return sent;
};

describe('the statements one command sends', () => {
  it('are the same for an allocation whether the product holds 10 lines or 20,000', async () => {
    const small = await statementsOf(async () =>
      must(await bus.handle(allocateCommand('new-small', 'SMALL', 1))),
    );
    const big = await statementsOf(async () =>
      must(await bus.handle(allocateCommand('new-big', 'BIG', 1))),
    );
    expect(small.length).toBeGreaterThan(0);
    expect(small.length).toBeLessThanOrEqual(10);
    expect(big).toEqual(small);
  });

  it('are the same for deallocating an order whether its product holds 10 lines or 20,000', async () => {
    const small = await statementsOf(async () =>
      must(await bus.handle({ _tag: 'Deallocate', orderId: must(OrderId('SMALL-seed-3')) })),
    );
    const big = await statementsOf(async () =>
      must(await bus.handle({ _tag: 'Deallocate', orderId: must(OrderId('BIG-seed-3')) })),
    );
    expect(small.length).toBeGreaterThan(0);
    expect(big).toEqual(small);
  });

  it('are the same for shrinking a batch, growing it back and removing a batch, whether 10 lines or 20,000', async () => {
    const commandsOn = async (sku: string, reference: string) => {
      // Where the line pushed out of the shrinking batch goes.
      must(await bus.handle(createBatchCommand(`${sku}-spare`, sku, 100, '2030-01-01')));
      must(await bus.handle(createBatchCommand(`${sku}-removable`, sku, 10, '2031-01-01')));
      const batch = await prisma.client.batch.findUnique({ where: { reference } });
      const held = Number(batch?.allocatedQuantity);
      return {
        shrink: await statementsOf(async () =>
          must(await bus.handle(changeQuantityCommand(reference, held - 1))),
        ),
        grow: await statementsOf(async () =>
          must(await bus.handle(changeQuantityCommand(reference, 1_000_000))),
        ),
        remove: await statementsOf(async () =>
          must(
            await bus.handle({
              _tag: 'RemoveBatch',
              reference: must(BatchReference(`${sku}-removable`)),
            }),
          ),
        ),
      };
    };
    const small = await commandsOn('SMALL', 'small-batch');
    const big = await commandsOn('BIG', 'big-batch');
    expect(small.shrink.length).toBeGreaterThan(0);
    expect(big).toEqual(small);
    // The shrink really moved a line: the spare batch holds it.
    const spare = await prisma.client.allocation.count({ where: { batchReference: 'BIG-spare' } });
    expect(spare).toBe(1);
  });
});
