import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Client } from 'pg';
import { ProductsController } from '../src/allocation/http/products.controller';
import { startTestApp, type TestApp } from './support';

// Reads go through the stateless query port: nothing is remembered per SKU read.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

// Warm-up, then two measured rounds of fresh SKUs.
const ROUND = 5_000;
const SKUS = 3 * ROUND;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  const client = new Client({ connectionString: t.databaseUrl });
  await client.connect();
  // 15,000 products of one batch each, written straight in SQL: the test is about reading them.
  await client.query(`
    INSERT INTO products (sku, version) SELECT 'READ-' || g, 1 FROM generate_series(1, ${SKUS}) g;
    INSERT INTO batches (reference, sku, purchased_quantity, allocated_quantity, eta, position)
    SELECT 'read-batch-' || g, 'READ-' || g, 10, 0, NULL, 0 FROM generate_series(1, ${SKUS}) g;`);
  await client.end();
});

afterAll(() => t.close());

const heapAfterCollecting = (): number => {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

describe('reading products', () => {
  it('leaves the heap flat while reading thousands of distinct SKUs', async () => {
    const products = t.app.get(ProductsController);
    const read = async (from: number, to: number) => {
      for (let i = from; i <= to; i++) {
        const product = await products.getProduct(`READ-${i}`);
        if (product.availableQuantity !== 10) throw new Error(`READ-${i} read wrong`);
      }
    };
    // Warm up, and let the first round absorb what is set up once (code paths, pools, the
    // outbox readers' first turns): only the next two are measured.
    await read(1, ROUND);
    const growth = async (from: number) => {
      const before = heapAfterCollecting();
      await read(from, from + ROUND - 1);
      return heapAfterCollecting() - before;
    };
    const rounds = [await growth(ROUND + 1), await growth(2 * ROUND + 1)];
    // Remembering each product read (as a per-process cache would) costs about 2.6 MB per round
    // of 5,000 new SKUs, every round; reading without remembering leaves a few hundred kB of
    // noise, which something else running in this worker can push up in one round but not both.
    expect(Math.min(...rounds)).toBeLessThan(1_200_000);
  });

  it('answers GET /api/products/:sku from committed rows', async () => {
    const response = await t.http.get('/api/products/READ-42');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ sku: 'READ-42', version: 1, availableQuantity: 10 });
  });
});
