import type { RetriesExhausted } from '../application/unit-of-work';
import { GenericErrors, type ErrorDoc } from './api-errors.decorator';

/** An expected failure as HTTP sees it; each bounded context maps its own failures to these. */
export interface ApiFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string | string[];
  /** Sent as `Retry-After`: when a retry may succeed. */
  readonly retryAfterSeconds?: number;
}

/** Leaves a controller with an expected failure; the exception filter renders it. */
export class ApiFailureException extends Error {
  override readonly name = 'ApiFailureException';

  constructor(readonly failure: ApiFailure) {
    super(Array.isArray(failure.message) ? failure.message.join('; ') : failure.message);
  }
}

/** The failure a documented error stands for, with this occurrence's message. */
export const failureOf = (
  doc: Pick<ErrorDoc, 'status' | 'code'>,
  message: string,
  retryAfterSeconds?: number,
): ApiFailure => ({
  status: doc.status,
  code: doc.code,
  message,
  ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
});

/** Shared by every context: its unit of work gave up under concurrent changes. */
export const retriesExhaustedFailure = (error: RetriesExhausted): ApiFailure =>
  failureOf(GenericErrors.conflicts, error.message, error.retryAfterSeconds);
