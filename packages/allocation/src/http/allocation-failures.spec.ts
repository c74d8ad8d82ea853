import {
  batchNotFound,
  duplicateBatchReference,
  invalidValue,
  lineAlreadyAllocated,
  orderNotAllocated,
  outOfStock,
  skuMismatch,
  unknownSku,
} from '@allocation/allocation-domain';
import { retriesExhausted } from '@allocation/platform';
import { toApiFailure } from './allocation-failures';

const answer = (failure: Parameters<typeof toApiFailure>[0]) => {
  const { status, code } = toApiFailure(failure);
  return `${status} ${code}`;
};

describe('allocation failures over HTTP', () => {
  it('are refused as bad input when a value or SKU is wrong', () => {
    expect(answer(invalidValue('sku', 'sku is empty'))).toBe('400 INVALID_VALUE');
    expect(answer(unknownSku('LAMP'))).toBe('400 UNKNOWN_SKU');
    expect(answer(skuMismatch('LAMP', 'DESK'))).toBe('400 SKU_MISMATCH');
  });

  it('are not found when the batch or the allocation is missing', () => {
    expect(answer(batchNotFound('b1'))).toBe('404 BATCH_NOT_FOUND');
    expect(answer(orderNotAllocated('o1'))).toBe('404 ORDER_NOT_ALLOCATED');
  });

  it('are conflicts when the current state forbids the change', () => {
    expect(answer(outOfStock('o1', 'LAMP', 3))).toBe('409 OUT_OF_STOCK');
    expect(answer(lineAlreadyAllocated('o1', 'LAMP', 3, 4))).toBe('409 LINE_ALREADY_ALLOCATED');
    expect(answer(duplicateBatchReference('b1'))).toBe('409 DUPLICATE_BATCH_REFERENCE');
  });

  it('ask to retry later when concurrent changes kept winning', () => {
    expect(toApiFailure(retriesExhausted(30))).toEqual(
      expect.objectContaining({ status: 503, code: 'TOO_MANY_CONFLICTS', retryAfterSeconds: 1 }),
    );
  });

  it('keep the domain message for the client', () => {
    expect(toApiFailure(outOfStock('o1', 'LAMP', 3)).message).toBe('Out of stock for sku LAMP');
  });
});
