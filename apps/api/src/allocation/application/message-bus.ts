import * as E from 'fp-ts/Either';
import type {
  Allocated,
  AllocationError,
  Command,
  Deallocated,
  DomainEvent,
  OrderId,
  Quantity,
  Sku,
} from '@allocation/allocation-domain';
import type {
  Committed,
  RetriesExhausted,
  TransactionContext,
  UnitOfWork,
} from '../ports/unit-of-work';
import { allocate } from './allocate.handler';
import { changeBatchQuantity, removeBatch } from './change-batch-quantity.handler';
import { createBatch } from './create-batch.handler';
import { deallocate } from './deallocate.handler';

/** What each command answers with, by its tag. */
export interface CommandResults {
  CreateBatch: Awaited<ReturnType<typeof createBatch>>;
  Allocate: Awaited<ReturnType<typeof allocate>>;
  Deallocate: Awaited<ReturnType<typeof deallocate>>;
  ChangeBatchQuantity: Awaited<ReturnType<typeof changeBatchQuantity>>;
  RemoveBatch: Awaited<ReturnType<typeof removeBatch>>;
}

type ResultOf<C extends Command> =
  CommandResults[C['_tag']] extends E.Either<unknown, infer A> ? A : never;

export type BusError = AllocationError | RetriesExhausted;

const dispatch = (command: Command, context: TransactionContext) => {
  switch (command._tag) {
    case 'CreateBatch':
      return createBatch(command, context);
    case 'Allocate':
      return allocate(command, context);
    case 'Deallocate':
      return deallocate(command, context);
    case 'ChangeBatchQuantity':
      return changeBatchQuantity(command, context);
    case 'RemoveBatch':
      return removeBatch(command, context);
  }
};

const addToReadModel = (event: Allocated, context: TransactionContext) =>
  context.allocationsView.add({
    orderId: event.orderId,
    sku: event.sku,
    batchReference: event.batchReference,
    quantity: event.quantity,
  });

const removeFromReadModel = async (event: Deallocated, context: TransactionContext) => {
  for (const portion of event.portions) {
    await context.allocationsView.remove({
      orderId: event.orderId,
      sku: event.sku,
      batchReference: portion.batchReference,
    });
  }
};

/** A line pushed out of its batch still wants stock: allocate it again. */
const reallocate = async (event: Deallocated, context: TransactionContext): Promise<void> => {
  if (event.reason === 'Requested') return;
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
  if (E.isLeft(result)) {
    // Out of stock is an outcome, not a failure: the line waits, and the event says so.
    if (result.left._tag === 'OutOfStock') {
      context.record(result.left.events);
      return;
    }
    throw new Error(`Reallocating ${event.orderId}/${event.sku} failed: ${result.left.message}`);
  }
};

const handleEvent = async (event: DomainEvent, context: TransactionContext): Promise<void> => {
  switch (event._tag) {
    case 'Allocated':
      return addToReadModel(event, context);
    case 'Deallocated':
      await removeFromReadModel(event, context);
      return reallocate(event, context);
    default:
      return;
  }
};

/**
 * Runs a command in one unit of work, then every event it caused (and the events those cause)
 * in the same transaction: read model updates and reallocations commit with the change.
 */
export class MessageBus {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  handle<C extends Command>(command: C): Promise<E.Either<BusError, Committed<ResultOf<C>>>> {
    return this.unitOfWork.run(async (context) => {
      const result = (await dispatch(command, context)) as E.Either<AllocationError, ResultOf<C>>;
      if (E.isLeft(result)) return result;
      // Handlers may record more events while we walk the list; the loop picks them up.
      for (let next = 0; next < context.events.length; next++) {
        const event = context.events[next];
        if (event !== undefined) await handleEvent(event, context);
      }
      return result;
    });
  }
}
