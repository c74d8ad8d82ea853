import * as E from 'fp-ts/Either';
import * as A from 'fp-ts/Array';
import { pipe } from 'fp-ts/function';
import {
  OrderId,
  PickListId,
  type CreatePickList,
  type InvalidValue,
  type PickListId as PickListIdType,
} from '@allocation/allocation-domain';

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
