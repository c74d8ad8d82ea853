import * as E from 'fp-ts/Either';
import {
  BatchReference,
  type Allocate,
  type ChangeBatchQuantity,
  type CreateBatch,
  type RemoveBatch,
} from '@allocation/allocation-domain';
import {
  allocateCommand as allocateFrom,
  changeBatchQuantityCommand,
  createBatchCommand as createBatchFrom,
} from '../application/product.commands';

/** Unwraps a Right in tests; a Left here is a broken test, so it throws with the reason. */
export const must = <A>(either: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(either)) throw new Error(either.left.message);
  return either.right;
};

/** Commands built the way the HTTP edge builds them, from plain values. */
export const createBatchCommand = (
  reference: string,
  sku: string,
  quantity: number,
  eta: string | null = null,
): CreateBatch => must(createBatchFrom({ reference, sku, quantity, eta }));

export const allocateCommand = (
  orderId: string,
  sku: string,
  quantity: number,
  allowSplit = false,
): Allocate => must(allocateFrom({ orderId, sku, quantity, allowSplit }));

/** A placed order's line, as the orders handoff builds it: it waits when stock is short. */
export const placedLineCommand = (orderId: string, sku: string, quantity: number): Allocate =>
  must(allocateFrom({ orderId, sku, quantity, backorder: true }));

export const changeQuantityCommand = (reference: string, quantity: number): ChangeBatchQuantity =>
  must(changeBatchQuantityCommand(reference, quantity));

export const removeBatchCommand = (reference: string): RemoveBatch => ({
  _tag: 'RemoveBatch',
  reference: must(BatchReference(reference)),
});
