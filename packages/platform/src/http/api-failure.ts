import * as E from 'fp-ts/Either';
import type { RetriesExhausted } from '../application/unit-of-work';
import { GenericErrors, type ErrorDoc } from './api-errors.decorator';

/** An expected failure as HTTP sees it; each bounded context maps its own failures to these. */
export interface ApiFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string | string[];
  /** Sent as `Retry-After`: when a retry may succeed. */
  readonly retryAfterSeconds?: number;
  /** Other headers the answer needs, such as `WWW-Authenticate` on a 401. */
  readonly headers?: Readonly<Record<string, string>>;
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

/**
 * A bounded context's mapping from its failures to HTTP, made from its catalogue of documented
 * errors (one per failure tag): `toApiFailure` for one failure, `orFail` to unwrap a result at the
 * edge of a controller, an expected failure leaving as its HTTP answer.
 */
export const failureMapping = <F extends { readonly _tag: string; readonly message: string }>(
  catalogue: Readonly<Record<F['_tag'], Pick<ErrorDoc, 'status' | 'code'>>>,
) => {
  const toApiFailure = (failure: F | RetriesExhausted): ApiFailure =>
    failure._tag === 'RetriesExhausted'
      ? retriesExhaustedFailure(failure as RetriesExhausted)
      : // Not RetriesExhausted, so one of the context's own failures.
        failureOf(catalogue[(failure as F)._tag as F['_tag']], failure.message);
  const orFail = <A>(result: E.Either<F | RetriesExhausted, A>): A => {
    if (E.isLeft(result)) throw new ApiFailureException(toApiFailure(result.left));
    return result.right;
  };
  return { toApiFailure, orFail };
};
