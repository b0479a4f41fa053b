import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Algorithm } from '../core/jws/algorithms.js';

/** A signing key of the fake provider. */
export interface FakeKey {
  readonly kid: string;
  readonly alg: Algorithm;
  readonly privateKey: CryptoKey;
  /** The public JWK as published (`kid`, `alg`, `use: sig`). */
  readonly jwk: JWK;
}

/** Generates a signing key pair and its public JWK, as Keycloak publishes it. */
export async function createFakeKey(alg: Algorithm = 'RS256', kid: string = randomUUID()): Promise<FakeKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, jwk };
}

/** Keycloak also publishes an encryption key; a resource server must never pick it for signatures. */
export async function createEncryptionJwk(): Promise<JWK> {
  const { publicKey } = await generateKeyPair('RSA-OAEP', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid: `enc-${randomUUID()}`, alg: 'RSA-OAEP', use: 'enc' };
}
