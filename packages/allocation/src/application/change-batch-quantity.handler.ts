import * as E from 'fp-ts/Either';
import {
  changeBatchQuantity as changeQuantity,
  type Batch,
  type ChangeBatchQuantity,
} from '@allocation/allocation-domain';
import type { AllocationHandler } from './allocation-bus';
import { loadBatch, persistRelease } from './batch-release';

/**
 * Changes a batch's quantity. Lines it can no longer hold are deallocated and reallocated (or
 * backordered) by the domain in the same change; stock it adds serves the backorders.
 */
export const changeBatchQuantity: AllocationHandler<ChangeBatchQuantity, Batch> = async (
  command,
  context,
) => {
  const found = await loadBatch(context, command.reference);
  if (E.isLeft(found)) return found;
  const { product, batch } = found.right;
  const excess = batch.allocatedQuantity - command.quantity;
  const newest = excess > 0 ? await context.products.newestLinesOf(batch.reference, excess) : [];
  const decided = changeQuantity(product, batch.reference, command.quantity, newest);
  return E.isLeft(decided) ? decided : persistRelease(context, decided.right);
};
