/**
 * Hand-made tokens for the cases the fake provider will not mint: broken encodings, forged headers,
 * foreign keys. Signing goes through jose's CompactSign, so a crafted token differs from a real one only in
 * what the test asks for.
 */
import type { KeyObject } from 'node:crypto';
import { CompactSign, type CryptoKey } from 'jose';
import type { FakeKey } from '../../src/testing/index.js';

/** base64url of a JSON value (or of a string as is). */
export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** `header.payload.signature` from raw parts, unsigned: for tokens refused before any signature check. */
export function craft(header: unknown, payload: unknown, signature = 'c2lnbmF0dXJl'): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

/** Signs any header and payload (the header is taken as is: a test may set `crit`, `jwk`, `typ` …). */
export async function sign(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey | KeyObject | Uint8Array,
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key);
}

/** Keycloak-shaped claims for `issuer`, valid for five minutes from `nowSeconds`; `overrides` replace them. */
export function claimsFor(
  issuer: string,
  nowSeconds: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    iss: issuer,
    aud: 'test-api',
    sub: 'user-1',
    typ: 'Bearer',
    azp: 'test_api_client',
    scope: 'profile email',
    iat: nowSeconds,
    exp: nowSeconds + 300,
    ...overrides,
  };
}

/** Signs claims with a fake provider's key, header `{ alg, typ: JWT, kid }` plus `header` overrides. */
export function signWithKey(
  key: FakeKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return sign({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header }, payload, key.privateKey);
}

/** The current time in whole seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
