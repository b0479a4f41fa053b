import { InsufficientScopeError } from '../errors.js';
import type { VerifiedToken } from '../jwt/verified-token.js';

/**
 * A requirement on a verified token: returns when it holds, throws {@link InsufficientScopeError} (403)
 * when it does not. Checks never see an invalid token, so they never answer 401.
 */
export type TokenCheck = (token: VerifiedToken) => void;

/** A predicate over a verified token; `true` admits. */
export type TokenPredicate = (token: VerifiedToken) => boolean;

/** What a wrong argument is, for a `TypeError` that says what was given; strings are quoted and cut short. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' || typeof value === 'function')
    return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
  return `the ${typeof value} ${String(value)}`;
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). A scope outside it can never be granted, so a
// route requiring one would refuse everyone; it is refused when the guard is created instead.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function list(value: unknown, name: 'scopes' | 'roles'): readonly string[] {
  if (typeof value !== 'string' && !Array.isArray(value)) {
    throw new TypeError(`"${name}" must be a string or an array of strings, not ${describeValue(value)}`);
  }
  const items: readonly unknown[] = typeof value === 'string' ? [value] : [...(value as unknown[])];
  if (items.length === 0) throw new TypeError(`"${name}" is an empty array: name at least one`);
  for (const item of items) {
    if (typeof item !== 'string' || item === '') {
      throw new TypeError(`"${name}" must hold non-empty strings, not ${describeValue(item)}`);
    }
    if (/\s/.test(item)) {
      const parts = item.split(/\s+/).filter((part) => part !== '');
      throw new TypeError(
        `"${name}" holds ${JSON.stringify(item)}, which has a space: give several as an array, as ${JSON.stringify(parts)}`,
      );
    }
    if (name === 'scopes' && !SCOPE_TOKEN.test(item)) {
      throw new TypeError(
        `"scopes" holds ${JSON.stringify(item)}, which no token can carry: a scope is printable ASCII without space, " or \\`,
      );
    }
  }
  return Object.freeze(items as string[]);
}

/**
 * The further checks given to a guard factory: each must be a function. A string there is most often a second
 * scope, so the message says how to give several.
 */
export function checkList(checks: readonly unknown[], factory: string): readonly TokenCheck[] {
  for (const check of checks) {
    if (typeof check === 'function') continue;
    const scopes = typeof check === 'string' && factory !== 'optionalAuth';
    throw new TypeError(
      `"${factory}" takes further checks as functions (such as requireRealmRoles("admin")), not ${describeValue(check)}` +
        (scopes ? `; give several scopes as one array, as ${factory}(["a", "b"])` : ''),
    );
  }
  return Object.freeze([...(checks as TokenCheck[])]);
}

/** The token must hold every one of `scopes`. */
export function requireScopes(scopes: string | readonly string[]): TokenCheck {
  const needed = list(scopes, 'scopes');
  return (token) => {
    if (!needed.every((s) => token.scopes.includes(s))) {
      throw new InsufficientScopeError(`token lacks a required scope (needs all of: ${needed.join(' ')})`, {
        reason: 'insufficient_scope',
        scopes: needed,
      });
    }
  };
}

/** The token must hold at least one of `scopes`. */
export function requireAnyScope(scopes: string | readonly string[]): TokenCheck {
  const wanted = list(scopes, 'scopes');
  return (token) => {
    if (!wanted.some((s) => token.scopes.includes(s))) {
      throw new InsufficientScopeError(`token lacks a required scope (needs one of: ${wanted.join(' ')})`, {
        reason: 'insufficient_scope',
        scopes: wanted,
      });
    }
  };
}

/** The token must hold every one of these Keycloak realm roles (`realm_access.roles`). */
export function requireRealmRoles(roles: string | readonly string[]): TokenCheck {
  const needed = list(roles, 'roles');
  return (token) => {
    const missing = needed.filter((r) => !token.roles.includes(r));
    if (missing.length > 0)
      throw new InsufficientScopeError(`token lacks the realm role "${missing[0]}"`, { reason: 'insufficient_role' });
  };
}

/** The token must hold every one of these client roles of `clientId` (`resource_access[clientId].roles`). */
export function requireClientRoles(clientId: string, roles: string | readonly string[]): TokenCheck {
  if (typeof clientId !== 'string' || clientId === '') {
    throw new TypeError(`"clientId" must be a non-empty string, not ${describeValue(clientId)}`);
  }
  const needed = list(roles, 'roles');
  return (token) => {
    const held = Object.hasOwn(token.clientRoles, clientId) ? token.clientRoles[clientId]! : [];
    const missing = needed.filter((r) => !held.includes(r));
    if (missing.length > 0)
      throw new InsufficientScopeError(`token lacks the client role "${missing[0]}" of client "${clientId}"`, {
        reason: 'insufficient_role',
      });
  };
}

const ASYNC_PREDICATE =
  'the "requireClaim" predicate must answer true or false at once, not a promise: check anything asynchronous in the handler';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Lets a promise a predicate returned settle unobserved: its rejection must not end the process as an unhandled one. */
function ignoreOutcome(thenable: PromiseLike<unknown>): void {
  try {
    thenable.then(undefined, () => undefined);
  } catch {
    // a thenable whose `then` throws has nothing left to settle
  }
}

/**
 * The token must satisfy a custom predicate. `description` is what a caller is told when it does not
 * (it reaches `error_description`, so it must not describe secrets).
 */
export function requireClaim(
  predicate: TokenPredicate,
  description = 'token does not satisfy a required claim check',
): TokenCheck {
  if (typeof predicate !== 'function')
    throw new TypeError(`"predicate" must be a function, not ${describeValue(predicate)}`);
  if (Object.prototype.toString.call(predicate) === '[object AsyncFunction]') throw new TypeError(ASYNC_PREDICATE);
  if (typeof description !== 'string' || description === '') {
    throw new TypeError(`"description" must be a non-empty string, not ${describeValue(description)}`);
  }
  return (token) => {
    let answer: unknown;
    try {
      answer = predicate(token);
    } catch {
      answer = false; // a predicate that throws on odd claims refuses, it does not crash the request
    }
    if (isThenable(answer)) {
      ignoreOutcome(answer);
      throw new TypeError(ASYNC_PREDICATE);
    }
    if (answer !== true) throw new InsufficientScopeError(description, { reason: 'claim_check' });
  };
}
