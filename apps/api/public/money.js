// Money in the UI: amounts travel as whole minor units; people read and type decimals. The
// conversion works on the digits, never on floating-point numbers, so no cent is ever lost.
const EXPONENTS = { EUR: 2, USD: 2, GBP: 2, CHF: 2, SEK: 2, JPY: 0, KWD: 3 };

const exponentOf = (currency) => EXPONENTS[currency] ?? 2;

/** `{amountMinor: 1999, currency: 'EUR'}` → `19.99 EUR` */
const formatMoney = ({ amountMinor, currency }) => {
  const exponent = exponentOf(currency);
  const digits = String(amountMinor).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${exponent === 0 ? whole : `${whole}.${fraction}`} ${currency}`;
};

/** `"19.99"` in EUR → 1999; `null` when it is not an amount with at most the currency's decimals. */
const toMinorUnits = (text, currency) => {
  const exponent = exponentOf(currency);
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(String(text).trim());
  if (match === null) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return null;
  return Number(match[1] + fraction.padEnd(exponent, '0'));
};
