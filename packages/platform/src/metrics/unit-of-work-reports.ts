import type { OutboxSignal } from '../application/outbox-signal';
import { defaultRetryPolicy, type PrismaUnitOfWorkOptions } from '../database/prisma-unit-of-work';
import type { Metrics } from './metrics';

/**
 * How a context's units of work report: a commit with events wakes this process's outbox
 * readers, and retries and give-ups are counted under the context's name.
 */
export const unitOfWorkReports = (
  signal: OutboxSignal,
  metrics: Metrics,
  context: string,
): PrismaUnitOfWorkOptions => ({
  onEventsCommitted: (types) => signal.notify(types),
  onRetry: () => metrics.unitOfWorkRetries.inc({ context }),
  onExhausted: () => metrics.unitOfWorkExhausted.inc({ context }),
});

/**
 * The same for a `StatementUnitOfWork` tried once before a transaction (`preferringStatements`):
 * one attempt, and a lost claim, which sends the command to the transaction, counts as a retry.
 */
export const firstAttemptReports = (
  signal: OutboxSignal,
  metrics: Metrics,
  context: string,
): PrismaUnitOfWorkOptions => ({
  onEventsCommitted: (types) => signal.notify(types),
  retry: { ...defaultRetryPolicy, maxAttempts: 1 },
  onExhausted: () => metrics.unitOfWorkRetries.inc({ context }),
});
