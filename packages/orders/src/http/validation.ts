import {
  IDENTIFIER_PATTERN,
  IDENTIFIER_RULE,
  MAX_IDENTIFIER_LENGTH,
} from '@allocation/orders-domain';
import { identifierDecorator } from '@allocation/platform';

/** An order id, SKU or customer, with the domain's own rule and its documentation. */
export const IsIdentifier = identifierDecorator({
  pattern: IDENTIFIER_PATTERN,
  maxLength: MAX_IDENTIFIER_LENGTH,
  rule: IDENTIFIER_RULE,
});
