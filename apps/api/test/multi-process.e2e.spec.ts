import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@allocation/platform/testing';
import { healthy, start, type Started } from './service-process';

// Three API processes on one database, allocations and batch changes arriving at all of them at
// once: afterwards the database itself must show the rules held.
let database: TestDatabase;
let services: Started[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  // One first, so that the migrations run once; then the other two.
  services = [await start({ DATABASE_URL: database.url, SHUTDOWN_GRACE_MS: '0' })];
  await healthy(services[0] as Started);
  services.push(
    await start({ DATABASE_URL: database.url, SHUTDOWN_GRACE_MS: '0' }),
    await start({ DATABASE_URL: database.url, SHUTDOWN_GRACE_MS: '0' }),
  );
  for (const service of services) await healthy(service);
});

afterAll(async () => {
  for (const service of services) service.child.kill('SIGTERM');
  await Promise.all(services.map((s) => s.exited));
  await database.drop();
});

const send = async (base: string, method: string, path: string, body: object) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
};

const SKUS = ['MP-A', 'MP-B', 'MP-C'];

it('keeps every invariant with three processes allocating and changing batches at once', async () => {
  const bases = services.map((s) => s.base);
  for (const [i, sku] of SKUS.entries()) {
    for (let b = 0; b < 3; b++) {
      const eta = b === 0 ? null : `2027-0${b}-01`;
      expect(
        await send(bases[i % 3] as string, 'POST', '/api/batches', {
          reference: `${sku}-${b}`,
          sku,
          quantity: 40,
          eta,
        }),
      ).toBe(201);
    }
  }
  const acknowledged: Array<{ orderId: string; sku: string; quantity: number }> = [];
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const allocations = Array.from({ length: 240 }, (_, i) => async () => {
    const sku = SKUS[i % SKUS.length] as string;
    const line = { orderId: `mp-${i}`, sku, quantity: 1 + (i % 3), allowSplit: i % 4 === 0 };
    const status = await send(bases[i % 3] as string, 'POST', '/api/allocations', line);
    count(status);
    if (status === 201) acknowledged.push(line);
  });
  const changes = Array.from({ length: 30 }, (_, i) => async () => {
    const sku = SKUS[i % SKUS.length] as string;
    const status = await send(
      bases[(i + 1) % 3] as string,
      'PATCH',
      `/api/batches/${sku}-${i % 3}`,
      {
        quantity: 20 + ((i * 7) % 30),
      },
    );
    count(status);
  });
  // A batch change after every eight allocations, twelve clients working through the list.
  const queue = allocations.flatMap((job, i) => {
    const change = changes[i / 8];
    return i % 8 === 0 && change !== undefined ? [change, job] : [job];
  });
  await Promise.all(
    Array.from({ length: 12 }, async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) await job();
    }),
  );
  // Allocated, refused for stock, or (batch changes) done: nothing else.
  expect([...statuses.keys()].every((s) => [200, 201, 409].includes(s))).toBe(true);
  expect(statuses.get(201)).toBeGreaterThan(50);

  const db = new Client({ connectionString: database.url });
  await db.connect();
  try {
    const q = async (sql: string) => (await db.query(sql)).rows;
    expect(
      await q(`SELECT reference FROM batches WHERE allocated_quantity > purchased_quantity`),
    ).toEqual([]);
    expect(
      await q(`SELECT b.reference FROM batches b
                LEFT JOIN (SELECT batch_reference, sum(quantity) AS held FROM allocations
                            GROUP BY batch_reference) a ON a.batch_reference = b.reference
               WHERE b.allocated_quantity <> coalesce(a.held, 0)`),
    ).toEqual([]);
    // Every acknowledged line is stored: allocated, or (pushed out by a shrinking batch with
    // nowhere to go) waiting in its product's queue, or reported deallocated.
    const stored = new Set(
      (
        await q(`SELECT DISTINCT order_id FROM allocations
                UNION SELECT order_id FROM backorders
                UNION SELECT data->>'orderId' FROM outbox WHERE type = 'Deallocated'`)
      ).map((r) => r.order_id as string),
    );
    expect(acknowledged.filter((line) => !stored.has(line.orderId))).toEqual([]);
  } finally {
    await db.end();
  }
});
