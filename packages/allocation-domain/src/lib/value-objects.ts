import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { invalidValue, type InvalidValue } from './errors';

/** A nominal type: the brand exists only for the compiler, so only smart constructors make one. */
declare const brand: unique symbol;
export type Branded<T, B extends string> = T & { readonly [brand]: B };

export type Sku = Branded<string, 'Sku'>;
export type BatchReference = Branded<string, 'BatchReference'>;
export type OrderId = Branded<string, 'OrderId'>;
export type PickListId = Branded<string, 'PickListId'>;
/** A positive safe integer: the size of an order line or a new batch. */
export type Quantity = Branded<number, 'Quantity'>;
/** A non-negative safe integer: what a batch may be changed to (0 empties it). */
export type StockQuantity = Branded<number, 'StockQuantity'>;
/** A real calendar date written `YYYY-MM-DD`. */
export type CalendarDate = Branded<string, 'CalendarDate'>;
/** When a batch arrives; `none` means it is already in the warehouse. */
export type Eta = O.Option<CalendarDate>;

export const MAX_IDENTIFIER_LENGTH = 64;
/** SKUs, batch references and order ids: letters, digits, '.', '_', '-', starting alphanumeric. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const IDENTIFIER_RULE =
  "must start with a letter or digit and contain only letters, digits, '.', '_' or '-'";

const identifier =
  <B extends string>(field: string) =>
  (input: unknown): E.Either<InvalidValue, Branded<string, B>> => {
    if (typeof input !== 'string') {
      return E.left(invalidValue(field, `${field} must be a string`));
    }
    if (input.length === 0) {
      return E.left(invalidValue(field, `${field} must not be empty`));
    }
    if (input.length > MAX_IDENTIFIER_LENGTH) {
      return E.left(
        invalidValue(field, `${field} must be at most ${MAX_IDENTIFIER_LENGTH} characters`),
      );
    }
    if (!IDENTIFIER_PATTERN.test(input)) {
      return E.left(invalidValue(field, `${field} ${IDENTIFIER_RULE}`));
    }
    return E.right(input as Branded<string, B>);
  };

export const Sku = identifier<'Sku'>('sku');
export const BatchReference = identifier<'BatchReference'>('reference');
export const OrderId = identifier<'OrderId'>('orderId');
export const PickListId = identifier<'PickListId'>('pickListId');

const integerAtLeast =
  <B extends string>(minimum: 0 | 1, description: string) =>
  (field: string) =>
  (input: unknown): E.Either<InvalidValue, Branded<number, B>> =>
    typeof input === 'number' && Number.isSafeInteger(input) && input >= minimum
      ? E.right(input as Branded<number, B>)
      : E.left(invalidValue(field, `${field} must be ${description}`));

/** `Quantity('qty')(x)` names the field in the error message. */
export const QuantityOf = integerAtLeast<'Quantity'>(1, 'a positive whole number');
export const Quantity = QuantityOf('quantity');
export const StockQuantity = integerAtLeast<'StockQuantity'>(
  0,
  'a whole number, zero or more',
)('quantity');

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeapYear = (year: number): boolean =>
  (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number): number =>
  [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;

export const CalendarDate = (input: unknown): E.Either<InvalidValue, CalendarDate> => {
  const match = typeof input === 'string' ? DATE_PATTERN.exec(input) : null;
  if (match === null) {
    return E.left(invalidValue('eta', 'eta must be a date written YYYY-MM-DD'));
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
    ? E.right(input as CalendarDate)
    : E.left(invalidValue('eta', `eta ${String(input)} is not a calendar date`));
};

/** `null` or `undefined` means the batch is in stock; anything else must be a calendar date. */
export const Eta = (input: unknown): E.Either<InvalidValue, Eta> =>
  input === null || input === undefined
    ? E.right(O.none)
    : pipe(CalendarDate(input), E.map(O.some));

export const etaToNullable = (eta: Eta): CalendarDate | null => O.toNullable(eta);
