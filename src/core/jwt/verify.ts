import { assertAccessToken } from '../claims/access-token.js';
import { checkClaims, checkClaimTypes, clientIdOf, type ClaimRules } from '../claims/validate.js';
import { untrustedIssuer } from '../claims/untrusted-issuer.js';
import { decodeBase64url, decodeCompactJws } from '../jws/compact.js';
import { InvalidTokenError } from '../errors.js';
import { RemoteKeySet, type KeySetStatus, type ResolvedKey } from '../jwks/remote.js';
import { clientRolesOf, realmRolesOf, scopesOf } from '../claims/keycloak.js';
import type { ResolvedOptions } from '../options.js';
import { verifySignature } from '../jws/signature.js';
import { VerifiedTokenCache } from './verified-cache.js';
import type { VerifiedToken } from './verified-token.js';

/** Verifies tokens against the configured issuers; one per {@link createAuth}. */
export interface TokenVerifier {
  /** Verifies a raw token; rejects with an {@link AuthError} subclass only. */
  verify(token: string): Promise<VerifiedToken>;
  /**
   * The token when it was verified before (a cache hit, its claims checked again against the clock),
   * `undefined` when it must be verified by {@link TokenVerifier.verify}. Synchronous: the common path pays
   * for no promise. Throws an {@link AuthError} subclass when the cached token no longer passes.
   */
  verifyCached(token: string): VerifiedToken | undefined;
  /**
   * Verifies a token that {@link TokenVerifier.verifyCached} did not know, without looking it up again:
   * synchronously when its key is already loaded (throwing refusals), through a promise when it must be fetched.
   */
  verifyUncached(token: string): VerifiedToken | Promise<VerifiedToken>;
  /** Fetches every issuer's keys now; rejects when one cannot be fetched (for fail-fast start-up). */
  warmUp(): Promise<void>;
  /** Key state per issuer, for a readiness probe. */
  status(): KeySetStatus[];
}

/**
 * Freezes a verified token and everything in it: one object serves every request carrying the same token
 * (the cache), so no handler may change what the next request is judged by.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * Builds the verifier. A token seen before is answered from the verified-token cache after its claims are
 * checked again against the clock. Any other token gets every cheap check (format, `alg`, `crit`, issuer,
 * access-token type, claim types, no `cnf`, times, audience, client, scope and role shapes) before any key is fetched, so a forged token costs no
 * network; then its key is chosen by `kid` and the signature checked.
 */
export function createTokenVerifier(options: ResolvedOptions): TokenVerifier {
  const keySets = new Map(options.issuers.map((issuer) => [issuer.issuer, new RemoteKeySet(issuer, options)]));
  const cache = new VerifiedTokenCache(options.cache);
  const trusted = options.issuers.map((issuer) => issuer.issuer);
  // One rules object, its clock set before each (synchronous) check: no allocation per request.
  const claimRules: { now: number } & ClaimRules = {
    now: 0,
    clockTolerance: options.clockTolerance,
    maxTokenAge: options.maxTokenAge,
    audience: options.audience,
    resourceAudience: options.resourceAudience,
    allowedClients: options.allowedClients,
  };
  const rules = (): ClaimRules => {
    claimRules.now = Math.floor(options.now() / 1000);
    return claimRules;
  };

  function fromCache(token: string): VerifiedToken | undefined {
    const hit = cache.get(token);
    if (hit === undefined) return undefined;
    const keySet = keySets.get(hit.verified.issuer)!;
    keySet.refreshIfAging();
    if (keySet.generation !== hit.generation) {
      cache.delete(token); // its key set changed: the key may be gone, verify again
      return undefined;
    }
    try {
      checkClaims(hit.verified.payload, rules());
    } catch (error) {
      cache.delete(token);
      throw error;
    }
    return hit.verified;
  }

  function verifyFully(token: string): VerifiedToken | Promise<VerifiedToken> {
    const { header, payload } = decodeCompactJws(token, options.maxTokenLength);
    if (typeof header.alg !== 'string' || !options.algorithms.has(header.alg)) {
      throw new InvalidTokenError('token "alg" is not allowed; only asymmetric signatures are accepted', {
        reason: 'algorithm',
      });
    }
    if (header.crit !== undefined)
      throw new InvalidTokenError('token header has a "crit" extension this server does not understand', {
        reason: 'unsupported_header',
      });
    if (header.kid !== undefined && typeof header.kid !== 'string')
      throw new InvalidTokenError('token "kid" must be a string', { reason: 'unsupported_header' });
    const keySet = typeof payload.iss === 'string' ? keySets.get(payload.iss) : undefined;
    if (keySet === undefined) throw untrustedIssuer(payload.iss, trusted);
    if (options.requireAccessToken) assertAccessToken({ header, payload });
    checkClaimTypes(payload);
    checkClaims(payload, rules());
    const scopes = scopesOf(payload);
    const roles = realmRolesOf(payload);
    const clientRoles = clientRolesOf(payload);
    const finish = (keys: readonly ResolvedKey[]): VerifiedToken => {
      const generation = keySet.generation;
      const dot = token.lastIndexOf('.');
      const signature = decodeBase64url(token.slice(dot + 1), 'signature');
      const signingInput = token.slice(0, dot);
      if (!keys.some((key) => verifySignature(header.alg!, key, signingInput, signature))) {
        throw new InvalidTokenError('token signature is invalid', { reason: 'signature' });
      }
      const verified: VerifiedToken = deepFreeze({
        header,
        payload,
        token,
        issuer: keySet.issuer.issuer,
        scopes,
        roles,
        clientRoles,
        clientId: clientIdOf(payload),
      });
      cache.offer(token, { verified, generation });
      return verified;
    };
    // The key already loaded: no promise between the token and its verdict. Only a key fetch waits.
    const inHand = keySet.keysInHand(header);
    return inHand !== undefined ? finish(inHand) : keySet.getKeys(header).then(finish);
  }

  return {
    verify: async (token: string) => fromCache(token) ?? verifyFully(token),
    verifyCached: fromCache,
    verifyUncached: verifyFully,
    warmUp: async () => {
      await Promise.all([...keySets.values()].map((k) => k.refresh()));
    },
    status: () => [...keySets.values()].map((k) => k.status()),
  };
}
