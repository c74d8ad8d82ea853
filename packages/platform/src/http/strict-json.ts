/**
 * The one JSON parser for request bodies. Beyond `JSON.parse` it refuses, with a message a client
 * can act on and before any transformation runs:
 * - nesting deeper than `maxDepth` (deeper bodies overflowed the stack further down);
 * - numbers that JSON.parse would silently turn into others: out of range (1e400 → Infinity) or
 *   so small they become zero (-1e-400 → -0). Integers past 2^53 are left to the validation,
 *   which names the field and its bound;
 * - keys that name a property every object inherits (`__proto__`, `constructor`, `toString`, …):
 *   the validation further down cannot see them, so they would be dropped instead of refused.
 */
export type StrictJson =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

export const MAX_JSON_DEPTH = 32;

const INHERITED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

const refuse = (message: string): StrictJson => ({ ok: false, message });

const NUMBER_CHAR = /[0-9eE.+-]/;

/** The first number literal JSON.parse would not give back as written, if any. */
const inexactNumber = (literal: string): string | undefined => {
  const value = Number(literal);
  if (!Number.isFinite(value)) return `number ${literal} is out of range`;
  const mantissa = literal.split(/[eE]/)[0] ?? '';
  if (value === 0 && /[1-9]/.test(mantissa)) return `number ${literal} is too small to represent`;
  return undefined;
};

/** One pass over the text outside strings: nesting depth and number literals. */
const scan = (text: string, maxDepth: number): string | undefined => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth > maxDepth) return `JSON nested deeper than ${maxDepth} levels`;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      let end = i + 1;
      while (end < text.length && NUMBER_CHAR.test(text[end] as string)) end++;
      const problem = inexactNumber(text.slice(i, end));
      if (problem !== undefined) return problem;
      i = end - 1;
    }
  }
  return undefined;
};

const inheritedKey = (value: unknown): string | undefined => {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = inheritedKey(item);
      if (found !== undefined) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (INHERITED_KEYS.has(key)) return key;
      const found = inheritedKey(item);
      if (found !== undefined) return found;
    }
  }
  return undefined;
};

export const parseStrictJson = (text: string, maxDepth = MAX_JSON_DEPTH): StrictJson => {
  const problem = scan(text, maxDepth);
  if (problem !== undefined) return refuse(problem);
  let value: unknown;
  try {
    // JSON.parse makes `__proto__` an own key (it never sets the prototype); refused below.
    value = JSON.parse(text);
  } catch (error) {
    return refuse(`Body is not valid JSON: ${error instanceof Error ? error.message : ''}`);
  }
  const key = inheritedKey(value);
  return key === undefined ? { ok: true, value } : refuse(`property ${key} should not exist`);
};
