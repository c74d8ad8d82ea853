import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import type { ReadonlyNonEmptyArray } from 'fp-ts/ReadonlyNonEmptyArray';
import { pipe } from 'fp-ts/function';
import {
  batchNotFound,
  duplicateBatchReference,
  lineAlreadyAllocated,
  orderNotAllocated,
  outOfStock,
  skuMismatch,
  type BatchNotFound,
  type DuplicateBatchReference,
  type LineAlreadyAllocated,
  type OrderNotAllocated,
  type OutOfStockError,
  type SkuMismatch,
} from './errors';
import type { Allocated, DeallocationReason, Deallocated, DomainEvent } from './events';
import {
  etaToNullable,
  type BatchReference,
  type Eta,
  type OrderId,
  type Quantity,
  type Sku,
  type StockQuantity,
} from './value-objects';

/**
 * A batch keeps running totals rather than its lines, so that deciding an allocation never
 * depends on how many lines a batch already holds.
 */
export interface Batch {
  readonly reference: BatchReference;
  readonly sku: Sku;
  readonly eta: Eta;
  readonly purchasedQuantity: number;
  readonly allocatedQuantity: number;
  /** Order in which batches were added to the product: the last tie-breaker of preference. */
  readonly position: number;
}

export interface OrderLine {
  readonly orderId: OrderId;
  readonly sku: Sku;
  readonly quantity: Quantity;
}

/** The part of a line served from one batch. */
export interface Portion {
  readonly batchReference: BatchReference;
  readonly quantity: Quantity;
}

/** A line as it stands allocated: one portion, or several when it was split. */
export interface AllocatedLine extends OrderLine {
  readonly portions: ReadonlyNonEmptyArray<Portion>;
}

/**
 * The aggregate: one SKU, its batches in preference order, and a version that every change
 * increments. Allocated lines are not held here; each operation is given the few lines it
 * touches (see the README's note on scale).
 */
export interface Product {
  readonly sku: Sku;
  readonly version: number;
  readonly batches: ReadonlyArray<Batch>;
}

/** The outcome of a successful change: the new product, what happened, and a result. */
export interface Changed<A> {
  readonly product: Product;
  readonly events: ReadonlyArray<DomainEvent>;
  readonly value: A;
}

export interface NewBatch {
  readonly reference: BatchReference;
  readonly sku: Sku;
  readonly quantity: Quantity;
  readonly eta: Eta;
}

export interface AllocationResult {
  readonly line: AllocatedLine;
  /** False when the same line was already allocated and nothing changed. */
  readonly created: boolean;
}

export interface DeallocationResult {
  readonly removed: ReadonlyNonEmptyArray<Portion>;
  /** What is left of the line after deallocating it from one batch, if anything. */
  readonly remaining: O.Option<AllocatedLine>;
}

export interface ReleaseResult {
  readonly batch: Batch;
  /** Lines taken out of the product, newest first; each wants reallocating. */
  readonly deallocated: ReadonlyArray<AllocatedLine>;
}

export const emptyProduct = (sku: Sku): Product => ({ sku, version: 0, batches: [] });

export const availableQuantity = (batch: Batch): number =>
  batch.purchasedQuantity - batch.allocatedQuantity;

export const productAvailableQuantity = (product: Product): number =>
  product.batches.reduce((sum, batch) => sum + Math.max(0, availableQuantity(batch)), 0);

export const findBatch = (product: Product, reference: string): O.Option<Batch> =>
  O.fromNullable(product.batches.find((batch) => batch.reference === reference));

/** In-stock batches first, then earliest ETA, then the batch added first. */
export const compareBatchPreference = (a: Batch, b: Batch): number => {
  const etaA = etaToNullable(a.eta);
  const etaB = etaToNullable(b.eta);
  if (etaA !== etaB) {
    if (etaA === null) return -1;
    if (etaB === null) return 1;
    // YYYY-MM-DD strings order as the dates they name.
    return etaA < etaB ? -1 : 1;
  }
  return a.position - b.position;
};

