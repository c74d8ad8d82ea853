import { setTimeout as sleep } from 'node:timers/promises';
import { waitForFeedHorizon } from '@allocation/platform/testing';
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

  it('allocates a whole order placed in one request', async () => {
    await t.http
      .post('/api/batches')
      .send({ reference: 'whole-b1', sku: 'WHOLE-LAMP', quantity: 5 });
    await t.http.put('/api/prices/WHOLE-LAMP').send({ amountMinor: 100, currency: 'EUR' });
    const placed = await t.http.post('/api/orders').send({
      customerId: 'c1',
      orderId: 'whole-o1',
      items: [{ sku: 'WHOLE-LAMP', quantity: 4 }],
      place: true,
    });
    expect(placed.status).toBe(201);
    const { order } = await waitForLines(
      'whole-o1',
      (line) => line.allocation?.status === 'allocated',
    );
    expect(order.items.map((item) => item['allocation'])).toEqual([
      { status: 'allocated', batches: [{ batchReference: 'whole-b1', quantity: 4 }] },
    ]);
  });

  it('backorders a line for a SKU allocation has never seen, and serves it from the first batch', async () => {
    // The README's example on a fresh database: a price, no stock at all yet.
    await orderOf('new-o1', [['NEW-SKU', 2]]);
    expect((await t.http.post('/api/orders/new-o1/place')).status).toBe(200);
    const { order } = await waitForLines('new-o1', (line) => line.allocation?.status !== 'pending');
    expect(order.items.map((item) => item['allocation'])).toEqual([{ status: 'backordered' }]);
    const product = (await t.http.get('/api/products/NEW-SKU')).body;
    expect(product).toMatchObject({ sku: 'NEW-SKU', batches: [] });
    expect(product.backorders).toEqual([
      expect.objectContaining({ orderId: 'new-o1', quantity: 2 }),
    ]);
    await waitForFeedHorizon(t.databaseUrl);
    const events = (await t.http.get('/api/events?type=OutOfStock,Backordered&limit=1000')).body;
    expect(
      events.items
        .filter((e: { data: { orderId: string } }) => e.data.orderId === 'new-o1')
        .map((e: { type: string }) => e.type),
    ).toEqual(['OutOfStock', 'Backordered']);

    await t.http.post('/api/batches').send({ reference: 'new-b1', sku: 'NEW-SKU', quantity: 5 });
    const served = await waitForLines('new-o1', (line) => line.allocation?.status === 'allocated');
    expect(served.order.items.map((item) => item['allocation'])).toEqual([
      { status: 'allocated', batches: [{ batchReference: 'new-b1', quantity: 2 }] },
    ]);
    // A direct allocation of a SKU nobody has seen is still the reference service's 400.
    const direct = await t.http
      .post('/api/allocations')
      .send({ orderId: 'new-o2', sku: 'NEVER-SEEN', quantity: 1 });
    expect(direct.status).toBe(400);
    expect(direct.body.message).toBe('Invalid sku NEVER-SEEN');
    expect((await t.http.get('/api/products/NEVER-SEEN')).status).toBe(404);
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

  it('keeps a line with no stock as backordered, and allocates it when stock arrives', async () => {
    await t.http
      .post('/api/batches')
      .send({ reference: 'hand-small', sku: 'HAND-RARE', quantity: 1 });
    await orderOf('hand-o3', [['HAND-RARE', 5]]);
    await t.http.post('/api/orders/hand-o3/place');
    await waitForLines('hand-o3', (line) => line.allocation?.status === 'backordered');
    expect((await t.http.get('/api/allocations/hand-o3')).body).toEqual([
      { sku: 'HAND-RARE', batchReference: null, quantity: 5, status: 'backordered' },
    ]);
    expect((await t.http.get('/api/products/HAND-RARE')).body.backorders).toEqual([
      { orderId: 'hand-o3', quantity: 5 },
    ]);
    await waitForFeedHorizon(t.databaseUrl);
    const types = (await t.http.get('/api/events?type=OutOfStock,Backordered')).body.items
      .filter((e: { data: { orderId: string } }) => e.data.orderId === 'hand-o3')
      .map((e: { type: string }) => e.type);
    expect(types).toEqual(['OutOfStock', 'Backordered']);

    // The batch grows: the waiting line takes it.
    const grown = await t.http.patch('/api/batches/hand-small').send({ quantity: 5 });
    expect(grown.body).toMatchObject({ allocatedQuantity: 5, availableQuantity: 0 });
    const { order } = await waitForLines(
      'hand-o3',
      (line) => line.allocation?.status === 'allocated',
    );
    expect(order.items[0]?.['allocation']).toEqual({
      status: 'allocated',
      batches: [{ batchReference: 'hand-small', quantity: 5 }],
    });
    expect((await t.http.get('/api/products/HAND-RARE')).body.backorders).toEqual([]);
  });

  it('backorders a line its shrinking batch pushes out, and serves it from a new batch', async () => {
    await t.http
      .post('/api/batches')
      .send({ reference: 'hand-shrink', sku: 'HAND-TILE', quantity: 4 });
    await orderOf('hand-o4', [['HAND-TILE', 4]]);
    await t.http.post('/api/orders/hand-o4/place');
    await waitForLines('hand-o4', (line) => line.allocation?.status === 'allocated');

    const shrunk = await t.http.patch('/api/batches/hand-shrink').send({ quantity: 2 });
    expect(shrunk.body.reallocations).toEqual([
      expect.objectContaining({ orderId: 'hand-o4', outcome: 'backordered', to: [] }),
    ]);
    expect((await t.http.get('/api/orders/hand-o4')).body.items[0].allocation).toEqual({
      status: 'backordered',
    });

    const arrived = await t.http
      .post('/api/batches')
      .send({ reference: 'hand-tile-2', sku: 'HAND-TILE', quantity: 10, eta: '2027-02-01' });
    expect(arrived.body).toMatchObject({ allocatedQuantity: 4, availableQuantity: 6 });
    expect((await t.http.get('/api/allocations/hand-o4')).body).toEqual([
      { sku: 'HAND-TILE', batchReference: 'hand-tile-2', quantity: 4, status: 'allocated' },
    ]);
  });

  it('drops the backorder of a placed order that is cancelled', async () => {
    await t.http
      .post('/api/batches')
      .send({ reference: 'hand-none', sku: 'HAND-VASE', quantity: 1 });
    await orderOf('hand-o5', [['HAND-VASE', 3]]);
    await t.http.post('/api/orders/hand-o5/place');
    await waitForLines('hand-o5', (line) => line.allocation?.status === 'backordered');
    expect((await t.http.post('/api/orders/hand-o5/cancel')).status).toBe(200);
    for (
      let waited = 0;
      (await t.http.get('/api/allocations/hand-o5')).status !== 404;
      waited += 20
    ) {
      if (waited > 10_000) throw new Error('backorder never dropped');
      await sleep(20);
    }
    expect((await t.http.get('/api/products/HAND-VASE')).body.backorders).toEqual([]);
    // Stock that arrives later is not given to the cancelled order.
    await t.http.patch('/api/batches/hand-none').send({ quantity: 10 });
    expect((await t.http.get('/api/batches/hand-none')).body.allocatedQuantity).toBe(0);
  });
});

