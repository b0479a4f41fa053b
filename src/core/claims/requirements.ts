import { InsufficientScopeError } from '../errors.js';
import type { VerifiedToken } from '../jwt/verified-token.js';

/**
 * A requirement on a verified token: returns when it holds, throws {@link InsufficientScopeError} (403)
 * when it does not. Checks never see an invalid token, so they never answer 401.
 */
export type TokenCheck = (token: VerifiedToken) => void;

/** A predicate over a verified token; `true` admits. */
export type TokenPredicate = (token: VerifiedToken) => boolean;

function list(value: string | readonly string[], name: string): readonly string[] {
  const items = typeof value === 'string' ? [value] : [...value];
  if (items.length === 0 || items.some((s) => typeof s !== 'string' || s === '' || /\s/.test(s))) {
    throw new TypeError(`"${name}" must be a non-empty string or array of strings without spaces`);
  }
  return Object.freeze(items);
}

/** The token must hold every one of `scopes`. */
export function requireScopes(scopes: string | readonly string[]): TokenCheck {
  const needed = list(scopes, 'scopes');
  return (token) => {
    if (!needed.every((s) => token.scopes.includes(s))) {
      throw new InsufficientScopeError(`token lacks a required scope (needs all of: ${needed.join(' ')})`, needed);
    }
  };
}

/** The token must hold at least one of `scopes`. */
export function requireAnyScope(scopes: string | readonly string[]): TokenCheck {
  const wanted = list(scopes, 'scopes');
  return (token) => {
    if (!wanted.some((s) => token.scopes.includes(s))) {
      throw new InsufficientScopeError(`token lacks a required scope (needs one of: ${wanted.join(' ')})`, wanted);
    }
  };
}

/** The token must hold every one of these Keycloak realm roles (`realm_access.roles`). */
export function requireRealmRoles(roles: string | readonly string[]): TokenCheck {
  const needed = list(roles, 'roles');
  return (token) => {
    const missing = needed.filter((r) => !token.roles.includes(r));
    if (missing.length > 0) throw new InsufficientScopeError(`token lacks the realm role "${missing[0]}"`);
  };
}

/** The token must hold every one of these client roles of `clientId` (`resource_access[clientId].roles`). */
export function requireClientRoles(clientId: string, roles: string | readonly string[]): TokenCheck {
  if (typeof clientId !== 'string' || clientId === '') throw new TypeError('"clientId" must be a non-empty string');
  const needed = list(roles, 'roles');
  return (token) => {
    const held = Object.hasOwn(token.clientRoles, clientId) ? token.clientRoles[clientId]! : [];
    const missing = needed.filter((r) => !held.includes(r));
    if (missing.length > 0)
      throw new InsufficientScopeError(`token lacks the client role "${missing[0]}" of client "${clientId}"`);
  };
}

/**
 * The token must satisfy a custom predicate. `description` is what a caller is told when it does not
 * (it reaches `error_description`, so it must not describe secrets).
 */
export function requireClaim(
  predicate: TokenPredicate,
  description = 'token does not satisfy a required claim check',
): TokenCheck {
  if (typeof predicate !== 'function') throw new TypeError('"predicate" must be a function');
  return (token) => {
    let ok: boolean;
    try {
      ok = predicate(token) === true;
    } catch {
      ok = false; // a predicate that throws on odd claims refuses, it does not crash the request
    }
    if (!ok) throw new InsufficientScopeError(description);
  };
}
