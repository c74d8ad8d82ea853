import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import {
  BatchReference,
  Eta,
  OrderId,
  Quantity,
  Sku,
  StockQuantity,
  type Allocate,
  type ChangeBatchQuantity,
  type Deallocate,
  type CreateBatch,
  type InvalidValue,
} from '@allocation/allocation-domain';

/**
 * Plain values from an edge (HTTP bodies shape-checked by class-validator, Redis messages) become
 * commands through the domain's smart constructors, which have the last word on what is valid.
 */
export const createBatchCommand = (input: {
  reference: string;
  sku: string;
  quantity: number;
  eta?: string | null | undefined;
}): E.Either<InvalidValue, CreateBatch> =>
  pipe(
    E.Do,
    E.apS('reference', BatchReference(input.reference)),
    E.apS('sku', Sku(input.sku)),
    E.apS('quantity', Quantity(input.quantity)),
    E.apS('eta', Eta(input.eta)),
    E.map((values) => ({ _tag: 'CreateBatch' as const, ...values })),
  );

export const allocateCommand = (input: {
  orderId: string;
  sku: string;
  quantity: number;
  allowSplit?: boolean | undefined;
  backorder?: boolean | undefined;
}): E.Either<InvalidValue, Allocate> =>
  pipe(
    E.Do,
    E.apS('orderId', OrderId(input.orderId)),
    E.apS('sku', Sku(input.sku)),
    E.apS('quantity', Quantity(input.quantity)),
    E.map((values) => ({
      _tag: 'Allocate' as const,
      ...values,
      allowSplit: input.allowSplit ?? false,
      backorder: input.backorder ?? false,
    })),
  );

export const changeBatchQuantityCommand = (
  reference: string,
  quantity: number,
): E.Either<InvalidValue, ChangeBatchQuantity> =>
  pipe(
    E.Do,
    E.apS('reference', BatchReference(reference)),
    E.apS('quantity', StockQuantity(quantity)),
    E.map((values) => ({ _tag: 'ChangeBatchQuantity' as const, ...values })),
  );

/** Deallocates a whole order. */
export const deallocateCommand = (orderId: string): E.Either<InvalidValue, Deallocate> =>
  pipe(
    OrderId(orderId),
    E.map((id) => ({ _tag: 'Deallocate' as const, orderId: id })),
  );
