import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import request from 'supertest';
import {
  createTestDatabase,
  MACHINE_REDIS_URL,
  PrivateRedis,
  RedisListener,
  type TestDatabase,
} from '@allocation/platform/testing';
import { Client } from 'pg';
import type { INestApplication } from '@nestjs/common';
import { AllocationWorkers } from '@allocation/allocation';
import { createApp } from '../src/app';
import { untilReady } from '../src/http-platform';
import { openDatabase } from '@allocation/platform';
import { startTestApp, testConfig, type TestApp } from './support';

const unique = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;

const publisherOn = (url: string) => {
  const redis = new Redis(url, { retryStrategy: () => 50 });
  redis.on('error', () => undefined);
  return redis;
};

/** Waits until `check` passes, or fails with its last error after `ms`. */
const eventually = async (check: () => Promise<void>, ms = 5_000): Promise<void> => {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
};

describe('with REDIS_URL set, as the reference service is spoken to', () => {
  let t: TestApp;
  let publisher: Redis;
  let listener: RedisListener;

  beforeAll(async () => {
    t = await startTestApp({ config: { redisUrl: MACHINE_REDIS_URL } });
    publisher = publisherOn(MACHINE_REDIS_URL);
    listener = await RedisListener.listen(MACHINE_REDIS_URL, [
      'line_allocated',
      'out_of_stock',
      'order_placed',
      'line_backordered',
    ]);
  });

  afterAll(async () => {
    listener.close();
    publisher.disconnect();
    await t.close();
  });

  it('change batch quantity leading to reallocation: line_allocated is published', async () => {
    const [orderid, sku] = [unique('order'), unique('sku')];
    const [earlier, later] = [unique('batch-earlier'), unique('batch-later')];
    await t.http.post('/add_batch').send({ ref: earlier, sku, qty: 10, eta: '2011-01-01' });
    await t.http.post('/add_batch').send({ ref: later, sku, qty: 10, eta: '2011-01-02' });
    expect((await t.http.post('/allocate').send({ orderid, sku, qty: 10 })).status).toBe(202);
    expect((await t.http.get(`/allocations/${orderid}`)).body).toEqual([
      { sku, batchref: earlier },
    ]);

    await publisher.publish('change_batch_quantity', JSON.stringify({ batchref: earlier, qty: 5 }));
    // The deadline only stops a hang; how fast it arrives is the benchmark's business.
    const [reallocated] = await listener.waitFor(
      (m) => m.payload['orderid'] === orderid && m.payload['batchref'] === later,
      1,
      10_000,
    );
    expect(reallocated).toEqual({
      channel: 'line_allocated',
      payload: { orderid, sku, qty: 10, batchref: later },
    });
  });

  it('publishes out_of_stock when an allocation finds no stock', async () => {
    const [orderid, sku] = [unique('order'), unique('sku')];
    await t.http.post('/add_batch').send({ ref: unique('b'), sku, qty: 1, eta: null });
    await t.http.post('/allocate').send({ orderid, sku, qty: 3 });
    const [message] = await listener.waitFor((m) => m.payload['orderid'] === orderid);
    expect(message).toEqual({ channel: 'out_of_stock', payload: { orderid, sku, qty: 3 } });
  });

  it('publishes line_backordered for a line of a placed order that waits for stock', async () => {
    const [orderId, sku] = [unique('order'), unique('sku')];
    await t.http.post('/api/batches').send({ reference: unique('b'), sku, quantity: 1 });
    await t.http.put(`/api/prices/${sku}`).send({ amountMinor: 100, currency: 'EUR' });
    await t.http.post('/api/orders').send({ customerId: 'c1', orderId });
    await t.http.post(`/api/orders/${orderId}/items`).send({ sku, quantity: 4 });
    await t.http.post(`/api/orders/${orderId}/place`);
    const messages = await listener.waitFor((m) => m.payload['orderid'] === orderId, 2);
    expect(messages).toEqual([
      { channel: 'out_of_stock', payload: { orderid: orderId, sku, qty: 4 } },
      { channel: 'line_backordered', payload: { orderid: orderId, sku, qty: 4 } },
    ]);
  });

  it('publishes order events, and the lines of a placed order as line_allocated', async () => {
    const [orderId, sku] = [unique('order'), unique('sku')];
    await t.http.post('/api/batches').send({ reference: unique('b'), sku, quantity: 5 });
    await t.http.put(`/api/prices/${sku}`).send({ amountMinor: 250, currency: 'EUR' });
    await t.http.post('/api/orders').send({ customerId: 'c1', orderId });
    await t.http.post(`/api/orders/${orderId}/items`).send({ sku, quantity: 2 });
    await t.http.post(`/api/orders/${orderId}/place`);
    const [placed] = await listener.waitFor(
      (m) => m.channel === 'order_placed' && m.payload['orderId'] === orderId,
    );
    expect(placed?.payload).toEqual({
      orderId,
      customerId: 'c1',
      lines: [{ sku, quantity: 2 }],
      total: { amountMinor: 500, currency: 'EUR' },
    });
    await listener.waitFor(
      (m) => m.channel === 'line_allocated' && m.payload['orderid'] === orderId,
    );
  });

  it('skips malformed messages and unknown batches, and goes on with the next one', async () => {
    const [sku, batch] = [unique('sku'), unique('batch')];
    await t.http.post('/api/batches').send({ reference: batch, sku, quantity: 10 });
    for (const bad of [
      'not json',
      '{"batchref": 5, "qty": 1}',
      JSON.stringify({ batchref: batch, qty: '7' }),
      JSON.stringify({ batchref: unique('unknown'), qty: 3 }),
      JSON.stringify({ batchref: batch, qty: -2 }),
    ]) {
      await publisher.publish('change_batch_quantity', bad);
    }
    await publisher.publish('change_batch_quantity', JSON.stringify({ batchref: batch, qty: 7 }));
    await eventually(async () => {
      expect((await t.http.get(`/api/batches/${batch}`)).body.purchasedQuantity).toBe(7);
    });
  });
});

