import { startTestApp, type TestApp, contractPlatforms } from './support';

// The HTTP contract: the same answers on Express and on Fastify.
describe.each(contractPlatforms())('on %s', (httpPlatform) => {
  describe('CORS', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ config: { httpPlatform, corsOrigins: ['https://shop.example'] } });
    });

    afterAll(() => t.close());

    it('lets a listed origin call the API, preflight included', async () => {
      const preflight = await t.http
        .options('/api/orders')
        .set('Origin', 'https://shop.example')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'Content-Type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(preflight.headers['access-control-allow-methods']).toContain('POST');
      const read = await t.http.get('/api/prices').set('Origin', 'https://shop.example');
      expect(read.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(read.headers['access-control-expose-headers']).toContain('X-Request-Id');
    });

    it('gives any other origin no permission', async () => {
      const read = await t.http.get('/api/prices').set('Origin', 'https://elsewhere.example');
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('lets a listed origin change data, and refuses any other', async () => {
      const allowed = await t.http
        .put('/api/prices/LAMP')
        .set('Origin', 'https://shop.example')
        .send({ amountMinor: 100, currency: 'EUR' });
      expect(allowed.status).toBe(200);
      const refused = await t.http
        .put('/api/prices/LAMP')
        .set('Origin', 'https://elsewhere.example')
        .send({ amountMinor: 1, currency: 'EUR' });
      expect(refused.status).toBe(403);
      expect((await t.http.get('/api/prices/LAMP')).body.amountMinor).toBe(100);
    });
  });

  describe('without CORS_ORIGINS', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ config: { httpPlatform } });
    });

    afterAll(() => t.close());

    const draftOrder = async (orderId: string): Promise<void> => {
      await t.http.put('/api/prices/CHAIR').send({ amountMinor: 500, currency: 'EUR' });
      await t.http.post('/api/orders').send({ customerId: 'c1', orderId });
      await t.http.post(`/api/orders/${orderId}/items`).send({ sku: 'CHAIR', quantity: 1 });
    };

    it("refuses another site's body-less form post that would place an order, and changes nothing", async () => {
      await draftOrder('csrf-1');
      for (const headers of [
        { Origin: 'http://evil.example', 'Content-Type': 'text/plain' },
        { Origin: 'null' },
        { 'Sec-Fetch-Site': 'cross-site' },
        { 'Sec-Fetch-Site': 'same-site' },
      ]) {
        const response = await t.http.post('/api/orders/csrf-1/place').set(headers);
        expect({ headers, status: response.status }).toEqual({ headers, status: 403 });
        expect(response.body).toMatchObject({ statusCode: 403, code: 'CROSS_ORIGIN_REFUSED' });
      }
      for (const url of ['/api/orders/csrf-1/cancel', '/api/pick-lists/p1/confirm', '/allocate']) {
        const response = await t.http.post(url).set('Origin', 'http://evil.example');
        expect({ url, status: response.status }).toEqual({ url, status: 403 });
      }
      expect((await t.http.get('/api/orders/csrf-1')).body.status).toBe('draft');
    });

    it('lets its own pages and clients that are not browsers change data', async () => {
      await draftOrder('csrf-2');
      const own = await t.http
        .post('/api/orders/csrf-2/items')
        .set('Host', 'warehouse.local:3000')
        .set('Origin', 'http://warehouse.local:3000')
        .set('Sec-Fetch-Site', 'same-origin')
        .send({ sku: 'CHAIR', quantity: 1 });
      expect(own.status).toBe(201);
      const curl = await t.http.post('/api/orders/csrf-2/place');
      expect(curl.status).toBe(200);
    });

    it('refuses a body that is not JSON (415), so a cross-site form body never parses', async () => {
      await draftOrder('csrf-3');
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
      ]) {
        const response = await t.http
          .post('/api/orders/csrf-3/items')
          .set('Content-Type', type)
          .send('sku=CHAIR&quantity=1');
        expect({ type, status: response.status }).toEqual({ type, status: 415 });
        expect(response.body).toMatchObject({ statusCode: 415, code: expect.any(String) });
      }
      expect((await t.http.get('/api/orders/csrf-3')).body.items[0].quantity).toBe(1);
    });

    it('allows no other site', async () => {
      const read = await t.http.get('/api/prices').set('Origin', 'https://shop.example');
      expect(read.status).toBe(200);
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
