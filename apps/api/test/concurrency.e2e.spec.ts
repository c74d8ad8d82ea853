import type { INestApplication } from '@nestjs/common';
import { createApp } from '../src/app';
import { openDatabase } from '@allocation/platform';
import { startTestApp, testConfig, type TestApp } from './support';

/** The app's base URL, listening on a free local port first if it is not yet. */
const listen = async (app: INestApplication): Promise<string> => {
  if (!app.getHttpServer().listening) await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
};

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

it('60 simultaneous allocations against 20 units: exactly 20 × 201 and 40 × 409', async () => {
  await t.http.post('/api/batches').send({ reference: 'hot-1', sku: 'HOT', quantity: 12 });
  await t.http
    .post('/api/batches')
    .send({ reference: 'hot-2', sku: 'HOT', quantity: 8, eta: '2027-01-01' });
  // Listening on a real port lets the 60 requests arrive as 60 concurrent connections.
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  const statuses = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      fetch(`${base}/api/allocations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ orderId: `hot-order-${i}`, sku: 'HOT', quantity: 1 }),
      }).then((response) => response.status),
    ),
  );

  const counts = statuses.reduce<Record<number, number>>(
    (acc, status) => ({ ...acc, [status]: (acc[status] ?? 0) + 1 }),
    {},
  );
  expect(counts).toEqual({ 201: 20, 409: 40 });
  const product = (await t.http.get('/api/products/HOT')).body;
  expect(product.availableQuantity).toBe(0);
  expect(product.version).toBe(2 + 20);
});

it('quantity changes amid simultaneous allocations of one SKU: every request answered, nothing over-allocated', async () => {
  // The changes' units of work hold the product while the group commit batches its allocations.
  await t.http.post('/api/batches').send({ reference: 'mixed-1', sku: 'MIXED', quantity: 12 });
  await t.http
    .post('/api/batches')
    .send({ reference: 'mixed-2', sku: 'MIXED', quantity: 100, eta: '2027-01-01' });
  const base = await listen(t.app);
  const send = (method: string, path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then((response) => response.status);
  const [allocations, changes] = await Promise.all([
    Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        send('POST', '/api/allocations', { orderId: `mixed-${i}`, sku: 'MIXED', quantity: 1 }),
      ),
    ),
    Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        send('PATCH', '/api/batches/mixed-1', { quantity: i % 2 === 0 ? 6 : 12 }),
      ),
    ),
  ]);
  // 106 units at the least: every line finds room, in one batch or the other.
  expect(new Set(allocations)).toEqual(new Set([201]));
  expect(new Set(changes)).toEqual(new Set([200]));
  const batches = (await t.http.get('/api/batches?sku=MIXED')).body.items as Array<{
    reference: string;
    purchasedQuantity: number;
    allocatedQuantity: number;
  }>;
  for (const batch of batches) {
    expect(batch.allocatedQuantity).toBeLessThanOrEqual(batch.purchasedQuantity);
  }
  expect(batches.reduce((sum, b) => sum + b.allocatedQuantity, 0)).toBe(60);
});

it('two instances on one database, batching at once: 20 × 201 and 40 × 409 again', async () => {
  await t.http.post('/api/batches').send({ reference: 'two-1', sku: 'TWO', quantity: 20 });
  // A second instance of the service on the same database, with a batcher of its own.
  const config = { database: { kind: 'external' as const, url: t.databaseUrl, poolSize: 10 } };
  const other = await createApp(
    { ...testConfig(t.databaseUrl), ...config },
    await openDatabase(config.database),
  );
  try {
    const bases = [await listen(t.app), await listen(other)];
    const statuses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        fetch(`${bases[i % 2]}/api/allocations`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ orderId: `two-order-${i}`, sku: 'TWO', quantity: 1 }),
        }).then((response) => response.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    const product = (await t.http.get('/api/products/TWO')).body;
    expect(product).toMatchObject({ availableQuantity: 0, version: 1 + 20 });
  } finally {
    await other.close();
  }
});
