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
    expect(response.body).toEqual([{ sku: 'LAMP', batchReference: 'a-now', quantity: 1 }]);
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
      { sku: 'PART', batchReference: 'part-1', quantity: 2 },
    ]);
    expect((await t.http.delete('/api/allocations/order-part/batch/part-2')).status).toBe(404);
    expect((await t.http.delete('/api/allocations/order-part/batch/ghost')).status).toBe(404);
  });
});
