import * as E from 'fp-ts/Either';
import type { Deallocated, OrderId, Quantity, Sku } from '@allocation/allocation-domain';
import { allocate } from './allocate.handler';
import type { AllocationHandler } from './allocation-bus';

/** A line pushed out of its batch (not one deallocated on request) still wants stock. */
export const reallocate: AllocationHandler<Deallocated, void> = async (event, context) => {
  if (event.reason === 'Requested') return E.right(undefined);
  const result = await allocate(
    {
      _tag: 'Allocate',
      // The event came from validated values, so the brands still hold.
      orderId: event.orderId as OrderId,
      sku: event.sku as Sku,
      quantity: event.quantity as Quantity,
      allowSplit: event.wasSplit,
    },
    context,
  );
  if (E.isRight(result)) return E.right(undefined);
  // Out of stock is an outcome here, not a failure: the line waits, and its event says so.
  if (result.left._tag === 'OutOfStock') {
    context.record(result.left.events);
    return E.right(undefined);
  }
  return result;
};