describe('when Redis restarts', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    t = await startTestApp({ config: { redisUrl: redis.url } });
  });

  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('the subscriber reconnects and takes change_batch_quantity again', async () => {
    await t.http
      .post('/api/batches')
      .send({ reference: 'restart-b', sku: 'RESTART', quantity: 10 });
    await redis.stop();
    await sleep(300);
    await redis.start();
    const publisher = publisherOn(redis.url);
    try {
      // Pub/sub keeps nothing for absent subscribers: say it again until the subscriber is back.
      await eventually(async () => {
        await publisher.publish('change_batch_quantity', '{"batchref": "restart-b", "qty": 4}');
        await sleep(50);
        expect((await t.http.get('/api/batches/restart-b')).body.purchasedQuantity).toBe(4);
      }, 10_000);
    } finally {
      publisher.disconnect();
    }
  });
});

describe('with two instances on one database', () => {
  let database: TestDatabase;
  let publisher: Redis;
  const apps: INestApplication[] = [];
  const batch = unique('two-b');

  const instance = async (): Promise<INestApplication> => {
    const config = { ...testConfig(database.url), redisUrl: MACHINE_REDIS_URL };
    const app = await createApp(config, await openDatabase(config.database));
    await app.init();
    await untilReady(app);
    apps.push(app);
    return app;
  };
  const leads = (app: INestApplication) => app.get(AllocationWorkers).takesRedisCommands;
  const leaderOf = async (candidates: ReadonlyArray<INestApplication>) => {
    let leader: INestApplication | undefined;
    await eventually(async () => {
      const leading = candidates.filter(leads);
      expect(leading).toHaveLength(1);
      leader = leading[0];
    }, 10_000);
    return leader as INestApplication;
  };
  const send = async (from: number, to: number) => {
    for (let qty = from; qty <= to; qty++) {
      await publisher.publish('change_batch_quantity', JSON.stringify({ batchref: batch, qty }));
    }
  };
  /** The quantities the batch was set to, as its events tell, in commit order. */
  const changes = async (): Promise<number[]> => {
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const rows = await db.query<{ quantity: string }>(
        `SELECT data->>'quantity' AS quantity FROM outbox
          WHERE type = 'BatchQuantityChanged' AND data->>'reference' = $1 ORDER BY id`,
        [batch],
      );
      return rows.rows.map((row) => Number(row.quantity));
    } finally {
      await db.end();
    }
  };
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    publisher = publisherOn(MACHINE_REDIS_URL);
  });

  afterAll(async () => {
    publisher.disconnect();
    for (const app of apps) await app.close().catch(() => undefined);
    await database.drop();
  });

  it('executes each change_batch_quantity message once, through a restart of the leader', async () => {
    const [first, second] = [await instance(), await instance()];
    const created = await request(first.getHttpServer())
      .post('/api/batches')
      .send({ reference: batch, sku: unique('TWO'), quantity: 1_000 });
    expect(created.status).toBe(201);
    const leader = await leaderOf([first, second]);
    const standby = leader === first ? second : first;

    await send(1, 20);
    await eventually(async () => expect(await changes()).toEqual(upTo(20)), 10_000);
    // The leader is stopped (SIGTERM does the same) while messages keep coming; it comes back.
    const stopping = leader.close();
    await send(21, 40);
    await stopping;
    await send(41, 50);
    expect(await leaderOf([standby])).toBe(standby);
    const restarted = await instance();
    await send(51, 60);
    await eventually(async () => expect(await changes()).toEqual(upTo(60)), 10_000);
    expect(leads(restarted)).toBe(false);
    // Nothing comes twice, even late: one more message, executed after all the others.
    await send(61, 61);
    await eventually(async () => expect(await changes()).toEqual(upTo(61)), 10_000);
    expect(
      (await request(standby.getHttpServer()).get(`/api/batches/${batch}`)).body,
    ).toMatchObject({ purchasedQuantity: 61 });
  });
});
