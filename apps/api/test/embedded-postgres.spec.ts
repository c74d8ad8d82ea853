import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderId } from '@allocation/allocation-domain';
import { PrismaAllocationQueries } from '@allocation/allocation';
import {
  allocateCommand,
  createBatchCommand,
  must,
  prismaAllocationBus,
} from '@allocation/allocation/testing';
import { openDatabase, PrismaService } from '@allocation/platform';

describe('the embedded database (no DATABASE_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pglite-'));

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts, migrates, serves allocations and keeps them across restarts', async () => {
    const first = await openDatabase({ kind: 'embedded', dataDir, poolSize: 1 });
    expect(first.migrations.applied.length).toBeGreaterThan(0);
    const prisma = new PrismaService({ url: first.url, poolSize: first.poolSize });
    const bus = prismaAllocationBus(prisma);
    must(await bus.handle(createBatchCommand('embedded-1', 'EMBEDDED', 5)));
    const allocated = await bus.handle(allocateCommand('embedded-order', 'EMBEDDED', 2));
    expect(E.isRight(allocated)).toBe(true);
    await prisma.close();
    await first.close();

    const second = await openDatabase({ kind: 'embedded', dataDir, poolSize: 1 });
    expect(second.migrations.applied).toEqual([]);
    const reopened = new PrismaService({ url: second.url, poolSize: 1 });
    const queries = new PrismaAllocationQueries(reopened.client);
    expect(await queries.orderAllocations(must(OrderId('embedded-order')))).toEqual([
      { orderId: 'embedded-order', sku: 'EMBEDDED', batchReference: 'embedded-1', quantity: 2 },
    ]);
    await reopened.close();
    await second.close();
  });
});
