import { waitForFeedHorizon } from '@allocation/platform/testing';
import { startTestApp, type TestApp } from './support';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await t.http.put('/api/prices/ORD-LAMP').send({ amountMinor: 1999, currency: 'EUR' });
  await t.http.put('/api/prices/ORD-SOFA').send({ amountMinor: 49_900, currency: 'EUR' });
  await t.http.put('/api/prices/ORD-YEN').send({ amountMinor: 500, currency: 'JPY' });
});

afterAll(async () => {
  await t.close();
});

const create = (body: object) => t.http.post('/api/orders').send(body);
const addItem = (orderId: string, body: object) =>
  t.http.post(`/api/orders/${orderId}/items`).send(body);
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

describe('prices', () => {
  it('sets, reads and lists prices', async () => {
    const set = await t.http
      .put('/api/prices/ORD-CHAIR')
      .send({ amountMinor: 4500, currency: 'EUR' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ sku: 'ORD-CHAIR', amountMinor: 4500, currency: 'EUR' });
    await t.http.put('/api/prices/ORD-CHAIR').send({ amountMinor: 4200, currency: 'EUR' });
    expect((await t.http.get('/api/prices/ORD-CHAIR')).body.amountMinor).toBe(4200);
    const page = (await t.http.get('/api/prices?pageSize=2')).body;
    expect(page).toMatchObject({ page: 1, pageSize: 2, total: 4 });
    expect(page.items.map((p: { sku: string }) => p.sku)).toEqual(['ORD-CHAIR', 'ORD-LAMP']);
  });

  it('lists the SKUs that start with ?sku=, in any case, and takes `_` as a character', async () => {
    for (const sku of ['FLT_A1', 'FLT_B2', 'FLTXA3']) {
      await t.http.put(`/api/prices/${sku}`).send({ amountMinor: 100, currency: 'EUR' });
    }
    // In the catalogue's own order (the database's collation); compared as sets here.
    const skus = async (query: string) =>
      (await t.http.get(`/api/prices?${query}`)).body.items
        .map((p: { sku: string }) => p.sku)
        .sort();
    expect(await skus('sku=flt')).toEqual(['FLTXA3', 'FLT_A1', 'FLT_B2'].sort());
    expect(await skus('sku=FLT_')).toEqual(['FLT_A1', 'FLT_B2']);
    expect((await t.http.get('/api/prices?sku=flt_a')).body).toMatchObject({ total: 1 });
    expect((await t.http.get('/api/prices?sku=bad%20sku')).status).toBe(400);
  });

  it.each([
    [
      { amountMinor: 19.99, currency: 'EUR' },
      'amountMinor must be a whole number of minor units (cents)',
    ],
    [{ amountMinor: -1, currency: 'EUR' }, 'amountMinor must not be less than 0'],
    [
      { amountMinor: '1999', currency: 'EUR' },
      'amountMinor must be a whole number of minor units (cents)',
    ],
    [{ amountMinor: 100, currency: 'euro' }, 'currency must be an ISO 4217 code such as EUR'],
    [{ amountMinor: 100 }, 'currency must be an ISO 4217 code such as EUR'],
  ])('refuses the price %j with 400', async (body, message) => {
    const response = await t.http.put('/api/prices/ORD-BAD').send(body);
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(message);
    expect((await t.http.get('/api/prices/ORD-BAD')).status).toBe(404);
  });

  it('refuses a currency it does not know with 400, and an unknown SKU’s price with 404', async () => {
    const unknown = await t.http
      .put('/api/prices/ORD-BAD')
      .send({ amountMinor: 1, currency: 'XYZ' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      code: 'INVALID_VALUE',
      message: 'currency XYZ is not one this service prices in',
    });
    expect((await t.http.get('/api/prices/NOPE')).body).toMatchObject({ code: 'PRICE_NOT_FOUND' });
  });
});

