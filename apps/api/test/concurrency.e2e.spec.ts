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
