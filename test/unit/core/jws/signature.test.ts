import { describe, expect, test } from '@jest/globals';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, type JWK } from 'jose';
import type { ResolvedKey } from '../../../../src/core/jwks/remote.js';
import { verifySignature } from '../../../../src/core/jws/signature.js';
import { signatureOf } from '../../../security/forge.js';
import { PS384_LEADING_ZERO, RS256_EXPONENT_THREE } from '../../../security/wycheproof-vectors.js';

/** The key as the key set hands it over: imported by jose for `alg`. */
async function resolved(jwk: JWK, alg: string): Promise<ResolvedKey> {
  return createLocalJWKSet({ keys: [{ ...jwk, alg, kid: 'k' }] })({ alg, kid: 'k' });
}

const ZERO = Buffer.alloc(1);

/** A fresh key pair for `alg`, its public key as jose resolves it, and a signer over text. */
async function keyFor(alg: string): Promise<{ key: ResolvedKey; sign: (input: string) => Buffer }> {
  const pair: { privateKey: KeyObject; publicKey: KeyObject } = alg.startsWith('ES')
    ? generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg]! })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = await resolved(pair.publicKey.export({ format: 'jwk' }) as JWK, alg);
  return { key, sign: (input) => signatureOf({ alg, privateKey: pair.privateKey }, input) };
}

/** A signing input and its signature whose first byte is zero (about one signature in 256). */
function withLeadingZero(sign: (input: string) => Buffer): { input: string; signature: Buffer } {
  for (let i = 0; ; i++) {
    const input = `header.payload-${i}`;
    const signature = sign(input);
    if (signature[0] === 0) return { input, signature };
  }
}

describe('verifySignature', () => {
  test('refuses a PS384 signature with its leading zero byte dropped (Wycheproof), one token has one spelling', async () => {
    const { jwk, message, signature } = PS384_LEADING_ZERO;
    const key = await resolved(jwk, 'PS384');
    const input = message.toString('latin1');
    expect(signature[0]).toBe(0);
    expect(verifySignature('PS384', key, input, signature)).toBe(true);
    expect(verifySignature('PS384', key, input, signature.subarray(1))).toBe(false);
  });

  test.each(['PS256', 'PS512', 'RS256'])(
    'refuses a %s signature with its leading zero byte dropped or another added',
    async (alg) => {
      const { key, sign } = await keyFor(alg);
      const { input, signature } = withLeadingZero(sign);
      expect(verifySignature(alg, key, input, signature)).toBe(true);
      expect(verifySignature(alg, key, input, signature.subarray(1))).toBe(false);
      expect(verifySignature(alg, key, input, Buffer.concat([ZERO, signature]))).toBe(false);
    },
  );

  test('takes a valid RS256 signature of many leading zero bytes under exponent 3 (Wycheproof), as sent only', async () => {
    const { jwk, message, signature } = RS256_EXPONENT_THREE;
    const key = await resolved(jwk, 'RS256');
    const input = message.toString('latin1');
    expect(verifySignature('RS256', key, input, signature)).toBe(true);
    expect(verifySignature('RS256', key, input, signature.subarray(1))).toBe(false);
    expect(verifySignature('RS256', key, input, Buffer.concat([ZERO, signature]))).toBe(false);
  });

  test.each(['ES256', 'ES384', 'ES512'])(
    'refuses a %s signature (IEEE P1363) with a leading zero byte dropped or added',
    async (alg) => {
      const { key, sign } = await keyFor(alg);
      const { input, signature } = withLeadingZero(sign);
      expect(verifySignature(alg, key, input, signature)).toBe(true);
      expect(verifySignature(alg, key, input, signature.subarray(1))).toBe(false);
      expect(verifySignature(alg, key, input, Buffer.concat([ZERO, signature]))).toBe(false);
    },
  );

  test('refuses any signature by an RSA key shorter than 2048 bits', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const key = await resolved(publicKey.export({ format: 'jwk' }) as JWK, 'RS256');
    const signature = signatureOf({ alg: 'RS256', privateKey }, 'header.payload');
    expect(verifySignature('RS256', key, 'header.payload', signature)).toBe(false);
  });
});
