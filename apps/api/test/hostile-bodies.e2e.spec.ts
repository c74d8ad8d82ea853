import { databaseFingerprint } from './database-state';
import { json, startTestApp, type TestApp, contractPlatforms } from './support';

// The HTTP contract: the same answers on Express and on Fastify.
describe.each(contractPlatforms())('on %s', (httpPlatform) => {
  // Bodies found to slip through or to crash under fuzzing: each is a clear 400 and changes nothing.
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ config: { httpPlatform } });
    await t.http
      .post('/api/batches')
      .send({ reference: 'b1', sku: 'LAMP', quantity: 10, eta: null });
    await t.http.post('/api/allocations').send({ orderId: 'o1', sku: 'LAMP', quantity: 2 });
  });

  afterAll(async () => {
    await t.close();
  });

  const nested = (depth: number, open: string, close: string, inner = '1') =>
    open.repeat(depth) + inner + close.repeat(depth);

  const refusedUnchanged = async (
    method: 'post' | 'patch',
    url: string,
    body: string,
  ): Promise<{ code: string; message: unknown }> => {
    const before = await databaseFingerprint(t.databaseUrl);
    const response = await t.http[method](url).set(json).send(body);
    expect(response.status).toBe(400);
    expect(await databaseFingerprint(t.databaseUrl)).toEqual(before);
    return response.body as { code: string; message: unknown };
  };

  describe('deeply nested bodies', () => {
    it.each([
      ['2,000 nested arrays', nested(2_000, '[', ']')],
      ['3,000 nested objects', nested(3_000, '{"a":', '}')],
    ])('are refused before any transformation: %s', async (_name, deep) => {
      const body = await refusedUnchanged(
        'post',
        '/api/allocations',
        `{"orderId":"o2","sku":"LAMP","quantity":${deep}}`,
      );
      expect(body.message).toBe('JSON nested deeper than 32 levels');
    });

    it('are refused on every write route, the compat ones too', async () => {
      const deep = nested(100, '[', ']');
      for (const [method, url] of [
        ['post', '/api/batches'],
        ['patch', '/api/batches/b1'],
        ['post', '/allocate'],
        ['post', '/api/orders'],
        ['put', '/api/prices/LAMP'],
      ] as const) {
        const response = await t.http[method](url).set(json).send(`{"quantity":${deep}}`);
        expect({ url, status: response.status }).toEqual({ url, status: 400 });
      }
    });
  });

  describe('keys every object inherits', () => {
    it.each(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'])(
      'are refused like any other unknown property: %s',
      async (key) => {
        const body = await refusedUnchanged(
          'post',
          '/api/allocations',
          `{"orderId":"o3","sku":"LAMP","quantity":1,"${key}":{"x":1}}`,
        );
        expect(body.message).toBe(`property ${key} should not exist`);
      },
    );

    it('are refused when nested too', async () => {
      const body = await refusedUnchanged(
        'post',
        '/api/orders',
        '{"customerId":"c1","items":[{"sku":"LAMP","quantity":1,"toString":"x"}]}',
      );
      expect(body.message).toBe('property toString should not exist');
    });
  });

  describe('numbers JSON.parse would change', () => {
    it('refuses a quantity so small it would become zero', async () => {
      const body = await refusedUnchanged('patch', '/api/batches/b1', '{"quantity": -1e-400}');
      expect(body.message).toBe('number -1e-400 is too small to represent');
    });

    it('refuses a number out of range', async () => {
      const body = await refusedUnchanged('patch', '/api/batches/b1', '{"quantity": 1e400}');
      expect(body.message).toBe('number 1e400 is out of range');
    });
  });

  describe('paging parameters', () => {
    it.each(['abc', '1.5', '1e3', '-2', ''])('say page=%p is not a whole number', async (page) => {
      const response = await t.http.get(`/api/batches?page=${page}`);
      expect(response.status).toBe(400);
      expect(response.body.message).toEqual(['page must be a whole number']);
    });

    it('still name the bound when a whole number is out of range', async () => {
      const response = await t.http.get('/api/batches?pageSize=501');
      expect(response.body.message).toEqual(['pageSize must not be greater than 500']);
    });
  });

  describe("a product's totals", () => {
    it('stay exact: stock past 2^53 - 1 units is refused', async () => {
      const big = { sku: 'BULK', eta: null, quantity: 2 ** 52 };
      expect((await t.http.post('/api/batches').send({ ...big, reference: 'k1' })).status).toBe(
        201,
      );
      expect((await t.http.post('/api/batches').send({ ...big, reference: 'k2' })).status).toBe(
        409,
      );
      const refused = await t.http.post('/api/batches').send({ ...big, reference: 'k2' });
      expect(refused.body).toMatchObject({ code: 'STOCK_LIMIT_EXCEEDED' });
      const product = await t.http.get('/api/products/BULK');
      expect(product.body.availableQuantity).toBe(2 ** 52);
    });
  });
});
