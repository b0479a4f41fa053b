import {
  requireAnyScope,
  requireClaim,
  requireClientRoles,
  requireRealmRoles,
  requireScopes,
  type TokenCheck,
  type TokenPredicate,
} from '../claims/requirements.js';
import type { GatePolicy } from './admission.js';

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
}

/** The scope check of `requireAuth(scopes)`: none when no scopes are named. */
export function scopeChecks(scopes: string | readonly string[] | undefined): TokenCheck[] {
  return scopes === undefined ? [] : [requireScopes(scopes)];
}

/** Builds every guard from one adapter function turning a policy into that framework's route hook. */
export function createGuards<H>(build: (policy: GatePolicy) => H): Guards<H> {
  return {
    requireAuth: (scopes, ...checks) => build({ checks: [...scopeChecks(scopes), ...checks] }),
    requireAnyScope: (scopes) => build({ checks: [requireAnyScope(scopes)] }),
    requireRole: (roles) => build({ checks: [requireRealmRoles(roles)] }),
    requireClientRole: (clientId, roles) => build({ checks: [requireClientRoles(clientId, roles)] }),
    requireClaim: (predicate, description) => build({ checks: [requireClaim(predicate, description)] }),
    optionalAuth: (...checks) => build({ checks, optional: true }),
    requireActiveToken: (scopes, ...checks) => build({ checks: [...scopeChecks(scopes), ...checks], introspect: true }),
  };
}
