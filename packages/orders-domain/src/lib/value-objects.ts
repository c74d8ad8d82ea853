import * as E from 'fp-ts/Either';
import {
  IDENTIFIER_PATTERN,
  IDENTIFIER_RULE,
  invalidValue,
  MAX_IDENTIFIER_LENGTH,
  type Branded,
  type InvalidValue,
} from '@allocation/allocation-domain';

/** Who ordered: the same charset as SKUs and order ids. */
export type CustomerId = Branded<string, 'CustomerId'>;

export const CustomerId = (input: unknown): E.Either<InvalidValue, CustomerId> => {
  if (typeof input !== 'string' || input.length === 0) {
    return E.left(invalidValue('customerId', 'customerId must be a non-empty string'));
  }
  if (input.length > MAX_IDENTIFIER_LENGTH) {
    return E.left(
      invalidValue('customerId', `customerId must be at most ${MAX_IDENTIFIER_LENGTH} characters`),
    );
  }
  return IDENTIFIER_PATTERN.test(input)
    ? E.right(input as CustomerId)
    : E.left(invalidValue('customerId', `customerId ${IDENTIFIER_RULE}`));
};

/** Draft → placed → shipped; cancelled from draft or placed. */
export type OrderStatus = 'draft' | 'placed' | 'shipped' | 'cancelled';

export const MAX_ITEM_QUANTITY = 999;
export const MAX_ORDER_LINES = 100;

/** How many units of one SKU an order line holds: 1 to 999. */
export type ItemQuantity = Branded<number, 'ItemQuantity'>;

export const ItemQuantity = (input: unknown): E.Either<InvalidValue, ItemQuantity> =>
  typeof input === 'number' && Number.isInteger(input) && input >= 1 && input <= MAX_ITEM_QUANTITY
    ? E.right(input as ItemQuantity)
    : E.left(
        invalidValue('quantity', `quantity must be a whole number from 1 to ${MAX_ITEM_QUANTITY}`),
      );
