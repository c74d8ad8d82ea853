import * as E from 'fp-ts/Either';
import { setTimeout as sleep } from 'node:timers/promises';
import { Prisma } from '../generated/prisma/client';
import {
  ConcurrencyConflict,
  retriesExhausted,
  type RecordsEvents,
  type RetriesExhausted,
  type UnitOfWork,
} from '../application/unit-of-work';
import { writeToOutbox, type TaggedEvent } from './outbox';
import { isTransientConflict } from './postgres-errors';
import type { PrismaService } from './prisma.service';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

// A conflict means another unit of work committed a change to the same product, so each retry
// follows someone else's progress; generous attempts with short, jittered waits suit that.
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 30, baseDelayMs: 2, maxDelayMs: 100 };

interface RetryHooks {
  readonly retry: RetryPolicy;
  readonly onRetry: () => void;
  readonly onExhausted: () => void;
}

/**
 * Runs `attempt` again after a `ConcurrencyConflict` or a transient conflict (serialization
 * failure, deadlock), with exponential backoff and full jitter so that losers do not collide
 * again in step; after the last attempt the caller gets `RetriesExhausted`. Every unit of work
 * retries this way.
 */
export const runWithRetries = async <L, A>(
  { retry, onRetry, onExhausted }: RetryHooks,
  attempt: () => Promise<E.Either<L, A>>,
): Promise<E.Either<L | RetriesExhausted, A>> => {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict) && !isTransientConflict(error)) throw error;
      if (n >= retry.maxAttempts) {
        onExhausted();
        return E.left(retriesExhausted(n));
      }
      onRetry();
      const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** n);
      await sleep(Math.random() * ceiling);
    }
  }
};

/**
 * Prisma rolls an interactive transaction back only when its callback throws, so a Left leaves
 * the callback inside this private signal and is handed back to the caller untouched.
 */
class Rollback<L> extends Error {
  constructor(readonly left: E.Left<L>) {
    super('unit of work returned a failure');
  }
}

export interface PrismaUnitOfWorkOptions {
  readonly retry?: RetryPolicy;
  /**
   * Told after each commit that wrote events, with their types, so the outbox readers of those
   * types in this process look at once.
   */
  readonly onEventsCommitted?: (types: ReadonlyArray<string>) => void;
  /** Told of each retry after a conflict, and of each unit that ran out of retries (metrics). */
  readonly onRetry?: () => void;
  readonly onExhausted?: () => void;
}

/** A transaction's context; `ended` lets go of what it held in-process for the transaction. */
export type TransactionContext = RecordsEvents<TaggedEvent> & { ended?(): void };

/**
 * A unit of work on one PostgreSQL transaction (READ COMMITTED). `contextFor` binds a bounded
 * context's repositories to the transaction; a new context is made for every attempt, and told
 * when its transaction has ended (committed or rolled back). The events the context recorded are
 * written to the outbox as the transaction's last statement.
 */
export class PrismaUnitOfWork<Context extends TransactionContext> implements UnitOfWork<Context> {
  private readonly retry: RetryPolicy;
  private readonly onEventsCommitted: (types: ReadonlyArray<string>) => void;
  private readonly onRetry: () => void;
  private readonly onExhausted: () => void;

  constructor(
    private readonly prisma: PrismaService,
    private readonly contextFor: (tx: Prisma.TransactionClient) => Context,
    options: PrismaUnitOfWorkOptions = {},
  ) {
    this.retry = options.retry ?? defaultRetryPolicy;
    this.onEventsCommitted = options.onEventsCommitted ?? (() => undefined);
    this.onRetry = options.onRetry ?? (() => undefined);
    this.onExhausted = options.onExhausted ?? (() => undefined);
  }

  async run<L, A>(
    work: (context: Context) => Promise<E.Either<L, A>>,
  ): Promise<E.Either<L | RetriesExhausted, A>> {
    return runWithRetries<L, A>(
      { retry: this.retry, onRetry: this.onRetry, onExhausted: this.onExhausted },
      async () => {
        try {
          return E.right(await this.attempt(work));
        } catch (error) {
          if (error instanceof Rollback) return error.left as E.Left<L>;
          throw error;
        }
      },
    );
  }

  private async attempt<L, A>(work: (context: Context) => Promise<E.Either<L, A>>): Promise<A> {
    let committedTypes: ReadonlyArray<string> = [];
    let context = undefined as Context | undefined;
    let value: A;
    try {
      value = await this.prisma.client.$transaction(
        async (tx) => {
          context = this.contextFor(tx);
          const result = await work(context);
          if (E.isLeft(result)) throw new Rollback(result);
          await writeToOutbox(tx, context.events);
          committedTypes = context.events.map((event) => event._tag);
          return result.right;
        },
        {
          // Waiting for a pooled connection is normal under load; a stuck transaction is not.
          maxWait: 15_000,
          timeout: 20_000,
        },
      );
    } finally {
      context?.ended?.();
    }
    if (committedTypes.length > 0) this.onEventsCommitted(committedTypes);
    return value;
  }
}
