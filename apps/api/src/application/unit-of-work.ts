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
 * Runs one piece of application work in one transaction, on a context of repositories bound to
 * it. Commits when the work returns Right; rolls back when it returns Left (which is returned as
 * it is) or throws. A `ConcurrencyConflict` re-runs the whole work on fresh state, a bounded
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
