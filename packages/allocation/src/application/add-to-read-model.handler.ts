import * as E from 'fp-ts/Either';
import type { Allocated } from '@allocation/allocation-domain';
import type { AllocationHandler } from './allocation-bus';

/** The read model gains a row for every portion allocated. */
export const addToReadModel: AllocationHandler<Allocated, void> = async (event, context) => {
  await context.allocationsView.add({
    orderId: event.orderId,
    sku: event.sku,
    batchReference: event.batchReference,
    quantity: event.quantity,
  });
  return E.right(undefined);
};
