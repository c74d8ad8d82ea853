import type { RetriesExhausted } from '../application/unit-of-work';

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

/** Shared by every context: its unit of work gave up under concurrent changes. */
export const retriesExhaustedFailure = (error: RetriesExhausted): ApiFailure => ({
  status: 503,
  code: 'TOO_MANY_CONFLICTS',
  message: error.message,
  retryAfterSeconds: error.retryAfterSeconds,
});
