import type * as E from 'fp-ts/Either';
import type { DomainEvent } from '@allocation/allocation-domain';
import type { AllocationsView } from './allocations.view';
import type { ProductRepository } from './product.repository';

/** What one attempt of a unit of work sees: repositories on its transaction, and its events. */
export interface TransactionContext {
  readonly products: ProductRepository;
  readonly allocationsView: AllocationsView;
  /** Events the aggregates recorded in this transaction, in order. */
  readonly events: ReadonlyArray<DomainEvent>;
  record(events: ReadonlyArray<DomainEvent>): void;
}

export interface RetriesExhausted {
  readonly _tag: 'RetriesExhausted';
  readonly message: string;
  readonly retryAfterSeconds: number;
}

export interface Committed<A> {
  readonly value: A;
  readonly events: ReadonlyArray<DomainEvent>;
}

/**
 * Runs one piece of application work in one database transaction. Commits when the work returns
 * Right, rolls back when it returns Left or throws. A concurrency conflict re-runs the whole work
 * (a bounded number of times, with jitter) on fresh state; past that the caller gets
 * `RetriesExhausted`.
 */
export interface UnitOfWork {
  run<L, A>(
    work: (context: TransactionContext) => Promise<E.Either<L, A>>,
  ): Promise<E.Either<L | RetriesExhausted, Committed<A>>>;
}

export const UNIT_OF_WORK = Symbol('UnitOfWork');
