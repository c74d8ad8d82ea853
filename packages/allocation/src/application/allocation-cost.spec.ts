import { BatchReference, OrderId } from '@allocation/allocation-domain';
import type { PrismaService } from '@allocation/platform';
import {
  allocateCommand,
  changeQuantityCommand,
  createBatchCommand,
  must,
} from '../testing/commands';
import { seedAllocatedLines } from '../testing/seed';
import {
  createTestDatabase,
  recordingPrisma,
  type RecordingPrisma,
  type TestDatabase,
} from '@allocation/platform/testing';
import { prismaAllocationBus } from '../testing/prisma-allocation-bus';
import type { AllocationBus } from './allocation-bus';

// The statements a command sends must not depend on how many lines its product already holds:
// no query per line, no loading of every line. (What they cost in time is for `npm run bench:db`.)
let database: TestDatabase;
let prisma: PrismaService;
let bus: AllocationBus;
/** The same commands through the bus as the module composes it (some without a transaction). */
let plainBus: AllocationBus;
let recorded: RecordingPrisma['recorded'];

beforeAll(async () => {
  database = await createTestDatabase();
  ({ prisma, recorded } = recordingPrisma(database.url));
  bus = prismaAllocationBus(prisma);
  plainBus = prismaAllocationBus(prisma, { statements: true });
  must(await bus.handle(createBatchCommand('small-batch', 'SMALL', 1_000_000)));
  must(await bus.handle(createBatchCommand('big-batch', 'BIG', 1_000_000)));
  await seedAllocatedLines(prisma, { reference: 'small-batch', sku: 'SMALL' }, 10);
  await seedAllocatedLines(prisma, { reference: 'big-batch', sku: 'BIG' }, 20_000);
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

/**
 * The statements a piece of work sent, sorted: reads sent together outside a transaction go out
 * on two connections, in either order.
 */
const statementsOf = async (work: () => Promise<unknown>): Promise<string[]> =>
  (await recorded(work)).statements.sort();

describe.each([
  ['in a transaction', () => bus],
  ['without one', () => plainBus],
])('the statements one command sends %s', (way, busOf) => {
  const bus = { handle: (...args: Parameters<AllocationBus['handle']>) => busOf().handle(...args) };
  const prefix = way === 'in a transaction' ? 'tx' : 'plain';
  it('are the same for an allocation whether the product holds 10 lines or 20,000', async () => {
    const small = await statementsOf(async () =>
      must(await bus.handle(allocateCommand(`${prefix}-new-small`, 'SMALL', 1))),
    );
    const big = await statementsOf(async () =>
      must(await bus.handle(allocateCommand(`${prefix}-new-big`, 'BIG', 1))),
    );
    expect(small.length).toBeGreaterThan(0);
    expect(small.length).toBeLessThanOrEqual(10);
    expect(big).toEqual(small);
  });

  it('are the same for deallocating an order whether its product holds 10 lines or 20,000', async () => {
    const small = await statementsOf(async () =>
      must(
        await bus.handle({
          _tag: 'Deallocate',
          orderId: must(OrderId(`SMALL-seed-${prefix === 'tx' ? 3 : 4}`)),
        }),
      ),
    );
    const big = await statementsOf(async () =>
      must(
        await bus.handle({
          _tag: 'Deallocate',
          orderId: must(OrderId(`BIG-seed-${prefix === 'tx' ? 3 : 4}`)),
        }),
      ),
    );
    expect(small.length).toBeGreaterThan(0);
    expect(big).toEqual(small);
  });

  it('are the same for shrinking a batch, growing it back and removing a batch, whether 10 lines or 20,000', async () => {
    const commandsOn = async (sku: string, reference: string) => {
      // Where the line pushed out of the shrinking batch goes.
      must(await bus.handle(createBatchCommand(`${prefix}-${sku}-spare`, sku, 100, '2030-01-01')));
      must(
        await bus.handle(createBatchCommand(`${prefix}-${sku}-removable`, sku, 10, '2031-01-01')),
      );
      const batch = await prisma.client.batch.findUnique({ where: { reference } });
      const held = Number(batch?.allocatedQuantity);
      const elsewhere = () =>
        prisma.client.allocation.count({ where: { sku, batchReference: { not: reference } } });
      const before = await elsewhere();
      const shrink = await statementsOf(async () =>
        must(await bus.handle(changeQuantityCommand(reference, held - 1))),
      );
      // The shrink really moved a line to another batch.
      const moved = (await elsewhere()) - before;
      return {
        shrink,
        moved,
        grow: await statementsOf(async () =>
          must(await bus.handle(changeQuantityCommand(reference, 1_000_000))),
        ),
        remove: await statementsOf(async () =>
          must(
            await bus.handle({
              _tag: 'RemoveBatch',
              reference: must(BatchReference(`${prefix}-${sku}-removable`)),
            }),
          ),
        ),
      };
    };
    const small = await commandsOn('SMALL', 'small-batch');
    const big = await commandsOn('BIG', 'big-batch');
    expect(small.shrink.length).toBeGreaterThan(0);
    expect(big).toEqual(small);
    expect(big.moved).toBe(1);
  });
});

describe('a change of a batch this process has met before', () => {
  it('goes straight to its product: one read with the lines it lets go, then one write', async () => {
    // Another process made the batch: this one does not know where it is.
    const other = prismaAllocationBus(prisma, { statements: true });
    must(await other.handle(createBatchCommand('known-batch', 'KNOWN', 10)));
    must(await other.handle(allocateCommand('known-order', 'KNOWN', 4)));
    // The first change looks the reference up; then this process knows where the batch is.
    const first = await statementsOf(async () =>
      must(await plainBus.handle(changeQuantityCommand('known-batch', 3))),
    );
    const again = await statementsOf(async () =>
      must(await plainBus.handle(changeQuantityCommand('known-batch', 8))),
    );
    expect(first).toHaveLength(3);
    expect(again).toEqual(first.filter((sql) => !sql.includes('"public"."batches"')));
    expect(again).toHaveLength(2);
  });

  it('is one this process made, or whose product it wrote', async () => {
    must(await plainBus.handle(createBatchCommand('made-batch', 'MADE', 10)));
    const change = await statementsOf(async () =>
      must(await plainBus.handle(changeQuantityCommand('made-batch', 3))),
    );
    expect(change).toHaveLength(2);
    expect(change.filter((sql) => sql.includes('"public"."batches"'))).toEqual([]);
  });
});
