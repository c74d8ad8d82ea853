import { Client } from 'pg';
import { startTestApp, type TestApp } from './support';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await t.http.post('/api/batches').send({ reference: 'a-now', sku: 'LAMP', quantity: 10 });
  await t.http
    .post('/api/batches')
    .send({ reference: 'a-soon', sku: 'LAMP', quantity: 10, eta: '2027-01-01' });
  await t.http
    .post('/api/batches')
    .send({ reference: 'a-later', sku: 'LAMP', quantity: 10, eta: '2027-06-01' });
});

afterAll(async () => {
  await t.close();
});

const allocate = (body: object) => t.http.post('/api/allocations').send(body);

describe('POST /api/allocations', () => {
  it('allocates to the in-stock batch first and answers 201', async () => {
    const response = await allocate({ orderId: 'order-1', sku: 'LAMP', quantity: 4 });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      orderId: 'order-1',
      sku: 'LAMP',
      quantity: 4,
      status: 'allocated',
      allocations: [{ batchReference: 'a-now', quantity: 4 }],
    });
  });

  it('answers 200 with the same allocation when repeated identically, changing nothing', async () => {
    await allocate({ orderId: 'order-2', sku: 'LAMP', quantity: 2 });
    const before = (await t.http.get('/api/products/LAMP')).body;
    const repeat = await allocate({ orderId: 'order-2', sku: 'LAMP', quantity: 2 });
    expect(repeat.status).toBe(200);
    expect(repeat.body.allocations).toEqual([{ batchReference: 'a-now', quantity: 2 }]);
    expect((await t.http.get('/api/products/LAMP')).body).toEqual(before);
  });

  it('answers 409 when the same line is repeated with another quantity', async () => {
    await allocate({ orderId: 'order-3', sku: 'LAMP', quantity: 1 });
    const response = await allocate({ orderId: 'order-3', sku: 'LAMP', quantity: 2 });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe(
      'Order order-3 already has 1 of sku LAMP allocated; cannot allocate 2',
    );
  });

  it('answers 409 "Out of stock for sku X" when nothing fits', async () => {
    const response = await allocate({ orderId: 'order-big', sku: 'LAMP', quantity: 11 });
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'OUT_OF_STOCK',
      message: 'Out of stock for sku LAMP',
      requestId: expect.any(String),
    });
    expect((await t.http.get('/api/allocations/order-big')).status).toBe(404);
    // A direct request is not kept: nothing waits for stock on its behalf.
    expect((await t.http.get('/api/products/LAMP')).body.backorders).toEqual([]);
  });

  it('splits across batches when allowed', async () => {
    await t.http.post('/api/batches').send({ reference: 'split-1', sku: 'RUG', quantity: 3 });
    await t.http
      .post('/api/batches')
      .send({ reference: 'split-2', sku: 'RUG', quantity: 4, eta: '2027-01-01' });
    const response = await allocate({
      orderId: 'order-rug',
      sku: 'RUG',
      quantity: 6,
      allowSplit: true,
    });
    expect(response.status).toBe(201);
    expect(response.body.allocations).toEqual([
      { batchReference: 'split-1', quantity: 3 },
      { batchReference: 'split-2', quantity: 3 },
    ]);
  });

  it('answers 400 "Invalid sku X" for an unknown sku', async () => {
    const response = await allocate({ orderId: 'order-x', sku: 'NO-SUCH-SKU', quantity: 1 });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('Invalid sku NO-SUCH-SKU');
  });

  it.each([
    [{ sku: 'LAMP', quantity: 1 }, 'orderId must be a string'],
    [{ orderId: 'o', sku: 'LAMP', quantity: '1' }, 'quantity must be a whole number'],
    [
      { orderId: 'o', sku: 'LAMP', quantity: 1, allowSplit: 'yes' },
      'allowSplit must be a boolean value',
    ],
    [
      { orderId: 'o;drop', sku: 'LAMP', quantity: 1 },
      "orderId must start with a letter or digit and contain only letters, digits, '.', '_' or '-'",
    ],
  ])('answers 400 for %j', async (body, message) => {
    const response = await allocate(body);
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual([message]);
  });
});

describe('GET and DELETE /api/allocations/:orderId', () => {
  it("lists an order's allocations from the read model", async () => {
    await allocate({ orderId: 'order-list', sku: 'LAMP', quantity: 1 });
    const response = await t.http.get('/api/allocations/order-list');
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      { sku: 'LAMP', batchReference: 'a-now', quantity: 1, status: 'allocated' },
    ]);
  });

  it('answers 404 for an order with no allocations', async () => {
    const response = await t.http.get('/api/allocations/nobody');
    expect(response.status).toBe(404);
    expect(response.body.message).toBe('Order nobody has no allocations');
  });

  it('deallocates a whole order: 204, stock returns, then 404', async () => {
    await allocate({ orderId: 'order-gone', sku: 'LAMP', quantity: 3 });
    const before = (await t.http.get('/api/products/LAMP')).body.availableQuantity;
    expect((await t.http.delete('/api/allocations/order-gone')).status).toBe(204);
    expect((await t.http.get('/api/products/LAMP')).body.availableQuantity).toBe(before + 3);
    expect((await t.http.get('/api/allocations/order-gone')).status).toBe(404);
    expect((await t.http.delete('/api/allocations/order-gone')).status).toBe(404);
  });

  it('deallocates an order from one batch only', async () => {
    await t.http.post('/api/batches').send({ reference: 'part-1', sku: 'PART', quantity: 2 });
    await t.http
      .post('/api/batches')
      .send({ reference: 'part-2', sku: 'PART', quantity: 2, eta: '2027-01-01' });
    await allocate({ orderId: 'order-part', sku: 'PART', quantity: 4, allowSplit: true });
    expect((await t.http.delete('/api/allocations/order-part/batch/part-2')).status).toBe(204);
    expect((await t.http.get('/api/allocations/order-part')).body).toEqual([
      { sku: 'PART', batchReference: 'part-1', quantity: 2, status: 'allocated' },
    ]);
    expect((await t.http.delete('/api/allocations/order-part/batch/part-2')).status).toBe(404);
    expect((await t.http.delete('/api/allocations/order-part/batch/ghost')).status).toBe(404);
  });
});

