import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  batchNotFound,
  deallocate as deallocateLine,
  orderNotAllocated,
  type AllocationError,
  type Deallocate,
  type Sku,
} from '@allocation/allocation-domain';
import type { AllocationTransaction } from '../ports/allocation-transaction';
import type { AllocationHandler } from './allocation-bus';
import { persist } from './persist';

/**
 * Deallocates an order from one batch, or from every product it has lines in (allocated or
 * backordered). The stock it frees serves the backorders in the same change.
 */
export const deallocate: AllocationHandler<Deallocate, void> = async (command, context) => {
  if (command.batchReference !== undefined) {
    const product = await context.products.getByBatchReference(command.batchReference);
    if (O.isNone(product)) return E.left(batchNotFound(command.batchReference));
    return deallocateFrom(context, command, product.value.sku);
  }
  const skus = await context.products.skusOfOrder(command.orderId);
  if (skus.length === 0) return E.left(orderNotAllocated(command.orderId));
  for (const sku of skus) {
    const result = await deallocateFrom(context, command, sku);
    if (E.isLeft(result)) return result;
  }
  return E.right(undefined);
};

const deallocateFrom = async (
  context: AllocationTransaction,
  command: Deallocate,
  sku: Sku,
): Promise<E.Either<AllocationError, void>> => {
  const product = await context.products.get(sku);
  if (O.isNone(product)) return E.left(orderNotAllocated(command.orderId));
  const line = await context.products.lineOf(sku, command.orderId);
  const fromBatch = O.fromNullable(command.batchReference);
  const decided = deallocateLine(product.value, command.orderId, line, fromBatch);
  if (E.isLeft(decided)) return decided;
  return E.map(() => undefined)(await persist(context, decided.right));
};
