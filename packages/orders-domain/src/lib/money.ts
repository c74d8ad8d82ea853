import * as E from 'fp-ts/Either';
import { invalidValue, type Branded, type InvalidValue } from '@allocation/allocation-domain';

/** An ISO 4217 code this service knows the minor-unit exponent of. */
export type CurrencyCode = Branded<string, 'CurrencyCode'>;

/**
 * Minor units per currency (ISO 4217): cents for EUR, none for JPY, fils for KWD. Amounts are
 * always whole numbers of these, so no price or total ever passes through floating point.
 */
// prettier-ignore
const EXPONENTS: Readonly<Record<string, 0 | 2 | 3>> = {
  AUD: 2, BHD: 3, BRL: 2, CAD: 2, CHF: 2, CLP: 0, CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2,
  HKD: 2, HUF: 2, IDR: 2, ILS: 2, INR: 2, ISK: 0, JOD: 3, JPY: 0, KRW: 0, KWD: 3, MXN: 2,
  NOK: 2, NZD: 2, OMR: 3, PLN: 2, RON: 2, SEK: 2, SGD: 2, TND: 3, TRY: 2, USD: 2, VND: 0,
  ZAR: 2,
};

export const CURRENCY_CODES: ReadonlyArray<string> = Object.keys(EXPONENTS);
export const DEFAULT_CURRENCY = 'EUR' as CurrencyCode;

export const CurrencyCode = (input: unknown): E.Either<InvalidValue, CurrencyCode> => {
  if (typeof input !== 'string' || !/^[A-Z]{3}$/.test(input)) {
    return E.left(invalidValue('currency', 'currency must be an ISO 4217 code such as EUR'));
  }
  return EXPONENTS[input] === undefined
    ? E.left(invalidValue('currency', `currency ${input} is not one this service prices in`))
    : E.right(input as CurrencyCode);
};

export const exponentOf = (currency: CurrencyCode): number => EXPONENTS[currency] ?? 2;

/** An exact amount: a whole number of minor units (cents) of one currency. */
export interface Money {
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
}

export interface CurrencyMismatch {
  readonly _tag: 'CurrencyMismatch';
  readonly expected: string;
  readonly actual: string;
  readonly message: string;
}

export const currencyMismatch = (expected: string, actual: string): CurrencyMismatch => ({
  _tag: 'CurrencyMismatch',
  expected,
  actual,
  message: `Cannot combine ${actual} with ${expected}`,
});

export interface AmountTooLarge {
  readonly _tag: 'AmountTooLarge';
  readonly message: string;
}

const amountTooLarge: AmountTooLarge = {
  _tag: 'AmountTooLarge',
  message: 'The amount is too large to be exact',
};

const wholeMinorUnits = (field: string, input: unknown, max: number) =>
  typeof input === 'number' && Number.isSafeInteger(input) && input >= 0 && input <= max
    ? E.right(input)
    : E.left(
        invalidValue(
          field,
          `${field} must be a whole number of minor units (cents) from 0 to ${max}`,
        ),
      );

export const Money = (amountMinor: unknown, currency: unknown): E.Either<InvalidValue, Money> => {
  const code = CurrencyCode(currency);
  if (E.isLeft(code)) return code;
  const amount = wholeMinorUnits('amountMinor', amountMinor, Number.MAX_SAFE_INTEGER);
  return E.isLeft(amount) ? amount : E.right({ amountMinor: amount.right, currency: code.right });
};

/**
 * The most a unit may cost (10^10 minor units: 100,000,000.00 EUR), so that 100 lines of 999
 * units always total a safe integer: an order total can never lose a cent.
 */
export const MAX_UNIT_PRICE_MINOR = 10_000_000_000;

/** A catalogue price: Money no larger than `MAX_UNIT_PRICE_MINOR`. */
export type UnitPrice = Branded<Money, 'UnitPrice'>;

export const UnitPrice = (
  amountMinor: unknown,
  currency: unknown,
): E.Either<InvalidValue, UnitPrice> => {
  const money = Money(amountMinor, currency);
  if (E.isLeft(money)) return money;
  const amount = wholeMinorUnits('amountMinor', amountMinor, MAX_UNIT_PRICE_MINOR);
  return E.isLeft(amount) ? amount : E.right(money.right as UnitPrice);
};

export const zero = (currency: CurrencyCode): Money => ({ amountMinor: 0, currency });

export const add = (a: Money, b: Money): E.Either<CurrencyMismatch | AmountTooLarge, Money> => {
  if (a.currency !== b.currency) return E.left(currencyMismatch(a.currency, b.currency));
  const amountMinor = a.amountMinor + b.amountMinor;
  return Number.isSafeInteger(amountMinor)
    ? E.right({ amountMinor, currency: a.currency })
    : E.left(amountTooLarge);
};

export const times = (money: Money, factor: number): E.Either<AmountTooLarge, Money> => {
  const amountMinor = money.amountMinor * factor;
  return Number.isSafeInteger(amountMinor) && Number.isSafeInteger(factor) && factor >= 0
    ? E.right({ amountMinor, currency: money.currency })
    : E.left(amountTooLarge);
};

/** `1999 EUR` → `"19.99 EUR"`, by placing the decimal point in the digits, never by dividing. */
export const formatMoney = (money: Money): string => {
  const exponent = exponentOf(money.currency);
  const digits = String(money.amountMinor).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${exponent === 0 ? whole : `${whole}.${fraction}`} ${money.currency}`;
};
