import { startTestApp, type TestApp, contractPlatforms } from './support';

// The HTTP contract: the same answers on Express and on Fastify.
describe.each(contractPlatforms())('on %s', (httpPlatform) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ config: { httpPlatform } });
  });

  afterAll(async () => {
    await t.close();
  });

  const addBatch = (ref: string, sku: string, qty: number, eta: string | null) =>
    t.http.post('/add_batch').send({ ref, sku, qty, eta });

  describe('the reference service routes', () => {
    it('happy path: returns 202 and the allocated batch is the earliest', async () => {
      expect((await addBatch('laterbatch', 'SMALL-TABLE', 100, '2011-01-02')).status).toBe(201);
      await addBatch('earlybatch', 'SMALL-TABLE', 100, '2011-01-01');
      await addBatch('otherbatch', 'OTHER-SKU', 100, null);

      const response = await t.http
        .post('/allocate')
        .send({ orderid: 'order-1', sku: 'SMALL-TABLE', qty: 3 });
      expect(response.status).toBe(202);
      expect(response.body).toBe('OK');

      const allocations = await t.http.get('/allocations/order-1');
      expect(allocations.status).toBe(200);
      expect(allocations.body).toEqual([{ sku: 'SMALL-TABLE', batchref: 'earlybatch' }]);
    });

    it('unhappy path: returns 400 "Invalid sku", then 404 for the order', async () => {
      const response = await t.http
        .post('/allocate')
        .send({ orderid: 'order-2', sku: 'UNKNOWN-SKU', qty: 20 });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Invalid sku UNKNOWN-SKU');
      expect((await t.http.get('/allocations/order-2')).status).toBe(404);
    });

    it('answers 202 when out of stock: that is an event, not an error', async () => {
      await addBatch('tinybatch', 'TINY', 1, null);
      const response = await t.http
        .post('/allocate')
        .send({ orderid: 'order-3', sku: 'TINY', qty: 2 });
      expect(response.status).toBe(202);
      expect((await t.http.get('/allocations/order-3')).status).toBe(404);
    });

    it('answers 201 "OK" from add_batch and 400 for a bad body', async () => {
      const created = await addBatch('okbatch', 'OK-SKU', 5, null);
      expect(created.body).toBe('OK');
      const bad = await t.http.post('/add_batch').send({ ref: 'x', sku: 'OK-SKU', qty: 'many' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toEqual(['qty must be a whole number']);
    });

    it('lists allocations in allocation order', async () => {
      await addBatch('first-b', 'MULTI-1', 5, null);
      await addBatch('second-b', 'MULTI-2', 5, null);
      await t.http.post('/allocate').send({ orderid: 'order-4', sku: 'MULTI-2', qty: 1 });
      await t.http.post('/allocate').send({ orderid: 'order-4', sku: 'MULTI-1', qty: 1 });
      expect((await t.http.get('/allocations/order-4')).body).toEqual([
        { sku: 'MULTI-2', batchref: 'second-b' },
        { sku: 'MULTI-1', batchref: 'first-b' },
      ]);
    });
  });
});
