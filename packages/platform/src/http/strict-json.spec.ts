import { parseStrictJson } from './strict-json';

describe('parsing a request body', () => {
  it('gives back ordinary JSON as JSON.parse would', () => {
    const text = '{"a":[1,-2.5,3e2,{"b":"x\\"[{"}],"c":null,"d":true}';
    expect(parseStrictJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('counts nesting outside strings only', () => {
    expect(parseStrictJson(`"${'['.repeat(100)}"`).ok).toBe(true);
    expect(parseStrictJson('['.repeat(32) + ']'.repeat(32)).ok).toBe(true);
    expect(parseStrictJson('['.repeat(33) + ']'.repeat(33))).toEqual({
      ok: false,
      message: 'JSON nested deeper than 32 levels',
    });
  });

  it('refuses numbers that would silently become others', () => {
    expect(parseStrictJson('[1e-400]')).toMatchObject({ ok: false });
    expect(parseStrictJson('[-1E400]')).toMatchObject({ ok: false });
    expect(parseStrictJson('[0, -0, 0.0e5, 1e-300]')).toMatchObject({ ok: true });
  });

  it('refuses inherited property names at any depth, not as a prototype', () => {
    expect(parseStrictJson('{"a":[{"__proto__":{"polluted":1}}]}')).toEqual({
      ok: false,
      message: 'property __proto__ should not exist',
    });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('says what is wrong with text that is not JSON', () => {
    expect(parseStrictJson('{"a":')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Body is not valid JSON: /),
    });
  });
});
