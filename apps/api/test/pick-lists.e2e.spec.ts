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

const addBatch = (reference: string, sku: string, quantity: number, eta?: string) =>
  t.http.post('/api/batches').send({ reference, sku, quantity, ...(eta ? { eta } : {}) });
const allocate = (orderId: string, sku: string, quantity: number) =>
  t.http.post('/api/allocations').send({ orderId, sku, quantity });
const pick = (orderIds?: string[]) =>
  t.http.post('/api/pick-lists').send(orderIds === undefined ? {} : { orderIds });
const batch = async (reference: string) => (await t.http.get(`/api/batches/${reference}`)).body;

describe('POST /api/pick-lists', () => {
  it('lists every allocated line of the orders by batch, in preference order, with totals', async () => {
    await addBatch('pk-later', 'PK-LAMP', 10, '2027-03-01');
    await addBatch('pk-shelf', 'PK-LAMP', 5);
    await allocate('pk-o1', 'PK-LAMP', 3);
    await allocate('pk-o2', 'PK-LAMP', 2);
    await allocate('pk-o3', 'PK-LAMP', 4);
    const created = await pick(['pk-o1', 'pk-o2', 'pk-o3']);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      status: 'open',
      createdAt: expect.any(String),
      closedAt: null,
      batches: [
        {
          batchReference: 'pk-shelf',
          sku: 'PK-LAMP',
          eta: null,
          quantity: 5,
          lines: [
            { orderId: 'pk-o1', quantity: 3 },
            { orderId: 'pk-o2', quantity: 2 },
          ],
        },
        {
          batchReference: 'pk-later',
          sku: 'PK-LAMP',
          eta: '2027-03-01',
          quantity: 4,
          lines: [{ orderId: 'pk-o3', quantity: 4 }],
        },
      ],
    });
    expect((await t.http.get(`/api/pick-lists/${created.body.id}`)).body).toEqual(created.body);
    const open = (await t.http.get('/api/pick-lists?status=open')).body;
    expect(open.items.map((p: { id: string }) => p.id)).toContain(created.body.id);
    expect(await batch('pk-shelf')).toMatchObject({ allocatedQuantity: 5, reservedQuantity: 5 });
  });

  it('answers 409 when nothing is left to pick: a line is on one open list at most', async () => {
    const again = await pick(['pk-o1', 'pk-o2', 'pk-o3']);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'NOTHING_TO_PICK',
      message: 'Nothing is left to pick for order(s) pk-o1, pk-o2, pk-o3',
    });
  });

  it.each([
    [{ orderIds: 'pk-o1' }, 'orderIds must be an array of order ids'],
    [{ orderIds: [] }, 'orderIds must name at least one order (or be left out)'],
    [{ orderIds: ['bad id'] }, expect.stringContaining('each of orderIds must start with')],
    [{ orderIds: ['pk-o1'], extra: 1 }, 'property extra should not exist'],
  ])('refuses %j with 400 and a reason', async (body, message) => {
    const response = await t.http.post('/api/pick-lists').send(body);
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual(expect.arrayContaining([message]));
  });

  it('answers 404 for an unknown pick list and 400 for a malformed id', async () => {
    expect((await t.http.get('/api/pick-lists/no-such-list')).status).toBe(404);
    expect((await t.http.post('/api/pick-lists/no-such-list/confirm')).status).toBe(404);
    expect((await t.http.get('/api/pick-lists/bad%20id')).status).toBe(400);
    expect((await t.http.get('/api/pick-lists?status=lost')).status).toBe(400);
  });
});

