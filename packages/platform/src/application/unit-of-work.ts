import type * as E from 'fp-ts/Either';

/** The failure every unit of work can end in: others kept changing the same data. */
export interface RetriesExhausted {
  readonly _tag: 'RetriesExhausted';
  readonly message: string;
  readonly retryAfterSeconds: number;
}

export const retriesExhausted = (attempts: number): RetriesExhausted => ({
  _tag: 'RetriesExhausted',
  message: `Too many concurrent changes; gave up after ${attempts} attempts. Try again.`,
  retryAfterSeconds: 1,
});

/**
 * A transaction context records the events its aggregates cause. The unit of work commits them
 * to the outbox together with the change they describe, so an event leaves the service exactly
 * when its change is durable.
 */
export interface RecordsEvents<Ev> {
  readonly events: ReadonlyArray<Ev>;
  record(events: ReadonlyArray<Ev>): void;
}

/**
 * Runs one piece of application work in one transaction, on a context of repositories bound to
 * it. Commits when the work returns Right, with every event the context recorded written to the
 * outbox; rolls back when it returns Left (which is returned as it is) or throws. A `ConcurrencyConflict` re-runs the whole work on fresh state, a bounded
 * number of times; past that the caller gets `RetriesExhausted`.
 */
export interface UnitOfWork<Context> {
  run<L, A>(
    work: (context: Context) => Promise<E.Either<L, A>>,
  ): Promise<E.Either<L | RetriesExhausted, A>>;
}

/** Thrown by a repository when what it saves changed since it was loaded; the unit of work retries. */
export class ConcurrencyConflict extends Error {
  override readonly name = 'ConcurrencyConflict';
}