export const lineQuantityIn = (line: AllocatedLine, reference: string): number =>
  line.portions.reduce(
    (sum, portion) => (portion.batchReference === reference ? sum + portion.quantity : sum),
    0,
  );

const checkSku = (product: Product, sku: string): E.Either<SkuMismatch, Product> =>
  sku === product.sku ? E.right(product) : E.left(skuMismatch(product.sku, sku));

const withBatches = (product: Product, batches: ReadonlyArray<Batch>): Product => ({
  sku: product.sku,
  version: product.version + 1,
  batches,
});

/** Adds (sign 1) or returns (sign -1) the line's portions to the batches' allocated totals. */
const applyPortions = (
  batches: ReadonlyArray<Batch>,
  portions: ReadonlyArray<Portion>,
  sign: 1 | -1,
): ReadonlyArray<Batch> => {
  // A copy with only the touched batches replaced: the others are shared with the old product.
  const updated = batches.slice();
  for (const portion of portions) {
    const index = updated.findIndex((batch) => batch.reference === portion.batchReference);
    const batch = updated[index];
    if (batch === undefined) continue;
    updated[index] = {
      reference: batch.reference,
      sku: batch.sku,
      eta: batch.eta,
      purchasedQuantity: batch.purchasedQuantity,
      allocatedQuantity: batch.allocatedQuantity + sign * portion.quantity,
      position: batch.position,
    };
  }
  return updated;
};

export const addBatch = (
  product: Product,
  batch: NewBatch,
): E.Either<SkuMismatch | DuplicateBatchReference, Changed<Batch>> =>
  pipe(
    checkSku(product, batch.sku),
    E.filterOrElseW(
      () => O.isNone(findBatch(product, batch.reference)),
      () => duplicateBatchReference(batch.reference),
    ),
    E.map(() => {
      const created: Batch = {
        reference: batch.reference,
        sku: batch.sku,
        eta: batch.eta,
        purchasedQuantity: batch.quantity,
        allocatedQuantity: 0,
        position: product.batches.reduce((last, b) => Math.max(last, b.position + 1), 0),
      };
      return {
        product: withBatches(product, [...product.batches, created].sort(compareBatchPreference)),
        events: [
          {
            _tag: 'BatchCreated',
            reference: created.reference,
            sku: created.sku,
            quantity: created.purchasedQuantity,
            eta: etaToNullable(created.eta),
          },
        ],
        value: created,
      };
    }),
  );

/** The first batch that can take the whole line, in preference order. */
const wholeFit = (batches: ReadonlyArray<Batch>, quantity: Quantity): Portion[] | undefined => {
  for (const batch of batches) {
    if (availableQuantity(batch) >= quantity)
      return [{ batchReference: batch.reference, quantity }];
  }
  return undefined;
};

/** Fills the line from batches in preference order, if together they hold enough. */
const splitFit = (batches: ReadonlyArray<Batch>, quantity: Quantity): Portion[] | undefined => {
  const portions: Portion[] = [];
  let remaining: number = quantity;
  for (const batch of batches) {
    if (remaining === 0) break;
    const take = Math.min(remaining, availableQuantity(batch));
    if (take > 0) {
      portions.push({ batchReference: batch.reference, quantity: take as Quantity });
      remaining -= take;
    }
  }
  return remaining === 0 ? portions : undefined;
};

const allocatedEvents = (line: AllocatedLine): Allocated[] =>
  line.portions.map((portion) => ({
    _tag: 'Allocated',
    orderId: line.orderId,
    sku: line.sku,
    quantity: portion.quantity,
    batchReference: portion.batchReference,
  }));

const NO_SPLIT = { allowSplit: false } as const;

/**
 * Allocates a line to the product's batches. `existing` is the line already allocated for the
 * same order and SKU, if any: repeating it is a no-op, changing its quantity is refused.
 *
 * This is the hot path, so it is written as plain branches returning `Either` rather than a
 * pipeline of combinators: the same rules, several times faster (see the benchmark).
 */
