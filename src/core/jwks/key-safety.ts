import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { hasRocaFingerprint } from './roca.js';

/** A published key that is never used, and why (the reason names no key material). */
export interface SkippedKey {
  readonly kid: string | undefined;
  readonly reason: string;
}

/** RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used". */
const MIN_RSA_BITS = 2048;
/** A published larger key would make checking every forged token cost milliseconds. */
const MAX_RSA_BITS = 16_384;
/** FIPS 186-5 bounds the exponent below 2^256; a larger one makes each check cost as much as a signature. */
const EXPONENT_LIMIT = 1n << 256n;

/** The curves of the signature algorithms this library verifies (ES256/384/512, EdDSA). */
const SIGNING_CURVES: Readonly<Record<string, readonly string[]>> = {
  EC: ['P-256', 'P-384', 'P-521'],
  OKP: ['Ed25519', 'Ed448'],
};

function rsaRefusal(key: KeyObject): string | undefined {
  const { modulusLength = 0, publicExponent = 0n } = key.asymmetricKeyDetails ?? {};
  // e = 1 makes the signature equal to the padded digest: anyone can forge one. An even e is not RSA at all.
  if (publicExponent < 3n || publicExponent % 2n === 0n || publicExponent >= EXPONENT_LIMIT)
    return 'its public exponent is not an odd number from 3 to 2^256';
  if (modulusLength < MIN_RSA_BITS) return `its modulus is shorter than ${MIN_RSA_BITS} bits`;
  if (modulusLength > MAX_RSA_BITS) return `its modulus is longer than ${MAX_RSA_BITS} bits`;
  const n = BigInt(`0x${Buffer.from(key.export({ format: 'jwk' }).n!, 'base64url').toString('hex')}`);
  if (n % 2n === 0n) return 'its modulus is even';
  if (hasRocaFingerprint(n)) return 'its modulus has the ROCA fingerprint of a weak Infineon key (CVE-2017-15361)';
  return undefined;
}

/**
 * Why a published public key must not verify signatures, or `undefined` when it may. Keys of other types (and
 * encryption keys) are left to jose, which never selects them for a signature.
 */
export function unsafeKeyReason(jwk: JWK): string | undefined {
  if (jwk.use === 'enc' || (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP')) return undefined;
  const curves = SIGNING_CURVES[jwk.kty];
  if (curves !== undefined && !curves.includes(jwk.crv ?? '')) return `its curve is not one of ${curves.join(', ')}`;
  let key: KeyObject;
  try {
    // Node checks the members, and that an EC point lies on its curve.
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return jwk.kty === 'RSA' ? 'it is not a valid RSA public key' : 'it is not a valid point on its curve';
  }
  return jwk.kty === 'RSA' ? rsaRefusal(key) : undefined;
}

/** Splits published keys into those that may verify signatures and those skipped, each with its reason. */
export function screenKeys(keys: readonly JWK[]): { usable: JWK[]; skipped: SkippedKey[] } {
  const usable: JWK[] = [];
  const skipped: SkippedKey[] = [];
  for (const jwk of keys) {
    const reason = unsafeKeyReason(jwk);
    if (reason === undefined) usable.push(jwk);
    else skipped.push({ kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, reason });
  }
  return { usable, skipped };
}
