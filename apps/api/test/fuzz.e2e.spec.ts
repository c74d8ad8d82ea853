import * as fc from 'fast-check';
import { databaseFingerprint } from './database-state';
import { json, startTestApp, type TestApp } from './support';

// Hostile bodies for every write route, generated: wrong types, deep nesting, numbers out of
// range, keys every object inherits, control characters, text that is not JSON. Each must be
// answered 4xx, never 5xx, and change nothing in the database.
let t: TestApp;
let draftOrder: string;

beforeAll(async () => {
  t = await startTestApp();
  const ok = async (request: Promise<{ status: number; body: { orderId?: string } }>) => {
    const response = await request;
    if (response.status >= 300) throw new Error(`setup answered ${response.status}`);
    return response.body;
  };
  await ok(t.http.post('/api/batches').send({ reference: 'b1', sku: 'LAMP', quantity: 50 }));
  await ok(t.http.post('/api/allocations').send({ orderId: 'o1', sku: 'LAMP', quantity: 2 }));
  await ok(t.http.put('/api/prices/LAMP').send({ amountMinor: 1999, currency: 'EUR' }));
  draftOrder = (await ok(t.http.post('/api/orders').send({ customerId: 'c1' }))).orderId ?? '';
});

afterAll(() => t.close());

type Kind = 'id' | 'count' | 'bool' | 'eta' | 'currency' | 'ids';

interface Route {
  readonly method: 'post' | 'patch' | 'put';
  readonly url: () => string;
  /** A valid body: each hostile body is this one with one thing broken. */
  readonly body: Record<string, unknown>;
  readonly kinds: Record<string, Kind>;
}

const ROUTES: ReadonlyArray<Route> = [
  {
    method: 'post',
    url: () => '/api/batches',
    body: { reference: 'fz-b', sku: 'FZ', quantity: 5, eta: null },
    kinds: { reference: 'id', sku: 'id', quantity: 'count', eta: 'eta' },
  },
  {
    method: 'patch',
    url: () => '/api/batches/b1',
    body: { quantity: 5 },
    kinds: { quantity: 'count' },
  },
  {
    method: 'post',
    url: () => '/api/allocations',
    body: { orderId: 'fz-o', sku: 'LAMP', quantity: 1, allowSplit: false },
    kinds: { orderId: 'id', sku: 'id', quantity: 'count', allowSplit: 'bool' },
  },
  {
    method: 'post',
    url: () => '/add_batch',
    body: { ref: 'fz-c', sku: 'FZ', qty: 5, eta: null },
    kinds: { ref: 'id', sku: 'id', qty: 'count', eta: 'eta' },
  },
  {
    method: 'post',
    url: () => '/allocate',
    body: { orderid: 'fz-p', sku: 'LAMP', qty: 1 },
    kinds: { orderid: 'id', sku: 'id', qty: 'count' },
  },
  {
    method: 'post',
    url: () => '/api/orders',
    body: { customerId: 'c2', currency: 'EUR' },
    kinds: { customerId: 'id', currency: 'currency' },
  },
  {
    method: 'post',
    url: () => `/api/orders/${draftOrder}/items`,
    body: { sku: 'LAMP', quantity: 1 },
    kinds: { sku: 'id', quantity: 'count' },
  },
  {
    method: 'put',
    url: () => '/api/prices/LAMP',
    body: { amountMinor: 100, currency: 'EUR' },
    kinds: { amountMinor: 'count', currency: 'currency' },
  },
  {
    method: 'post',
    url: () => '/api/pick-lists',
    body: { orderIds: ['o1'] },
    kinds: { orderIds: 'ids' },
  },
];

const CONTROL = fc
  .tuple(fc.string({ maxLength: 5 }), fc.integer({ min: 0, max: 31 }), fc.string({ maxLength: 5 }))
  .map(([a, c, b]) => `${a}${String.fromCharCode(c)}${b}`);

const nested = fc
  .integer({ min: 33, max: 3_000 })
  .map((depth) => ({ raw: `${'['.repeat(depth)}1${']'.repeat(depth)}` }));

