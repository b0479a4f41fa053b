import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { hasRocaFingerprint } from '../../../../src/core/jwks/roca.js';
import { EXPONENT_ONE_JWK, PS384_LEADING_ZERO, ROCA_JWK } from '../../../security/wycheproof-vectors.js';

function modulusOf(n: string | undefined): bigint {
  return BigInt(`0x${Buffer.from(n!, 'base64url').toString('hex')}`);
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/** 2048 bits from SHA-512 of a label: many different numbers, the same on every run. */
function pseudoRandomOdd(label: string): bigint {
  const bytes = Buffer.concat([0, 1, 2, 3].map((i) => createHash('sha512').update(`${label}/${i}`).digest()));
  bytes[0]! |= 0x80;
  bytes[bytes.length - 1]! |= 1;
  return BigInt(`0x${bytes.toString('hex')}`);
}

/** The primes up to 167 and 2: the smallest primorial Infineon's library built its primes with. */
const PRIMORIAL = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97]
  .concat([101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167])
  .reduce((product, prime) => product * BigInt(prime), 1n);

/** A number of the form the paper describes, k·M + (65537^a mod M) (whether prime does not matter here). */
function infineonShaped(k: bigint, a: bigint): bigint {
  return k * PRIMORIAL + modPow(65537n, a, PRIMORIAL);
}

describe('hasRocaFingerprint', () => {
  test("flags Wycheproof's ROCA-vulnerable key", () => {
    expect(hasRocaFingerprint(modulusOf(ROCA_JWK.n))).toBe(true);
  });

  test('flags a product of two numbers of the form Infineon gave its primes', () => {
    const p = infineonShaped(pseudoRandomOdd('k1') >> 1000n, 123_456n);
    const q = infineonShaped(pseudoRandomOdd('k2') >> 1000n, 987_654_321n);
    expect(hasRocaFingerprint(p * q)).toBe(true);
  });

  test('passes moduli of ordinary keys', () => {
    expect(hasRocaFingerprint(modulusOf(EXPONENT_ONE_JWK.n))).toBe(false);
    expect(hasRocaFingerprint(modulusOf(PS384_LEADING_ZERO.jwk.n))).toBe(false);
  });

  test('passes 2,000 other 2048-bit numbers (a random modulus is flagged with a probability near 2^-28)', () => {
    const flagged = Array.from({ length: 2_000 }, (_, i) => pseudoRandomOdd(`n${i}`)).filter(hasRocaFingerprint);
    expect(flagged).toEqual([]);
  });
});