describe('orders', () => {
  it('creates a draft in EUR by default, with an id of its own', async () => {
    const response = await create({ customerId: 'cust-1' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      customerId: 'cust-1',
      currency: 'EUR',
      status: 'draft',
      items: [],
      total: eur(0),
    });
    expect(response.body.orderId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers the same order again for a repeated create with the same id, and 409 for another', async () => {
    expect((await create({ customerId: 'cust-1', orderId: 'ord-retry' })).status).toBe(201);
    const again = await create({ customerId: 'cust-1', orderId: 'ord-retry' });
    expect(again.status).toBe(200);
    expect(again.body.orderId).toBe('ord-retry');
    const other = await create({ customerId: 'cust-2', orderId: 'ord-retry' });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('ORDER_ID_TAKEN');
  });

  it('adds items at their catalogue price, merges a repeated SKU, and totals exactly', async () => {
    await create({ customerId: 'cust-1', orderId: 'ord-a' });
    expect((await addItem('ord-a', { sku: 'ORD-LAMP', quantity: 2 })).status).toBe(201);
    await addItem('ord-a', { sku: 'ORD-SOFA', quantity: 1 });
    const merged = await addItem('ord-a', { sku: 'ORD-LAMP', quantity: 1 });
    expect(merged.body.items).toEqual([
      {
        sku: 'ORD-LAMP',
        quantity: 3,
        unitPrice: eur(1999),
        lineTotal: eur(5997),
        allocation: null,
      },
      {
        sku: 'ORD-SOFA',
        quantity: 1,
        unitPrice: eur(49_900),
        lineTotal: eur(49_900),
        allocation: null,
      },
    ]);
    expect(merged.body.total).toEqual(eur(55_897));
    // A later price change does not touch what was added before it.
    await t.http.put('/api/prices/ORD-SOFA').send({ amountMinor: 59_900, currency: 'EUR' });
    expect((await t.http.get('/api/orders/ord-a')).body.total).toEqual(eur(55_897));
  });

  it('removes an item from a draft', async () => {
    const response = await t.http.delete('/api/orders/ord-a/items/ORD-SOFA');
    expect(response.status).toBe(200);
    expect(response.body.items.map((i: { sku: string }) => i.sku)).toEqual(['ORD-LAMP']);
    expect((await t.http.delete('/api/orders/ord-a/items/ORD-SOFA')).body).toMatchObject({
      code: 'ITEM_NOT_ON_ORDER',
    });
  });

  it.each([
    [{ sku: 'ORD-LAMP', quantity: 0 }, 400, 'VALIDATION_FAILED'],
    [{ sku: 'ORD-LAMP', quantity: 1000 }, 400, 'VALIDATION_FAILED'],
    [{ sku: 'ORD-LAMP', quantity: 1.5 }, 400, 'VALIDATION_FAILED'],
    [{ sku: 'ORD-LAMP', quantity: '2' }, 400, 'VALIDATION_FAILED'],
    [{ sku: 'ORD-LAMP' }, 400, 'VALIDATION_FAILED'],
    [{ sku: 'has space', quantity: 1 }, 400, 'VALIDATION_FAILED'],
    [{ sku: 'ORD-LAMP', quantity: 1, price: 1 }, 400, 'VALIDATION_FAILED'],
    [{ sku: 'NO-PRICE', quantity: 1 }, 409, 'NO_PRICE'],
    [{ sku: 'ORD-YEN', quantity: 1 }, 409, 'CURRENCY_MISMATCH'],
    [{ sku: 'ORD-LAMP', quantity: 997 }, 409, 'TOO_MANY_UNITS'],
  ])('refuses the item %j with %i %s, changing nothing', async (body, status, code) => {
    const before = (await t.http.get('/api/orders/ord-a')).body;
    const response = await addItem('ord-a', body);
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
    const quantity: unknown = 'quantity' in body ? body.quantity : undefined;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity)) {
      expect(response.body.message).toEqual(['quantity must be a whole number']);
    }
    expect((await t.http.get('/api/orders/ord-a')).body).toEqual(before);
  });

  it('answers 404 for an unknown order and 400 for a malformed id', async () => {
    expect((await t.http.get('/api/orders/nobody')).body).toMatchObject({
      code: 'ORDER_NOT_FOUND',
    });
    expect((await addItem('nobody', { sku: 'ORD-LAMP', quantity: 1 })).status).toBe(404);
    expect((await t.http.post('/api/orders/nobody/place')).status).toBe(404);
    expect((await t.http.get('/api/orders/bad%20id')).status).toBe(400);
    expect((await create({ customerId: 'has space' })).status).toBe(400);
    expect((await create({ customerId: 'c', currency: 'XYZ' })).body.code).toBe('INVALID_VALUE');
  });

  it('places an order, then refuses to change it', async () => {
    const placed = await t.http.post('/api/orders/ord-a/place');
    expect(placed.status).toBe(200);
    expect(placed.body.status).toBe('placed');
    expect(placed.body.items[0].allocation).toEqual({ status: 'pending' });
    expect((await addItem('ord-a', { sku: 'ORD-LAMP', quantity: 1 })).body.code).toBe(
      'ORDER_NOT_EDITABLE',
    );
    expect((await t.http.delete('/api/orders/ord-a/items/ORD-LAMP')).body.code).toBe(
      'ORDER_NOT_EDITABLE',
    );
    expect((await t.http.post('/api/orders/ord-a/place')).body.code).toBe('WRONG_ORDER_STATE');
  });

  it('refuses to place an empty order', async () => {
    await create({ customerId: 'cust-3', orderId: 'ord-empty' });
    const response = await t.http.post('/api/orders/ord-empty/place');
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      code: 'EMPTY_ORDER',
      message: 'Order ord-empty has no items; add one before placing it',
    });
  });

  it('cancels a draft and a placed order, but not twice', async () => {
    expect((await t.http.post('/api/orders/ord-empty/cancel')).body.status).toBe('cancelled');
    expect((await t.http.post('/api/orders/ord-a/cancel')).body.status).toBe('cancelled');
    expect((await t.http.post('/api/orders/ord-a/cancel')).body.code).toBe('WRONG_ORDER_STATE');
  });

  it('lists orders newest first, by customer and status, in pages', async () => {
    const all = (await t.http.get('/api/orders?customerId=cust-1')).body;
    expect(all.total).toBe(3);
    const cancelled = (await t.http.get('/api/orders?status=cancelled')).body;
    expect(cancelled.items.map((o: { orderId: string }) => o.orderId).sort()).toEqual([
      'ord-a',
      'ord-empty',
    ]);
    expect(cancelled.items.find((o: { orderId: string }) => o.orderId === 'ord-a')).toMatchObject({
      lines: 1,
      total: eur(5997),
    });
    const second = (await t.http.get('/api/orders?customerId=cust-1&pageSize=2&page=2')).body;
    expect(second).toMatchObject({ page: 2, pageSize: 2, total: 3 });
    expect(second.items).toHaveLength(1);
    expect((await t.http.get('/api/orders?status=lost')).status).toBe(400);
  });

  it('records every change in the event feed', async () => {
    await waitForFeedHorizon(t.databaseUrl);
    const { items } = (await t.http.get('/api/events?type=OrderPlaced,OrderCancelled')).body;
    expect(items.map((e: { type: string }) => e.type)).toEqual([
      'OrderPlaced',
      'OrderCancelled',
      'OrderCancelled',
    ]);
    expect(items[0].data).toEqual({
      orderId: 'ord-a',
      customerId: 'cust-1',
      lines: [{ sku: 'ORD-LAMP', quantity: 3 }],
      total: eur(5997),
    });
  });
});

