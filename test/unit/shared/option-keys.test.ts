import { describe, expect, test } from '@jest/globals';
import { refuseUnknownKeys } from '../../../src/shared/option-keys.js';

const KNOWN = { allowedClients: true, audience: true, clockTolerance: true } as const;

function refusal(options: unknown, path = ''): unknown {
  try {
    refuseUnknownKeys(options, KNOWN, path);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('refuseUnknownKeys', () => {
  test('passes an object holding only known keys, or none', () => {
    expect(refusal({ allowedClients: ['a'], audience: 'x' })).toBeUndefined();
    expect(refusal({})).toBeUndefined();
  });

  test('refuses a typo with a TypeError naming the key and the nearest known one', () => {
    const error = refusal({ allowedClient: ['billing'] });
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'unknown option "allowedClient"; did you mean "allowedClients"?' });
  });

  test('prefers a known key that the typo begins, or that begins the typo, to a closer short one', () => {
    const known = { skewSeconds: true, now: true, issuer: true } as const;
    const message = (options: object) => {
      try {
        refuseUnknownKeys(options, known, '');
      } catch (error) {
        return (error as Error).message;
      }
      return undefined;
    };
    expect(message({ skew: 1 })).toBe('unknown option "skew"; did you mean "skewSeconds"?');
    expect(message({ issuerUrl: 'x' })).toBe('unknown option "issuerUrl"; did you mean "issuer"?');
    expect(message({ nwo: 1 })).toBe('unknown option "nwo"; did you mean "now"?');
  });

  test('refuses a key even when its value is undefined', () => {
    expect(refusal({ audiense: undefined })).toMatchObject({
      message: 'unknown option "audiense"; did you mean "audience"?',
    });
  });

  test('names a nested key by its path', () => {
    expect(refusal({ clockTolerence: 5 }, 'keys')).toMatchObject({
      message: 'unknown option "keys.clockTolerence"; did you mean "keys.clockTolerance"?',
    });
  });

  test('treats __proto__ and inherited names as unknown keys, not as the object prototype', () => {
    expect(refusal(JSON.parse('{"__proto__": {"audience": "x"}}'))).toMatchObject({
      message: 'unknown option "__proto__"; did you mean "audience"?',
    });
    expect(refusal({ toString: 'x' })).toBeInstanceOf(TypeError);
  });

  test('quotes a key with control characters escaped', () => {
    expect(refusal({ 'a\n"b': 1 })).toMatchObject({ message: expect.stringContaining('unknown option "a\\n\\"b"') });
  });

  test.each([[null], ['audience'], [['audience']], [5]])('refuses %p, which is not an options object', (value) => {
    expect(refusal(value)).toMatchObject({ name: 'TypeError', message: 'options must be an object' });
    expect(refusal(value, 'cache')).toMatchObject({ name: 'TypeError', message: '"cache" must be an object' });
  });
});
