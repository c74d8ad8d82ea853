import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Client } from 'pg';
import { ProductsController } from '@allocation/allocation';
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
    const readOne = async (sku: string) => {
      const product = await products.getProduct(sku);
      if (product.availableQuantity !== 10) throw new Error(`${sku} read wrong`);
    };
    const read = async (from: number, to: number) => {
      for (let i = from; i <= to; i++) await readOne(`READ-${i}`);
    };
    // The control: as many reads down the same path, all of one SKU, which a per-SKU memory
    // would keep once. Whatever else runs in this jest worker meanwhile (other files' leftovers)
    // weighs on both alike, and drops out of the difference.
    const readSame = async (times: number) => {
      for (let i = 0; i < times; i++) await readOne('READ-1');
    };
    const grownBy = async (work: () => Promise<void>) => {
      const before = heapAfterCollecting();
      await work();
      return heapAfterCollecting() - before;
    };
    // Warm up, and let the first round absorb what is set up once (code paths, pools, the
    // outbox readers' first turns): only the next two are measured.
    await read(1, ROUND);
    await readSame(ROUND);
    const rounds: number[] = [];
    for (const from of [ROUND + 1, 2 * ROUND + 1]) {
      const distinct = await grownBy(() => read(from, from + ROUND - 1));
      const same = await grownBy(() => readSame(ROUND));
      rounds.push(distinct - same);
    }
    // Remembering each product read (as a per-process cache would) costs about 2.6 MB per round
    // of 5,000 new SKUs, every round, beyond the control; reading without remembering leaves a
    // few hundred kB of noise, which one round may show but not both.
    expect(Math.min(...rounds)).toBeLessThan(1_200_000);
  });

  it('answers GET /api/products/:sku from committed rows', async () => {
    const response = await t.http.get('/api/products/READ-42');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ sku: 'READ-42', version: 1, availableQuantity: 10 });
  });
});
