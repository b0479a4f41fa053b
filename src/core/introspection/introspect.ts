import { refuseSenderConstrained } from '../claims/validate.js';
import { isCompactJws } from '../jws/compact.js';
import { discoverEndpoint, type DiscoveredEndpoint } from '../jwks/discovery.js';
import { InvalidTokenError, ProviderUnavailableError } from '../errors.js';
import type { FetchLimits } from '../http/fetch-json.js';
import { IntrospectionCache } from './cache.js';
import { IntrospectionGate } from './gate.js';
import { resolveIntrospection, type IntrospectionOptions } from './options.js';
import { requestIntrospection, type IntrospectionAnswer } from './request.js';
import { introspectedToken } from './token.js';
import type { ResolvedOptions } from '../options.js';
import type { VerifiedToken } from '../jwt/verified-token.js';

/** What the caller verifies itself, before and after asking the provider. */
export interface LocalVerification {
  /** Verifies a JWT without the network when possible (signature, claims, revocation list). */
  verifyJwt(token: string): Promise<VerifiedToken>;
  /** The caller's last word on a token built from an introspection answer (the revocation list). */
  accept(token: VerifiedToken): Promise<VerifiedToken>;
}

/** Confirms tokens with the provider's introspection endpoint; one per `createAuth` with `introspection`. */
export interface Introspector {
  /** Whether every guard introspects (`introspection.everyRoute`), or only the ones that ask for it. */
  readonly everyRoute: boolean;
  /**
   * A JWT is verified locally first (a forged token costs no request), then must be active; an opaque token,
   * when accepted at all, is described by the answer. Rejects with {@link InvalidTokenError} (401) or
   * {@link ProviderUnavailableError} (503) only: a token the provider could not vouch for never passes.
   */
  verify(token: string, local: LocalVerification): Promise<VerifiedToken>;
}

const INTROSPECTION_ENDPOINT: DiscoveredEndpoint = {
  member: 'introspection_endpoint',
  keycloakPath: '/protocol/openid-connect/token/introspect',
};

/** Seconds a caller is told to wait after the provider failed to answer an introspection. */
const RETRY_AFTER_SECONDS = 5;

const inactive = (): InvalidTokenError =>
  new InvalidTokenError('token is not active (introspection)', { reason: 'inactive' });

/**
 * Builds the introspector: options validated once (a `TypeError` names the option), the endpoint found on first
 * use (explicit, else discovery, else Keycloak's path) and remembered, answers cached per token digest, requests
 * bounded by the gate.
 *
 * @example
 * const introspector = createIntrospector({ clientId: 'test-api', clientSecret: secret }, resolveOptions(options), false)
 */
export function createIntrospector(
  options: IntrospectionOptions,
  resolved: ResolvedOptions,
  allowInsecureHttp: boolean,
): Introspector {
  const config = resolveIntrospection(options, resolved, allowInsecureHttp);
  const limits: FetchLimits = {
    timeout: config.timeout,
    maxResponseBytes: resolved.keys.maxResponseBytes,
    fetch: resolved.fetch,
    allowInsecureHttp,
  };
  const cache = new IntrospectionCache({
    ttl: config.cacheTtl,
    maxEntries: config.maxEntries,
    maxBytes: config.maxBytes,
    now: resolved.now,
  });
  const gate = new IntrospectionGate({
    maxConcurrent: config.maxConcurrent,
    cooldown: config.cooldown,
    now: resolved.now,
  });
  const issuer = config.issuer.issuer;
  let endpoint: Promise<string> | undefined =
    config.endpoint === undefined ? undefined : Promise.resolve(config.endpoint);

  function findEndpoint(): Promise<string> {
    // Discovery refuses an endpoint that breaks the URL rule: it would receive our credentials.
    endpoint ??= discoverEndpoint(config.issuer, INTROSPECTION_ENDPOINT, limits).catch((error: unknown) => {
      endpoint = undefined; // not remembered: the next request discovers again
      throw error;
    });
    return endpoint;
  }

  /** The answer for `token`; `opaque` says it was not verified locally first (see the gate). */
  async function ask(token: string, opaque: boolean, expHint: unknown): Promise<IntrospectionAnswer> {
    const request = async () => requestIntrospection(await findEndpoint(), token, config, limits, resolved.now());
    try {
      return await cache.get(token, () => gate.run(opaque, request), expHint);
    } catch (error) {
      if (error instanceof ProviderUnavailableError) throw error; // refused by the gate, without a request
      throw new ProviderUnavailableError(
        'the identity provider cannot confirm the token (introspection failed)',
        RETRY_AFTER_SECONDS,
        { reason: 'introspection_unavailable', cause: error },
      );
    }
  }

  return Object.freeze({
    everyRoute: config.everyRoute,
    async verify(token: string, local: LocalVerification): Promise<VerifiedToken> {
      if (config.acceptOpaqueTokens && !isCompactJws(token)) {
        if (token.length > resolved.maxTokenLength)
          throw new InvalidTokenError(`token is longer than ${resolved.maxTokenLength} characters`, {
            reason: 'malformed',
          });
        const answer = await ask(token, true, undefined);
        if (!answer.active) throw inactive();
        const rules = {
          now: Math.floor(resolved.now() / 1000),
          clockTolerance: resolved.clockTolerance,
          maxTokenAge: resolved.maxTokenAge,
          audience: resolved.audience,
          resourceAudience: resolved.resourceAudience,
          allowedClients: resolved.allowedClients,
        };
        return local.accept(introspectedToken(token, answer.claims, issuer, rules, resolved.requireAccessToken));
      }
      const verified = await local.verifyJwt(token);
      if (verified.issuer !== issuer)
        throw new InvalidTokenError('token "iss" is not the issuer that introspection is configured for', {
          reason: 'issuer',
        });
      const answer = await ask(token, false, verified.payload.exp);
      if (!answer.active) throw inactive();
      // The provider may bind a token whose JWT does not say so: the binding checked is the JWT's, so any other is refused.
      if (answer.claims.cnf !== undefined && JSON.stringify(answer.claims.cnf) !== JSON.stringify(verified.payload.cnf))
        refuseSenderConstrained({ cnf: null });
      refuseSenderConstrained(answer.claims);
      return verified;
    },
  });
}
