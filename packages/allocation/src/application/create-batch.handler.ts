import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  addBatch,
  duplicateBatchReference,
  emptyProduct,
  type Batch,
  type CreateBatch,
} from '@allocation/allocation-domain';
import type { AllocationHandler } from './allocation-bus';
import { persist } from './persist';

export const createBatch: AllocationHandler<CreateBatch, Batch> = async (command, context) => {
  // References are unique across every product, not only this SKU's.
  const holder = await context.products.getByBatchReference(command.reference);
  if (O.isSome(holder)) return E.left(duplicateBatchReference(command.reference));

  const product = O.getOrElse(() => emptyProduct(command.sku))(
    await context.products.get(command.sku),
  );
  const changed = addBatch(product, command);
  return E.isLeft(changed) ? changed : persist(context, changed.right);
};
