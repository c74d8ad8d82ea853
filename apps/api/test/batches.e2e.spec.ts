import { databaseFingerprint } from './database-state';
import { startTestApp, type TestApp } from './support';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

const addBatch = (body: object) => t.http.post('/api/batches').send(body);

describe('POST /api/batches', () => {
  it('adds a batch and answers 201 with it', async () => {
    const response = await addBatch({
      reference: 'b-201',
      sku: 'TABLE',
      quantity: 20,
      eta: '2026-12-24',
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      reference: 'b-201',
      sku: 'TABLE',
      eta: '2026-12-24',
      purchasedQuantity: 20,
      allocatedQuantity: 0,
      reservedQuantity: 0,
      availableQuantity: 20,
    });
  });

  it('accepts the largest safe quantity and gives it back exactly', async () => {
    const response = await addBatch({
      reference: 'b-huge',
      sku: 'HUGE',
      quantity: Number.MAX_SAFE_INTEGER,
    });
    expect(response.status).toBe(201);
    expect((await t.http.get('/api/batches/b-huge')).body.purchasedQuantity).toBe(
      Number.MAX_SAFE_INTEGER,
    );
    const line = await t.http
      .post('/api/allocations')
      .send({ orderId: 'huge-order', sku: 'HUGE', quantity: Number.MAX_SAFE_INTEGER - 1 });
    expect(line.status).toBe(201);
    expect((await t.http.get('/api/products/HUGE')).body.availableQuantity).toBe(1);
    expect((await t.http.get('/api/allocations/huge-order')).body[0].quantity).toBe(
      Number.MAX_SAFE_INTEGER - 1,
    );
  });

  it('treats a missing or null eta as stock in the warehouse', async () => {
    expect(
      (await addBatch({ reference: 'b-no-eta', sku: 'TABLE', quantity: 1 })).body.eta,
    ).toBeNull();
    expect(
      (await addBatch({ reference: 'b-null-eta', sku: 'TABLE', quantity: 1, eta: null })).body.eta,
    ).toBeNull();
  });

  it('refuses a duplicate reference with 409, even for another sku', async () => {
    await addBatch({ reference: 'b-dup', sku: 'TABLE', quantity: 5 });
    const response = await addBatch({ reference: 'b-dup', sku: 'CHAIR', quantity: 5 });
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'DUPLICATE_BATCH_REFERENCE',
      message: 'Batch b-dup already exists',
      requestId: expect.any(String),
    });
  });

  it.each([
    [{ sku: 'TABLE', quantity: 5 }, 'reference must be a string'],
    [{ reference: '', sku: 'TABLE', quantity: 5 }, 'reference must not be empty'],
    [
      { reference: 'has space', sku: 'TABLE', quantity: 5 },
      "reference must start with a letter or digit and contain only letters, digits, '.', '_' or '-'",
    ],
    [
      { reference: 'x'.repeat(65), sku: 'TABLE', quantity: 5 },
      'reference must be at most 64 characters',
    ],
    [{ reference: 'b', sku: 'TABLE', quantity: 0 }, 'quantity must not be less than 1'],
    [{ reference: 'b', sku: 'TABLE', quantity: -3 }, 'quantity must not be less than 1'],
    [{ reference: 'b', sku: 'TABLE', quantity: 1.5 }, 'quantity must be a whole number'],
    [{ reference: 'b', sku: 'TABLE', quantity: '5' }, 'quantity must be a whole number'],
    [
      { reference: 'b', sku: 'TABLE', quantity: 2 ** 53 },
      'quantity must not be greater than 9007199254740991',
    ],
    [
      { reference: 'b', sku: 'TABLE', quantity: 5, eta: '24/12/2026' },
      'eta must be a date written YYYY-MM-DD',
    ],
    [
      { reference: 'b', sku: 'TABLE', quantity: 5, color: 'red' },
      'property color should not exist',
    ],
  ])('answers 400 naming the field for %j', async (body, message) => {
    const response = await addBatch(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_FAILED',
      message: [message],
      requestId: expect.any(String),
    });
  });

  it('answers 400 for an impossible date, and creates nothing', async () => {
    const response = await addBatch({
      reference: 'b-feb',
      sku: 'FEB',
      quantity: 5,
      eta: '2026-02-30',
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('eta 2026-02-30 is not a calendar date');
    expect((await t.http.get('/api/products/FEB')).status).toBe(404);
  });
});

