import { Client } from 'pg';
import { connect } from 'node:net';
import { databaseFingerprint } from './database-state';
import {
  json,
  listenLocally,
  startAppWithoutDatabase,
  startTestApp,
  type TestApp,
  contractPlatforms,
} from './support';

// The HTTP contract: the same answers on Express and on Fastify.
describe.each(contractPlatforms())('on %s', (httpPlatform) => {
  describe('with a working database', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ config: { httpPlatform } });
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

    it('answers 415 when the body is not JSON at all', async () => {
      const response = await t.http
        .post('/api/batches')
        .set('Content-Type', 'text/plain')
        .send('hello');
      expect(response.status).toBe(415);
      expect(response.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    });

    it.each(['null', '[]', '"x"', '0', 'true'])(
      'answers 400 for the whole body %s on every route that takes a body or none, changing nothing',
      async (body) => {
        const before = await databaseFingerprint(t.databaseUrl);
        for (const [method, url] of [
          ['post', '/api/batches'],
          ['patch', '/api/batches/b1'],
          ['post', '/api/allocations'],
          ['post', '/api/pick-lists'],
          ['post', '/api/pick-lists/p1/confirm'],
          ['post', '/api/orders'],
          ['post', '/api/orders/o1/items'],
          ['post', '/api/orders/o1/place'],
          ['put', '/api/prices/LAMP'],
          ['post', '/add_batch'],
          ['post', '/allocate'],
        ] as const) {
          const response = await t.http[method](url).set(json).send(body);
          expect({ url, status: response.status, message: response.body.message }).toEqual({
            url,
            status: 400,
            message: 'The body must be a JSON object',
          });
        }
        expect(await databaseFingerprint(t.databaseUrl)).toEqual(before);
      },
    );

    it('answers 400 for a property that is null where it may only be left out', async () => {
      for (const [url, body] of [
        ['/api/pick-lists', { orderIds: null }],
        ['/api/allocations', { orderId: 'o9', sku: 'LAMP', quantity: 1, allowSplit: null }],
        ['/api/orders', { customerId: 'c1', currency: null }],
        ['/api/orders', { customerId: 'c1', orderId: null }],
      ] as const) {
        const response = await t.http.post(url).send(body);
        expect({ url, status: response.status }).toEqual({ url, status: 400 });
      }
    });

    it('answers a URL that does not decode with 400 in the JSON shape and the security headers', async () => {
      const response = await t.http.get('/api/allocations/%E0%A4%A');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        code: 'BAD_URL',
        message: expect.stringContaining('malformed'),
        requestId: expect.any(String),
      });
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-request-id']).toBe(response.body.requestId);
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
        '/api/batches/{reference}/preview',
        '/api/events',
        '/api/events/stream',
        '/api/health',
        '/api/health/live',
        '/api/health/ready',
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
      t = await startTestApp({ config: { httpPlatform } });
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
      t = await startAppWithoutDatabase(httpPlatform);
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

  describe('a client sending its request slowly', () => {
    let t: TestApp;
    let port: number;

    beforeAll(async () => {
      t = await startTestApp({
        config: { httpPlatform, httpTimeouts: { headersMs: 300, requestMs: 600 } },
      });
      port = (await listenLocally(t)).port;
    });

    afterAll(() => t.close());

    /** Writes `parts` one every 100 ms and resolves with what the server sent once it closed. */
    const trickle = async (port: number, parts: ReadonlyArray<string>): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let received = '';
        let next = 0;
        const timer = setInterval(() => {
          if (next < parts.length && !socket.destroyed) socket.write(parts[next++] ?? '');
        }, 100);
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (received += chunk));
        socket.on('close', () => {
          clearInterval(timer);
          resolve(received);
        });
        socket.on('error', reject);
        // Only against a hang: the deadlines above are well under a second.
        setTimeout(() => {
          clearInterval(timer);
          socket.destroy();
          reject(new Error(`still open after 10 s; received ${JSON.stringify(received)}`));
        }, 10_000).unref();
      });

    it('is cut off when its headers do not arrive in time (408), and others are served', async () => {
      const headers = [
        'GET /api/health HTTP/1.1\r\n',
        'Host: x\r\n',
        ...Array(100).fill('X-A: b\r\n'),
      ];
      const answer = await trickle(port, headers);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect((await t.http.get('/api/health')).status).toBe(200);
    });

    it('is cut off when its body does not arrive in time', async () => {
      const start =
        'POST /api/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{';
      const answer = await trickle(port, [start, ...Array(100).fill(' ')]);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    });
  });
});