describe('lines on an open pick list are reserved', () => {
  let listId: string;

  beforeAll(async () => {
    await addBatch('rs-shelf', 'RS-SOFA', 10);
    await addBatch('rs-spare', 'RS-SOFA', 10, '2027-05-01');
    await allocate('rs-o1', 'RS-SOFA', 4);
    listId = (await pick(['rs-o1'])).body.id;
    await allocate('rs-o2', 'RS-SOFA', 3);
    await allocate('rs-o3', 'RS-SOFA', 3);
  });

  it('shrinking the batch deallocates the other lines first', async () => {
    const shrunk = await t.http.patch('/api/batches/rs-shelf').send({ quantity: 5 });
    expect(shrunk.status).toBe(200);
    expect(shrunk.body.reallocations.map((r: { orderId: string }) => r.orderId)).toEqual([
      'rs-o3',
      'rs-o2',
    ]);
    expect((await t.http.get('/api/allocations/rs-o1')).body).toEqual([
      { sku: 'RS-SOFA', batchReference: 'rs-shelf', quantity: 4, status: 'allocated' },
    ]);
  });

  it('a batch cannot shrink below what is reserved, nor be removed', async () => {
    const below = await t.http.patch('/api/batches/rs-shelf').send({ quantity: 3 });
    expect(below.status).toBe(409);
    expect(below.body).toMatchObject({
      code: 'STOCK_RESERVED',
      message: 'Batch rs-shelf has 4 units on open pick lists; its quantity cannot go below 4',
    });
    expect((await t.http.delete('/api/batches/rs-shelf')).status).toBe(409);
    expect(await batch('rs-shelf')).toMatchObject({ purchasedQuantity: 5, reservedQuantity: 4 });
  });

  it('a reserved line cannot be deallocated', async () => {
    const refused = await t.http.delete('/api/allocations/rs-o1');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('LINE_RESERVED');
  });

  it('cancelling the list releases them: still allocated, free to deallocate or pick again', async () => {
    const cancelled = await t.http.post(`/api/pick-lists/${listId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', closedAt: expect.any(String) });
    expect(await batch('rs-shelf')).toMatchObject({ allocatedQuantity: 4, reservedQuantity: 0 });
    const again = await pick(['rs-o1']);
    expect(again.status).toBe(201);
    expect((await t.http.post(`/api/pick-lists/${again.body.id}/cancel`)).status).toBe(200);
    expect((await t.http.delete('/api/allocations/rs-o1')).status).toBe(204);
    expect((await t.http.post(`/api/pick-lists/${listId}/confirm`)).body).toMatchObject({
      code: 'PICK_LIST_NOT_OPEN',
      message: `Pick list ${listId} is cancelled; only an open pick list can be confirmed`,
    });
  });
});

describe('confirming a pick list ships it', () => {
  it('takes what was picked out of the batches, for good', async () => {
    await addBatch('sh-shelf', 'SH-RUG', 10);
    await allocate('sh-o1', 'SH-RUG', 6);
    await allocate('sh-o2', 'SH-RUG', 1);
    const list = (await pick(['sh-o1'])).body;
    const confirmed = await t.http.post(`/api/pick-lists/${list.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect(await batch('sh-shelf')).toMatchObject({
      purchasedQuantity: 4,
      allocatedQuantity: 1,
      reservedQuantity: 0,
      availableQuantity: 3,
    });
    expect((await t.http.get('/api/allocations/sh-o1')).body).toEqual([
      { sku: 'SH-RUG', batchReference: 'sh-shelf', quantity: 6, status: 'shipped' },
    ]);
    // Shipped stock never comes back: shrinking to nothing lets go of sh-o2 only.
    const emptied = await t.http.patch('/api/batches/sh-shelf').send({ quantity: 0 });
    expect(emptied.body.reallocations.map((r: { orderId: string }) => r.orderId)).toEqual([
      'sh-o2',
    ]);
    // The same line cannot be allocated (and shipped) again.
    await t.http.patch('/api/batches/sh-shelf').send({ quantity: 20 });
    const twice = await allocate('sh-o1', 'SH-RUG', 6);
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      code: 'LINE_SHIPPED',
      message: "Order sh-o1's line of sku SH-RUG has shipped already",
    });
    expect((await t.http.post(`/api/pick-lists/${list.id}/confirm`)).status).toBe(409);
    expect((await t.http.post(`/api/pick-lists/${list.id}/cancel`)).status).toBe(409);
  });

  it('records PickListCreated, Shipped and PickListConfirmed in the event feed', async () => {
    await addBatch('ev-shelf', 'EV-VASE', 3);
    await allocate('ev-o1', 'EV-VASE', 2);
    const list = (await pick(['ev-o1'])).body;
    await t.http.post(`/api/pick-lists/${list.id}/confirm`);
    await waitForFeedHorizon(t.databaseUrl);
    const { items } = (
      await t.http.get('/api/events?type=PickListCreated,Shipped,PickListConfirmed&limit=1000')
    ).body;
    const mine = items.filter(
      (e: { data: { pickListId: string } }) => e.data.pickListId === list.id,
    );
    expect(mine.map((e: { type: string }) => e.type)).toEqual([
      'PickListCreated',
      'Shipped',
      'PickListConfirmed',
    ]);
    expect(mine[2].data.shipped).toEqual([
      { orderId: 'ev-o1', sku: 'EV-VASE', batchReference: 'ev-shelf', quantity: 2 },
    ]);
  });
});

