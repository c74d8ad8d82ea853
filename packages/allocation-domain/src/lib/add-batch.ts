import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { settle } from './backorder';
import { compareBatchPreference, type Batch, type NewBatch } from './batch';
import {
  duplicateBatchReference,
  MAX_PRODUCT_STOCK,
  stockLimitExceeded,
  type DuplicateBatchReference,
  type SkuMismatch,
  type StockLimitExceeded,
} from './errors';
import { checkSku, findBatch, purchasedTotal, type Changed, type Product } from './product';
import { etaToNullable } from './value-objects';

/** Adds a batch to the product; its stock goes first to the lines waiting for it. */
export const addBatch = (
  product: Product,
  batch: NewBatch,
): E.Either<SkuMismatch | DuplicateBatchReference | StockLimitExceeded, Changed<Batch>> =>
  pipe(
    checkSku(product, batch.sku),
    E.filterOrElseW(
      () => O.isNone(findBatch(product, batch.reference)),
      () => duplicateBatchReference(batch.reference),
    ),
    E.filterOrElseW(
      () => purchasedTotal(product) + batch.quantity <= MAX_PRODUCT_STOCK,
      () => stockLimitExceeded(product.sku),
    ),
    E.map(() => {
      const created: Batch = {
        reference: batch.reference,
        sku: batch.sku,
        eta: batch.eta,
        purchasedQuantity: batch.quantity,
        allocatedQuantity: 0,
        reservedQuantity: 0,
        position: product.batches.reduce((last, b) => Math.max(last, b.position + 1), 0),
      };
      // New stock goes first to the lines waiting for it.
      const settled = settle(product, [...product.batches, created].sort(compareBatchPreference));
      return {
        product: settled.product,
        events: [
          {
            _tag: 'BatchCreated',
            reference: created.reference,
            sku: created.sku,
            quantity: created.purchasedQuantity,
            eta: etaToNullable(created.eta),
          },
          ...settled.events,
        ],
        // As it stands after serving them.
        value: settled.product.batches.find((b) => b.reference === created.reference) ?? created,
      };
    }),
  );
