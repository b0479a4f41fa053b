import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** What a signature algorithm demands of a key: its type and, for ECDSA and EdDSA, its curve. */
interface KeyFit {
  readonly kty: string;
  readonly crv?: string;
}

/** The key each JWS algorithm verifies with (RFC 7518 §3.1, RFC 8037 §3.1), as jose selects them. */
const FIT: Readonly<Record<string, KeyFit>> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519' },
};

/** One published key, imported once when the keys are loaded; `undefined` when it cannot verify at all. */
interface LoadedKey {
  readonly jwk: JWK;
  readonly key: KeyObject | undefined;
}

/** Thrown when the only key that fits a token cannot verify signatures (a bad key or key_ops). */
export class UnusableKeyError extends Error {}

/**
 * `key_ops` as a verification key may carry it: absent, or exactly `["verify"]`. jose lets a list with other
 * operations through selection, then WebCrypto refuses to import a public key for them; the same key is
 * unusable here.
 */
function verifiesOnly(keyOps: unknown): boolean {
  return keyOps === undefined || (Array.isArray(keyOps) && keyOps.length === 1 && keyOps[0] === 'verify');
}

function importPublic(jwk: JWK): KeyObject | undefined {
  if (!verifiesOnly(jwk.key_ops)) return undefined;
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    return key.type === 'public' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** jose's rule (createLocalJWKSet) for whether a published key is a candidate for a token's `alg` and `kid`. */
function fits(jwk: JWK, fit: KeyFit, alg: string, kid: string | undefined): boolean {
  const keyOps: unknown = jwk.key_ops;
  return (
    (jwk.ext === undefined || typeof jwk.ext === 'boolean') &&
    (keyOps === undefined ||
      (Array.isArray(keyOps) &&
        keyOps.every((op, i) => typeof op === 'string' && keyOps.indexOf(op) === i) &&
        keyOps.includes('verify'))) &&
    jwk.kty === fit.kty &&
    (kid === undefined || kid === jwk.kid) &&
    (jwk.alg === undefined || jwk.alg === alg) &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (fit.crv === undefined || jwk.crv === fit.crv)
  );
}

/**
 * The signing keys of one issuer, imported once as `KeyObject`s when they are loaded, and chosen for a token
 * synchronously by the rules jose's local key set applies: `kid` equal when the token names one, `use` "sig"
 * or absent, `alg` equal when the key names one, the key type (and curve) of the token's `alg`. A repeated
 * kid gives every fitting key that imports; a single fitting key that does not import is unusable.
 */
export class KeySelection {
  private readonly keys: readonly LoadedKey[];
  private readonly byKid = new Map<string | undefined, LoadedKey[]>();

  /** `jwks`: keys already screened (public, asymmetric, safe). */
  constructor(jwks: readonly JWK[]) {
    this.keys = jwks.map((jwk) => ({ jwk, key: importPublic(jwk) }));
    for (const loaded of this.keys) {
      const kid = typeof loaded.jwk.kid === 'string' ? loaded.jwk.kid : undefined;
      const list = this.byKid.get(kid);
      if (list === undefined) this.byKid.set(kid, [loaded]);
      else list.push(loaded);
    }
  }

  /**
   * The candidate keys for a token's `alg` and `kid`, `undefined` when none fits. Throws
   * {@link UnusableKeyError} when the algorithm has no key type here or the one key that fits cannot verify.
   */
  select(alg: string, kid: string | undefined): KeyObject[] | undefined {
    const fit = Object.hasOwn(FIT, alg) ? FIT[alg] : undefined;
    if (fit === undefined) throw new UnusableKeyError(`no key type for "alg" ${alg}`);
    const pool = kid === undefined ? this.keys : (this.byKid.get(kid) ?? []);
    let found: KeyObject[] | undefined;
    let candidates = 0;
    for (const loaded of pool) {
      if (!fits(loaded.jwk, fit, alg, kid)) continue;
      candidates++;
      if (loaded.key !== undefined) (found ??= []).push(loaded.key);
    }
    if (candidates === 1 && found === undefined) throw new UnusableKeyError('the only fitting key cannot verify');
    return found;
  }

  get size(): number {
    return this.keys.length;
  }
}
