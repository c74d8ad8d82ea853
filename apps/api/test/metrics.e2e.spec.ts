import { startTestApp, type TestApp } from './support';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(() => t.close());

const scrape = async (): Promise<string> => {
  const response = await t.http.get('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.text;
};

const valueOf = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  it('counts requests by route pattern and status, with their latency', async () => {
    await t.http.post('/api/batches').send({ reference: 'm1', sku: 'LAMP', quantity: 3 });
    await t.http.get('/api/batches/m1');
    await t.http.get('/api/batches/nope');
    await t.http.get('/no/such/route');
    const text = await scrape();
    expect(
      valueOf(text, 'http_requests_total{method="POST",route="/api/batches",status="201"}'),
    ).toBe(1);
    expect(
      valueOf(
        text,
        'http_requests_total{method="GET",route="/api/batches/:reference",status="200"}',
      ),
    ).toBe(1);
    expect(
      valueOf(
        text,
        'http_requests_total{method="GET",route="/api/batches/:reference",status="404"}',
      ),
    ).toBe(1);
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.1",method="POST"');
    // A raw URL never becomes a label.
    expect(text).not.toContain('/no/such/route');
  });

  it('counts allocations by outcome', async () => {
    await t.http.post('/api/allocations').send({ orderId: 'o1', sku: 'LAMP', quantity: 2 });
    await t.http.post('/api/allocations').send({ orderId: 'o1', sku: 'LAMP', quantity: 2 });
    await t.http.post('/api/allocations').send({ orderId: 'o2', sku: 'LAMP', quantity: 2 });
    const text = await scrape();
    expect(valueOf(text, 'allocations_total{outcome="allocated"}')).toBe(1);
    expect(valueOf(text, 'allocations_total{outcome="repeat"}')).toBe(1);
    expect(valueOf(text, 'allocations_total{outcome="OutOfStock"}')).toBe(1);
    // The first batch reads LAMP; the next go on from what it wrote (the repeat then reads again).
    expect(valueOf(text, 'allocation_batch_loads_total{source="database"}')).toBeGreaterThan(0);
    expect(valueOf(text, 'allocation_batch_loads_total{source="memory"}')).toBeGreaterThan(0);
    // Each batch that committed says how long it took.
    expect(valueOf(text, 'allocation_batch_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'allocation_batch_seconds_sum')).toBeGreaterThan(0);
  });

  it('shows the pool, the retry counters and how far each outbox reader is behind', async () => {
    let text = await scrape();
    for (let i = 0; i < 50 && !text.includes('outbox_lag_events{consumer='); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await scrape();
    }
    expect(valueOf(text, 'db_pool_connections{state="waiting"}')).toBe(0);
    expect(valueOf(text, 'db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE unit_of_work_retries_total counter');
    expect(text).toContain('# TYPE unit_of_work_conflicts_exhausted_total counter');
    expect(text).toContain('# TYPE allocation_batch_fallbacks_total counter');
    expect(text).toMatch(/outbox_lag_events\{consumer="[^"]+"\} \d+/);
    expect(text).toMatch(/outbox_lag_seconds\{consumer="[^"]+"\} [\d.e+-]+/);
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('counts the time the event loop spent busy, so a rate near 1 shows it is the limit', async () => {
    const before = valueOf(await scrape(), 'nodejs_eventloop_busy_seconds_total') ?? NaN;
    // The test shares the app's event loop: holding it 50 ms is 50 ms of busy time at least.
    for (const until = Date.now() + 50; Date.now() < until;);
    const after = valueOf(await scrape(), 'nodejs_eventloop_busy_seconds_total') ?? NaN;
    expect(after - before).toBeGreaterThanOrEqual(0.05);
  });
});
