import * as E from 'fp-ts/Either';
import type { BusError } from '../allocation/application/message-bus';

/**
 * The single place where expected failures become HTTP statuses. Controllers unwrap Eithers with
 * `orFail`; the exception filter renders what it throws.
 */
export const statusOf = (error: BusError): number => {
  switch (error._tag) {
    case 'InvalidValue':
    case 'UnknownSku':
    case 'SkuMismatch':
      return 400;
    case 'BatchNotFound':
    case 'OrderNotAllocated':
      return 404;
    case 'OutOfStock':
    case 'LineAlreadyAllocated':
    case 'DuplicateBatchReference':
      return 409;
    case 'RetriesExhausted':
      return 503;
  }
};

/** Thrown at the edge to leave a controller with an expected failure. */
export class DomainFailure extends Error {
  override readonly name = 'DomainFailure';

  constructor(readonly failure: BusError) {
    super(failure.message);
  }

  get status(): number {
    return statusOf(this.failure);
  }
}

export const orFail = <A>(result: E.Either<BusError, A>): A => {
  if (E.isLeft(result)) throw new DomainFailure(result.left);
  return result.right;
};
