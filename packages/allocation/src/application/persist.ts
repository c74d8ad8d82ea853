import * as E from 'fp-ts/Either';
import type {
  BatchReference,
  Changed,
  DomainEvent,
  DuplicateBatchReference,
  OrderId,
  PickListId,
  Quantity,
} from '@allocation/allocation-domain';
import type { AllocationTransaction } from '../ports/allocation-transaction';
import type { LineChanges, PortionKey } from '../ports/product-store';

/**
 * The portion rows a change leaves, read from its events: `Allocated` holds a portion,
 * `Deallocated` gives its portions back. A line given back and served again by the same change
 * (a shrinking batch reallocating it) nets to the row it ends with.
 */
export const lineChangesOf = (events: ReadonlyArray<DomainEvent>): LineChanges => {
  const held = new Map<string, PortionKey & { quantity: Quantity }>();
  const released = new Map<string, PortionKey>();
  const shipped: Array<PortionKey & { quantity: Quantity; pickListId: PickListId }> = [];
  const keyOf = (orderId: string, batchReference: string) => `${orderId}\u0000${batchReference}`;
  for (const event of events) {
    if (event._tag === 'Allocated') {
      const key = keyOf(event.orderId, event.batchReference);
      released.delete(key);
      // The event came from validated values, so the brands still hold.
      held.set(key, {
        orderId: event.orderId as OrderId,
        batchReference: event.batchReference as BatchReference,
        quantity: event.quantity as Quantity,
      });
    } else if (event._tag === 'Shipped') {
      const portion = {
        orderId: event.orderId as OrderId,
        batchReference: event.batchReference as BatchReference,
      };
      held.delete(keyOf(event.orderId, event.batchReference));
      released.set(keyOf(event.orderId, event.batchReference), portion);
      shipped.push({
        ...portion,
        quantity: event.quantity as Quantity,
        pickListId: event.pickListId as PickListId,
      });
    } else if (event._tag === 'Deallocated') {
      for (const portion of event.portions) {
        const key = keyOf(event.orderId, portion.batchReference);
        held.delete(key);
        released.set(key, {
          orderId: event.orderId as OrderId,
          batchReference: portion.batchReference as BatchReference,
        });
      }
    }
  }
  return { held: [...held.values()], released: [...released.values()], shipped };
};

/**
 * Writes what a domain operation changed and records the events it caused. `reservation` puts
 * lines on a pick list or takes them off, which no event tells.
 */
export const persist = async <A>(
  context: Pick<AllocationTransaction, 'products' | 'record'>,
  changed: Changed<A>,
  reservation?: LineChanges['reservation'],
): Promise<E.Either<DuplicateBatchReference, A>> => {
  const lines = lineChangesOf(changed.events);
  const saved = await context.products.save(
    changed.product,
    reservation === undefined ? lines : { ...lines, reservation },
  );
  if (E.isLeft(saved)) return saved;
  context.record(changed.events);
  return E.right(changed.value);
};