describe('a line that waits for stock', () => {
  beforeAll(async () => {
    await t.http.post('/api/batches').send({ reference: 'w-only', sku: 'WAITS', quantity: 4 });
    await allocate({ orderId: 'w-1', sku: 'WAITS', quantity: 4 });
    // The batch shrinks with nowhere else to go: the accepted line is kept, backordered.
    await t.http.patch('/api/batches/w-only').send({ quantity: 1 });
  });

  it('shows as backordered, with no batch', async () => {
    const response = await t.http.get('/api/allocations/w-1');
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      { sku: 'WAITS', batchReference: null, quantity: 4, status: 'backordered' },
    ]);
    expect((await t.http.get('/allocations/w-1')).status).toBe(404);
  });

  it('answers a repeat with 200 and the line as it waits', async () => {
    const repeat = await allocate({ orderId: 'w-1', sku: 'WAITS', quantity: 4 });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({
      orderId: 'w-1',
      sku: 'WAITS',
      quantity: 4,
      status: 'backordered',
      allocations: [],
    });
  });

  it('refuses another quantity for it with 409', async () => {
    const other = await allocate({ orderId: 'w-1', sku: 'WAITS', quantity: 1 });
    expect(other.status).toBe(409);
    expect(other.body.message).toBe(
      'Order w-1 already has 4 of sku WAITS backordered; cannot allocate 1',
    );
    expect((await t.http.get('/api/batches/w-only')).body.allocatedQuantity).toBe(0);
  });

  it('is dropped by deallocating the order: 204, then 404', async () => {
    expect((await t.http.delete('/api/allocations/w-1')).status).toBe(204);
    expect((await t.http.get('/api/allocations/w-1')).status).toBe(404);
    expect((await t.http.get('/api/products/WAITS')).body.backorders).toEqual([]);
    expect((await t.http.delete('/api/allocations/w-1')).status).toBe(404);
  });
});

describe('lines pushed out of their batches', () => {
  it('wait in the order they were accepted, and are served in that order', async () => {
    const batch = (reference: string, quantity: number, eta: string | null) =>
      t.http.post('/api/batches').send({ reference, sku: 'QUEUE', quantity, eta });
    await batch('q-A', 10, null);
    await batch('q-B', 20, '2031-01-01');
    await batch('q-C', 5, '2031-06-01');
    for (const [orderId, quantity] of [
      ['q-o1', 8],
      ['q-o2', 15],
      ['q-o3', 9],
    ] as const) {
      const answer = await allocate({ orderId, sku: 'QUEUE', quantity, allowSplit: true });
      expect(answer.status).toBe(201);
    }
    expect((await t.http.patch('/api/batches/q-A').send({ quantity: 3 })).status).toBe(200);
    expect((await t.http.delete('/api/batches/q-C')).status).toBe(204);
    const waiting = (await t.http.get('/api/products/QUEUE')).body.backorders;
    expect(
      waiting.map((b: { orderId: string; quantity: number }) => [b.orderId, b.quantity]),
    ).toEqual([
      ['q-o1', 8],
      ['q-o3', 9],
    ]);
    // Eight units arrive: o1, accepted first, takes them although o3 lost its batch last.
    await batch('q-D', 8, null);
    expect((await t.http.get('/api/allocations/q-o1')).body).toEqual([
      { sku: 'QUEUE', batchReference: 'q-D', quantity: 8, status: 'allocated' },
    ]);
    expect(
      (await t.http.get('/api/products/QUEUE')).body.backorders.map(
        (b: { orderId: string }) => b.orderId,
      ),
    ).toEqual(['q-o3']);
    // Through all of that each line kept the stamp of the version that accepted it (three
    // batches made versions 1-3; o1, o2, o3 were accepted by 4, 5, 6).
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    const stamps = await db.query<{ order_id: string; accepted: string }>(
      `SELECT order_id, accepted FROM allocations WHERE sku = 'QUEUE'
        UNION SELECT order_id, accepted FROM backorders WHERE sku = 'QUEUE' ORDER BY 1`,
    );
    await db.end();
    expect(stamps.rows.map((r) => [r.order_id, Number(r.accepted)])).toEqual([
      ['q-o1', 4],
      ['q-o2', 5],
      ['q-o3', 6],
    ]);
  });
});
