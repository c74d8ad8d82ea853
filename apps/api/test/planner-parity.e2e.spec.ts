import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { locate } from '@allocation/platform';
import {
  allocateCommand,
  createBatchCommand,
  InMemoryUnitOfWork,
  must,
} from '@allocation/allocation/testing';
import { allocationBus } from '@allocation/allocation';
import { databaseFingerprint } from './database-state';
import { listenLocally, startTestApp, type TestApp } from './support';

// The planner (apps/planner, built) and the service's own handlers, on the in-memory unit of
// work, given the same batches and lines: the plan must be exactly what the service decides.
const PLANNER = locate(join('dist', 'apps', 'planner', 'main.js'));

const batch = fc.record({
  sku: fc.constantFrom('LAMP', 'CHAIR', 'DESK'),
  quantity: fc.integer({ min: 1, max: 20 }),
  eta: fc.option(fc.constantFrom('2027-01-01', '2027-02-01', '2027-03-01'), { nil: null }),
});

const line = fc.record({
  order: fc.nat(12),
  // TABLE has no batches: both refuse it.
  sku: fc.constantFrom('LAMP', 'CHAIR', 'DESK', 'TABLE'),
  quantity: fc.integer({ min: 1, max: 12 }),
});

/** What the service decides, written as the planner writes its plan. */
const serviceDecisions = async (
  batches: ReadonlyArray<{ sku: string; quantity: number; eta: string | null }>,
  lines: ReadonlyArray<{ order: number; sku: string; quantity: number }>,
  allowSplit: boolean,
): Promise<string> => {
  const bus = allocationBus(new InMemoryUnitOfWork());
  for (const [i, b] of batches.entries()) {
    must(await bus.handle(createBatchCommand(`b${i}`, b.sku, b.quantity, b.eta ?? undefined)));
  }
  let plan = 'order_id,sku,batch_reference,quantity,status,note\n';
  for (const l of lines) {
    const orderId = `o${l.order}`;
    // As a placed order's line: it waits when stock is short.
    const command = { ...allocateCommand(orderId, l.sku, l.quantity, allowSplit), backorder: true };
    const result = await bus.handle(command);
    if (E.isLeft(result)) {
      plan += `${orderId},${l.sku},,${l.quantity},refused,${result.left.message.includes(',') ? `"${result.left.message}"` : result.left.message}\n`;
      continue;
    }
    const value = result.right.value;
    if (!value.created) plan += `${orderId},${l.sku},,${l.quantity},repeat,\n`;
    else if (value.outcome === 'backordered')
      plan += `${orderId},${l.sku},,${l.quantity},backordered,\n`;
    else {
      for (const p of value.line.portions) {
        plan += `${orderId},${l.sku},${p.batchReference},${p.quantity},allocated,\n`;
      }
    }
  }
  return plan;
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'planner-parity-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('plans exactly what the service decides for the same batches and lines', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(batch, { minLength: 1, maxLength: 8 }),
      fc.array(line, { minLength: 1, maxLength: 40 }),
      fc.boolean(),
      async (batches, lines, allowSplit) => {
        const batchesCsv = join(dir, 'batches.csv');
        const linesCsv = join(dir, 'lines.csv');
        const out = join(dir, 'plan.csv');
        writeFileSync(
          batchesCsv,
          `reference,sku,quantity,eta\n${batches.map((b, i) => `b${i},${b.sku},${b.quantity},${b.eta ?? ''}`).join('\n')}\n`,
        );
        writeFileSync(
          linesCsv,
          `order_id,sku,quantity\n${lines.map((l) => `o${l.order},${l.sku},${l.quantity}`).join('\n')}\n`,
        );
        await promisify(execFile)(process.execPath, [
          PLANNER,
          'plan',
          '--batches',
          batchesCsv,
          '--orders',
          linesCsv,
          '--out',
          out,
          ...(allowSplit ? ['--allow-split'] : []),
        ]);
        expect(readFileSync(out, 'utf8')).toEqual(
          await serviceDecisions(batches, lines, allowSplit),
        );
      },
    ),
    { numRuns: 25 },
  );
});

describe('planning --from a running service', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ base } = await listenLocally(t));
  });

  afterAll(() => t.close());

  it("plans from the service's batches as they stand, and changes nothing there", async () => {
    await t.http.post('/api/batches').send({ reference: 'now-1', sku: 'LAMP', quantity: 10 });
    await t.http
      .post('/api/batches')
      .send({ reference: 'later-1', sku: 'LAMP', quantity: 5, eta: '2027-01-01' });
    await t.http.post('/api/allocations').send({ orderId: 'taken', sku: 'LAMP', quantity: 8 });
    const before = await databaseFingerprint(t.databaseUrl);
    const lines = join(dir, 'what-if.csv');
    writeFileSync(lines, 'order_id,sku,quantity\nw1,LAMP,2\nw2,LAMP,4\nw3,LAMP,2\n');
    const { stdout } = await promisify(execFile)(process.execPath, [
      PLANNER,
      'plan',
      '--from',
      base,
      '--orders',
      lines,
    ]);
    expect(stdout).toBe(
      'order_id,sku,batch_reference,quantity,status,note\n' +
        'w1,LAMP,now-1,2,allocated,\n' +
        'w2,LAMP,later-1,4,allocated,\n' +
        'w3,LAMP,,2,backordered,\n',
    );
    expect(await databaseFingerprint(t.databaseUrl)).toEqual(before);
  });
});
