import * as E from 'fp-ts/Either';
import { add, CurrencyCode, formatMoney, Money, times, UnitPrice, zero } from './money';

const eur = (amountMinor: number) => Money(amountMinor, 'EUR');

describe('money', () => {
  it('is a whole number of minor units in a known ISO 4217 currency', () => {
    expect(Money(1999, 'EUR')).toEqual(E.right({ amountMinor: 1999, currency: 'EUR' }));
    expect(Money(0, 'JPY')).toEqual(E.right({ amountMinor: 0, currency: 'JPY' }));
  });

  it.each([
    [19.99, 'EUR', 'amountMinor must be a whole number of minor units (cents) from 0 to'],
    [-1, 'EUR', 'amountMinor must be a whole number'],
    ['1999', 'EUR', 'amountMinor must be a whole number'],
    [2 ** 53, 'EUR', 'amountMinor must be a whole number'],
    [100, 'eur', 'currency must be an ISO 4217 code such as EUR'],
    [100, 'EURO', 'currency must be an ISO 4217 code'],
    [100, 'XYZ', 'currency XYZ is not one this service prices in'],
    [100, undefined, 'currency must be an ISO 4217 code'],
  ])('refuses %p %p', (amount, currency, message) => {
    const result = Money(amount, currency);
    expect(E.isLeft(result) && result.left.message).toContain(message);
  });

  it('caps a unit price so that no order total can lose a cent', () => {
    expect(E.isRight(UnitPrice(10_000_000_000, 'EUR'))).toBe(true);
    expect(UnitPrice(10_000_000_001, 'EUR')).toEqual(
      E.left(expect.objectContaining({ field: 'amountMinor' })),
    );
  });

  it('adds amounts of one currency exactly, and refuses to mix currencies', () => {
    const a = { amountMinor: 10, currency: 'EUR' } as Money;
    expect(add(a, a)).toEqual(eur(20));
    expect(add(a, { amountMinor: 10, currency: 'USD' } as Money)).toEqual(
      E.left(expect.objectContaining({ _tag: 'CurrencyMismatch', expected: 'EUR', actual: 'USD' })),
    );
    expect(add(a, { amountMinor: Number.MAX_SAFE_INTEGER, currency: 'EUR' } as Money)).toEqual(
      E.left(expect.objectContaining({ _tag: 'AmountTooLarge' })),
    );
  });

  it('multiplies by a whole number exactly, or says the result would not be exact', () => {
    const price = { amountMinor: 333, currency: 'EUR' } as Money;
    expect(times(price, 3)).toEqual(eur(999));
    expect(E.isLeft(times(price, 0.5))).toBe(true);
    expect(E.isLeft(times(price, Number.MAX_SAFE_INTEGER))).toBe(true);
  });

  it('writes amounts with the currency’s own number of decimals, without dividing', () => {
    const format = (amountMinor: number, currency: string) =>
      formatMoney({ amountMinor, currency } as Money);
    expect(format(1999, 'EUR')).toBe('19.99 EUR');
    expect(format(5, 'EUR')).toBe('0.05 EUR');
    expect(format(1999, 'JPY')).toBe('1999 JPY');
    expect(format(1234, 'KWD')).toBe('1.234 KWD');
    expect(format(Number.MAX_SAFE_INTEGER, 'EUR')).toBe('90071992547409.91 EUR');
    expect(formatMoney(zero('USD' as CurrencyCode))).toBe('0.00 USD');
  });

  it('knows currency codes only in their ISO form', () => {
    expect(CurrencyCode('GBP')).toEqual(E.right('GBP'));
    expect(E.isLeft(CurrencyCode('gbp'))).toBe(true);
  });
});