describe('orders whose lines have all shipped', () => {
  const order = async (orderId: string, lines: Array<[string, number]>) => {
    await t.http.post('/api/orders').send({ customerId: 'c-ship', orderId });
    for (const [sku, quantity] of lines) {
      await t.http.put(`/api/prices/${sku}`).send({ amountMinor: 100, currency: 'EUR' });
      await t.http.post(`/api/orders/${orderId}/items`).send({ sku, quantity });
    }
    await t.http.post(`/api/orders/${orderId}/place`);
  };
  const statusOf = async (orderId: string) =>
    (await t.http.get(`/api/orders/${orderId}`)).body as {
      status: string;
      items: Array<{ allocation: { status: string } }>;
    };
  const until = async (
    orderId: string,
    done: (o: Awaited<ReturnType<typeof statusOf>>) => boolean,
  ) => {
    for (let waited = 0; ; waited += 25) {
      const found = await statusOf(orderId);
      if (done(found)) return found;
      if (waited > 10_000) throw new Error(`${orderId}: ${JSON.stringify(found)}`);
      await sleep(25);
    }
  };

  it('become shipped; one still waiting for a line stays placed until that ships too', async () => {
    await addBatch('os-chair', 'OS-CHAIR', 10);
    await addBatch('os-desk', 'OS-DESK', 1);
    await order('os-1', [
      ['OS-CHAIR', 2],
      ['OS-DESK', 3],
    ]);
    await until('os-1', (o) => o.items.every((i) => i.allocation.status !== 'pending'));

    const first = await pick(['os-1']);
    expect(first.body.batches.map((b: { sku: string }) => b.sku)).toEqual(['OS-CHAIR']);
    await t.http.post(`/api/pick-lists/${first.body.id}/confirm`);
    await sleep(300);
    const half = await statusOf('os-1');
    expect(half.status).toBe('placed');
    expect(half.items.map((i) => i.allocation)).toEqual([
      { status: 'shipped', batches: [{ batchReference: 'os-chair', quantity: 2 }] },
      { status: 'backordered' },
    ]);

    // The desks arrive; the waiting line is allocated, picked and shipped.
    await t.http.patch('/api/batches/os-desk').send({ quantity: 3 });
    const second = await pick(['os-1']);
    expect(second.status).toBe(201);
    await t.http.post(`/api/pick-lists/${second.body.id}/confirm`);
    const shipped = await until('os-1', (o) => o.status === 'shipped');
    // Every view of the order tells the same story: the order, its lines, the list, allocation.
    expect(shipped.items.map((i) => i.allocation)).toEqual([
      { status: 'shipped', batches: [{ batchReference: 'os-chair', quantity: 2 }] },
      { status: 'shipped', batches: [{ batchReference: 'os-desk', quantity: 3 }] },
    ]);
    const listed = (await t.http.get('/api/orders?customerId=c-ship')).body.items;
    expect(listed.find((o: { orderId: string }) => o.orderId === 'os-1').status).toBe('shipped');
    const allocations = (await t.http.get('/api/allocations/os-1')).body;
    expect(allocations.map((a: { status: string }) => a.status)).toEqual(['shipped', 'shipped']);
  });
});

describe('pick lists made at the same time', () => {
  it('never take the same line twice', async () => {
    const orders = Array.from({ length: 30 }, (_, i) => `cc-o${i}`);
    for (const sku of ['CC-A', 'CC-B', 'CC-C']) await addBatch(`cc-${sku}`, sku, 100);
    for (const [i, orderId] of orders.entries()) {
      await allocate(orderId, ['CC-A', 'CC-B', 'CC-C'][i % 3] as string, 1 + (i % 4));
    }
    // Eight lists at once, over overlapping sets of orders.
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) => pick(orders.filter((_, j) => (j + i) % 3 !== 0))),
    );
    expect(made.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const picked = made
      .filter((r) => r.status === 201)
      .flatMap((r) =>
        r.body.batches.flatMap((b: { lines: Array<{ orderId: string }> }) =>
          b.lines.map((l) => l.orderId),
        ),
      );
    expect(new Set(picked).size).toBe(picked.length);
    expect(picked.sort()).toEqual([...orders].sort());
    for (const sku of ['CC-A', 'CC-B', 'CC-C']) {
      const b = await batch(`cc-${sku}`);
      expect(b.reservedQuantity).toBe(b.allocatedQuantity);
    }
  });
});
