import { compactVerify, errors } from 'jose';
import { assertAccessToken } from './access-token.js';
import { checkClaims, clientIdOf } from './claims.js';
import { decodeCompactJws } from './compact-jws.js';
import { AuthError, InvalidTokenError } from './errors.js';
import { RemoteKeySet, type KeySetStatus, type ResolvedKey } from './key-set.js';
import { clientRolesOf, realmRolesOf, scopesOf } from './keycloak-claims.js';
import type { ResolvedOptions } from './options.js';
import type { VerifiedToken } from './verified-token.js';

/** Verifies tokens against the configured issuers; one per {@link createAuth}. */
export interface TokenVerifier {
  /** Verifies a raw token; rejects with an {@link AuthError} subclass only. */
  verify(token: string): Promise<VerifiedToken>;
  /** Fetches every issuer's keys now; rejects when one cannot be fetched (for fail-fast start-up). */
  warmUp(): Promise<void>;
  /** Key state per issuer, for a readiness probe. */
  status(): KeySetStatus[];
}

function signatureError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('token signature is invalid');
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError('token "alg" is not allowed');
  if (error instanceof errors.JOSENotSupported) return new InvalidTokenError('token uses an unsupported JOSE feature');
  if (error instanceof errors.JWSInvalid) return new InvalidTokenError('token is not a valid JWS');
  return new InvalidTokenError('token "alg" does not fit the issuer\'s key', { cause: error });
}

async function verifySignature(token: string, alg: string, keys: ResolvedKey[]): Promise<void> {
  let last: unknown;
  for (const key of keys) {
    try {
      await compactVerify(token, key, { algorithms: [alg] });
      return;
    } catch (error) {
      last = error;
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
    }
  }
  throw signatureError(last);
}

/**
 * Builds the verifier. Every cheap check (format, `alg`, `crit`, issuer, access-token type, times,
 * audience, client) runs before any key is fetched, so a forged token costs no network; then the key is
 * chosen by `kid` and the signature checked by jose.
 */
export function createTokenVerifier(options: ResolvedOptions): TokenVerifier {
  const keySets = new Map(options.issuers.map((issuer) => [issuer.issuer, new RemoteKeySet(issuer, options)]));

  async function verify(token: string): Promise<VerifiedToken> {
    const decoded = decodeCompactJws(token, options.maxTokenLength);
    const { header, payload } = decoded;
    if (typeof header.alg !== 'string' || !options.algorithms.has(header.alg)) {
      throw new InvalidTokenError('token "alg" is not allowed; only asymmetric signatures are accepted');
    }
    if (header.crit !== undefined) throw new InvalidTokenError('token header has a "crit" extension this server does not understand');
    if (header.kid !== undefined && typeof header.kid !== 'string') throw new InvalidTokenError('token "kid" must be a string');
    const keySet = typeof payload.iss === 'string' ? keySets.get(payload.iss) : undefined;
    if (keySet === undefined) throw new InvalidTokenError('token "iss" is not a trusted issuer');
    if (options.requireAccessToken) assertAccessToken(decoded);
    checkClaims(payload, {
      now: Math.floor(options.now() / 1000),
      clockTolerance: options.clockTolerance,
      maxTokenAge: options.maxTokenAge,
      audience: options.audience,
      allowedClients: options.allowedClients,
    });
    const scopes = scopesOf(payload);
    const keys = await keySet.getKeys(header);
    await verifySignature(token, header.alg, keys);
    return {
      header,
      payload,
      token,
      issuer: keySet.issuer.issuer,
      scopes,
      roles: realmRolesOf(payload),
      clientRoles: clientRolesOf(payload),
      clientId: clientIdOf(payload),
    };
  }

  return {
    verify,
    warmUp: async () => {
      await Promise.all([...keySets.values()].map((k) => k.refresh()));
    },
    status: () => [...keySets.values()].map((k) => k.status()),
  };
}
