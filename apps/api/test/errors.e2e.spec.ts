import { Client } from 'pg';
import { startAppWithoutDatabase, startTestApp, type TestApp } from './support';

describe('with a working database', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await t.http
      .post('/api/batches')
      .set('Content-Type', 'application/json')
      .send('{"reference": ');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('answers 413 for a body over 100 kB', async () => {
    const response = await t.http
      .post('/api/allocations')
      .send({ orderId: 'x'.repeat(110_000), sku: 'LAMP', quantity: 1 });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('answers 400 for a body that is not an object', async () => {
    const response = await t.http
      .post('/api/allocations')
      .set('Content-Type', 'application/json')
      .send('[1,2]');
    expect(response.status).toBe(400);
  });

  it('answers 400 when there is no JSON body at all', async () => {
    const response = await t.http
      .post('/api/batches')
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(response.status).toBe(400);
  });

  it('answers 404 JSON for an unknown route', async () => {
    const response = await t.http.get('/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'NOT_FOUND',
      message: 'Cannot GET /api/nothing-here',
      requestId: expect.any(String),
    });
  });

  it('gives every response a request id, keeping a sane one from the caller', async () => {
    expect((await t.http.get('/api/health')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const mine = await t.http.get('/api/health').set('X-Request-Id', 'trace-123');
    expect(mine.headers['x-request-id']).toBe('trace-123');
  });

  it('reports health 200 when the database answers', async () => {
    const response = await t.http.get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('serves Swagger UI at /docs and the OpenAPI document at /docs-json, every route documented', async () => {
    expect((await t.http.get('/docs')).status).toBe(200);
    const document = (await t.http.get('/docs-json')).body;
    expect(Object.keys(document.paths).sort()).toEqual([
      '/add_batch',
      '/allocate',
      '/allocations/{orderid}',
      '/api/allocations',
      '/api/allocations/{orderId}',
      '/api/allocations/{orderId}/batch/{reference}',
      '/api/batches',
      '/api/batches/{reference}',
      '/api/events',
      '/api/events/stream',
      '/api/health',
      '/api/orders',
      '/api/orders/{orderId}',
      '/api/orders/{orderId}/cancel',
      '/api/orders/{orderId}/items',
      '/api/orders/{orderId}/items/{sku}',
      '/api/orders/{orderId}/place',
      '/api/pick-lists',
      '/api/pick-lists/{id}',
      '/api/pick-lists/{id}/cancel',
      '/api/pick-lists/{id}/confirm',
      '/api/prices',
      '/api/prices/{sku}',
      '/api/products/{sku}',
      '/metrics',
    ]);
    const allocate = document.paths['/api/allocations'].post;
    expect(Object.keys(allocate.responses).sort()).toEqual([
      '200',
      '201',
      '400',
      '401',
      '409',
      '413',
      '429',
      '503',
    ]);
    expect(document.components.schemas.AllocateRequest.properties.quantity).toMatchObject({
      minimum: 1,
    });
  });

  it('serves the web UI at /', async () => {
    const response = await t.http.get('/');
    expect(response.status).toBe(200);
    expect(response.text).toContain('<h1>Allocation service</h1>');
  });
});

describe('when changes to a product keep conflicting', () => {
  let t: TestApp;
  let sql: Client;

  beforeAll(async () => {
    t = await startTestApp();
    sql = new Client({ connectionString: t.databaseUrl });
    await sql.connect();
  });

  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  // Every write to product HOT fails as a lost race would, so each attempt of the unit of work
  // is retried until the retries run out.
  const simulateEndlessConflicts = () =>
    sql.query(`
      CREATE FUNCTION always_conflict() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'simulated lost race' USING ERRCODE = 'serialization_failure'; END $$;
      CREATE TRIGGER always_conflict BEFORE UPDATE ON products
        FOR EACH ROW WHEN (OLD.sku = 'HOT') EXECUTE FUNCTION always_conflict();`);

  it('answers 503 with Retry-After once the retries are exhausted, and changes nothing', async () => {
    expect(
      (await t.http.post('/api/batches').send({ reference: 'hot-1', sku: 'HOT', quantity: 10 }))
        .status,
    ).toBe(201);
    await simulateEndlessConflicts();

    const response = await t.http
      .post('/api/allocations')
      .send({ orderId: 'hot-o', sku: 'HOT', quantity: 1 });
    expect(response.status).toBe(503);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'TOO_MANY_CONFLICTS',
      message: expect.stringMatching(/^Too many concurrent changes; gave up after \d+ attempts/),
      requestId: expect.any(String),
    });
    expect((await t.http.get('/api/allocations/hot-o')).status).toBe(404);
    expect((await t.http.get('/api/batches/hot-1')).body).toMatchObject({
      allocatedQuantity: 0,
      availableQuantity: 10,
    });

    await sql.query('DROP TRIGGER always_conflict ON products');
    expect(
      (await t.http.post('/api/allocations').send({ orderId: 'hot-o', sku: 'HOT', quantity: 1 }))
        .status,
    ).toBe(201);
  });
});

describe('when the database does not answer', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startAppWithoutDatabase();
  });

  afterAll(async () => {
    await t.close();
  });

  it('reports health 503', async () => {
    const response = await t.http.get('/api/health');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database does not answer',
      requestId: expect.any(String),
    });
  });

  it('answers a change with 503 and Retry-After, without internals', async () => {
    const response = await t.http
      .post('/api/batches')
      .send({ reference: 'b', sku: 'S', quantity: 1 });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is unavailable; try again shortly',
      requestId: expect.any(String),
    });
  });
});
