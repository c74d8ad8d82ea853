import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  batchNotFound,
  findBatch,
  type AllocationError,
  type Batch,
  type BatchNotFound,
  type BatchReference,
  type Changed,
  type Product,
  type ReleaseResult,
} from '@allocation/allocation-domain';
import type { AllocationTransaction } from '../ports/allocation-transaction';
import { persist } from './persist';

/** The product holding a batch, and the batch, or `BatchNotFound`. */
export const loadBatch = async (
  context: AllocationTransaction,
  reference: BatchReference,
): Promise<E.Either<BatchNotFound, { product: Product; batch: Batch }>> => {
  const product = await context.products.getByBatchReference(reference);
  const batch = O.isSome(product) ? findBatch(product.value, reference) : O.none;
  return O.isSome(product) && O.isSome(batch)
    ? E.right({ product: product.value, batch: batch.value })
    : E.left(batchNotFound(reference));
};

/** Saves a shrunk or removed batch: the lines it let go are reallocated or backordered. */
export const persistRelease = async (
  context: AllocationTransaction,
  changed: Changed<ReleaseResult>,
): Promise<E.Either<AllocationError, Batch>> =>
  E.map((result: ReleaseResult) => result.batch)(await persist(context, changed));
