import {
  requireAnyScope,
  requireClaim,
  requireClientRoles,
  requireRealmRoles,
  requireScopes,
  type TokenCheck,
  type TokenPredicate,
} from '../claims/requirements.js';
import { acrRequirement, requireAcrCheck, type AcrOptions } from '../claims/step-up.js';
import type { GatePolicy } from './admission.js';
import { NO_REQUIREMENT, type GuardRegistry, type GuardRequirement } from './guard-registry.js';

/** The guards of one configuration, whatever the framework: `H` is its route hook (an Express middleware, …). */
export interface Guards<H> {
  /** Any valid access token; with scopes, all of them (`requireAuth('a')`, `requireAuth(['a', 'b'])`), then any further checks. */
  requireAuth(scopes?: string | readonly string[], ...checks: TokenCheck[]): H;
  /** At least one of the scopes. */
  requireAnyScope(scopes: string | readonly string[]): H;
  /** Every one of these Keycloak realm roles. */
  requireRole(roles: string | readonly string[]): H;
  /** Every one of these client roles of `clientId` (`resource_access[clientId].roles`). */
  requireClientRole(clientId: string, roles: string | readonly string[]): H;
  /** A custom predicate over the verified token; `description` is what a refused caller is told. */
  requireClaim(predicate: TokenPredicate, description?: string): H;
  /** Anonymous callers pass with no token set; a token, if sent, must be valid and pass the checks. */
  optionalAuth(...checks: TokenCheck[]): H;
  /**
   * The {@link Guards.requireAuth} guard, plus the token confirmed active by the provider's introspection
   * endpoint (RFC 7662), whatever `introspection.everyRoute` says: for sensitive routes when the other routes
   * trust the JWT alone (`everyRoute: false`). Needs the `introspection` option, else throws a `TypeError`.
   *
   * @example
   * app.post('/api/payments', auth.requireActiveToken('payments:write'), handler)
   */
  requireActiveToken(scopes?: string | readonly string[], ...checks: TokenCheck[]): H;
  /**
   * Step-up (RFC 9470): the token's `acr` must be one of `acrValues` and, with `maxAge` (seconds), its `auth_time`
   * that recent. Otherwise 401 `insufficient_user_authentication` with `acr_values` (and `max_age`) in the
   * challenge, so the client can have the user authenticate again. Keycloak sets `acr` from its authentication
   * flows' levels of authentication.
   *
   * @example
   * app.post('/api/transfer', auth.requireAcr('gold', { maxAge: 300 }), handler)
   */
  requireAcr(acrValues: string | readonly string[], options?: AcrOptions): H;
  /**
   * The {@link Guards.requireAuth} guard for DPoP-bound tokens only, each with a valid proof (RFC 9449), whatever
   * `dpop.mode` says; a Bearer token gets a `DPoP` challenge. Needs the `dpop` option, else throws a `TypeError`.
   */
  requireDPoP(scopes?: string | readonly string[], ...checks: TokenCheck[]): H;
  /** What a route hook built by these guards demands, as data; `undefined` for anything else. */
  requirementOf(hook: unknown): GuardRequirement | undefined;
  /** What every guard built so far demands, in the order they were created. */
  requirements(): readonly GuardRequirement[];
}

/** The scope check of `requireAuth(scopes)`: none when no scopes are named. */
export function scopeChecks(scopes: string | readonly string[] | undefined): TokenCheck[] {
  return scopes === undefined ? [] : [requireScopes(scopes)];
}

const asList = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : [...value];

/**
 * Builds every guard from one adapter function turning a policy into that framework's route hook, and records
 * what each demands in `registry` (the checks validate their arguments first, so only valid lists get there).
 */
export function createGuards<H>(
  build: (policy: GatePolicy) => H,
  registry: GuardRegistry,
  now: () => number = Date.now,
): Guards<H> {
  const guard = (policy: GatePolicy, requirement: Partial<GuardRequirement>): H =>
    registry.add(build(policy), {
      ...NO_REQUIREMENT,
      ...requirement,
      optional: policy.optional === true,
      introspect: policy.introspect === true,
    });
  return {
    requireAuth: (scopes, ...checks) =>
      guard({ checks: [...scopeChecks(scopes), ...checks] }, { scopes: asList(scopes), customChecks: checks.length }),
    requireAnyScope: (scopes) => guard({ checks: [requireAnyScope(scopes)] }, { anyScopes: asList(scopes) }),
    requireRole: (roles) => guard({ checks: [requireRealmRoles(roles)] }, { realmRoles: asList(roles) }),
    requireClientRole: (clientId, roles) =>
      guard({ checks: [requireClientRoles(clientId, roles)] }, { clientRoles: { [clientId]: asList(roles) } }),
    requireClaim: (predicate, description) =>
      guard({ checks: [requireClaim(predicate, description)] }, { customChecks: 1 }),
    optionalAuth: (...checks) => guard({ checks, optional: true }, { customChecks: checks.length }),
    requireActiveToken: (scopes, ...checks) =>
      guard(
        { checks: [...scopeChecks(scopes), ...checks], introspect: true },
        { scopes: asList(scopes), customChecks: checks.length },
      ),
    requireAcr: (acrValues, options) => {
      const requirement = acrRequirement(acrValues, options);
      return guard(
        { checks: [requireAcrCheck(requirement, now)] },
        { acrValues: requirement.acrValues, acrMaxAge: requirement.maxAge },
      );
    },
    requireDPoP: (scopes, ...checks) =>
      guard(
        { checks: [...scopeChecks(scopes), ...checks], requireDpop: true },
        { scopes: asList(scopes), customChecks: checks.length },
      ),
    requirementOf: (hook) => registry.requirementOf(hook),
    requirements: () => registry.all(),
  };
}