describe('placing many orders at once on scarce stock', () => {
  it('never over-allocates, leaves every line allocated or backordered, and serves the backorders in order', async () => {
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

    /** Each order's line status, once none is pending any more. */
    const settled = async (): Promise<Map<string, string>> => {
      for (let waited = 0; ; waited += 100) {
        const orders = await Promise.all(ids.map((id) => t.http.get(`/api/orders/${id}`)));
        const statuses = new Map(
          orders.map((o) => [
            o.body.orderId as string,
            o.body.items[0].allocation.status as string,
          ]),
        );
        if (![...statuses.values()].includes('pending')) return statuses;
        if (waited > 30_000) throw new Error(JSON.stringify([...statuses]));
        await sleep(100);
      }
    };
    const count = (statuses: Map<string, string>, status: string) =>
      [...statuses.values()].filter((s) => s === status).length;

    const first = await settled();
    expect(count(first, 'allocated')).toBe(50);
    expect(count(first, 'backordered')).toBe(50);
    for (const reference of ['rush-b1', 'rush-b2']) {
      const batch = (await t.http.get(`/api/batches/${reference}`)).body;
      expect(batch.availableQuantity).toBe(0);
    }
    const queue = (await t.http.get('/api/products/RUSH')).body.backorders.map(
      (b: { orderId: string }) => b.orderId,
    );
    expect(queue.sort()).toEqual(ids.filter((id) => first.get(id) === 'backordered').sort());

    // Twenty more arrive: the twenty that waited longest get them.
    const ordered = (await t.http.get('/api/products/RUSH')).body.backorders.map(
      (b: { orderId: string }) => b.orderId,
    );
    await t.http.post('/api/batches').send({ reference: 'rush-b3', sku: 'RUSH', quantity: 20 });
    const second = await settled();
    expect(ordered.slice(0, 20).every((id: string) => second.get(id) === 'allocated')).toBe(true);
    expect(ordered.slice(20).every((id: string) => second.get(id) === 'backordered')).toBe(true);
    expect(count(second, 'allocated')).toBe(70);
    expect((await t.http.get('/api/batches/rush-b3')).body.availableQuantity).toBe(0);
  });
});
