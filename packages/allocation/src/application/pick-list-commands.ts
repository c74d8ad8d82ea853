import * as E from 'fp-ts/Either';
import * as A from 'fp-ts/Array';
import { pipe } from 'fp-ts/function';
import {
  OrderId,
  PickListId,
  type InvalidValue,
  type PickListId as PickListIdType,
  type OrderId as OrderIdType,
} from '@allocation/allocation-domain';

export interface CreatePickList {
  readonly _tag: 'CreatePickList';
  readonly id: PickListIdType;
  /** Only these orders' lines; all that are left to pick when null. */
  readonly orderIds: ReadonlyArray<OrderIdType> | null;
}

export interface ConfirmPickList {
  readonly _tag: 'ConfirmPickList';
  readonly id: PickListIdType;
}

export interface CancelPickList {
  readonly _tag: 'CancelPickList';
  readonly id: PickListIdType;
}

export type FulfilmentCommand = CreatePickList | ConfirmPickList | CancelPickList;

/** A new pick list under `id` (the caller makes it up: the domain has no randomness). */
export const createPickListCommand = (
  id: string,
  orderIds: ReadonlyArray<string> | undefined,
): E.Either<InvalidValue, CreatePickList> =>
  pipe(
    E.Do,
    E.apS('id', PickListId(id)),
    E.apS(
      'orderIds',
      orderIds === undefined
        ? E.right(null)
        : pipe([...new Set(orderIds)], A.traverse(E.Applicative)(OrderId)),
    ),
    E.map(({ id: valid, orderIds: orders }) => ({
      _tag: 'CreatePickList' as const,
      id: valid,
      orderIds: orders,
    })),
  );

export const pickListCommand = <T extends 'ConfirmPickList' | 'CancelPickList'>(
  tag: T,
  id: string,
): E.Either<InvalidValue, { readonly _tag: T; readonly id: PickListIdType }> =>
  pipe(
    PickListId(id),
    E.map((valid) => ({ _tag: tag, id: valid })),
  );
