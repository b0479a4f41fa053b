// The synchronous key choice must pick exactly the keys jose's local key set picks for the same header.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { KeyObject, type webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
import { createLocalJWKSet, errors, type JWK } from 'jose';
import { KeySelection, UnusableKeyError } from '../../../../src/core/jwks/key-selection.js';
import { createEncryptionJwk, createFakeKey } from '../../../../src/testing/fake-keys.js';

/** A key's identity for comparison: its public members as a JWK. */
function fingerprint(key: KeyObject | CryptoKey): string {
  const object = key instanceof KeyObject ? key : KeyObject.from(key);
  const { n, e, x, y, crv } = object.export({ format: 'jwk' });
  return JSON.stringify({ n, e, x, y, crv });
}

type Choice = { keys: string[] } | 'none' | 'unusable';

/** What jose's createLocalJWKSet chooses: one key, several (a repeated kid), none, or an error. */
async function joseChoice(jwks: JWK[], alg: string, kid: string | undefined): Promise<Choice> {
  let key: CryptoKey;
  try {
    key = await createLocalJWKSet({ keys: jwks })({ alg, kid });
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey) return 'none';
    if (error instanceof errors.JWKSMultipleMatchingKeys) {
      const keys: string[] = [];
      for await (const key of error as unknown as AsyncIterable<CryptoKey>) keys.push(fingerprint(key));
      return keys.length > 0 ? { keys } : 'none';
    }
    return 'unusable';
  }
  return { keys: [fingerprint(key)] };
}

function ourChoice(jwks: JWK[], alg: string, kid: string | undefined): Choice {
  try {
    const keys = new KeySelection(jwks).select(alg, kid);
    return keys === undefined ? 'none' : { keys: keys.map(fingerprint) };
  } catch (error) {
    if (error instanceof UnusableKeyError) return 'unusable';
    throw error;
  }
}

let rsa: JWK, rsaTwin: JWK, ec: JWK, ed: JWK, enc: JWK, ec384: JWK;
beforeAll(async () => {
  const keys = await Promise.all([
    createFakeKey('RS256', 'rsa'),
    createFakeKey('RS256', 'rsa'),
    createFakeKey('ES256', 'ec'),
    createFakeKey('EdDSA', 'ed'),
    createFakeKey('ES384', 'ec384'),
  ]);
  [rsa, rsaTwin, ec, ed, ec384] = keys.map((k) => k.jwk) as [JWK, JWK, JWK, JWK, JWK];
  enc = await createEncryptionJwk();
});

describe('the synchronous key selection', () => {
  const cases: Array<[string, () => JWK[], string, string | undefined]> = [
    ['the key named by kid', () => [rsa, ec, ed], 'RS256', 'rsa'],
    ['every key of a repeated kid', () => [rsa, rsaTwin, ec], 'RS256', 'rsa'],
    ['no key when the key names another alg', () => [rsa], 'PS256', 'rsa'],
    ['a key without alg for any alg of its type', () => [{ ...rsa, alg: undefined }], 'PS384', 'rsa'],
    ['no key of another type for the alg', () => [rsa], 'ES256', 'rsa'],
    ['no key on another curve', () => [{ ...ec384, alg: undefined, kid: 'ec' }], 'ES256', 'ec'],
    ['no encryption key (use "enc")', () => [{ ...rsa, use: 'enc' }, enc], 'RS256', 'rsa'],
    ['no key for an unknown kid', () => [rsa, ec], 'RS256', 'other'],
    ['every fitting key when the token names no kid', () => [rsa, rsaTwin, ec, ed], 'RS256', undefined],
    ['the one fitting key when the token names no kid', () => [rsa, ec, ed], 'EdDSA', undefined],
    ['a key with key_ops ["verify"]', () => [{ ...ec, key_ops: ['verify'] }], 'ES256', 'ec'],
    ['no key whose key_ops lack "verify"', () => [{ ...ec, key_ops: ['encrypt'] }], 'ES256', 'ec'],
    ['an unusable key whose key_ops add "sign"', () => [{ ...ec, key_ops: ['verify', 'sign'] }], 'ES256', 'ec'],
    ['the importable one of a repeated kid', () => [{ ...rsa, key_ops: ['verify', 'sign'] }, rsaTwin], 'RS256', 'rsa'],
    ['no key with a non-boolean ext', () => [{ ...rsa, ext: 'yes' as unknown as boolean }], 'RS256', 'rsa'],
    ['nothing for a symmetric alg', () => [rsa], 'HS256', 'rsa'],
  ];

  test.each(cases)('chooses as jose does: %s', async (_name, jwks, alg, kid) => {
    const expected = await joseChoice(jwks(), alg, kid);
    expect(ourChoice(jwks(), alg, kid)).toEqual(expected);
  });

  test('answers without a promise', () => {
    const keys = new KeySelection([rsa, rsaTwin]).select('RS256', 'rsa');
    expect(Array.isArray(keys)).toBe(true);
    expect(keys).toHaveLength(2);
  });

  test('counts every loaded key', () => {
    expect(new KeySelection([rsa, ec, ed]).size).toBe(3);
  });
});
