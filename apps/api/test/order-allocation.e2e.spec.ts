import { setTimeout as sleep } from 'node:timers/promises';
import { waitForFeedHorizon } from '../src/testing/horizon';
import { startTestApp, type TestApp } from './support';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

/** Polls the order until every line satisfies `done`; how long that took. */
const waitForLines = async (
  orderId: string,
  done: (line: { allocation: { status: string } | null }) => boolean,
  ms = 10_000,
): Promise<{ elapsedMs: number; order: { items: Array<Record<string, unknown>> } }> => {
  const started = Date.now();
  for (;;) {
    const order = (await t.http.get(`/api/orders/${orderId}`)).body;
    if (order.items.every(done)) return { elapsedMs: Date.now() - started, order };
    if (Date.now() - started > ms)
      throw new Error(`order ${orderId}: ${JSON.stringify(order.items)}`);
    await sleep(10);
  }
};

const orderOf = async (orderId: string, lines: Array<[string, number]>) => {
  await t.http.post('/api/orders').send({ customerId: 'c1', orderId });
  for (const [sku, quantity] of lines) {
    await t.http.put(`/api/prices/${sku}`).send({ amountMinor: 100, currency: 'EUR' });
    const added = await t.http.post(`/api/orders/${orderId}/items`).send({ sku, quantity });
    if (added.status !== 201) throw new Error(JSON.stringify(added.body));
  }
};

describe('placing an order hands its lines to allocation', () => {
  it('allocates every line under the order id, and the order shows where each went', async () => {
    await t.http
      .post('/api/batches')
      .send({ reference: 'hand-b1', sku: 'HAND-LAMP', quantity: 10 });
    await t.http
      .post('/api/batches')
      .send({ reference: 'hand-b2', sku: 'HAND-SOFA', quantity: 10 });
    await orderOf('hand-o1', [
      ['HAND-LAMP', 3],
      ['HAND-SOFA', 2],
    ]);
    expect((await t.http.post('/api/orders/hand-o1/place')).status).toBe(200);
    const { order } = await waitForLines(
      'hand-o1',
      (line) => line.allocation?.status === 'allocated',
    );
    expect(order.items.map((item) => item['allocation'])).toEqual([
      { status: 'allocated', batches: [{ batchReference: 'hand-b1', quantity: 3 }] },
      { status: 'allocated', batches: [{ batchReference: 'hand-b2', quantity: 2 }] },
    ]);
    expect((await t.http.get('/api/allocations/hand-o1')).body).toHaveLength(2);
  });

  it('frees the stock of a placed order that is cancelled', async () => {
    expect((await t.http.post('/api/orders/hand-o1/cancel')).status).toBe(200);
    for (
      let waited = 0;
      (await t.http.get('/api/batches/hand-b1')).body.allocatedQuantity !== 0;
      waited += 20
    ) {
      if (waited > 10_000) throw new Error('never deallocated');
      await sleep(20);
    }
    expect((await t.http.get('/api/allocations/hand-o1')).status).toBe(404);
    expect((await t.http.get('/api/batches/hand-b2')).body.allocatedQuantity).toBe(0);
  });

  it('allocates a 20-line order soon after it is placed', async () => {
    const lines: Array<[string, number]> = Array.from({ length: 20 }, (_, i) => [
      `HAND-${i}`,
      1 + (i % 5),
    ]);
    for (const [sku] of lines) {
      await t.http.post('/api/batches').send({ reference: `${sku}-b`, sku, quantity: 100 });
    }
    await orderOf('hand-o20', lines);
    const placedAt = Date.now();
    await t.http.post('/api/orders/hand-o20/place');
    const { order } = await waitForLines(
      'hand-o20',
      (line) => line.allocation?.status === 'allocated',
    );
    const elapsed = Date.now() - placedAt;
    console.log(`20-line order: placed to all lines allocated in ${elapsed} ms`);
    expect(order.items).toHaveLength(20);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('leaves a line with no stock pending, and records OutOfStock for it', async () => {
    await t.http
      .post('/api/batches')
      .send({ reference: 'hand-small', sku: 'HAND-RARE', quantity: 1 });
    await orderOf('hand-o3', [['HAND-RARE', 5]]);
    await t.http.post('/api/orders/hand-o3/place');
    for (let waited = 0; ; waited += 20) {
      const { items } = (await t.http.get('/api/events?type=OutOfStock')).body;
      if (items.some((e: { data: { orderId: string } }) => e.data.orderId === 'hand-o3')) break;
      if (waited > 10_000) throw new Error('no OutOfStock recorded');
      await sleep(20);
    }
    expect((await t.http.get('/api/orders/hand-o3')).body.items[0].allocation).toEqual({
      status: 'pending',
    });
  });
});

describe('placing many orders at once on scarce stock', () => {
  it('never over-allocates: every line is allocated or recorded out of stock', async () => {
    const ORDERS = 100;
    await t.http.post('/api/batches').send({ reference: 'rush-b1', sku: 'RUSH', quantity: 30 });
    await t.http
      .post('/api/batches')
      .send({ reference: 'rush-b2', sku: 'RUSH', quantity: 20, eta: '2027-01-01' });
    await t.http.put('/api/prices/RUSH').send({ amountMinor: 100, currency: 'EUR' });
    const ids = Array.from({ length: ORDERS }, (_, i) => `rush-${i}`);
    for (const orderId of ids) {
      await t.http.post('/api/orders').send({ customerId: 'c1', orderId });
      await t.http.post(`/api/orders/${orderId}/items`).send({ sku: 'RUSH', quantity: 1 });
    }
    const placed = await Promise.all(
      ids.map((orderId) => t.http.post(`/api/orders/${orderId}/place`)),
    );
    expect(placed.every((response) => response.status === 200)).toBe(true);

    const outOfStock = async () => {
      await waitForFeedHorizon(t.databaseUrl);
      const { items } = (await t.http.get('/api/events?type=OutOfStock&limit=1000')).body;
      return new Set(
        items
          .map((e: { data: { orderId: string } }) => e.data.orderId)
          .filter((id: string) => id.startsWith('rush-')),
      );
    };
    const allocated = async () => {
      const found = await Promise.all(ids.map((id) => t.http.get(`/api/allocations/${id}`)));
      return new Set(ids.filter((_, i) => found[i]?.status === 200));
    };
    for (let waited = 0; ; waited += 100) {
      const [a, o] = [await allocated(), await outOfStock()];
      if (a.size + o.size >= ORDERS) {
        expect(a.size).toBe(50);
        expect(o.size).toBe(50);
        expect([...a].filter((id) => o.has(id))).toEqual([]);
        break;
      }
      if (waited > 30_000) throw new Error(`${a.size} allocated, ${o.size} out of stock`);
      await sleep(100);
    }
    for (const reference of ['rush-b1', 'rush-b2']) {
      const batch = (await t.http.get(`/api/batches/${reference}`)).body;
      expect(batch.availableQuantity).toBe(0);
    }
  });
});
