import { Client } from 'pg';
import { startTestApp, type TestApp } from './support';
import { answersUnderLoad } from './under-load';

// Connections dropped under load (as a PostgreSQL restart drops them): every request is either
// done or a 503 with Retry-After, never a 500, and the pool recovers on its own.
let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await startTestApp();
  admin = new Client({ connectionString: t.databaseUrl });
  await admin.connect();
});

afterAll(async () => {
  await admin.end();
  await t.close();
});

const dropConnections = () =>
  admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );

it('answers 201 or 503 while its connections are dropped, and stores every 201', async () => {
  expect(
    (await t.http.post('/api/batches').send({ reference: 'b1', sku: 'LAMP', quantity: 10_000 }))
      .status,
  ).toBe(201);
  const answers = await answersUnderLoad(
    8,
    (_c, _i, orderId) =>
      t.http.post('/api/allocations').send({ orderId, sku: 'LAMP', quantity: 1 }),
    async (moreAnswers) => {
      // Connections dropped eight times, each after another ten answers, then forty more.
      for (let i = 0; i < 8; i++) {
        await moreAnswers(10);
        await dropConnections();
      }
      await moreAnswers(40);
    },
  );

  expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
  expect(answers.filter((a) => a.status === 503 && a.retryAfter === undefined)).toEqual([]);
  const after = await t.http
    .post('/api/allocations')
    .send({ orderId: 'after', sku: 'LAMP', quantity: 1 });
  expect(after.status).toBe(201);
  const stored = await admin.query<{ order_id: string }>('SELECT order_id FROM allocations');
  const storedIds = new Set(stored.rows.map((r) => r.order_id));
  expect(answers.filter((a) => a.status === 201 && !storedIds.has(a.orderId))).toEqual([]);
  expect(answers.length).toBeGreaterThanOrEqual(120);
});
