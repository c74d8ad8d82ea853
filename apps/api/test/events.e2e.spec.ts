import { setTimeout as sleep } from 'node:timers/promises';
import { waitForFeedHorizon } from '@allocation/platform/testing';
import { EventStream } from './sse';
import { listenLocally, startTestApp, type TestApp, contractPlatforms } from './support';

// The HTTP contract: the same answers on Express and on Fastify.
describe.each(contractPlatforms())('on %s', (httpPlatform) => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({ config: { httpPlatform } });
    ({ base } = await listenLocally(t));
  });

  afterAll(async () => {
    await t.close();
  });

  /** The feed once everything committed so far is visible (other databases' transactions too). */
  const feed = async (query = '') => {
    await waitForFeedHorizon(t.databaseUrl);
    return t.http.get(`/api/events${query}`);
  };
  const typesOf = (items: Array<{ type: string }>) => items.map((item) => item.type);

  describe('GET /api/events', () => {
    it('starts empty, with next at 0', async () => {
      expect((await feed()).body).toEqual({ items: [], next: 0 });
    });

    it('lists what each committed change caused, a refused out-of-stock allocation included', async () => {
      await t.http.post('/api/batches').send({ reference: 'ev-b1', sku: 'EV-LAMP', quantity: 5 });
      await t.http.post('/api/allocations').send({ orderId: 'ev-o1', sku: 'EV-LAMP', quantity: 3 });
      const refused = await t.http
        .post('/api/allocations')
        .send({ orderId: 'ev-o2', sku: 'EV-LAMP', quantity: 9 });
      expect(refused.status).toBe(409);
      // Invalid input changes nothing and records nothing.
      await t.http.post('/api/allocations').send({ orderId: 'ev-o3', sku: 'EV-LAMP', quantity: 0 });

      const { body } = await feed();
      expect(typesOf(body.items)).toEqual(['BatchCreated', 'Allocated', 'OutOfStock']);
      expect(body.items[1]).toEqual({
        id: expect.any(Number),
        type: 'Allocated',
        occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        data: { orderId: 'ev-o1', sku: 'EV-LAMP', quantity: 3, batchReference: 'ev-b1' },
      });
      expect(body.items[2].data).toEqual({ orderId: 'ev-o2', sku: 'EV-LAMP', quantity: 9 });
      expect(body.next).toBe(body.items[2].id);
      expect((await feed(`?after=${body.next}`)).body).toEqual({ items: [], next: body.next });
    });

    it('shows a reallocation as the change and its consequences, in order', async () => {
      await t.http.post('/api/batches').send({ reference: 'ev-b2', sku: 'EV-LAMP', quantity: 5 });
      const { next } = (await feed()).body;
      await t.http.patch('/api/batches/ev-b1').send({ quantity: 1 });
      const { body } = await feed(`?after=${next}`);
      expect(typesOf(body.items)).toEqual(['BatchQuantityChanged', 'Deallocated', 'Allocated']);
      expect(body.items[2].data).toMatchObject({ orderId: 'ev-o1', batchReference: 'ev-b2' });
    });

    it('pages with limit and next, and filters by type', async () => {
      const all = (await feed()).body.items;
      const pages: number[] = [];
      let next = 0;
      for (;;) {
        const page = (await feed(`?after=${next}&limit=2`)).body;
        if (page.items.length === 0) break;
        expect(page.items.length).toBeLessThanOrEqual(2);
        pages.push(...page.items.map((item: { id: number }) => item.id));
        next = page.next;
      }
      expect(pages).toEqual(all.map((item: { id: number }) => item.id));
      const allocated = (await feed('?type=Allocated,OutOfStock')).body.items;
      expect(typesOf(allocated)).toEqual(['Allocated', 'OutOfStock', 'Allocated']);
    });

    it.each([
      ['?after=abc', 'after must be an event id: a whole number from 0'],
      ['?after=-1', 'after must be an event id: a whole number from 0'],
      ['?after=1.5', 'after must be an event id: a whole number from 0'],
      ['?limit=0', 'limit must be a whole number from 1 to 1000'],
      ['?limit=1001', 'limit must be a whole number from 1 to 1000'],
      ['?limit=ten', 'limit must be a whole number from 1 to 1000'],
      [
        '?type=Teleported',
        expect.stringContaining('type must be a comma-separated list of event types'),
      ],
      ['?type=Allocated,', expect.stringContaining('type must be a comma-separated list')],
      ['?after=1&after=2', 'after must be an event id: a whole number from 0'],
      ['?colour=red', 'property colour should not exist'],
    ])('answers 400 to %s', async (query, message) => {
      const response = await feed(query);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', message: [message] });
    });
  });

  describe('GET /api/events/stream', () => {
    it('streams events as they commit, each with its id, from now on', async () => {
      const stream = await EventStream.open(`${base}/api/events/stream`);
      try {
        expect(stream.response.statusCode).toBe(200);
        expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
        await sleep(100);
        await t.http.post('/api/batches').send({ reference: 'st-b1', sku: 'ST-SOFA', quantity: 2 });
        await t.http
          .post('/api/allocations')
          .send({ orderId: 'st-o1', sku: 'ST-SOFA', quantity: 1 });
        const events = await stream.waitFor(2);
        expect(events.map((e) => e.data.type)).toEqual(['BatchCreated', 'Allocated']);
        expect(events[1]?.id).toBe(String(events[1]?.data.id));
        expect(events[1]?.data.data).toEqual({
          orderId: 'st-o1',
          sku: 'ST-SOFA',
          quantity: 1,
          batchReference: 'st-b1',
        });
      } finally {
        stream.close();
      }
    });

    it('resumes after Last-Event-ID with everything since, then goes on live', async () => {
      const { items } = (await feed()).body;
      const from = items[items.length - 3].id;
      const stream = await EventStream.open(`${base}/api/events/stream`, {
        'Last-Event-ID': String(from),
      });
      try {
        const caughtUp = await stream.waitFor(2);
        expect(caughtUp.map((e) => e.data.id)).toEqual(
          items.slice(-2).map((i: { id: number }) => i.id),
        );
        await t.http
          .post('/api/allocations')
          .send({ orderId: 'st-o2', sku: 'ST-SOFA', quantity: 5 });
        const [, , live] = await stream.waitFor(3);
        expect(live?.data).toMatchObject({ type: 'OutOfStock', data: { orderId: 'st-o2' } });
      } finally {
        stream.close();
      }
    });

    it('resumes from ?after= and keeps to ?type=', async () => {
      const stream = await EventStream.open(`${base}/api/events/stream?after=0&type=OutOfStock`);
      try {
        const events = await stream.waitFor(2);
        await sleep(200);
        expect(stream.events.map((e) => e.data.data['orderId'])).toEqual(['ev-o2', 'st-o2']);
        expect(events.every((e) => e.data.type === 'OutOfStock')).toBe(true);
      } finally {
        stream.close();
      }
    });

    it('answers 400 to a Last-Event-ID that is not an event id, or a bad type', async () => {
      const badId = await t.http.get('/api/events/stream').set('Last-Event-ID', 'yesterday');
      expect(badId.status).toBe(400);
      expect(badId.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'Last-Event-ID must be an event id: a whole number',
      });
      const badType = await t.http.get('/api/events/stream?type=Nope');
      expect(badType.status).toBe(400);
    });
  });
});