describe('a POST without a body', () => {
  it('is a request without a body even when it says Content-Type: application/json', async () => {
    await t.http.post('/api/orders').send({ customerId: 'c-empty', orderId: 'empty-body' });
    const response = await t.http
      .post('/api/orders/empty-body/cancel')
      .set('Content-Type', 'application/json');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('cancelled');
  });
});

describe('a whole order in one request', () => {
  beforeAll(async () => {
    await t.http.put('/api/prices/WHL-LAMP').send({ amountMinor: 1999, currency: 'EUR' });
    await t.http.put('/api/prices/WHL-SOFA').send({ amountMinor: 49_900, currency: 'EUR' });
  });

  const whole = (orderId: string, extra: object = {}) =>
    create({
      customerId: 'cust-9',
      orderId,
      items: [
        { sku: 'WHL-LAMP', quantity: 2 },
        { sku: 'WHL-SOFA', quantity: 1 },
      ],
      place: true,
      ...extra,
    });

  it('creates it with its items at their catalogue prices and places it', async () => {
    const response = await whole('ord-whole');
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      orderId: 'ord-whole',
      status: 'placed',
      version: 4,
      total: eur(2 * 1999 + 49_900),
    });
    expect(response.body.items).toEqual([
      {
        sku: 'WHL-LAMP',
        quantity: 2,
        unitPrice: eur(1999),
        lineTotal: eur(3998),
        allocation: { status: 'pending' },
      },
      {
        sku: 'WHL-SOFA',
        quantity: 1,
        unitPrice: eur(49_900),
        lineTotal: eur(49_900),
        allocation: { status: 'pending' },
      },
    ]);
    await waitForFeedHorizon(t.databaseUrl);
    const feed = (await t.http.get('/api/events?type=OrderCreated,ItemAdded,OrderPlaced')).body;
    expect(
      feed.items
        .filter((e: { data: { orderId: string } }) => e.data.orderId === 'ord-whole')
        .map((e: { type: string }) => e.type),
    ).toEqual(['OrderCreated', 'ItemAdded', 'ItemAdded', 'OrderPlaced']);
  });

  it('answers a retry with the same order, and 409 when the id holds other items', async () => {
    const again = await whole('ord-whole');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ orderId: 'ord-whole', status: 'placed', version: 4 });
    const other = await whole('ord-whole', { items: [{ sku: 'WHL-LAMP', quantity: 3 }] });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('ORDER_ID_TAKEN');
  });

  it('keeps a draft with its items when not told to place it', async () => {
    const draft = await whole('ord-whole-draft', { place: false });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', version: 3, total: eur(53_898) });
    // The answer is the order as written, not read again: exactly what a read finds.
    expect((await t.http.get('/api/orders/ord-whole-draft')).body).toEqual(draft.body);
    const added = await addItem('ord-whole-draft', { sku: 'WHL-LAMP', quantity: 1 });
    expect((await t.http.get('/api/orders/ord-whole-draft')).body).toEqual(added.body);
    expect((await t.http.post('/api/orders/ord-whole-draft/place')).body.status).toBe('placed');
  });

  it.each([
    [{ items: [{ sku: 'WHL-NOPRICE', quantity: 1 }] }, 409, 'NO_PRICE'],
    [{ items: [{ sku: 'ORD-YEN', quantity: 1 }] }, 409, 'CURRENCY_MISMATCH'],
    [
      {
        items: [
          { sku: 'WHL-LAMP', quantity: 999 },
          { sku: 'WHL-LAMP', quantity: 1 },
        ],
      },
      409,
      'TOO_MANY_UNITS',
    ],
    [{ items: [] }, 409, 'EMPTY_ORDER'],
  ])('refuses %j as a whole and stores nothing of it', async (extra, status, code) => {
    const response = await whole('ord-whole-refused', extra);
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
    expect((await t.http.get('/api/orders/ord-whole-refused')).status).toBe(404);
  });

  it.each([
    [
      'items that are not an array',
      { items: 'lamp' },
      'items must be an array of { sku, quantity }',
    ],
    [
      'an item that is not an object',
      { items: [null] },
      'each of items must be an object { sku, quantity }',
    ],
    [
      'an item of no units',
      { items: [{ sku: 'WHL-LAMP', quantity: 0 }] },
      'items.0.quantity must not be less than 1',
    ],
    [
      'an item with a price of its own',
      { items: [{ sku: 'WHL-LAMP', quantity: 1, price: 1 }] },
      'property price should not exist',
    ],
    ['an item without a SKU', { items: [{ quantity: 1 }] }, 'items.0.sku'],
    [
      '101 items',
      { items: Array.from({ length: 101 }, (_, i) => ({ sku: `S-${i}`, quantity: 1 })) },
      'items must name at most 100 items',
    ],
    ['place that is not a boolean', { place: 'yes' }, 'place must be true or false'],
  ])('refuses %s with 400', async (_, extra, message) => {
    const response = await whole('ord-whole-malformed', extra);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toContain(message);
    expect((await t.http.get('/api/orders/ord-whole-malformed')).status).toBe(404);
  });
});
