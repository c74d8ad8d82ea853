import * as E from 'fp-ts/Either';
import type { Changed, DuplicateBatchReference } from '@allocation/allocation-domain';
import type { AllocationTransaction } from '../ports/allocation-transaction';
import type { LineChanges } from '../ports/product.repository';

/** Writes what a domain operation changed and records the events it caused. */
export const persist = async <A>(
  context: AllocationTransaction,
  changed: Changed<A>,
  lines?: LineChanges,
): Promise<E.Either<DuplicateBatchReference, A>> => {
  const saved = await context.products.save(changed.product, lines);
  if (E.isLeft(saved)) return saved;
  context.record(changed.events);
  return E.right(changed.value);
};
