import { describe, expect, test } from '@jest/globals';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { screenKeys, unsafeKeyReason } from '../../../../src/core/jwks/key-safety.js';
import {
  EXPONENT_ONE_JWK,
  OFF_CURVE_JWK,
  ROCA_JWK,
  RS256_EXPONENT_THREE,
  RSA_1024_JWK,
  WRONG_CURVE_JWK,
} from '../../../security/wycheproof-vectors.js';

const EXPONENT = 'its public exponent is not an odd number from 3 to 2^256';
const ROCA = 'its modulus has the ROCA fingerprint of a weak Infineon key (CVE-2017-15361)';
const OFF_CURVE = 'it is not a valid point on its curve';

const rsa = publicJwk(generateKeyPairSync('rsa', { modulusLength: 2048 }));

function publicJwk(pair: { publicKey: KeyObject }): JWK {
  return pair.publicKey.export({ format: 'jwk' }) as JWK;
}

function ecJwk(namedCurve: string): JWK {
  return publicJwk(generateKeyPairSync('ec', { namedCurve }));
}

/** A big-endian integer as JWK base64url. */
function b64uInt(value: bigint): string {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex').toString('base64url');
}

/** An RSA public JWK with a modulus of exactly `bits` bits (odd unless told), not the product of two primes. */
function modulusOfBits(bits: number, odd = true): JWK {
  const n = (1n << BigInt(bits - 1)) + 0xabcdef12345n * 2n + (odd ? 1n : 0n);
  return { kty: 'RSA', n: b64uInt(n), e: 'AQAB' };
}

describe('unsafeKeyReason', () => {
  test('passes an ordinary RSA key (2048 bits, e = 65537) and the smallest allowed exponent, 3', () => {
    expect(unsafeKeyReason(rsa)).toBeUndefined();
    expect(unsafeKeyReason(RS256_EXPONENT_THREE.jwk)).toBeUndefined();
  });

  test('refuses public exponent 1 (anyone can forge under it), from Wycheproof', () => {
    expect(unsafeKeyReason(EXPONENT_ONE_JWK)).toBe(EXPONENT);
  });

  test.each([
    ['an even exponent (2)', 2n],
    ['an even exponent (65536)', 65_536n],
    ['2^256 + 1, beyond the FIPS 186-5 bound', (1n << 256n) + 1n],
  ])('refuses %s', (_what, e) => {
    expect(unsafeKeyReason({ ...rsa, e: b64uInt(e) })).toBe(EXPONENT);
  });

  test('passes the largest odd exponent below 2^256', () => {
    expect(unsafeKeyReason({ ...rsa, e: b64uInt((1n << 256n) - 1n) })).toBeUndefined();
  });

  test('refuses a modulus shorter than 2048 bits (RFC 7518 §3.3), from Wycheproof', () => {
    expect(unsafeKeyReason(RSA_1024_JWK)).toBe('its modulus is shorter than 2048 bits');
  });

  test('refuses a modulus longer than 16,384 bits and passes one of exactly 16,384', () => {
    expect(unsafeKeyReason(modulusOfBits(16_385))).toBe('its modulus is longer than 16384 bits');
    expect(unsafeKeyReason(modulusOfBits(16_384))).toBeUndefined();
  });

  test('refuses an even modulus', () => {
    expect(unsafeKeyReason(modulusOfBits(2048, false))).toBe('its modulus is even');
  });

  test('refuses a ROCA-weak modulus (CVE-2017-15361), from Wycheproof', () => {
    expect(unsafeKeyReason(ROCA_JWK)).toBe(ROCA);
  });

  test('refuses RSA members that are no key', () => {
    expect(unsafeKeyReason({ kty: 'RSA', kid: 'junk' })).toBe('it is not a valid RSA public key');
  });

  test('passes EC keys on P-256, P-384 and P-521, and Ed25519 keys', () => {
    for (const curve of ['P-256', 'P-384', 'P-521']) expect(unsafeKeyReason(ecJwk(curve))).toBeUndefined();
    expect(unsafeKeyReason(publicJwk(generateKeyPairSync('ed25519')))).toBeUndefined();
  });

  test('refuses an EC point off its curve, and coordinates published under another curve, from Wycheproof', () => {
    expect(unsafeKeyReason(OFF_CURVE_JWK)).toBe(OFF_CURVE);
    expect(unsafeKeyReason(WRONG_CURVE_JWK)).toBe(OFF_CURVE);
  });

  test('refuses curves no accepted algorithm signs with (secp256k1, X25519)', () => {
    expect(unsafeKeyReason(ecJwk('secp256k1'))).toBe('its curve is not one of P-256, P-384, P-521');
    expect(unsafeKeyReason(publicJwk(generateKeyPairSync('x25519')))).toBe('its curve is not one of Ed25519, Ed448');
  });

  test('leaves encryption keys and unknown key types alone (jose never selects them for a signature)', () => {
    expect(unsafeKeyReason({ ...EXPONENT_ONE_JWK, use: 'enc' })).toBeUndefined();
    expect(unsafeKeyReason({ kty: 'unknown' })).toBeUndefined();
  });
});

describe('screenKeys', () => {
  test('keeps the safe keys in order and lists the others by kid with their reason, never their material', () => {
    const { usable, skipped } = screenKeys([ROCA_JWK, rsa, { ...OFF_CURVE_JWK, kid: 42 } as unknown as JWK]);
    expect(usable).toEqual([rsa]);
    expect(skipped).toEqual([
      { kid: 'kid-rsa-roca-sign', reason: ROCA },
      { kid: undefined, reason: OFF_CURVE },
    ]);
    expect(JSON.stringify(skipped)).not.toContain(ROCA_JWK.n!.slice(0, 16));
  });
});
