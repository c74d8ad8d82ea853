import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { PrivateCluster } from '@allocation/platform/testing';
import { storedOrderIds } from './database-state';
import { startAppWith, testConfig } from './support';
import { answersUnderLoad } from './under-load';

// A primary and its streaming standby, both named in DATABASE_URL (standby first). Under load the
// primary dies; while no server takes writes every answer is a 503 with Retry-After; the standby
// is promoted and the service follows it by itself: every 201 is stored there, and the event feed
// read after the failover has each stored allocation's event. (`npm run chaos:failover` does the
// same with pg_auto_failover, synchronous replication and two processes.)
let primary: PrivateCluster;
let standby: PrivateCluster;
let app: INestApplication;

beforeAll(async () => {
  primary = await PrivateCluster.create();
  await primary.createDatabase('app');
  standby = await PrivateCluster.standbyOf(primary);
  const url = `postgresql://postgres@127.0.0.1:${standby.port},127.0.0.1:${primary.port}/app`;
  const config = testConfig(url);
  app = await startAppWith(config);
}, 60_000);

/** Polls readiness until it is 200 or 30 s have passed; the last status. */
const readyAgain = async (http: ReturnType<typeof request>): Promise<number> => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { status } = await http.get('/api/health/ready');
    if (status === 200 || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

afterAll(async () => {
  await app?.close();
  standby?.destroy();
  primary?.destroy();
});

it('answers 503 while no server takes writes, follows the promoted standby, and keeps every 201', async () => {
  const http = request(app.getHttpServer());
  expect(
    (await http.post('/api/batches').send({ reference: 'b1', sku: 'LAMP', quantity: 100_000 }))
      .status,
  ).toBe(201);
  let readyWithoutPrimary: request.Response | undefined;
  const answers = await answersUnderLoad(
    4,
    (_c, _i, orderId) => http.post('/api/allocations').send({ orderId, sku: 'LAMP', quantity: 1 }),
    async (moreAnswers) => {
      await moreAnswers(40);
      await primary.stop();
      await moreAnswers(40);
      readyWithoutPrimary = await http.get('/api/health/ready');
      await standby.promote();
      await moreAnswers(80);
    },
  );

  expect(answers.filter((a) => ![201, 503].includes(a.status))).toEqual([]);
  expect(answers.filter((a) => a.status === 503 && a.retryAfter === undefined)).toEqual([]);
  expect(answers.some((a) => a.status === 503)).toBe(true);
  expect(readyWithoutPrimary?.status).toBe(503);
  expect(readyWithoutPrimary?.headers['retry-after']).toBeDefined();
  // Served by the promoted standby, without a restart, once the service has found it (a busy
  // machine can take a while: waited for by readiness, against a deadline).
  expect(await readyAgain(http)).toBe(200);
  expect(
    (await http.post('/api/allocations').send({ orderId: 'after', sku: 'LAMP', quantity: 1 }))
      .status,
  ).toBe(201);

  const stored = await storedOrderIds(standby.url('app'));
  expect(answers.filter((a) => a.status === 201 && !stored.has(a.orderId))).toEqual([]);
  expect(stored.has('after')).toBe(true);

  // The feed, read from the new primary, has one Allocated event per stored allocation.
  const allocatedInFeed: string[] = [];
  for (let after = 0, page = 0; page < 100; page++) {
    const response = await http.get(`/api/events?after=${after}&limit=500&type=Allocated`);
    expect(response.status).toBe(200);
    const body = response.body as { items: Array<{ data: { orderId: string } }>; next: number };
    allocatedInFeed.push(...body.items.map((item) => item.data.orderId));
    if (body.items.length === 0) break;
    after = body.next;
  }
  expect(allocatedInFeed.sort()).toEqual([...stored].sort());
});
