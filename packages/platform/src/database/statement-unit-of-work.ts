import * as E from 'fp-ts/Either';
import type { RetriesExhausted, UnitOfWork } from '../application/unit-of-work';
import {
  defaultRetryPolicy,
  runWithRetries,
  type PrismaUnitOfWorkOptions,
  type TransactionContext,
} from './prisma-unit-of-work';

/** A context whose changes are kept until `flush` writes them, with its events, in one statement. */
export type FlushedContext = TransactionContext & { flush(): Promise<void> };

/**
 * A unit of work without an interactive transaction: the work reads with plain statements, its
 * context keeps what it changes, and `flush` writes all of it with the recorded events in one
 * statement that checks nothing it decided on has moved since it was read (and throws
 * `ConcurrencyConflict` if it has, writing nothing). A Left writes nothing; a conflict runs the
 * work again on fresh reads, as `PrismaUnitOfWork` does. It saves the transaction's own round
 * trips (BEGIN, the row locks, the outbox insert, COMMIT), which on this stack cost more than the
 * statements they surround; only work whose every write is such a checked statement can use it.
 */
export class StatementUnitOfWork<Context extends FlushedContext> implements UnitOfWork<Context> {
  constructor(
    private readonly contextFor: () => Context,
    private readonly options: PrismaUnitOfWorkOptions = {},
  ) {}

  run<L, A>(
    work: (context: Context) => Promise<E.Either<L, A>>,
  ): Promise<E.Either<L | RetriesExhausted, A>> {
    return runWithRetries<L, A>(
      {
        retry: this.options.retry ?? defaultRetryPolicy,
        onRetry: this.options.onRetry ?? (() => undefined),
        onExhausted: this.options.onExhausted ?? (() => undefined),
      },
      async () => {
        const context = this.contextFor();
        try {
          const result = await work(context);
          if (E.isLeft(result)) return result;
          await context.flush();
          if (context.events.length > 0) {
            this.options.onEventsCommitted?.(context.events.map((event) => event._tag));
          }
          return result;
        } finally {
          context.ended?.();
        }
      },
    );
  }
}
