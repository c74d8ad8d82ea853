/**
 * Allocation throughput of the pure library against a plain imperative loop doing the same
 * allocation, and the cost of one allocation as a product fills up. Run: npm run bench:domain
 */
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { performance } from 'node:perf_hooks';
import {
  addBatch,
  allocate,
  emptyProduct,
  Eta,
  type AllocatedLine,
  BatchReference,
  OrderId,
  Quantity,
  Sku,
  type OrderLine,
  type Product,
} from '../src';

const SKUS = 10_000;
const BATCHES_PER_SKU = 5;
const LINES = 200_000;
const FILL_LINES = 1_000_000;
const WINDOW = 10_000;

const must = <A>(either: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(either)) throw new Error(either.left.message);
  return either.right;
};

// Deterministic pseudo-random numbers so every run allocates the same lines.
const lcg = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

interface BatchSpec {
  reference: string;
  quantity: number;
  eta: string | null;
}

const batchSpecs = (skuIndex: number, random: () => number): BatchSpec[] =>
  Array.from({ length: BATCHES_PER_SKU }, (_, b) => ({
    reference: `b-${skuIndex}-${b}`,
    quantity: 20 + Math.floor(random() * 20),
    eta: b === 0 ? null : `2027-0${1 + Math.floor(random() * 9)}-1${b}`,
  }));

const buildProduct = (sku: string, specs: BatchSpec[]): Product =>
  specs.reduce(
    (product, spec) =>
      must(
        addBatch(product, {
          reference: must(BatchReference(spec.reference)),
          sku: must(Sku(sku)),
          quantity: must(Quantity(spec.quantity)),
          eta: must(Eta(spec.eta)),
        }),
      ).product,
    emptyProduct(must(Sku(sku))),
  );

/** The same rules written the way one would without the library: mutable arrays, one loop. */
interface PlainBatch {
  reference: string;
  available: number;
  eta: string | null;
  position: number;
}

const plainPrefer = (a: PlainBatch, b: PlainBatch) =>
  a.eta === b.eta
    ? a.position - b.position
    : a.eta === null
      ? -1
      : b.eta === null
        ? 1
        : a.eta < b.eta
          ? -1
          : 1;

