import { EventStream } from './sse';
import { listenLocally, startTestApp, type TestApp, contractPlatforms } from './support';

// The HTTP contract: the same answers on Express and on Fastify.
describe.each(contractPlatforms())('on %s', (httpPlatform) => {
  const TOKEN = 'writer-token-0123456789';
  const OTHER = 'second-token-9876543210';
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  describe('with API_TOKENS set', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({
        config: { httpPlatform, access: { tokens: [TOKEN, OTHER], readsRequireToken: false } },
      });
    });

    afterAll(() => t.close());

    it.each([
      ['post', '/api/batches'],
      ['patch', '/api/batches/b1'],
      ['delete', '/api/batches/b1'],
      ['post', '/api/allocations'],
      ['delete', '/api/allocations/o1'],
      ['post', '/add_batch'],
      ['post', '/allocate'],
      ['post', '/api/orders'],
      ['put', '/api/prices/LAMP'],
      ['post', '/api/pick-lists'],
    ] as const)('refuses %s %s without a token: 401 with WWW-Authenticate', async (method, url) => {
      const response = await t.http[method](url).send({});
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="allocation"');
      expect(response.body).toMatchObject({ statusCode: 401, code: 'TOKEN_REQUIRED' });
    });

    it('refuses a wrong token, and one that differs only in its last character', async () => {
      for (const token of ['nope', `${TOKEN.slice(0, -1)}X`, `${TOKEN} extra`]) {
        const response = await t.http
          .post('/api/batches')
          .set('Authorization', `Bearer ${token}`)
          .send({ reference: 'b1', sku: 'LAMP', quantity: 1 });
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('INVALID_TOKEN');
        expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      }
      expect((await t.http.get('/api/batches')).body.items).toEqual([]);
    });

    it('accepts any configured token, and leaves reads open', async () => {
      const created = await t.http
        .post('/api/batches')
        .set(auth(TOKEN))
        .send({ reference: 'b1', sku: 'LAMP', quantity: 5 });
      expect(created.status).toBe(201);
      const allocated = await t.http
        .post('/api/allocations')
        .set(auth(OTHER))
        .send({ orderId: 'o1', sku: 'LAMP', quantity: 1 });
      expect(allocated.status).toBe(201);
      expect((await t.http.get('/api/products/LAMP')).status).toBe(200);
      expect((await t.http.get('/api/health')).status).toBe(200);
    });

    it('documents the bearer scheme on every write in Swagger', async () => {
      const document = (await t.http.get('/docs-json')).body;
      expect(document.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      expect(document.paths['/api/batches'].post.security).toEqual([{ bearer: [] }]);
      expect(document.paths['/api/batches'].post.responses['401']).toBeDefined();
      expect(document.paths['/api/batches'].get.security).toBeUndefined();
    });
  });

  describe('with API_READ_REQUIRES_TOKEN=true', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({
        config: { httpPlatform, access: { tokens: [TOKEN], readsRequireToken: true } },
      });
    });

    afterAll(() => t.close());

    it('needs the token for reads of data, not for health, the UI or the docs', async () => {
      expect((await t.http.get('/api/batches')).status).toBe(401);
      expect((await t.http.get('/allocations/o1')).status).toBe(401);
      expect((await t.http.get('/api/batches').set(auth(TOKEN))).status).toBe(200);
      // Orchestrators probe without tokens.
      for (const path of ['/api/health', '/api/health/live', '/api/health/ready'])
        expect((await t.http.get(path)).status).toBe(200);
      expect((await t.http.get('/')).status).toBe(200);
      expect((await t.http.get('/docs-json')).status).toBe(200);
    });

    it('takes the event stream token from the query (EventSource sends no headers)', async () => {
      expect((await t.http.get('/api/events/stream')).status).toBe(401);
      const refused = await t.http.get('/api/events/stream?access_token=wrong-token-000000000');
      expect(refused.status).toBe(401);
      // Other routes do not take a token from the query, so it never lands in a link or a log.
      expect((await t.http.get(`/api/batches?access_token=${TOKEN}`)).status).toBe(401);
    });

    it('opens the event stream with a valid token in the query, however its name is spelled', async () => {
      const { base } = await listenLocally(t);
      for (const name of ['access_token', 'access%5Ftoken']) {
        const stream = await EventStream.open(`${base}/api/events/stream?${name}=${TOKEN}`);
        expect({ name, status: stream.response.statusCode }).toEqual({ name, status: 200 });
        expect(stream.response.headers['content-type']).toContain('text/event-stream');
        stream.close();
      }
    });

    it('decides on the route that matched: no spelling of a path reads data without the token', async () => {
      // Fastify's router decodes `/%61pi` and Express's matches `/API` and a trailing slash;
      // whatever a router serves needs the token, and what it does not serve is a 404 either way.
      const served: string[] = [];
      // Spellings Fastify's router decodes, and spellings Express's matches regardless of case and
      // a trailing slash.
      const encoded = [
        '/%61pi/batches',
        '/%61pi/orders',
        '/api/%62atches',
        '/%6detrics',
        '/%61llocations/o1',
        '/api/events/%73tream',
      ];
      const recased = ['/API/batches', '/api/batches/', '/Metrics'];
      for (const url of [...encoded, ...recased]) {
        // The stream would stay open: a Last-Event-ID it refuses makes it answer at once.
        const withToken = await t.http
          .get(url)
          .set({ ...auth(TOKEN), ...(url.endsWith('%73tream') ? { 'Last-Event-ID': 'x' } : {}) });
        const without = await t.http.get(url);
        // A route's own 404 (no such order) names what is missing; the router's says NOT_FOUND.
        if (withToken.status === 404 && withToken.body.code === 'NOT_FOUND') {
          expect({ url, status: without.status }).toEqual({ url, status: 404 });
          continue;
        }
        served.push(url);
        expect({ url, status: without.status }).toEqual({ url, status: 401 });
        expect(without.body.code).toBe('TOKEN_REQUIRED');
      }
      // Each router really does serve some of these spellings, so the check above bites.
      expect(served).toEqual(httpPlatform === 'fastify' ? encoded : recased);
    });
  });

  describe('with a rate limit', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ config: { httpPlatform, rateLimit: { max: 5, windowMs: 60_000 } } });
    });

    afterAll(() => t.close());

    it('answers 429 with Retry-After past the limit, and never limits health', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await t.http.get('/api/batches')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const refused = await t.http
        .post('/api/batches')
        .send({ reference: 'r', sku: 'S', quantity: 1 });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
      for (let i = 0; i < 10; i++) expect((await t.http.get('/api/health')).status).toBe(200);
      expect((await t.http.get('/api/health/ready')).status).toBe(200);
      // Decided on the path as routers decode it: spelling a path differently changes nothing
      // (Express does not serve `/%61pi/health`, Fastify does; neither limits it).
      expect((await t.http.get('/%61pi/batches')).status).toBe(429);
      expect((await t.http.get('/%61pi/health')).status).toBe(
        httpPlatform === 'fastify' ? 200 : 404,
      );
    });

    it('sends the security headers on every answer, refusals included', async () => {
      for (const response of [await t.http.get('/api/health'), await t.http.get('/api/batches')]) {
        expect(response.headers['content-security-policy']).toContain("script-src 'self'");
        expect(response.headers['x-content-type-options']).toBe('nosniff');
      }
    });
  });
});
