import { type ErrorDoc, failureMapping } from '@allocation/platform';
import { AllocationErrors } from './allocation-failures';
import type { FulfilmentError } from '../application/fulfilment-bus';

type Tag = FulfilmentError['_tag'];

/**
 * Fulfilment's failures as HTTP sees them: the one place they become statuses and codes. The
 * allocation rules it applies (a reserved line, stock held by a pick list) answer as they do in
 * allocation.
 */
export const FulfilmentErrors = {
  ...AllocationErrors,
  NothingToPick: {
    status: 409,
    code: 'NOTHING_TO_PICK',
    example: 'Nothing is left to pick: every allocated line is on a pick list already',
    description: 'No allocated line (of these orders) is left off a pick list',
  },
  PickListNotFound: {
    status: 404,
    code: 'PICK_LIST_NOT_FOUND',
    example: 'Pick list 5f0c3a9e-0b1d-4e55-9a57-3f6a2f0f2b71 not found',
    description: 'No pick list has this id',
  },
  PickListNotOpen: {
    status: 409,
    code: 'PICK_LIST_NOT_OPEN',
    example: 'Pick list 5f0c… is confirmed; only an open pick list can be cancelled',
    description: 'The pick list was confirmed or cancelled already',
  },
} as const satisfies Record<Tag, ErrorDoc>;

export const { toApiFailure, orFail } = failureMapping<FulfilmentError>(FulfilmentErrors);

export { writeErrors } from '@allocation/platform';
