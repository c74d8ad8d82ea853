import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  batchNotFound,
  changeBatchQuantity as changeQuantity,
  findBatch,
  removeBatch as removeFromProduct,
  type AllocationError,
  type Batch,
  type BatchNotFound,
  type BatchReference,
  type ChangeBatchQuantity,
  type Changed,
  type Product,
  type ReleaseResult,
  type RemoveBatch,
} from '@allocation/allocation-domain';
import type { TransactionContext } from '../ports/unit-of-work';
import { persist } from './persist';

/**
 * Changes a batch's quantity. Lines it can no longer hold are deallocated here; the message bus
 * then reallocates them from their `Deallocated` events, in the same unit of work.
 */
export const changeBatchQuantity = async (
  command: ChangeBatchQuantity,
  context: TransactionContext,
): Promise<E.Either<AllocationError, Batch>> => {
  const found = await loadBatch(context, command.reference);
  if (E.isLeft(found)) return found;
  const { product, batch } = found.right;
  const excess = batch.allocatedQuantity - command.quantity;
  const newest = excess > 0 ? await context.products.newestLinesOf(batch.reference, excess) : [];
  const decided = changeQuantity(product, batch.reference, command.quantity, newest);
  return E.isLeft(decided) ? decided : persistRelease(context, decided.right);
};

/** Removes a batch; its lines are deallocated and then reallocated elsewhere if possible. */
export const removeBatch = async (
  command: RemoveBatch,
  context: TransactionContext,
): Promise<E.Either<AllocationError, Batch>> => {
  const found = await loadBatch(context, command.reference);
  if (E.isLeft(found)) return found;
  const { product, batch } = found.right;
  const lines = await context.products.newestLinesOf(batch.reference, batch.allocatedQuantity);
  const decided = removeFromProduct(product, batch.reference, lines);
  return E.isLeft(decided) ? decided : persistRelease(context, decided.right);
};

const loadBatch = async (
  context: TransactionContext,
  reference: BatchReference,
): Promise<E.Either<BatchNotFound, { product: Product; batch: Batch }>> => {
  const product = await context.products.getByBatchReference(reference);
  const batch = O.isSome(product) ? findBatch(product.value, reference) : O.none;
  return O.isSome(product) && O.isSome(batch)
    ? E.right({ product: product.value, batch: batch.value })
    : E.left(batchNotFound(reference));
};

const persistRelease = async (
  context: TransactionContext,
  changed: Changed<ReleaseResult>,
): Promise<E.Either<AllocationError, Batch>> => {
  const removed = changed.value.deallocated.map((line) => ({
    orderId: line.orderId,
    sku: line.sku,
  }));
  const persisted = await persist(context, changed, { added: [], removed });
  return E.map((result: ReleaseResult) => result.batch)(persisted);
};