export const allocate = (
  product: Product,
  line: OrderLine,
  existing: O.Option<AllocatedLine>,
  options: { readonly allowSplit: boolean } = NO_SPLIT,
): E.Either<SkuMismatch | LineAlreadyAllocated | OutOfStockError, Changed<AllocationResult>> => {
  if (line.sku !== product.sku) {
    return E.left(skuMismatch(product.sku, line.sku));
  }
  if (O.isSome(existing) && existing.value.orderId === line.orderId) {
    const found = existing.value;
    return found.quantity === line.quantity
      ? E.right({ product, events: [], value: { line: found, created: false } })
      : E.left(lineAlreadyAllocated(line.orderId, line.sku, found.quantity, line.quantity));
  }
  const portions =
    wholeFit(product.batches, line.quantity) ??
    (options.allowSplit ? splitFit(product.batches, line.quantity) : undefined);
  if (portions === undefined || !isNonEmpty(portions)) {
    return E.left(outOfStock(line.orderId, line.sku, line.quantity));
  }
  const allocated: AllocatedLine = {
    orderId: line.orderId,
    sku: line.sku,
    quantity: line.quantity,
    portions,
  };
  return E.right({
    product: withBatches(product, applyPortions(product.batches, portions, 1)),
    events: allocatedEvents(allocated),
    value: { line: allocated, created: true },
  });
};

const deallocatedEvent = (
  line: AllocatedLine,
  reason: DeallocationReason,
  portions: ReadonlyArray<Portion> = line.portions,
): Deallocated => ({
  _tag: 'Deallocated',
  orderId: line.orderId,
  sku: line.sku,
  quantity: portions.reduce((sum, p) => sum + p.quantity, 0),
  reason,
  portions: portions.map((p) => ({ batchReference: p.batchReference, quantity: p.quantity })),
  wasSplit: line.portions.length > 1,
});

/**
 * Deallocates an order's line from the product, or only its portion in one batch.
 * `line` is the order's allocated line for this SKU, if it has one.
 */
export const deallocate = (
  product: Product,
  orderId: OrderId,
  line: O.Option<AllocatedLine>,
  fromBatch: O.Option<BatchReference> = O.none,
): E.Either<SkuMismatch | BatchNotFound | OrderNotAllocated, Changed<DeallocationResult>> =>
  pipe(
    E.Do,
    E.bind('batch', () =>
      pipe(
        fromBatch,
        O.match(
          () => E.right(O.none),
          (reference) =>
            pipe(
              findBatch(product, reference),
              E.fromOption(() => batchNotFound(reference)),
              E.map(O.some),
            ),
        ),
      ),
    ),
    E.bindW('line', () =>
      pipe(
        line,
        O.filter((found) => found.orderId === orderId),
        E.fromOption(() => orderNotAllocated(orderId)),
      ),
    ),
    E.chainFirstW(({ line }) => checkSku(product, line.sku)),
    E.chainW(({ batch, line }) =>
      pipe(
        batch,
        O.match(
          () => E.right(removeWholeLine(product, line)),
          (b) => removeFromBatch(product, line, b.reference),
        ),
      ),
    ),
  );

const removeWholeLine = (product: Product, line: AllocatedLine): Changed<DeallocationResult> => ({
  product: withBatches(product, applyPortions(product.batches, line.portions, -1)),
  events: [deallocatedEvent(line, 'Requested')],
  value: { removed: line.portions, remaining: O.none },
});

const removeFromBatch = (
  product: Product,
  line: AllocatedLine,
  reference: BatchReference,
): E.Either<OrderNotAllocated, Changed<DeallocationResult>> => {
  const removed = line.portions.filter((p) => p.batchReference === reference);
  const kept = line.portions.filter((p) => p.batchReference !== reference);
  if (!isNonEmpty(removed)) {
    return E.left(orderNotAllocated(line.orderId, `in batch ${reference}`));
  }
  const removedQuantity = removed.reduce((sum, p) => sum + p.quantity, 0);
  return E.right({
    product: withBatches(product, applyPortions(product.batches, removed, -1)),
    events: [deallocatedEvent(line, 'Requested', removed)],
    value: {
      removed,
      remaining: isNonEmpty(kept)
        ? O.some({
            ...line,
            quantity: (line.quantity - removedQuantity) as Quantity,
            portions: kept,
          })
        : O.none,
    },
  });
};

