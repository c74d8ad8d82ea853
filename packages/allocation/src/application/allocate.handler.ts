import * as E from 'fp-ts/Either';
import type { Allocate, AllocationResult } from '@allocation/allocation-domain';
import type { AllocationHandler } from './allocation-bus';
import { allocateTogether } from './allocation-batcher';

/** One allocation: the group commit's rule and write, as a batch of one in this unit of work. */
export const allocate: AllocationHandler<Allocate, AllocationResult> = async (command, context) => {
  const decided = await allocateTogether(context.products, [command]);
  const [outcome] = decided.outcomes;
  if (outcome === undefined) throw new Error('One command decided, no outcome');
  // A refusal commits nothing here; the bus keeps an out-of-stock refusal's event.
  if (E.isLeft(outcome)) return outcome;
  const committed = await context.products.commit(decided.changes);
  if (E.isLeft(committed)) return committed;
  context.record(decided.events);
  return E.right(outcome.right.value);
};
