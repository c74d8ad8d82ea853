import type {
  AllocationError,
  DomainEvent,
  FulfilmentCommand,
  PickList,
  PickListError,
} from '@allocation/allocation-domain';
import type {
  CommandHandlers,
  EventHandlers,
  Handler,
  MessageBus,
  RetriesExhausted,
} from '@allocation/platform';
import type { FulfilmentTransaction } from '../ports/fulfilment-transaction';

/** Every expected way a fulfilment command can fail. */
export type FulfilmentError = PickListError | AllocationError;
export type FulfilmentFailure = FulfilmentError | RetriesExhausted;

export interface FulfilmentResults {
  CreatePickList: PickList;
  ConfirmPickList: PickList;
  CancelPickList: PickList;
}

export type FulfilmentHandler<M, A> = Handler<M, FulfilmentTransaction, FulfilmentError, A>;

export type FulfilmentCommandHandlers = CommandHandlers<
  FulfilmentCommand,
  FulfilmentResults,
  FulfilmentTransaction,
  FulfilmentError
>;

export type FulfilmentEventHandlers = EventHandlers<
  DomainEvent,
  FulfilmentTransaction,
  FulfilmentError
>;

export type FulfilmentBus = MessageBus<
  FulfilmentCommand,
  FulfilmentResults,
  DomainEvent,
  FulfilmentTransaction,
  FulfilmentError
>;

export const FULFILMENT_BUS = Symbol('FulfilmentBus');
