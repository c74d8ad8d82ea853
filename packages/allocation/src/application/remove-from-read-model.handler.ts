import * as E from 'fp-ts/Either';
import type { Deallocated } from '@allocation/allocation-domain';
import type { AllocationHandler } from './allocation-bus';

/** The read model loses the rows of every portion deallocated. */
export const removeFromReadModel: AllocationHandler<Deallocated, void> = async (event, context) => {
  for (const portion of event.portions) {
    await context.allocationsView.remove({
      orderId: event.orderId,
      sku: event.sku,
      batchReference: portion.batchReference,
    });
  }
  return E.right(undefined);
};