const isNonEmpty = <A>(items: ReadonlyArray<A>): items is ReadonlyNonEmptyArray<A> =>
  items.length > 0;

/**
 * Takes lines out of a batch, newest first, until `excess` units are freed. The caller supplies
 * the batch's newest lines; handing over too few is a programming error, not a business one.
 */
const releaseNewest = (
  reference: BatchReference,
  newestFirst: ReadonlyArray<AllocatedLine>,
  excess: number,
): ReadonlyArray<AllocatedLine> => {
  const released: AllocatedLine[] = [];
  let freed = 0;
  for (const line of newestFirst) {
    if (freed >= excess) break;
    const inBatch = lineQuantityIn(line, reference);
    if (inBatch > 0) {
      released.push(line);
      freed += inBatch;
    }
  }
  if (freed < excess) {
    throw new Error(
      `releaseNewest: batch ${reference} needs ${excess} units freed but its lines given free only ${freed}`,
    );
  }
  return released;
};

const releaseLines = (
  product: Product,
  lines: ReadonlyArray<AllocatedLine>,
  reason: DeallocationReason,
  batches: ReadonlyArray<Batch>,
): { product: Product; events: Deallocated[] } => ({
  product: withBatches(
    product,
    lines.reduce((acc, line) => applyPortions(acc, line.portions, -1), batches),
  ),
  events: lines.map((line) => deallocatedEvent(line, reason)),
});

/**
 * Sets a batch's purchased quantity. When that leaves it over-allocated, its most recently
 * allocated lines are deallocated (whole, from every batch they use) until it is not.
 * `newestLines` are the batch's lines newest first; only as many as cover the excess are needed.
 */
export const changeBatchQuantity = (
  product: Product,
  reference: BatchReference,
  quantity: StockQuantity,
  newestLines: ReadonlyArray<AllocatedLine>,
): E.Either<BatchNotFound, Changed<ReleaseResult>> =>
  pipe(
    findBatch(product, reference),
    E.fromOption(() => batchNotFound(reference)),
    E.map((batch) => {
      const resized = product.batches.map((b) =>
        b.reference === reference ? { ...b, purchasedQuantity: quantity } : b,
      );
      const excess = batch.allocatedQuantity - quantity;
      const released = excess > 0 ? releaseNewest(reference, newestLines, excess) : [];
      const result = releaseLines(product, released, 'BatchShrunk', resized);
      const changedBatch = result.product.batches.find((b) => b.reference === reference) as Batch;
      return {
        product: result.product,
        events: [
          { _tag: 'BatchQuantityChanged', reference, sku: product.sku, quantity },
          ...result.events,
        ],
        value: { batch: changedBatch, deallocated: released },
      };
    }),
  );

/**
 * Removes a batch. Every line it holds is deallocated (whole) so it can be reallocated;
 * `lines` must be all of the batch's lines, newest first.
 */
export const removeBatch = (
  product: Product,
  reference: BatchReference,
  lines: ReadonlyArray<AllocatedLine>,
): E.Either<BatchNotFound, Changed<ReleaseResult>> =>
  pipe(
    findBatch(product, reference),
    E.fromOption(() => batchNotFound(reference)),
    E.map((batch) => {
      const released =
        batch.allocatedQuantity > 0 ? releaseNewest(reference, lines, batch.allocatedQuantity) : [];
      const result = releaseLines(product, released, 'BatchRemoved', product.batches);
      return {
        product: {
          ...result.product,
          batches: result.product.batches.filter((b) => b.reference !== reference),
        },
        events: [...result.events, { _tag: 'BatchRemoved', reference, sku: product.sku }],
        value: { batch: { ...batch, allocatedQuantity: 0 }, deallocated: released },
      };
    }),
  );
