import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import {
  duplicateBatchReference,
  skuMismatch,
  type DuplicateBatchReference,
  type SkuMismatch,
} from './errors';
import type { DomainEvent } from './events';
import { availableQuantity, compareBatchPreference, type Batch, type NewBatch } from './batch';
import type { Portion } from './order-line';
import { etaToNullable, type Sku } from './value-objects';

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

export const emptyProduct = (sku: Sku): Product => ({ sku, version: 0, batches: [] });

export const productAvailableQuantity = (product: Product): number =>
  product.batches.reduce((sum, batch) => sum + Math.max(0, availableQuantity(batch)), 0);

export const findBatch = (product: Product, reference: string): O.Option<Batch> =>
  O.fromNullable(product.batches.find((batch) => batch.reference === reference));

export const checkSku = (product: Product, sku: string): E.Either<SkuMismatch, Product> =>
  sku === product.sku ? E.right(product) : E.left(skuMismatch(product.sku, sku));

/** The next version of the product with these batches. */
export const withBatches = (product: Product, batches: ReadonlyArray<Batch>): Product => ({
  sku: product.sku,
  version: product.version + 1,
  batches,
});

/** Adds (sign 1) or returns (sign -1) the line's portions to the batches' allocated totals. */
export const applyPortions = (
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
