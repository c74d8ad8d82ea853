import * as E from 'fp-ts/Either';
import {
  removeBatch as removeFromProduct,
  type Batch,
  type RemoveBatch,
} from '@allocation/allocation-domain';
import type { AllocationHandler } from './allocation-bus';
import { loadBatch, persistRelease } from './batch-release';

/** Removes a batch; its lines are reallocated elsewhere if possible, else backordered. */
export const removeBatch: AllocationHandler<RemoveBatch, Batch> = async (command, context) => {
  const found = await loadBatch(context, command.reference);
  if (E.isLeft(found)) return found;
  const { product, batch } = found.right;
  const lines = await context.products.newestLinesOf(batch.reference, batch.allocatedQuantity);
  const decided = removeFromProduct(product, batch.reference, lines);
  return E.isLeft(decided) ? decided : persistRelease(context, decided.right);
};