/** A value of the wrong kind for a field, as JSON text or as a value. */
const hostileValue = (kind: Kind): fc.Arbitrary<unknown> => {
  const anyOtherType = fc.oneof(
    fc.boolean(),
    fc.dictionary(fc.string(), fc.integer()),
    fc.array(fc.integer()),
  );
  const badStrings = fc.oneof(
    CONTROL,
    fc.constant(''),
    fc.string({ minLength: 65, maxLength: 300 }),
    fc.constantFrom('__proto__', '../etc/passwd', '<script>', 'a b', '-x', 'ünïcode'),
  );
  const badNumbers = fc.oneof(
    fc.constantFrom(-1, 1.5, -0.25, 2 ** 53 + 2, 1e308, -1e308),
    fc.constantFrom({ raw: '1e400' }, { raw: '-1e-400' }, { raw: '12345678901234567890123' }),
    fc.integer({ max: -1 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  );
  switch (kind) {
    case 'id':
    case 'currency':
      return fc.oneof(badStrings, badNumbers, anyOtherType, fc.constant(null), nested);
    case 'count':
      return fc.oneof(
        badNumbers,
        badStrings,
        fc.constantFrom('5', '1e3', 'NaN'),
        anyOtherType,
        fc.constant(null),
        nested,
      );
    case 'bool':
      return fc.oneof(
        // null is "left out" for an optional field, so not hostile.
        fc.constantFrom('true', 0, 1, 'false'),
        badStrings,
        nested,
      );
    case 'eta':
      return fc.oneof(
        fc.constantFrom('2027-02-30', '2027-13-01', '27-01-01', 'tomorrow', 20270101),
        badStrings,
        anyOtherType,
        nested,
      );
    case 'ids':
      return fc.oneof(
        fc.constant([]),
        fc.array(fc.oneof(badStrings, badNumbers, fc.constant(null)), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(fc.constant('o1'), { minLength: 1_001, maxLength: 1_100 }),
        badStrings,
        fc.dictionary(fc.string(), fc.integer()),
        nested,
      );
  }
};

/** JSON text of a value, where `{ raw }` stands for text JSON.stringify cannot produce. */
const toText = (value: unknown): string => {
  if (typeof value === 'object' && value !== null && 'raw' in value) return String(value.raw);
  if (Array.isArray(value)) return `[${value.map(toText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
};

const INHERITED = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
];

/** A body that must be refused: one field broken, or an extra key, or not an object at all. */
const hostileBody = (route: Route): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .constantFrom(...Object.keys(route.kinds))
      .chain((field) =>
        hostileValue(route.kinds[field] as Kind).map((value) =>
          toText({ ...route.body, [field]: value }),
        ),
      ),
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom(...INHERITED),
          fc.string({ minLength: 1 }).filter((k) => !(k in route.kinds)),
          CONTROL,
        ),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([key, value]) => {
        const fields = Object.entries(route.body).map(
          ([k, v]) => `${JSON.stringify(k)}:${toText(v)}`,
        );
        return `{${[...fields, `${JSON.stringify(key)}:${toText(value)}`].join(',')}}`;
      }),
    fc.oneof(
      fc.string().filter((text) => {
        try {
          JSON.parse(text);
          return false;
        } catch {
          return text.trim() !== '';
        }
      }),
      fc.constantFrom(
        '[]',
        '[1,2]',
        '"text"',
        '42',
        'true',
        '{"a":',
        '{"a":1}}',
        '\u0000',
        '{"a":1,}',
      ),
      nested.map(({ raw }) => raw),
    ),
  );

const request = fc
  .constantFrom(...ROUTES)
  .chain((route) => hostileBody(route).map((body) => ({ route, body })));

describe('hostile bodies on every write route', () => {
  it('are answered 4xx, never 5xx, and change nothing', async () => {
    const before = await databaseFingerprint(t.databaseUrl);
    const seen: Array<{ url: string; body: string; status: number }> = [];
    await fc.assert(
      fc.asyncProperty(request, async ({ route, body }) => {
        const response = await t.http[route.method](route.url()).set(json).send(body);
        seen.push({ url: route.url(), body: body.slice(0, 200), status: response.status });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.body).toMatchObject({
          statusCode: response.status,
          code: expect.any(String),
        });
      }),
      { numRuns: 400 },
    );
    // One fingerprint at the end: any change by any request shows.
    expect(await databaseFingerprint(t.databaseUrl)).toEqual(before);
    // Every route was tried.
    expect(new Set(seen.map((s) => s.url.split('/')[2])).size).toBeGreaterThan(4);
  });
});
