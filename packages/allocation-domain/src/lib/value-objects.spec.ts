import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  BatchReference,
  CalendarDate,
  Eta,
  OrderId,
  Quantity,
  Sku,
  StockQuantity,
} from './value-objects';

type Make = (input: unknown) => E.Either<{ message: string }, string>;

const rejects = (result: E.Either<{ message: string }, unknown>, message: RegExp) => {
  expect(E.isLeft(result)).toBe(true);
  if (E.isLeft(result)) expect(result.left.message).toMatch(message);
};

describe.each([
  ['Sku', Sku, 'sku'],
  ['BatchReference', BatchReference, 'reference'],
  ['OrderId', OrderId, 'orderId'],
] as ReadonlyArray<[string, Make, string]>)('%s', (_name, make, field) => {
  it('accepts letters, digits, dots, underscores and dashes', () => {
    expect(make('RED-chair_2.0')).toEqual(E.right('RED-chair_2.0'));
  });

  it('accepts 64 characters', () => {
    expect(E.isRight(make('a'.repeat(64)))).toBe(true);
  });

  it('rejects an empty value', () => {
    rejects(make(''), new RegExp(`^${field} must not be empty$`));
  });

  it('rejects more than 64 characters', () => {
    rejects(make('a'.repeat(65)), /at most 64 characters/);
  });

  it.each([' lead', 'with space', '-dash-first', '.dot', 'semi;colon', 'ünï', 'tab\t'])(
    'rejects bad characters: %j',
    (value) => rejects(make(value), /must start with a letter or digit/),
  );

  it('rejects what is not a string', () => {
    rejects(make(42), /must be a string/);
    rejects(make(null), /must be a string/);
  });
});

describe('Quantity', () => {
  it('accepts positive whole numbers up to the largest safe integer', () => {
    expect(Quantity(1)).toEqual(E.right(1));
    expect(E.isRight(Quantity(Number.MAX_SAFE_INTEGER))).toBe(true);
  });

  it.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, '3', null])(
    'rejects %p',
    (value) => rejects(Quantity(value), /^quantity must be a positive whole number$/),
  );
});

describe('StockQuantity', () => {
  it('accepts zero', () => {
    expect(StockQuantity(0)).toEqual(E.right(0));
  });

  it.each([-1, 0.5, Number.MAX_SAFE_INTEGER + 2])('rejects %p', (value) =>
    rejects(StockQuantity(value), /zero or more/),
  );
});

describe('CalendarDate and Eta', () => {
  it.each(['2026-01-31', '2024-02-29', '2000-02-29', '0001-01-01'])('accepts %s', (value) => {
    expect(CalendarDate(value)).toEqual(E.right(value));
  });

  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '0000-01-01',
  ])('rejects the impossible date %s', (value) =>
    rejects(CalendarDate(value), /is not a calendar date/),
  );

  it.each(['2026-1-01', '26-01-01', '2026/01/01', '2026-01-01T00:00:00Z', '', 20260101])(
    'rejects the malformed date %p',
    (value) => rejects(CalendarDate(value), /YYYY-MM-DD/),
  );

  it('treats a missing eta as in stock', () => {
    expect(Eta(null)).toEqual(E.right(O.none));
    expect(Eta(undefined)).toEqual(E.right(O.none));
    expect(Eta('2026-12-01')).toEqual(E.right(O.some('2026-12-01')));
  });
});
