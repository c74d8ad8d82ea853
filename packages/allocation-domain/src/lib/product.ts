import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { skuMismatch, type SkuMismatch } from './errors';
import type { DomainEvent } from './events';
import { availableQuantity, type Batch } from './batch';
import type { Backorder } from './order-line';
import type { Sku } from './value-objects';

/**
 * The aggregate: one SKU, its batches in preference order, the lines waiting for stock in the
 * order they are served, and a version that every change increments. Allocated lines are not
 * held here; each operation is given the few lines it touches (see the README's note on scale).
 */
export interface Product {
  readonly sku: Sku;
  readonly version: number;
  readonly batches: ReadonlyArray<Batch>;
  readonly backorders: ReadonlyArray<Backorder>;
}

/** The outcome of a successful change: the new product, what happened, and a result. */
export interface Changed<A> {
  readonly product: Product;
  readonly events: ReadonlyArray<DomainEvent>;
  readonly value: A;
}

export const emptyProduct = (sku: Sku): Product => ({
  sku,
  version: 0,
  batches: [],
  backorders: [],
});

export const productAvailableQuantity = (product: Product): number =>
  product.batches.reduce((sum, batch) => sum + Math.max(0, availableQuantity(batch)), 0);

/** Every unit bought for the product, across its batches (at most `MAX_PRODUCT_STOCK`). */
export const purchasedTotal = (product: Product): number =>
  product.batches.reduce((sum, b) => sum + b.purchasedQuantity, 0);

export const findBatch = (product: Product, reference: string): O.Option<Batch> =>
  O.fromNullable(product.batches.find((batch) => batch.reference === reference));

export const checkSku = (product: Product, sku: string): E.Either<SkuMismatch, Product> =>
  sku === product.sku ? E.right(product) : E.left(skuMismatch(product.sku, sku));

/** The next version of the product with these batches (and its backorders as they are). */
export const withBatches = (product: Product, batches: ReadonlyArray<Batch>): Product => ({
  sku: product.sku,
  version: product.version + 1,
  batches,
  backorders: product.backorders,
});
