import * as E from 'fp-ts/Either';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DomainEvent } from '@allocation/allocation-domain';
import { Prisma } from '../../generated/prisma/client';
import type { PrismaService } from '../../infrastructure/database/prisma.service';
import { isTransientConflict } from '../../infrastructure/database/postgres-errors';
import { ConcurrencyConflict } from '../ports/product.repository';
import type {
  Committed,
  RetriesExhausted,
  TransactionContext,
  UnitOfWork,
} from '../ports/unit-of-work';
import { PrismaAllocationsView } from './prisma-allocations.view';
import { PrismaProductRepository } from './prisma-product.repository';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

// A conflict means another unit of work committed a change to the same product, so each retry
// follows someone else's progress; generous attempts with short, jittered waits suit that.
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 30, baseDelayMs: 2, maxDelayMs: 100 };

/** Carries a Left out of Prisma's transaction callback so that the transaction rolls back. */
class Rollback<L> extends Error {
  constructor(readonly left: E.Left<L>) {
    super('unit of work returned a failure');
  }
}

class Context implements TransactionContext {
  readonly products: PrismaProductRepository;
  readonly allocationsView: PrismaAllocationsView;
  private readonly recorded: DomainEvent[] = [];

  constructor(tx: Prisma.TransactionClient, lockOnRead: boolean) {
    this.products = new PrismaProductRepository(tx, { lockOnRead });
    this.allocationsView = new PrismaAllocationsView(tx);
  }

  get events(): ReadonlyArray<DomainEvent> {
    return this.recorded;
  }

  record(events: ReadonlyArray<DomainEvent>): void {
    this.recorded.push(...events);
  }
}

export interface UnitOfWorkOptions {
  readonly retry?: RetryPolicy;
  /**
   * Lock each product as it is loaded (the default). Off, concurrent writers rely on the
   * version check alone and retry; tests turn it off to force that path.
   */
  readonly lockOnRead?: boolean;
}

export class PrismaUnitOfWork implements UnitOfWork {
  private readonly retry: RetryPolicy;
  private readonly lockOnRead: boolean;

  constructor(
    private readonly prisma: PrismaService,
    options: UnitOfWorkOptions = {},
  ) {
    this.retry = options.retry ?? defaultRetryPolicy;
    this.lockOnRead = options.lockOnRead ?? true;
  }

  async run<L, A>(
    work: (context: TransactionContext) => Promise<E.Either<L, A>>,
  ): Promise<E.Either<L | RetriesExhausted, Committed<A>>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return E.right(await this.attempt(work));
      } catch (error) {
        if (error instanceof Rollback) return error.left as E.Left<L>;
        if (!(error instanceof ConcurrencyConflict) && !isTransientConflict(error)) throw error;
        if (attempt >= this.retry.maxAttempts) {
          return E.left({
            _tag: 'RetriesExhausted',
            message: `Too many concurrent changes; gave up after ${attempt} attempts. Try again.`,
            retryAfterSeconds: 1,
          });
        }
        await sleep(this.backoff(attempt));
      }
    }
  }

  private async attempt<L, A>(
    work: (context: TransactionContext) => Promise<E.Either<L, A>>,
  ): Promise<Committed<A>> {
    return this.prisma.client.$transaction(
      async (tx) => {
        const context = new Context(tx, this.lockOnRead);
        const result = await work(context);
        if (E.isLeft(result)) throw new Rollback(result);
        return { value: result.right, events: [...context.events] };
      },
      {
        isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
        // Waiting for a pooled connection is normal under load; a stuck transaction is not.
        maxWait: 15_000,
        timeout: 20_000,
      },
    );
  }

  /** Exponential backoff with full jitter, so that losers do not collide again in step. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
    return Math.random() * ceiling;
  }
}
