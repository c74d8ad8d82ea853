// The heap measurement of reads.e2e.spec.ts, in a process of its own: a jest worker also holds
// what earlier test files left running, whose growth over time would weigh on the figures.
// Runs the built service (the api's test target builds it) on DATABASE_URL and prints, per
// measured round, how much more the heap grew reading 5,000 distinct SKUs than reading one SKU
// as many times. Needs --expose-gc.
const { join } = require('node:path');
// The working directory is the repository's root.
const { createApp } = require(join(process.cwd(), 'dist', 'apps', 'api', 'app.js'));
const { loadConfig, openDatabase } = require('@allocation/platform');
const { ProductsController } = require('@allocation/allocation');

const ROUND = 5_000;

const heapAfterCollecting = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};

const main = async () => {
  const loaded = loadConfig({ ...process.env, LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0' });
  if (loaded._tag === 'Left') throw new Error(loaded.left.join('; '));
  const config = loaded.right;
  const app = await createApp(config, await openDatabase(config.database));
  await app.init();
  const products = app.get(ProductsController);
  const readOne = async (sku) => {
    const product = await products.getProduct(sku);
    if (product.availableQuantity !== 10) throw new Error(`${sku} read wrong`);
  };
  const read = async (from, to) => {
    for (let i = from; i <= to; i++) await readOne(`READ-${i}`);
  };
  // The control: as many reads down the same path, all of one SKU, which a per-SKU memory
  // would keep once.
  const readSame = async (times) => {
    for (let i = 0; i < times; i++) await readOne('READ-1');
  };
  const grownBy = async (work) => {
    const before = heapAfterCollecting();
    await work();
    return heapAfterCollecting() - before;
  };
  // Warm up (code paths, pools, the outbox readers' first turns); only the next two count.
  await read(1, ROUND);
  await readSame(ROUND);
  const rounds = [];
  for (const from of [ROUND + 1, 2 * ROUND + 1]) {
    const distinct = await grownBy(() => read(from, from + ROUND - 1));
    const same = await grownBy(() => readSame(ROUND));
    rounds.push(distinct - same);
  }
  await app.close();
  process.stdout.write(`${JSON.stringify({ rounds })}\n`);
};

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