const throughput = () => {
  const random = lcg(42);
  const skuNames = Array.from({ length: SKUS }, (_, i) => `SKU-${i}`);
  const specs = skuNames.map((_, i) => batchSpecs(i, random));
  const lines: OrderLine[] = Array.from({ length: LINES }, (_, i) => ({
    orderId: must(OrderId(`order-${i}`)),
    sku: must(Sku(skuNames[Math.floor(random() * SKUS)] ?? 'SKU-0')),
    quantity: must(Quantity(1 + Math.floor(random() * 4))),
  }));

  const products = new Map(skuNames.map((sku, i) => [sku, buildProduct(sku, specs[i] ?? [])]));
  const allocatedLines = new Map<string, AllocatedLine>();
  let libraryAllocated = 0;
  const libraryStart = performance.now();
  for (const line of lines) {
    const product = products.get(line.sku) as Product;
    const result = allocate(product, line, O.fromNullable(allocatedLines.get(line.orderId)));
    if (E.isRight(result)) {
      products.set(line.sku, result.right.product);
      const { value } = result.right;
      if (value.outcome === 'allocated') allocatedLines.set(line.orderId, value.line);
      libraryAllocated++;
    }
  }
  const librarySeconds = (performance.now() - libraryStart) / 1000;

  const plain = new Map(
    skuNames.map((sku, i) => [
      sku,
      (specs[i] ?? [])
        .map((s, position) => ({
          reference: s.reference,
          available: s.quantity,
          eta: s.eta,
          position,
        }))
        .sort(plainPrefer),
    ]),
  );
  // Both sides keep the same record of each allocation: the line with the batches it came from.
  const plainAllocations = new Map<
    string,
    {
      orderId: string;
      sku: string;
      quantity: number;
      portions: Array<{ batchReference: string; quantity: number }>;
    }
  >();
  let plainAllocated = 0;
  const plainStart = performance.now();
  for (const line of lines) {
    if (plainAllocations.has(line.orderId)) continue;
    const batches = plain.get(line.sku) as PlainBatch[];
    for (const batch of batches) {
      if (batch.available >= line.quantity) {
        batch.available -= line.quantity;
        plainAllocations.set(line.orderId, {
          orderId: line.orderId,
          sku: line.sku,
          quantity: line.quantity,
          portions: [{ batchReference: batch.reference, quantity: line.quantity }],
        });
        plainAllocated++;
        break;
      }
    }
  }
  const plainSeconds = (performance.now() - plainStart) / 1000;

  if (plainAllocated !== libraryAllocated) {
    throw new Error(
      `library allocated ${libraryAllocated} lines but the plain loop ${plainAllocated}`,
    );
  }
  return {
    library: LINES / librarySeconds,
    plain: LINES / plainSeconds,
    allocated: libraryAllocated,
  };
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const ROUNDS = 5;

const reportThroughput = () => {
  const rounds = Array.from({ length: ROUNDS }, () => throughput());
  const library = median(rounds.map((r) => r.library));
  const plain = median(rounds.map((r) => r.plain));
  console.log(
    `throughput: ${LINES.toLocaleString('en')} lines over ${SKUS.toLocaleString('en')} SKUs x ${BATCHES_PER_SKU} batches (${rounds[0]?.allocated.toLocaleString('en')} allocated), median of ${ROUNDS} rounds`,
  );
  console.log(`  library     ${Math.round(library).toLocaleString('en')} lines/s`);
  console.log(`  plain loop  ${Math.round(plain).toLocaleString('en')} lines/s`);
  console.log(`  ratio       ${(plain / library).toFixed(2)}x (goal: at most 3x)`);
};

/**
 * Fills one product with FILL_LINES lines and times every `allocate` call. Each window's figure is
 * the median call, so a garbage collection of the growing line store does not pass for the
 * library's cost.
 */
const fill = () => {
  const product0 = buildProduct(
    'FULL',
    Array.from({ length: BATCHES_PER_SKU }, (_, b) => ({
      reference: `full-${b}`,
      quantity: FILL_LINES,
      eta: b === 0 ? null : `2027-01-0${b}`,
    })),
  );
  const sku = product0.sku;
  const quantity = must(Quantity(1));
  const orderIds = Array.from({ length: FILL_LINES }, (_, i) => must(OrderId(`fill-${i}`)));
  const allocatedLines = new Map<string, AllocatedLine>();
  const calls = new Float64Array(FILL_LINES);
  let product = product0;
  for (let i = 0; i < FILL_LINES; i++) {
    const orderId = orderIds[i] as OrderId;
    const existing = O.fromNullable(allocatedLines.get(orderId));
    const start = process.hrtime.bigint();
    const result = allocate(product, { orderId, sku, quantity }, existing);
    calls[i] = Number(process.hrtime.bigint() - start);
    if (E.isLeft(result)) throw new Error(result.left.message);
    product = result.right.product;
    const { value } = result.right;
    if (value.outcome === 'allocated') allocatedLines.set(orderId, value.line);
  }
  const first = median([...calls.subarray(0, WINDOW)]);
  const last = median([...calls.subarray(FILL_LINES - WINDOW)]);
  console.log(
    `fill: ${FILL_LINES.toLocaleString('en')} lines into one product's ${BATCHES_PER_SKU} batches (median call of each window)`,
  );
  console.log(`  first ${WINDOW.toLocaleString('en')}  ${first.toFixed(0)} ns/allocation`);
  console.log(`  last  ${WINDOW.toLocaleString('en')}  ${last.toFixed(0)} ns/allocation`);
  console.log(`  ratio       ${(last / first).toFixed(2)}x (goal: at most 1.5x)`);
};

// The first round also warms the JIT for both sides; the median discards such outliers.
reportThroughput();
fill();
