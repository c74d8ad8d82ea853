import type {
  AllocationError,
  AllocationResult,
  Batch,
  Command,
  DomainEvent,
} from '@allocation/allocation-domain';
import type {
  CommandHandlers,
  EventHandlers,
  CommandBus,
  Handler,
  RetriesExhausted,
} from '@allocation/platform';
import type { AllocationTransaction } from '../ports/allocation-transaction';

/** What each allocation command answers with when it succeeds. */
export interface AllocationResults {
  CreateBatch: Batch;
  Allocate: AllocationResult;
  Deallocate: void;
  ChangeBatchQuantity: Batch;
  RemoveBatch: Batch;
}

/** Every expected way an allocation command can fail, as the caller receives it. */
export type AllocationFailure = AllocationError | RetriesExhausted;

export type AllocationHandler<M, A> = Handler<M, AllocationTransaction, AllocationError, A>;

export type AllocationCommandHandlers = CommandHandlers<
  Command,
  AllocationResults,
  AllocationTransaction,
  AllocationError
>;

export type AllocationEventHandlers = EventHandlers<
  DomainEvent,
  AllocationTransaction,
  AllocationError
>;

export type AllocationBus = CommandBus<
  Command,
  AllocationResults,
  DomainEvent,
  AllocationTransaction,
  AllocationError
>;

export const ALLOCATION_BUS = Symbol('AllocationBus');