describe('GET /api/batches', () => {
  beforeAll(async () => {
    await addBatch({ reference: 'list-late', sku: 'LISTED', quantity: 5, eta: '2027-05-01' });
    await addBatch({ reference: 'list-now', sku: 'LISTED', quantity: 5 });
    await addBatch({ reference: 'list-soon', sku: 'LISTED', quantity: 5, eta: '2027-01-01' });
  });

  it('lists a sku’s batches in preference order, paginated', async () => {
    const response = await t.http.get('/api/batches?sku=LISTED&page=1&pageSize=2');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(response.body.items.map((b: { reference: string }) => b.reference)).toEqual([
      'list-now',
      'list-soon',
    ]);
    const second = await t.http.get('/api/batches?sku=LISTED&page=2&pageSize=2');
    expect(second.body.items.map((b: { reference: string }) => b.reference)).toEqual(['list-late']);
  });

  it('matches the sku in any case', async () => {
    const response = await t.http.get('/api/batches?sku=listed');
    expect(response.body.total).toBe(3);
    expect(new Set(response.body.items.map((b: { sku: string }) => b.sku))).toEqual(
      new Set(['LISTED']),
    );
  });

  it('defaults to page 1 of 50', async () => {
    const response = await t.http.get('/api/batches');
    expect(response.body).toMatchObject({ page: 1, pageSize: 50 });
    expect(response.body.total).toBeGreaterThanOrEqual(3);
  });

  it.each([
    'page=0',
    'page=x',
    'page=100000000000000000000',
    'page=-1',
    'pageSize=501',
    'pageSize=1.5',
    'sku=bad%20sku',
    'other=1',
  ])('answers 400 for %s', async (query) => {
    const response = await t.http.get(`/api/batches?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('Bad Request');
  });
});

describe('GET, PATCH and DELETE /api/batches/:reference', () => {
  it('gets one batch, or 404', async () => {
    await addBatch({ reference: 'one-batch', sku: 'ONE', quantity: 7 });
    expect((await t.http.get('/api/batches/one-batch')).body).toMatchObject({
      reference: 'one-batch',
      availableQuantity: 7,
    });
    const missing = await t.http.get('/api/batches/no-such-batch');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Batch no-such-batch not found');
  });

  it('answers 400 for a reference that cannot exist', async () => {
    expect((await t.http.get('/api/batches/bad%20ref')).status).toBe(400);
  });

  it('changes the quantity and reallocates lines the batch can no longer hold', async () => {
    await addBatch({ reference: 'shrinking', sku: 'SHRINKS', quantity: 10 });
    await addBatch({ reference: 'spare', sku: 'SHRINKS', quantity: 10, eta: '2027-01-01' });
    for (const orderId of ['s1', 's2', 's3']) {
      await t.http.post('/api/allocations').send({ orderId, sku: 'SHRINKS', quantity: 3 });
    }
    const response = await t.http.patch('/api/batches/shrinking').send({ quantity: 4 });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      purchasedQuantity: 4,
      allocatedQuantity: 3,
      availableQuantity: 1,
    });
    expect((await t.http.get('/api/allocations/s3')).body).toEqual([
      { sku: 'SHRINKS', batchReference: 'spare', quantity: 3, status: 'allocated' },
    ]);
    expect((await t.http.get('/api/allocations/s1')).body).toEqual([
      { sku: 'SHRINKS', batchReference: 'shrinking', quantity: 3, status: 'allocated' },
    ]);
  });

  it('answers 404 and 400 for PATCH of an unknown batch or a bad quantity', async () => {
    expect((await t.http.patch('/api/batches/ghost').send({ quantity: 4 })).status).toBe(404);
    const bad = await t.http.patch('/api/batches/one-batch').send({ quantity: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(['quantity must not be less than 0']);
  });

  it('deletes a batch, reallocating its lines, and answers 204; then 404', async () => {
    await addBatch({ reference: 'doomed', sku: 'DOOMED', quantity: 10 });
    await addBatch({ reference: 'rescue', sku: 'DOOMED', quantity: 10, eta: '2027-01-01' });
    await t.http.post('/api/allocations').send({ orderId: 'd1', sku: 'DOOMED', quantity: 2 });
    expect((await t.http.delete('/api/batches/doomed')).status).toBe(204);
    expect((await t.http.get('/api/allocations/d1')).body).toEqual([
      { sku: 'DOOMED', batchReference: 'rescue', quantity: 2, status: 'allocated' },
    ]);
    expect((await t.http.delete('/api/batches/doomed')).status).toBe(404);
  });
});

describe('GET /api/batches/:reference/preview', () => {
  beforeAll(async () => {
    await addBatch({ reference: 'pv-now', sku: 'PREVIEW', quantity: 5 });
    await addBatch({ reference: 'pv-later', sku: 'PREVIEW', quantity: 3, eta: '2031-01-01' });
    await t.http.post('/api/allocations').send({ orderId: 'pv-o1', sku: 'PREVIEW', quantity: 3 });
    await t.http.post('/api/allocations').send({ orderId: 'pv-o2', sku: 'PREVIEW', quantity: 2 });
  });

  it('says where each line would go if the batch shrank, and changes nothing', async () => {
    const before = await databaseFingerprint(t.databaseUrl);
    const response = await t.http.get('/api/batches/pv-now/preview?quantity=1');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ reference: 'pv-now', purchasedQuantity: 1 });
    // Both lines leave (newest first); o1, accepted first, is served first from pv-later.
    expect(response.body.reallocations).toEqual([
      {
        orderId: 'pv-o2',
        sku: 'PREVIEW',
        quantity: 2,
        from: [{ batchReference: 'pv-now', quantity: 2 }],
        to: [],
        outcome: 'backordered',
      },
      {
        orderId: 'pv-o1',
        sku: 'PREVIEW',
        quantity: 3,
        from: [{ batchReference: 'pv-now', quantity: 3 }],
        to: [{ batchReference: 'pv-later', quantity: 3 }],
        outcome: 'reallocated',
      },
    ]);
    // The database, outbox included, is as it was: the preview was rolled back.
    expect(await databaseFingerprint(t.databaseUrl)).toEqual(before);
  });

  it('says what removing the batch would do, and the removal then does exactly that', async () => {
    const preview = (await t.http.get('/api/batches/pv-now/preview?remove=true')).body;
    const outcomes = preview.reallocations.map((r: { orderId: string; outcome: string }) => [
      r.orderId,
      r.outcome,
    ]);
    expect(outcomes).toEqual([
      ['pv-o2', 'backordered'],
      ['pv-o1', 'reallocated'],
    ]);
    expect((await t.http.delete('/api/batches/pv-now')).status).toBe(204);
    expect((await t.http.get('/api/allocations/pv-o2')).body[0].status).toBe('backordered');
    expect((await t.http.get('/api/allocations/pv-o1')).body[0].batchReference).toBe('pv-later');
  });

  it.each([
    ['', 400],
    ['?quantity=2&remove=true', 400],
    ['?quantity=-1', 400],
    ['?quantity=1.5', 400],
    ['?remove=yes', 400],
  ])('refuses %s with %i', async (query, status) => {
    expect((await t.http.get(`/api/batches/pv-later/preview${query}`)).status).toBe(status);
  });

  it('answers 404 for a batch that does not exist', async () => {
    expect((await t.http.get('/api/batches/no-such/preview?remove=true')).status).toBe(404);
  });
});

describe('GET /api/products/:sku', () => {
  it('shows the aggregate with its version and availability', async () => {
    await addBatch({ reference: 'prod-1', sku: 'PRODUCT', quantity: 10 });
    await t.http.post('/api/allocations').send({ orderId: 'p1', sku: 'PRODUCT', quantity: 4 });
    const response = await t.http.get('/api/products/PRODUCT');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      sku: 'PRODUCT',
      version: 2,
      availableQuantity: 6,
      batches: [
        {
          reference: 'prod-1',
          sku: 'PRODUCT',
          eta: null,
          purchasedQuantity: 10,
          allocatedQuantity: 4,
          reservedQuantity: 0,
          availableQuantity: 6,
        },
      ],
      backorders: [],
    });
  });

  it('answers 404 for an unknown sku', async () => {
    const response = await t.http.get('/api/products/UNKNOWN');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'PRODUCT_NOT_FOUND',
      message: 'Product UNKNOWN not found',
      requestId: expect.any(String),
    });
  });
});
